import Backtest
import Hashprice
import Calibrate
import Config
import Domain
import Foundation
import Models
import Simulate
import Store

/// `hashsec backtest` (SPEC §12): for each origin, calibrate with data ≤ origin, simulate each model from it, and score
/// the simulated hashprice and the deal's payout to date at each horizon against what happened.
///
/// The history (observations and the hashprice index) is loaded and computed once; each origin then calibrates on the
/// days ≤ origin only (`Calibrator.calibrate` filters before anything else), or — with a fixed calibration (`--calibration
/// FILE`, the "oracle" mode of the self-backtest) — keeps the file's parameters and re-bases only the initial state
/// (`Calibrator.initialState`). Origins run in parallel; every origin's numbers depend only on (inputs, seed, origin), so the
/// outputs are byte-identical for any `--threads`.
public enum BacktestJob {
    /// What is scored and how (everything but the data and the origins).
    public struct Settings: Sendable {
        public var horizons: [Int]
        public var models: [PriceModel]
        public var paths: Int
        public var seed: UInt64
        public var threads: Int
        /// The price models' calibration window (replaces `fit.priceWindowDays`).
        public var windowDays: Int
        public var poissonBlocks: Bool
        /// The stated price drift and parameter uncertainty, for every model (SPEC §5; defaults as `simulate`'s).
        public var drift: Drift
        public var driftPrior: DriftPrior
        public var parameterUncertainty: Bool
        /// Every other calibration option (hash-rate and fee windows, efficiency trend).
        public var fit: CalibrationOptions
        /// Antithetic pairs (as `simulate`); off gives independent paths, so a realized value drawn from the model is
        /// exchangeable with the simulated ones (the self-backtest's exact setting for few paths).
        public var antithetic: Bool
        public init(horizons: [Int] = [30, 90, 180, 365, 730], models: [PriceModel] = PriceModel.allCases, paths: Int = 2000,
                    seed: UInt64 = 1, threads: Int = 1, windowDays: Int = Calibrator.defaultWindowDays, poissonBlocks: Bool = false,
                    drift: Drift = .default, driftPrior: DriftPrior = .default,
                    parameterUncertainty: Bool = SimulationDefaults.parameterUncertainty, fit: CalibrationOptions = .standard,
                    antithetic: Bool = true) {
            self.horizons = horizons.sorted(); self.models = models; self.paths = paths; self.seed = seed; self.threads = threads
            self.windowDays = windowDays; self.poissonBlocks = poissonBlocks
            self.drift = drift; self.driftPrior = driftPrior; self.parameterUncertainty = parameterUncertainty; self.fit = fit
            self.antithetic = antithetic
        }
        /// As in `simulate`'s manifest: the measure with its stated assumptions.
        var measureStatement: String {
            SimulationSettings(drift: drift, driftPrior: driftPrior, parameterUncertainty: parameterUncertainty).measureStatement
        }
    }

    public static let backtestColumns = BacktestOutputs.backtestColumns
    public static let scoresColumns = BacktestOutputs.scoresColumns

    /// The realized history (`Backtest.BacktestHistory`).
    public typealias History = BacktestHistory

    /// One origin's scored forecasts and what they cost.
    public struct OriginResult: Sendable {
        public var requested: Day
        /// The initial-state day (the last usable day ≤ the requested origin).
        public var origin: Day
        public var records: [ForecastRecord]
        public var calibration: Calibration
        public var calibrationSeconds: Double
        public var simulationSeconds: Double
    }

    /// Scores every origin (in origin order, `BacktestRun.parallel`). `fixed`: keep its parameters and re-base only the
    /// initial state at each origin. `progress(done, total)` is called after each origin (from worker threads, serialised).
    public static func evaluate(history: History, deal: Deal, origins: [Day], settings s: Settings, fixed: Calibration? = nil,
                                progress: ((Int, Int) -> Void)? = nil) throws -> [OriginResult] {
        guard s.paths >= 2 else { throw PipelineError.invalidConfiguration("--paths must be ≥ 2") }
        guard !s.models.isEmpty, !s.horizons.isEmpty else { throw PipelineError.invalidConfiguration("backtest needs at least one model and one horizon") }
        return try BacktestRun.parallel(count: origins.count, threads: s.threads, progress: progress) { i in
            try evaluateOrigin(origins[i], history: history, deal: deal, settings: s, fixed: fixed)
        }
    }

