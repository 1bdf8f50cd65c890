import ArgumentParser
import Models
import Domain
import Foundation
import Pipeline
import Simulate

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Monte Carlo of a token deal: price, hash rate, fees, blocks, retargets and halvings per path (SPEC §5, §6).",
        discussion: """
        Each path's random stream depends only on (seed, path), so outputs are byte-identical for any --threads and any
        sharding. Antithetic pairs are on by default. Outputs (docs/outputs.md): summary.json, hashprice/price/payout/
        btc_cumulative quantile CSVs, PV and IRR histograms, paths.csv with --paths-csv, manifest.json.

        Examples:
          hashsec simulate datasets/deals/s21-token.yaml --calibration cal.json --paths 20000 --out runs/s21
          hashsec simulate datasets/deals/btcst-like.yaml --as-of 2022-06-30 --model bootstrap --out runs/btcst-2022
          hashsec simulate deal.yaml --calibration cal.json --measure risk-neutral --rate 0.04 --threads 2
          hashsec simulate deal.yaml --calibration cal.json --paths 100000 --shard 0/4 --out runs/big   # then: hashsec merge runs/big/shard-*
          hashsec simulate datasets/deals/leveraged-example.yaml --paths 2000 --sweep-leverage 6 --out runs/lev
          hashsec simulate datasets/deals/s21-token.yaml --calibration cal.json --paths 20000 --sensitivities --out runs/s21-sens
          hashsec simulate datasets/deals/s21-token.yaml --as-of 2024-10-07 --measure forward --out runs/fwd   # after: hashsec ingest datasets/curves/example-curve.csv
          hashsec simulate datasets/deals/s21-token.yaml --as-of 2024-10-07 --hedge var --out runs/hedge
        """
    )

    @Argument(help: "Deal YAML file (SPEC §6).") var deal: String
    @Option(help: "Number of paths.") var paths: Int = 10_000
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Worker threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Simulated days (default: token start offset + term).") var horizon: Int?
    @Option(help: "Use only data up to this day (YYYY-MM-DD).", transform: parseDayOption) var asOf: Day?
    @OptionGroup var price: PriceOptions
    @OptionGroup var measure: MeasureOptions
    @OptionGroup var hedge: HedgeOptions
    @Option(help: "Calibration JSON (default: the store's, or calibrate now).") var calibration: String?
    @Option(help: "Output directory.") var out: String?
    @Flag(help: "Also write paths.csv (one row per path).") var pathsCsv = false
    @Flag(help: "Disable antithetic variates.") var noAntithetic = false
    @Flag(help: "Sample daily block counts from a Poisson law.") var poissonBlocks = false
    @Option(help: "Write shard i of n (0-based) to OUT/shard-i-of-n/.") var shard: String?
    @OptionGroup var store: StoreOptions
    @Option(help: "Also sweep the deal's staking leverage over loops 0…N at its LTV, and one loop at 5 %, 10 %, … LTV below it, on the same paths (writes leverage_sweep.csv).")
    var sweepLeverage: Int?
    @Flag(help: "Also revalue on the same random numbers with the start BTC price ±10 %, network hash rate ±10 %, power ±0.01 USD/kWh, fees ×1.5 and volatility +5 points (writes sensitivities.csv; not with --shard).")
    var sensitivities = false

    func run() throws {
        try guarded {
            guard paths >= 1, threads >= 1 else { throw ValidationError("--paths and --threads must be ≥ 1") }
            if let h = horizon, h < 1 { throw ValidationError("--horizon must be ≥ 1") }
            let sh = try parseShardOption(shard, out: out)
            if sensitivities, sh != nil {
                throw ValidationError("--sensitivities cannot be combined with --shard: the paired differences need every path of the base and bumped runs in one process (run it unsharded)")
            }
            if let n = sweepLeverage, !(0...50).contains(n) { throw ValidationError("--sweep-leverage takes 0…50") }
            var settings = SimulationSettings(paths: paths, seed: seed, threads: threads,
                                              antithetic: !noAntithetic, poissonBlocks: poissonBlocks, horizonDays: horizon)
            let curveOptions = try measure.apply(&settings)
            try price.apply(&settings)
            let (hedgeSize, settlement, im) = try hedge.parsed()
            if let h = hedgeSize, h.isOptimized, sh != nil { throw ValidationError("--hedge \(h) is chosen on all the run's paths: not with --shard") }
            let r = try SimulateJob.run(.init(dealPath: deal, settings: settings, asOf: asOf, calibrationPath: calibration,
                                              dbPath: store.db, out: out, pathsCSV: pathsCsv, shard: sh, sweepMaxLoops: sweepLeverage,
                                              curve: curveOptions, hedge: hedgeSize, hedgeSettlement: settlement, initialMargin: im,
                                              sensitivities: sensitivities))
            print(r.summaryText)
            if let o = out { print("wrote \(sh.map { "\(o)/shard-\($0.index)-of-\($0.count)" } ?? o)") }
        }
    }
}
