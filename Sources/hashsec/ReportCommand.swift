import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`report` is not implemented yet") }
    }
}
