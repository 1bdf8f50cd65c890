import Foundation
import Models
import Simulate
import Statistics

/// The per-deal stage of the nightly batch: simulate + stress of one deal into `deals/<name>/`.
enum NightlyDeals {
    /// Output of one deal: its headline metrics for `summary.json` / `changes.csv`.
    struct Outcome { var name: String; var metrics: [String: Double]? }

    /// Writes `dir/deal.yaml` (a copy of the terms), the simulate outputs of `docs/outputs.md` (with the run's
    /// calibration, seed, paths, threads, model, horizon) and `stress.csv`/`stress.json` for the configured scenarios.
    static func run(dealPath: String, dir: URL, config ctx: NightlyJob.Context) throws -> Outcome {
        let name = URL(fileURLWithPath: dealPath).deletingPathExtension().lastPathComponent
        guard let data = FileManager.default.contents(atPath: dealPath) else {
            throw PipelineError.inputMissing(path: dealPath, reason: "deal file not found")
        }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try data.write(to: dir.appendingPathComponent("deal.yaml"))
        } catch { throw PipelineError.cannotWrite(path: dir.path, reason: "\(error)") }
        let c = ctx.config
        var settings = SimulationSettings(paths: c.paths, seed: c.seed, threads: c.threads,
                                          model: PriceModel(rawValue: c.model) ?? SimulationSettings.defaultModel,
                                          drift: Drift(c.drift) ?? .default, parameterUncertainty: c.parameterUncertainty,
                                          horizonDays: c.horizonDays)
        settings.measure = Measure(rawValue: c.measure) ?? .real
        // The store's latest forward curve (when one is stored): the forward measure's target and the curve value row.
        let curve = CurveOptions(fromStore: true)
        // A deal with staking leverage also gets the leverage sweep (0…6 loops) for the liquidation-vs-leverage chart.
        let sim = try SimulateJob.run(.init(dealPath: dealPath, settings: settings, asOf: ctx.asOf, calibrationPath: ctx.calibrationPath,
                                      dbPath: c.db, out: dir.path, sweepMaxLoops: 6, sweepRequiresLeverage: false, curve: curve))
        var stressSettings = settings
        stressSettings.paths = c.stressPaths
        _ = try StressJob.run(.init(dealPath: dealPath, scenariosPath: c.scenarios, dbPath: c.db, asOf: ctx.asOf, settings: stressSettings,
                                    out: dir.path, windowDays: c.calibrationWindowDays, calibrationPath: ctx.calibrationPath,
                                    curve: curve))
        return Outcome(name: name, metrics: sim.summary.map(headline))
    }

    /// Headline metrics of a deal's summary (`summary.json` of the run's `deals` object; non-finite ones left out).
    static func headline(_ s: RunSummary) -> [String: Double] {
        let m: [String: Double?] = ["pv_usd_mean": s.pvMean, "btc_total_mean": s.btcMean, "prob_loss": s.probLoss,
                                    "prob_pv_below_price": s.probPVBelowPrice, "prob_payback": s.probPayback,
                                    "pv_usd_p05": s.pvQuantiles["p05"], "irr_p50": s.irrQuantiles["p50"]]
        return m.compactMapValues { $0.flatMap { $0.isFinite ? $0 : nil } }
    }
}
