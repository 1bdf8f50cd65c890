import ArgumentParser

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`merge` is not implemented yet") }
    }
}
