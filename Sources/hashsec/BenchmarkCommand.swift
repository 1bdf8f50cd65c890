import ArgumentParser

struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "benchmark", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`benchmark` is not implemented yet") }
    }
}
