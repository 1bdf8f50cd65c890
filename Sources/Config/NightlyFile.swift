import Domain
import Foundation
import Models

/// The nightly batch configuration (`hashsec nightly CONFIG.yaml`). Relative paths are resolved against the
/// directory of the configuration file, so cron/systemd can run from any working directory.
///
///     db: ../reports/hashsec.sqlite
///     inputs:
///       - path: synthetic-history.csv      # file path or http(s) URL
///         format: tidy                     # optional: coinmetrics | tidy | series | headers (default: auto-detect)
///     max_data_age_days: 3                 # staleness limit for the newest complete day
///     today: data                          # "system" (default), "data" (= the last stored date) or YYYY-MM-DD
///     deals: [deals/basic.yaml]
///     scenarios: scenarios/standard.yaml
///     paths: 2000
///     stress_paths: 2000                   # paths per stress scenario (default min(paths, 5000))
///     seed: 42
///     threads: 2
///     horizon_days: 1095                   # optional cap; default: each deal's own term (a cap below a term is a
///                                          # truncation, stated in that deal's outputs)
///     model: merton
///     calibration_window_days: 1460       # price models' window
///     hashrate_window_days: 2922           # optional: the hash-rate fit's window (default: calibrate's)
///     fee_window_days: 1460                # optional: the fee model's window (default: calibrate's)
///     efficiency_trend: 0.2                # optional: state δ per year (default: from the ASIC catalog's frontier)
///     efficiency_window_years: 4           # optional: years of frontier points for δ (default: calibrate's)
///     reports_dir: ../reports
///     notebooks_dir: ../notebooks-export
///     thresholds: {default: 0.10, pv_usd_mean: 0.10}
///     download_timeout_seconds: 120        # total deadline of each http(s) input
///     backtest:                            # optional: `hashsec backtest` on a schedule (SPEC §12), see `Backtest`
///       every_days: 30                     # run when the latest backtest's data is ≥ 30 days older (0: every run)
///       deal: deals/s21-token.yaml         # default: the first deal
///       models: [merton, gbm, bootstrap]   # default: [model]
///       every: quarter                     # origin grid: month | quarter | <N>d
///       from: 2016-01-01                   # first origin (default: first stored day + window_days)
///       horizons: [30, 90, 180, 365, 730]
///       paths: 1000
///       require: default                   # optional checks; a failure is flagged in the report and logged
public struct NightlyFile: Equatable, Sendable {
    public struct Input: Equatable, Sendable {
        public var path: String
        public var format: String?
    }

    /// The nightly's scheduled backtest. Results go to `<reports_dir>/backtests/<data as-of>/`; the run report shows the
    /// latest one's coverage and skill (model validation) and links to it.
    public struct Backtest: Equatable, Sendable {
        public var everyDays: Int
        public var deal: String?
        public var models: [String]
        /// Origin grid, `month`, `quarter` or `<N>d` (checked here; parsed by the backtest).
        public var every: String
        public var offsetDays: Int
        public var from: Day?
        public var horizons: [Int]
        public var paths: Int
        public var windowDays: Int
        /// `--require` checks (syntax checked by the backtest when the nightly starts, before anything runs).
        public var require: String?
        /// Line of the `backtest:` key (for errors found later).
        public var line: Int
        public static let keys = ["every_days", "deal", "models", "every", "offset_days", "from", "horizons", "paths", "window_days", "require"]
    }

    /// How "today" is found for the staleness gate.
    public enum Today: Equatable, Sendable {
        /// The system clock's UTC date.
        case system
        /// The last stored date (the gate then only checks validity; for the embedded synthetic default).
        case data
        /// A fixed date.
        case date(Day)

        /// Parses `system`, `data` or `YYYY-MM-DD`.
        public static func parse(_ s: String) -> Today? {
            switch s { case "system": return .system; case "data": return .data; default: return Day(iso: s).map { .date($0) } }
        }
    }