    /// One origin: calibration (or re-based fixed parameters), the realized values, one simulation per model, the scores
    /// (`BacktestRun.records`). nil when no horizon has a realized value.
    static func evaluateOrigin(_ requested: Day, history: History, deal: Deal, settings s: Settings, fixed: Calibration?) throws -> OriginResult? {
        let t0 = Date()
        let cal = try calibration(at: requested, history: history, windowDays: s.windowDays, fit: s.fit, fixed: fixed, models: s.models)
        let tCal = Date().timeIntervalSince(t0)
        let origin = cal.initialState.date
        let horizons = s.horizons.filter { history.hashpriceUSD(origin + $0) != nil }
        guard let maxH = horizons.last else { return nil }
        let schedule = DealSchedule(deal: deal, asOf: origin, horizon: maxH)
        let realized = history.realizedDays(after: origin, count: maxH)
        let realizedPayout = TokenPricer.realizedCumulativeNetUSD(deal: deal, schedule: schedule, priceUSD: realized.priceUSD,
                                                                  hashpriceBTC: realized.hashpriceBTC, available: realized.available, horizons: horizons)
        let naive = NaiveBaseline(lnHashprice: history.lnHashpriceUSD, origin: origin)
        let seed = BacktestRun.originSeed(s.seed, origin)
        var records: [ForecastRecord] = []
        let t1 = Date()
        for (mi, model) in s.models.enumerated() {
            let settings = SimulationSettings(paths: s.paths, seed: seed, threads: 1, model: model, measure: .real, drift: s.drift,
                                              driftPrior: s.driftPrior, parameterUncertainty: s.parameterUncertainty, antithetic: s.antithetic,
                                              poissonBlocks: s.poissonBlocks, horizonDays: maxH)
            // The engine with only what the scores read: per-path outcomes and the capture (no per-day histograms).
            let run = try MonteCarlo.run(deal: deal, calibration: cal, settings: settings, scenarios: [nil], accumulate: [], capture: horizons)[0]
            let cap = run.capture!
            // Scores need finite positive hashprices and finite payouts; a model that produces anything else here is not
            // identified by this calibration, and the origin is refused with the reason (never a NaN in a file, never a crash).
            let bad = cap.hashpriceUSD.filter { !($0.isFinite && $0 > 0) }.count + cap.payoutUSD.filter { !$0.isFinite }.count
            if bad > 0 {
                throw PipelineError.insufficientData("backtest origin \(origin), model \(model.rawValue): \(bad) of \(2 * cap.hashpriceUSD.count) simulated "
                    + "hashprices/payouts at \(horizons.map(String.init).joined(separator: ","))-day horizons are not finite (or hashprice ≤ 0): the "
                    + "calibration does not identify the model (e.g. parameter draws from a short window); try a longer --window or --parameter-uncertainty off")
            }
            records += BacktestRun.records(model: model.rawValue, modelIndex: mi, origin: origin, horizons: horizons, seed: seed, history: history,
                                           naive: naive, realizedPayout: realizedPayout, simulated: cap.hashprice(day:), payout: cap.payout(day:))
        }
        return OriginResult(requested: requested, origin: origin, records: records, calibration: cal, calibrationSeconds: tCal,
                            simulationSeconds: Date().timeIntervalSince(t1))
    }

    /// The calibration a forecast from `requested` starts from, using the history's days ≤ `requested` only: fitted
    /// (`Calibrator.calibrate` on the once-computed observations and index, with `fit` and the price window `windowDays`),
    /// or `fixed` with its initial state re-based (its hash-rate trend keeps its own origin, so the breakeven goes on falling
    /// from the fixed calibration's as-of). `models`: the price models to fit (nil: all; the backtest fits only those it
    /// simulates, the other models' parameters stay unfitted placeholders).
    public static func calibration(at requested: Day, history: History, windowDays: Int, fit: CalibrationOptions = .standard,
                                   fixed: Calibration? = nil, models: [PriceModel]? = nil) throws -> Calibration {
        do {
            guard var c = fixed else {
                var o = fit
                o.priceWindowDays = windowDays
                o.catalogSHA256 = history.catalogSHA256
                return try Calibrator.calibrate(observations: history.observations, hashprice: history.hashprice, asOf: requested,
                                                options: o, catalog: history.catalog, priceModels: models)
            }
            c.initialState = try Calibrator.initialState(observations: history.observations, hashprice: history.hashprice, asOf: requested)
            return c
        } catch let e as CalibrateError {
            throw PipelineError.insufficientData("backtest origin \(requested): \(e)")
        }
    }
}
