import ArgumentParser

struct StressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stress", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`stress` is not implemented yet") }
    }
}
