import ArgumentParser
import Models
import Domain
import Foundation
import Pipeline
import Simulate

struct StressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Run a deal under named stress scenarios (SPEC §7) on common random numbers and tabulate every headline metric.",
        discussion: """
        The base case and every scenario use the same seed, paths and random streams, so differences come from the shocks
        only. Scenario kinds: price_crash, hashrate_surge, hashrate_outage, fee_collapse, fee_spike, power_price,
        halving_shift, historical_replay (realized daily moves of price, 7-day hash rate and fees over a past window, from
        the store). Writes stress.csv and stress.json (docs/outputs.md) to --out; the first row is `base`.

        Examples:
          hashsec stress datasets/deals/structured-example.yaml --paths 2000 --out runs/stress
          hashsec stress datasets/deals/leveraged-example.yaml --scenarios datasets/scenarios/default.yaml --seed 7
          hashsec stress deal.yaml --scenarios my-scenarios.yaml --as-of 2024-04-19 --calibration cal.json --threads 2
          hashsec stress deal.yaml --calibration cal.json --paths 100000 --shard 0/4 --out runs/st   # then: hashsec merge runs/st
          hashsec stress datasets/deals/s21-token.yaml --as-of 2024-10-07 --measure forward   # after: hashsec ingest datasets/curves/example-curve.csv
        """
    )

    @Argument(help: "Deal YAML file (SPEC §6).") var deal: String
    @Option(help: "Scenario YAML file (default: datasets/scenarios/default.yaml).") var scenarios: String?
    @Option(help: "Number of paths (the same for every scenario).") var paths: Int = 2000
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Worker threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Simulated days (default: token start offset + term).") var horizon: Int?
    @Option(help: "Use only data up to this day (YYYY-MM-DD).", transform: parseDayOption) var asOf: Day?
    @OptionGroup var price: PriceOptions
    @OptionGroup var measure: MeasureOptions
    @Option(help: "Calibration JSON (default: the store's, or calibrate now).") var calibration: String?
    @Option(help: "Output directory for stress.csv and stress.json.") var out: String?
    @Option(help: "Write shard i of n (0-based) to OUT/stress-shard-i-of-n/ (combine with `hashsec merge OUT`).") var shard: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
        try guarded {
            guard paths >= 1, threads >= 1 else { throw ValidationError("--paths and --threads must be ≥ 1") }
            if let h = horizon, h < 1 { throw ValidationError("--horizon must be ≥ 1") }
            let sh = try parseShardOption(shard, out: out)
            var settings = SimulationSettings(paths: paths, seed: seed, threads: threads, horizonDays: horizon)
            let curveOptions = try measure.apply(&settings)
            try price.apply(&settings)
            let r = try StressJob.run(.init(dealPath: deal, scenariosPath: scenarios, dbPath: store.db, asOf: asOf,
                                            settings: settings, out: out, calibrationPath: calibration, shard: sh, curve: curveOptions))
            print(r.text)
            if let o = out, sh == nil { print("wrote \(o)/stress.csv, \(o)/stress.json") }
        }
    }
}
