import Benchmark
import Calibrate
import Domain
import Foundation
import Store

/// `hashsec calibrate`: store → Benchmark (hashprice index) → Calibrate → store (versioned by as-of) + JSON (+ table CSV).
public enum CalibrateJob {
    public struct Options: Sendable {
        public var dbPath: String
        public var asOf: Day?
        /// The price models' window (`--window`).
        public var windowDays: Int
        public var out: String?
        public var table: String?
        /// Every other fit option (`--hashrate-window`, `--fee-window`, `--efficiency-trend`, `--efficiency-window`);
        /// its `priceWindowDays` is replaced by `windowDays`.
        public var fit: CalibrationOptions
        /// The ASIC catalog CSV (frontier for δ, ASIC-era start, breakeven check).
        public var catalogPath: String
        public init(dbPath: String, asOf: Day? = nil, windowDays: Int = Calibrator.defaultWindowDays, out: String? = nil, table: String? = nil,
                    fit: CalibrationOptions = .standard, catalogPath: String = defaultCatalog) {
            self.dbPath = dbPath; self.asOf = asOf; self.windowDays = windowDays; self.out = out; self.table = table
            self.fit = fit; self.catalogPath = catalogPath
        }
    }

    public static let defaultCatalog = "datasets/asic-catalog.csv"

    public struct Result: Sendable {
        public var calibration: Calibration
        public var json: String
        /// Human-readable parameter table.
        public var text: String
    }

    /// Runs the calibration. `asOf` defaults to the newest complete day (every value the model needs; a trailing
    /// partial row still being filled is not an as-of), else the last stored day. Uses only data ≤ asOf.
    public static func run(_ o: Options) throws -> Result {
        let store = try Store(path: o.dbPath, verify: true)
        guard let range = try store.dateRange() else { throw PipelineError.insufficientData("the store \(o.dbPath) is empty: run `hashsec ingest` first") }
        let asOf = try o.asOf ?? store.lastCompleteDay() ?? range.upperBound
        guard asOf >= range.lowerBound else { throw PipelineError.insufficientData("no history on or before --as-of \(asOf) (store starts \(range.lowerBound))") }
        let obs = try store.observations(from: nil, through: asOf)
        var fit = o.fit
        fit.priceWindowDays = o.windowDays
        let cal = try calibrate(observations: obs, asOf: asOf, options: fit, catalogPath: o.catalogPath)
        let json = try encode(cal)
        var pending: [(URL, URL)] = []
        defer { for (tmp, _) in pending { try? FileManager.default.removeItem(at: tmp) } }
        if let out = o.out { pending.append(try BenchmarkJob.writeAside(json, to: out)) }
        if let t = o.table { pending.append(try BenchmarkJob.writeAside(CalibrationTable.csv(cal), to: t)) }
        try store.saveCalibration(asOf: cal.asOf, json: json)
        for (tmp, dest) in pending { try BenchmarkJob.commit(tmp, dest) }
        pending.removeAll()
        return Result(calibration: cal, json: json, text: table(cal))
    }

    /// Benchmark then Calibrate on observations with the default options and the repository's ASIC catalog, the price
    /// window set to `windowDays`.
    public static func calibrate(observations: [DailyObservation], asOf: Day, windowDays: Int) throws -> Calibration {
        try calibrate(observations: observations, asOf: asOf, options: .standard(priceWindowDays: windowDays))
    }

    /// Benchmark then Calibrate on observations (used by `run` and the nightly batch): reads the catalog at `catalogPath`
    /// and records its SHA-256 in the calibration's options.
    public static func calibrate(observations: [DailyObservation], asOf: Day, options: CalibrationOptions,
                                 catalogPath: String = defaultCatalog) throws -> Calibration {
        let (catalog, sha) = try BenchmarkJob.loadCatalogWithHash(catalogPath)
        var o = options
        o.catalogSHA256 = sha
        let honest = observations.filter { $0.date <= asOf }
        return try Calibrator.calibrate(observations: honest, hashprice: HashpriceIndex.compute(honest), asOf: asOf, options: o, catalog: catalog)
    }

    /// JSON with sorted keys, pretty-printed.
    public static func encode(_ c: Calibration) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try enc.encode(c), as: UTF8.self) + "\n"
    }

    static func table(_ c: Calibration) -> String {
        var lines = ["calibration as of \(c.asOf) (window \(c.windowStart)…\(c.windowEnd), \(c.merton.observations) daily returns)",
                     "model        parameter                                 value         stderr"]
        for r in CalibrationTable.rows(c) {
            let v = String(format: "%13.6g", r.value)
            let s = r.stderr.map { String(format: "%13.6g", $0) } ?? ""
            lines.append("\(r.model.padding(toLength: 12, withPad: " ", startingAt: 0)) \(r.parameter.padding(toLength: 36, withPad: " ", startingAt: 0)) \(v)  \(s)")
        }
        if let sup = c.hashRate.supply {
            let e = sup.efficiencyTrend
            let from = e.source == .override ? "stated (--efficiency-trend)"
                : "catalog frontier, \(e.points.count) points over \(String(format: "%.1f", e.windowYears ?? 0)) years (\(e.points.map(\.model).joined(separator: ", ")))"
            lines.append("efficiency trend δ = \(String(format: "%.4f", e.perYear)) ± \(String(format: "%.4f", e.delta.stderr * 365.25)) /yr "
                         + "(frontier J/TH −\(String(format: "%.1f", (1 - Foundation.exp(-e.perYear)) * 100)) %/yr), \(from)")
            lines.append("supply response κ = \(String(format: "%.3g", sup.kappa.value)) ± \(String(format: "%.2g", sup.kappa.stderr)) /day "
                         + "(t = \(String(format: "%.1f", sup.kappaTStatistic)), half-life \(Int((Foundation.log(2) / sup.kappa.value).rounded())) days), "
                         + "lag \(c.hashRate.lag) days\(sup.lagIdentified ? "" : " (not identified)"), \(sup.weeks) weeks \(sup.windowStart)…\(sup.windowEnd)")
            if let note = sup.windowNote { lines.append("hash-rate window: \(note)") }
            if let b = sup.breakevenCheck { lines.append("breakeven check: \(b.summary)") }
            else { lines.append("implied breakeven \(String(format: "%.1f", sup.breakevenUSDPerPHDay.value)) USD/PH/day (no catalog: not checked)") }
            for w in sup.warnings { lines.append("warning: \(w)") }
        } else {
            lines.append("hash-rate model: free trend (a calibration written before the supply model)")
        }
        let s = c.initialState
        lines.append("initial state \(s.date): price \(s.priceUSD) USD, hash rate \(String(format: "%.1f", s.hashRateHs / 1e18)) EH/s, height \(s.height), "
                     + "fee \(String(format: "%.4f", s.feePerBlockBTC)) BTC/block, epoch day \(String(format: "%.2f", s.epochElapsedDays))")
        return lines.joined(separator: "\n")
    }
}
