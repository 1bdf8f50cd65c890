import ArgumentParser

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calibrate", abstract: "(not yet implemented)")
    func run() throws {
        try guarded { throw ValidationError("`calibrate` is not implemented yet") }
    }
}
