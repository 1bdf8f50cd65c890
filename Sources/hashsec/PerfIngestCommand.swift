import ArgumentParser

struct PerfIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "(not yet implemented)")
    func run() throws { try guarded { throw ValidationError("`perf ingest` is not implemented yet") } }
}
