import ArgumentParser

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`ingest` is not implemented yet") }
    }
}
