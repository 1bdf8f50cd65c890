import ArgumentParser

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`simulate` is not implemented yet") }
    }
}