    public var file: String
    public var db: String
    public var inputs: [Input]
    public var maxDataAgeDays: Int
    public var today: Today
    public var deals: [String]
    public var scenarios: String?
    public var paths: Int
    /// Paths of each stress scenario run (default min(paths, 5000)): the stress table ranks scenarios against a base
    /// run on the same paths (common random numbers), which needs fewer paths than the headline valuation.
    public var stressPaths: Int
    public var seed: UInt64
    public var threads: Int
    /// Optional cap on the simulated days (nil: each deal over its whole term). A deal whose term is longer is truncated,
    /// and its summary.json, manifest, stress table and report say so.
    public var horizonDays: Int?
    public var model: String
    /// `drift: historical | shrunk | zero | <log return per year>` (SPEC §5), validated by `Models.Drift`.
    public var drift: String
    /// `measure: real | risk-neutral | forward` (default real). `forward` matches each deal's simulated monthly mean
    /// hashprice to the store's latest forward curve on or before the as-of date (SPEC §13; ingest one through `inputs`
    /// with `format: curve`); a deal simulated under it and no stored curve fails with exit 67 like `simulate`.
    public var measure: String = "real"
    /// `parameter_uncertainty: on | off`.
    public var parameterUncertainty: Bool
    public var calibrationWindowDays: Int
    /// Calibration options beyond the price window (nil: `hashsec calibrate`'s defaults).
    public var hashRateWindowDays: Int? = nil
    public var feeWindowDays: Int? = nil
    /// δ per year (continuously compounded) stated instead of fitted to the catalog's frontier.
    public var efficiencyTrendPerYear: Double? = nil
    public var efficiencyWindowYears: Double? = nil
    public var reportsDir: String
    public var notebooksDir: String?
    /// Relative change beyond which a metric is flagged, per metric name; `default` for the others.
    public var thresholds: [String: Double]
    public var backtest: Backtest?

    /// Total deadline of each http(s) input's download, seconds (`download_timeout_seconds`, default 120).
    public var downloadTimeoutSeconds: Double = 120

    public static let keys = ["db", "inputs", "max_data_age_days", "today", "deals", "scenarios", "paths", "stress_paths", "seed", "threads",
                              "horizon_days", "model", "drift", "measure", "parameter_uncertainty", "calibration_window_days",
                              "hashrate_window_days", "fee_window_days", "efficiency_trend", "efficiency_window_years",
                              "reports_dir", "notebooks_dir", "thresholds", "download_timeout_seconds", "backtest"]
    public static let formats = ["coinmetrics", "tidy", "series", "headers", "curve"]
    public static let measures = ["real", "risk-neutral", "forward"]
    public static var models: [String] { PriceModels.names }

    static func drift(_ root: YAMLNode) throws -> String {
        guard let n = try root.optional("drift") else { return Drift.default.description }
        let v = try n.asString()
        guard Drift(v) != nil else { throw n.error("expected historical, shrunk, zero or a log return per year (e.g. 0.2), got \"\(v)\"") }
        return v
    }

    /// Loads and validates a nightly file; errors are `file:line: key: reason`.
    public static func load(path: String) throws -> NightlyFile {
        try parse(YAMLNode.readText(path: path), file: path)
    }

