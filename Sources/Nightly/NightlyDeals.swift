import Config
import Domain
import FileIO
import Foundation
import Models
import Pipeline
import Results
import Simulate

/// The per-deal stage of the nightly batch: simulate + stress of one deal into `deals/<name>/`, from inputs read once by
/// the run (the deal, the scenario file, the calibration, the stored history).
enum NightlyDeals {
    /// What one deal contributes to the run's `summary.json` / `changes.csv`.
    struct Outcome { var name: String; var summary: RunSummary? }

    /// Writes `dir/` whole: `deal.yaml` (a copy of the terms), the simulate outputs of `docs/outputs.md` (with the run's
    /// calibration, seed, paths, threads, model, horizon) and `stress.csv`/`stress.json` for the configured scenarios.
    static func run(deal: JobInputs.DealInput, scenarios: JobInputs.ScenarioInput, calibration: CalibrationResolver.Resolved,
                    history: [DailyObservation], curve resolved: ResolvedCurve?, config c: NightlyFile, asOf: Day, dir: URL) throws -> Outcome {
        let name = URL(fileURLWithPath: deal.path).deletingPathExtension().lastPathComponent
        var settings = SimulationSettings(paths: c.paths, seed: c.seed, threads: c.threads,
                                          model: PriceModel(rawValue: c.model) ?? SimulationSettings.defaultModel,
                                          drift: Drift(c.drift) ?? .default, parameterUncertainty: c.parameterUncertainty,
                                          horizonDays: c.horizonDays)
        settings.measure = Measure(rawValue: c.measure) ?? .real
        // The store's latest forward curve (`resolved`, read once by the run): the forward measure's target and the curve value row.
        let curve = NightlyJob.curveOptions
        // A deal with staking leverage also gets the leverage sweep (0…6 loops) for the liquidation-vs-leverage chart.
        let sim = try SimulateJob.run(.init(dealPath: deal.path, settings: settings, asOf: asOf, dbPath: c.db, windowDays: c.calibrationWindowDays,
                                            out: dir.path, sweepMaxLoops: 6, sweepRequiresLeverage: false, curve: curve),
                                      .init(deal: deal, calibration: calibration, curve: resolved))
        var stressSettings = settings
        stressSettings.paths = c.stressPaths
        let window = StressRun.replayWindow(scenarios.scenarios)
        let replay = window.map { w in history.filter { $0.date >= w.lo && $0.date <= w.hi } } ?? []
        let stress = try StressJob.run(.init(dealPath: deal.path, scenariosPath: scenarios.path, dbPath: c.db, asOf: asOf, settings: stressSettings,
                                             out: dir.path, windowDays: c.calibrationWindowDays, curve: curve),
                                       .init(deal: deal, scenarios: scenarios, calibration: calibration, history: replay,
                                             curve: stressSettings.measure == .forward ? resolved : nil))
        try OutputWriter.writeDirectory([OutputFile("deal.yaml", deal.text)] + sim.files + stress.files, to: dir.path)
        return Outcome(name: name, summary: sim.summary)
    }
}
