import ArgumentParser

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "synth", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`synth` is not implemented yet") }
    }
}