    /// Parses `text`; relative paths are resolved against the directory of `file`.
    public static func parse(_ text: String, file: String) throws -> NightlyFile {
        let root = try YAMLNode.load(text: text, file: file)
        try root.checkKeys(keys)
        let base = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ p: String) -> String {
            if p.hasPrefix("/") || p.hasPrefix("http://") || p.hasPrefix("https://") { return p }
            return base.appendingPathComponent(p).standardizedFileURL.path
        }
        var inputs: [Input] = []
        for n in try root.sequence("inputs") {
            if n.node.scalar != nil { inputs.append(Input(path: resolve(try n.asString()), format: nil)); continue }
            try n.checkKeys(["path", "format"])
            inputs.append(Input(path: resolve(try n.string("path")), format: try n.optional("format")?.asChoice(formats)))
        }
        if inputs.isEmpty { throw try root.required("inputs").error("at least one input is needed") }
        var today = Today.system
        if let t = try root.optional("today") {
            let s = try t.asString()
            guard let v = Today.parse(s) else { throw t.error("expected system, data or a YYYY-MM-DD date, got \"\(s)\"") }
            today = v
        }
        let deals = try (root.optional("deals") != nil ? root.sequence("deals") : []).map { resolve(try $0.asString()) }
        let paths = try root.int("paths", range: 2...100_000_000, default: 2000)!
        var thresholds: [String: Double] = ["default": 0.10]
        if let t = try root.optionalMapping("thresholds") {
            for k in t.keys { thresholds[k] = try t.double(k, range: 0...1e6) }
        }
        let model = try root.choice("model", models, default: SimulationDefaults.model)
        let window = try root.int("calibration_window_days", range: 30...100_000, default: 1460)!
        var backtest: Backtest? = nil
        if let b = try root.optionalMapping("backtest", allowed: Backtest.keys) {
            let every = try b.string("every", default: "quarter")!
            if !(every == "month" || every == "quarter" || (every.hasSuffix("d") && (Int(every.dropLast()) ?? 0) >= 1)) {
                throw try b.required("every").error("expected month, quarter or <N>d (e.g. 30d), got \"\(every)\"")
            }
            let ms = try b.optional("models") != nil ? try b.sequence("models").map { try $0.asChoice(models) } : [model]
            if ms.isEmpty || Set(ms).count != ms.count { throw try b.required("models").error("list at least one model, each once") }
            let hs = try b.optional("horizons") != nil ? try b.sequence("horizons").map { try $0.asInt(range: 1...36_500) } : [30, 90, 180, 365, 730]
            if hs.isEmpty || Set(hs).count != hs.count { throw try b.required("horizons").error("list at least one horizon, each once") }
            backtest = Backtest(everyDays: try b.int("every_days", range: 0...100_000, default: 30)!, deal: try b.string("deal", default: nil).map(resolve),
                                models: ms, every: every, offsetDays: try b.int("offset_days", range: 0...100_000, default: 0)!,
                                from: try b.day("from", default: nil), horizons: hs.sorted(), paths: try b.int("paths", range: 2...10_000_000, default: 1000)!,
                                windowDays: try b.int("window_days", range: 30...100_000, default: window)!, require: try b.string("require", default: nil),
                                line: try root.required("backtest").line)
            if backtest!.deal == nil && deals.isEmpty { throw try root.required("backtest").error("needs a `deal:` (the configuration lists no deals)") }
        }
        var result = NightlyFile(
            file: file,
            db: resolve(try root.string("db", default: "hashsec.sqlite")!),
            inputs: inputs,
            maxDataAgeDays: try root.int("max_data_age_days", range: 0...100_000, default: 3)!,
            today: today,
            deals: deals,
            scenarios: try root.string("scenarios", default: nil).map(resolve),
            paths: paths,
            stressPaths: try root.int("stress_paths", range: 2...100_000_000, default: min(paths, 5000))!,
            seed: UInt64(try root.int("seed", range: 0...Int.max, default: 42)!),
            threads: try root.int("threads", range: 1...1024, default: 2)!,
            horizonDays: try root.int("horizon_days", range: 1...36_500, default: nil),
            model: model,
            drift: try drift(root),
            parameterUncertainty: try root.choice("parameter_uncertainty", ["on", "off"],
                                                  default: SimulationDefaults.parameterUncertainty ? "on" : "off") == "on",
            calibrationWindowDays: window,
            hashRateWindowDays: try root.int("hashrate_window_days", range: 30...100_000, default: nil),
            feeWindowDays: try root.int("fee_window_days", range: 30...100_000, default: nil),
            efficiencyTrendPerYear: try root.double("efficiency_trend", range: 0...4.99, default: nil),
            efficiencyWindowYears: try root.double("efficiency_window_years", range: 0.1...30, default: nil),
            reportsDir: resolve(try root.string("reports_dir", default: "reports")!),
            notebooksDir: try root.string("notebooks_dir", default: nil).map(resolve),
            thresholds: thresholds,
            backtest: backtest)
        result.measure = try root.choice("measure", measures, default: "real")
        result.downloadTimeoutSeconds = try root.double("download_timeout_seconds", range: 0.001...86_400, default: 120)!
        return result
    }
}
