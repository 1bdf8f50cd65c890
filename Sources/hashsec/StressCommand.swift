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
    @OptionGroup var simulation: SimulationOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        try guarded {
            let o = simulation
            guard o.sampling == Sampling.Method.pseudo.rawValue else {
                throw ValidationError("--sampling \(o.sampling) is for simulate only: stress compares scenarios on common pseudo-random numbers")
            }
            let r = try StressJob.run(.init(dealPath: deal, scenariosPath: scenarios, dbPath: store.db, asOf: o.asOf,
                                            settings: try o.settings(defaultPaths: 2000), out: o.out, windowDays: o.window,
                                            calibrationPath: o.calibration, shard: try o.parsedShard(), curve: o.curveOptions()))
            print(r.text)
            if let f = r.folder, o.shard == nil { print("wrote \(f)/stress.csv, \(f)/stress.json, \(f)/manifest.json") }
        }
    }
}
