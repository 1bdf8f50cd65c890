import ArgumentParser

struct NightlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nightly", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`nightly` is not implemented yet") }
    }
}
