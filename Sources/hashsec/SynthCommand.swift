import ArgumentParser
import Pipeline

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic daily history (one simulated path: Merton price, Poisson blocks) as tidy CSV.",
        discussion: """
        Deterministic in (calibration, days, seed). Without --calibration the reference parameters of
        datasets/synthetic-calibration.json (round, plausible values; not fitted to licensed data) are used.

        Examples:
          hashsec synth --out datasets/synthetic-history.csv
          hashsec synth --out /tmp/s.csv --days 30 --save-calibration datasets/synthetic-calibration.json
          hashsec synth --out /tmp/synth.csv --days 3650 --seed 11 --calibration cal.json
        """
    )
    @Option(help: "Output CSV.") var out: String
    @Option(help: "Number of days.") var days: Int = 1460
    @Option(help: "Random seed (the committed datasets/synthetic-history.csv uses the default, 7: among seeds 1–40, a path whose end state is close to today's network scale).") var seed: UInt64 = 7
    @Option(help: "Calibration JSON (default: the reference calibration).") var calibration: String?
    @Option(help: "Also write the calibration used as JSON.") var saveCalibration: String?

    func run() throws {
        try guarded {
            guard days >= 1 else { throw ValidationError("--days must be ≥ 1") }
            let obs = try SynthJob.run(out: out, days: days, seed: seed, calibrationPath: calibration, saveCalibration: saveCalibration)
            print("wrote \(obs.count) synthetic days \(obs.first!.date)…\(obs.last!.date) to \(out)")
        }
    }
}
