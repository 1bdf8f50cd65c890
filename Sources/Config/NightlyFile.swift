import Domain
import FileIO
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
///     calibration_window_days: 1460
///     reports_dir: ../reports
///     notebooks_dir: ../notebooks-export
///     thresholds: {default: 0.10, pv_usd_mean: 0.10}
///     download_timeout_seconds: 120        # total deadline of each http(s) input
public struct NightlyFile: Equatable, Sendable {
    public struct Input: Equatable, Sendable {
        public var path: String
        public var format: String?
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
    /// `parameter_uncertainty: on | off`.
    public var parameterUncertainty: Bool
    public var calibrationWindowDays: Int
    public var reportsDir: String
    public var notebooksDir: String?
    /// Relative change beyond which a metric is flagged, per metric name; `default` for the others.
    public var thresholds: [String: Double]

    /// Total deadline of each http(s) input's download, seconds (`download_timeout_seconds`, default 120).
    public var downloadTimeoutSeconds: Double = 120

    public static let keys = ["db", "inputs", "max_data_age_days", "today", "deals", "scenarios", "paths", "stress_paths", "seed", "threads",
                              "horizon_days", "model", "drift", "parameter_uncertainty", "calibration_window_days", "reports_dir", "notebooks_dir", "thresholds",
                              "download_timeout_seconds"]
    public static let formats = ["coinmetrics", "tidy", "series", "headers"]
    public static var models: [String] { PriceModels.names }

    static func drift(_ root: YAMLNode) throws -> String {
        guard let n = try root.optional("drift") else { return Drift.default.description }
        let v = try n.asString()
        guard Drift(v) != nil else { throw n.error("expected historical, shrunk, zero or a log return per year (e.g. 0.2), got \"\(v)\"") }
        return v
    }

    /// Loads and validates a nightly file; errors are `file:line: key: reason`.
    public static func load(path: String, files: InputFiles = DiskFiles.shared) throws -> NightlyFile {
        try parse(YAMLNode.readText(path: path, files: files), file: path)
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
            model: try root.choice("model", models, default: SimulationDefaults.model),
            drift: try drift(root),
            parameterUncertainty: try root.choice("parameter_uncertainty", ["on", "off"],
                                                  default: SimulationDefaults.parameterUncertainty ? "on" : "off") == "on",
            calibrationWindowDays: try root.int("calibration_window_days", range: 30...100_000, default: 1460)!,
            reportsDir: resolve(try root.string("reports_dir", default: "reports")!),
            notebooksDir: try root.string("notebooks_dir", default: nil).map(resolve),
            thresholds: thresholds)
        result.downloadTimeoutSeconds = try root.double("download_timeout_seconds", range: 0.001...86_400, default: 120)!
        return result
    }
}
