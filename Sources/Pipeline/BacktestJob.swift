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

    /// The realized history, indexed by day, and the ASIC catalog the calibrations use (built once per backtest).
    public struct History: Sendable {
        public let observations: [DailyObservation]
        public let hashprice: [HashpriceDay]
        /// The ASIC catalog (δ's frontier as of each origin, the ASIC-era start, the breakeven check) and its SHA-256.
        public let catalog: AsicCatalog
        public let catalogSHA256: String
        let byDay: [Day: HashpriceDay]
        let priceByDay: [Day: Double]
        public var firstDay: Day? { observations.first?.date }
        public var lastDay: Day? { observations.last?.date }

        /// `catalogPath`: the ASIC catalog CSV (default: the repository's).
        public init(observations: [DailyObservation], catalogPath: String = CalibrateJob.defaultCatalog) throws {
            self.init(observations: observations, catalog: try JobInputs.catalogWithHash(catalogPath))
        }

        /// From inputs already read (the nightly's): the catalog, and the index of `observations` when already computed.
        package init(observations: [DailyObservation], catalog hashed: JobInputs.HashedCatalog, hashprice index: [HashpriceDay]? = nil) {
            (catalog, catalogSHA256) = hashed
            let obs = observations.sorted { $0.date < $1.date }
            self.observations = obs
            hashprice = index ?? HashpriceIndex.compute(obs)
            var d: [Day: HashpriceDay] = [:]
            for h in hashprice { d[h.date] = h }
            byDay = d
            var p: [Day: Double] = [:]
            for o in obs { if let v = o.priceUSD, v > 0, v.isFinite { p[o.date] = v } }
            priceByDay = p
        }

        /// Realized hashprice index, USD/PH/day (nil when the index has no USD value that day).
        public func hashpriceUSD(_ d: Day) -> Double? { byDay[d]?.hashpriceUSDPerPHDay.flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }
        func lnHashpriceUSD(_ d: Day) -> Double? { hashpriceUSD(d).map { Foundation.log($0) } }
    }

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

    /// Scores every origin (in origin order). `fixed`: keep its parameters and re-base only the initial state at each
    /// origin. `progress(done, total)` is called after each origin (from worker threads, serialised).
    public static func evaluate(history: History, deal: Deal, origins: [Day], settings s: Settings, fixed: Calibration? = nil,
                                progress: ((Int, Int) -> Void)? = nil) throws -> [OriginResult] {
        guard s.paths >= 2 else { throw PipelineError.invalidConfiguration("--paths must be ≥ 2") }
        guard !s.models.isEmpty, !s.horizons.isEmpty else { throw PipelineError.invalidConfiguration("backtest needs at least one model and one horizon") }
        var results = [Result<OriginResult?, Error>?](repeating: nil, count: origins.count)
        let lock = NSLock()
        var next = 0, done = 0
        let workers = max(1, min(s.threads, origins.count))
        results.withUnsafeMutableBufferPointer { out in
            let slots = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    lock.lock(); let i = next; next += 1; lock.unlock()
                    guard i < origins.count else { return }
                    let r = Result { try evaluateOrigin(origins[i], history: history, deal: deal, settings: s, fixed: fixed) }
                    lock.lock(); slots[i] = r; done += 1; let d = done; progress?(d, origins.count); lock.unlock()
                }
            }
        }
        return try results.compactMap { try $0!.get() }
    }

    /// One origin: calibration (or re-based fixed parameters), the realized values, one simulation per model, the scores.
    /// nil when no horizon has a realized value.
    static func evaluateOrigin(_ requested: Day, history: History, deal: Deal, settings s: Settings, fixed: Calibration?) throws -> OriginResult? {
        let t0 = Date()
        let cal = try calibration(at: requested, history: history, windowDays: s.windowDays, fit: s.fit, fixed: fixed, models: s.models)
        let tCal = Date().timeIntervalSince(t0)
        let origin = cal.initialState.date
        let horizons = s.horizons.filter { history.hashpriceUSD(origin + $0) != nil }
        guard let maxH = horizons.last else { return nil }
        let schedule = DealSchedule(deal: deal, asOf: origin, horizon: maxH)
        let realizedPayout = realizedCumulativePayout(history: history, deal: deal, schedule: schedule, horizons: horizons)
        let naive = NaiveBaseline(lnHashprice: history.lnHashpriceUSD, origin: origin)
        let seed = originSeed(s.seed, origin)
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
            for (k, h) in horizons.enumerated() {
                let payout = realizedPayout[k].map { (simulated: cap.payout(day: k), realized: $0, u: pitUniform(seed, mi, h, series: 1)) }
                records.append(ForecastRecord.score(model: model.rawValue, origin: origin, horizon: h, simulated: cap.hashprice(day: k),
                                                    realized: history.hashpriceUSD(origin + h)!, u: pitUniform(seed, mi, h, series: 0),
                                                    naive: naive, payout: payout))
            }
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

    /// The deal's realized cumulative net payout per token (USD) at each horizon, by the pricer of the simulation
    /// (`TokenPricer`) run over the realized price and hashprice (BTC/PH/day) history from the day after the origin;
    /// nil at a horizon when a day up to it lacks either.
    static func realizedCumulativePayout(history: History, deal: Deal, schedule: DealSchedule, horizons: [Int]) -> [Double?] {
        let origin = schedule.asOf, n = horizons.last ?? 0
        var price = [Double](repeating: 0, count: max(n, 1)), hpBTC = price
        var available = 0
        for t in 1...max(n, 1) where t <= n {
            guard let p = history.priceByDay[origin + t], let h = history.byDay[origin + t]?.hashpriceBTCPerPHDay, h.isFinite, h >= 0 else { break }
            price[t - 1] = p; hpBTC[t - 1] = h; available = t
        }
        let tokenDays = max(0, min(schedule.tokenDays, available - schedule.offset))
        let pricer = TokenPricer(deal: deal, offset: schedule.offset, tokenDays: tokenDays)
        defer { pricer.deallocate() }
        let buf = TokenPricer.DailyBuffers(capacity: max(tokenDays, 1))
        defer { buf.deallocate() }
        _ = price.withUnsafeBufferPointer { p in hpBTC.withUnsafeBufferPointer { h in pricer.price(priceUSD: p.baseAddress!, hashpriceBTC: h.baseAddress!, into: buf) } }
        return horizons.map { h in
            guard h <= available else { return nil }
            let upTo = min(max(h - schedule.offset, 0), tokenDays)
            var sum = 0.0
            for i in 0..<upTo { sum += buf.netUSD[i] }
            return sum
        }
    }

    /// The simulation seed of an origin: `splitmix64(seed ⊕ splitmix64(origin day number))`, the same for every model
    /// (common random numbers across models), different across origins.
    static func originSeed(_ seed: UInt64, _ origin: Day) -> UInt64 { splitMix64(seed ^ splitMix64(UInt64(bitPattern: Int64(origin.ordinal)))) }

    /// The PIT randomisation of (origin seed, model, horizon, series), uniform in (0, 1).
    static func pitUniform(_ originSeed: UInt64, _ model: Int, _ horizon: Int, series: Int) -> Double {
        var r = PathRandom(seed: originSeed, path: UInt64(model * 100_000 + horizon), stream: UInt64(100 + series))
        return r.uniform()
    }
}
