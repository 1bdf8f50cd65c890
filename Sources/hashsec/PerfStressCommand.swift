import ArgumentParser

struct PerfStressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stress", abstract: "(not yet implemented)")
    func run() throws { try guarded { throw ValidationError("`perf stress` is not implemented yet") } }
}
