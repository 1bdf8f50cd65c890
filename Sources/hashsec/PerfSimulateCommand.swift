import ArgumentParser

struct PerfSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "(not yet implemented)")
    func run() throws { try guarded { throw ValidationError("`perf simulate` is not implemented yet") } }
}
