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
    @OptionGroup var simulation: SimulationOptions
    @OptionGroup var hedge: HedgeOptions
    @Flag(help: "Also write paths.csv (one row per path).") var pathsCsv = false
    @OptionGroup var store: StoreOptions
    @Option(help: "Also sweep the deal's staking leverage over loops 0…N at its LTV, and one loop at 5 %, 10 %, … LTV below it, on the same paths (writes leverage_sweep.csv).")
    var sweepLeverage: Int?
    @Flag(help: "Also revalue on the same random numbers with the start BTC price ±10 %, network hash rate ±10 %, power ±0.01 USD/kWh, fees ×1.5 and volatility +5 points (writes sensitivities.csv; not with --shard).")
    var sensitivities = false

    func validate() throws {
        if let n = sweepLeverage, !(0...50).contains(n) { throw ValidationError("--sweep-leverage takes 0…50") }
        if sensitivities, simulation.shard != nil {
            throw ValidationError("--sensitivities cannot be combined with --shard: the paired differences need every path of the base and bumped runs in one process (run it unsharded)")
        }
    }

    func run() throws {
        try guarded {
            let o = simulation, sh = try o.parsedShard()
            let (hedgeSize, settlement, im) = try hedge.parsed()
            if let h = hedgeSize, h.isOptimized, sh != nil { throw ValidationError("--hedge \(h) is chosen on all the run's paths: not with --shard") }
            let r = try SimulateJob.run(.init(dealPath: deal, settings: try o.settings(defaultPaths: 10_000), asOf: o.asOf, calibrationPath: o.calibration,
                                              dbPath: store.db, windowDays: o.window, out: o.out, pathsCSV: pathsCsv, shard: sh,
                                              sweepMaxLoops: sweepLeverage, curve: o.curveOptions(), hedge: hedgeSize, hedgeSettlement: settlement,
                                              initialMargin: im, sensitivities: sensitivities))
            print(r.summaryText)
            if let f = r.folder { print("wrote \(f)") }
        }
    }
}
