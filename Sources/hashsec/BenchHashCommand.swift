import ArgumentParser

struct BenchHashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-hash", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`bench-hash` is not implemented yet") }
    }
}
