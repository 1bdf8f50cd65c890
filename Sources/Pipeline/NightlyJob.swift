import Bitcoin
import Calibrate
import Config
import Domain
import Foundation
import Ingest
import Logging
import Report
import Store

/// `hashsec nightly CONFIG.yaml` (SPEC §9): lock → ingest → data-quality gate → benchmark → calibrate →
/// simulate + stress every deal → compare with the previous run → report → publish → record → index/latest.
public enum NightlyJob {
    public static let stages = ["ingest", "gate", "benchmark", "calibrate", "simulate", "compare", "report", "publish"]
    /// Runs after `simulate` when the configuration has a `backtest:` block.
    public static let backtestStage = "backtest"

    public struct Options {
        public var configPath: String
        /// Overrides the config's `today` (`system`, `data` or `YYYY-MM-DD`).
        public var today: String?
        /// JSON-lines log file (appended); nil → stderr.
        public var logFile: String?
        public var version: String
        /// Command line recorded in the manifest.
        public var commandLine: String
        public init(configPath: String, today: String? = nil, logFile: String? = nil, version: String = "dev", commandLine: String = "hashsec nightly") {
            self.configPath = configPath; self.today = today; self.logFile = logFile; self.version = version; self.commandLine = commandLine
        }
    }

    public struct Result: Sendable {
        public var runID: String
        /// `<reports_dir>/<run-id>/index.html`.
        public var reportPath: String
        public var notebookPath: String?
        public var flagged: Int
    }

    /// What the per-deal stage needs.
    public struct Context {
        public var config: NightlyFile
        public var asOf: Day
        public var calibrationPath: String
    }

    public static func run(_ o: Options) throws -> Result {
        let config = try NightlyFile.load(path: o.configPath)
        if let b = config.backtest { _ = try NightlyBacktest.requirements(b, file: config.file) }   // bad checks fail before anything runs
        let sink = try o.logFile.map(JSONLinesLogHandler.Sink.file) ?? JSONLinesLogHandler.Sink(handle: .standardError)
        let progress = NightlyProgress(stages: stages.count + (config.backtest == nil ? 0 : 1), enabled: isatty(2) != 0)
        if o.logFile == nil { sink.beforeWrite = { progress.clear() } }
        var log = Logger(label: "hashsec.nightly") { _ in JSONLinesLogHandler(sink: sink) }
        let started = Date()
        let startedUTC = iso(started)
        let configData = FileManager.default.contents(atPath: o.configPath) ?? Data()
        let configSHA = SHA256.hex(SHA256.hash([UInt8](configData)))
        let runID = Self.runID(at: started, configSHA: configSHA)
        log[metadataKey: "run_id"] = .string(runID)

        let reports = URL(fileURLWithPath: config.reportsDir)
        do { try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true) } catch {
            throw PipelineError.cannotWrite(path: reports.path, reason: "\(error)")
        }
        let lock = try NightlyLock(path: reports.appendingPathComponent(".nightly.lock").path, owner: runID)
        defer { lock.release() }
        log.info("run started", metadata: ["stage": "start", "config": .string(o.configPath)])
        for n in try NightlyPublish.cleanStale(reportsDir: reports) {
            log.warning("removed a stale temp folder left by an interrupted run", metadata: ["stage": "start", "path": .string(n)])
        }
        let tmp = reports.appendingPathComponent(NightlyPublish.tempPrefix + runID)
        var published = false
        defer { if !published { try? FileManager.default.removeItem(at: tmp) } }
        do { try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true) } catch {
            throw PipelineError.cannotWrite(path: tmp.path, reason: "\(error)")
        }
        var timings: [String: Double] = [:]
        var stageIndex = 0
        func stage<T>(_ name: String, _ body: () throws -> T) throws -> T {
            stageIndex += 1
            progress.begin(name, index: stageIndex)
            if ProcessInfo.processInfo.environment["HASHSEC_TEST_PAUSE_AT"] == name {
                let secs = Double(ProcessInfo.processInfo.environment["HASHSEC_TEST_PAUSE_SECONDS"] ?? "30") ?? 30
                log.notice("pausing for a test", metadata: ["stage": .string(name), "seconds": .stringConvertible(secs)])
                Thread.sleep(forTimeInterval: secs)
            }
            let t0 = Date()
            do {
                let r = try body()
                timings[name] = Date().timeIntervalSince(t0)
                progress.end()
                log.info("stage done", metadata: ["stage": .string(name), "seconds": .string(String(format: "%.3f", timings[name]!))])
                return r
            } catch {
                progress.clear()
                log.error("stage failed: \(error)", metadata: ["stage": .string(name)])
                let store = try? Store(path: config.db)
                try? store?.recordRun(RunRecord(runID: runID, startedUTC: startedUTC, finishedUTC: iso(Date()),
                                                status: "failed: \(name)", configSHA256: configSHA))
                throw error
            }
        }

        // 1. ingest (idempotent: the store upserts by date and remembers file hashes).
        let store = try Store(path: config.db, verify: true)
        let ingested: [IngestJob.FileResult] = try stage("ingest") {
            var all: [IngestJob.FileResult] = []
            for input in config.inputs {
                let opts = IngestOptions(format: input.format.flatMap(InputFormat.init(rawValue:)), downloadTimeout: config.downloadTimeoutSeconds)
                let r = try IngestJob.run(inputs: [input.path], store: store, options: opts)
                for f in r { log.info("ingested", metadata: ["stage": "ingest", "file": .string(f.name), "rows": .stringConvertible(f.rows)]) }
                all += r
            }
            return all
        }

        // 2. data-quality gate.
        let (window, asOf) = try stage("gate") { () throws -> (ClosedRange<Day>, Day) in
            let today = try resolveToday(o.today, config: config, store: store)
            let r = try NightlyGate.evaluate(store: store, today: today, maxAgeDays: config.maxDataAgeDays,
                                             windowDays: config.calibrationWindowDays)
            if let first = r.partialDays.first {
                log.notice("partial trailing rows skipped (still being filled): the as-of date is the newest complete day",
                           metadata: ["stage": "gate", "as_of": .string(r.range.upperBound.iso), "first_partial": .string(first.iso),
                                      "partial_days": .stringConvertible(r.partialDays.count)])
            }
            return (r.range, r.range.upperBound)
        }

        // 3. benchmark, 4. calibrate.
        _ = try stage("benchmark") {
            try BenchmarkJob.run(.init(dbPath: config.db, to: asOf, out: tmp.appendingPathComponent("benchmark.csv").path))
        }
        let cal = try stage("calibrate") {
            try CalibrateJob.run(.init(dbPath: config.db, asOf: asOf, windowDays: config.calibrationWindowDays,
                                       out: tmp.appendingPathComponent("calibration.json").path,
                                       table: tmp.appendingPathComponent("calibration.csv").path, fit: calibrationOptions(config)))
        }

        // 5. simulate + stress every deal.
        let ctx = Context(config: config, asOf: asOf, calibrationPath: tmp.appendingPathComponent("calibration.json").path)
        let outcomes = try stage("simulate") { () throws -> [NightlyDeals.Outcome] in
            try config.deals.map { path in
                let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                let out = try NightlyDeals.run(dealPath: path, dir: tmp.appendingPathComponent("deals").appendingPathComponent(name), config: ctx)
                log.info("deal simulated and stressed", metadata: ["stage": "simulate", "deal": .string(name),
                                                                   "pv_usd_mean": .string(out.metrics?["pv_usd_mean"].map { "\($0)" } ?? "")])
                return out
            }
        }

        // 5b. the scheduled backtest (when configured and due) and the model-validation files of the latest one.
        if config.backtest != nil {
            let bt = try stage(backtestStage) { try NightlyBacktest.run(config: config, asOf: asOf, reportsDir: reports, runDir: tmp) }
            log.info(bt.ran ? "backtest run" : "backtest not due: showing the latest", metadata: [
                "stage": .string(backtestStage), "backtest_as_of": .string(bt.asOf?.iso ?? ""), "failed_checks": .stringConvertible(bt.failures.count)])
            for f in bt.failures { log.warning("backtest check failed: \(f)", metadata: ["stage": .string(backtestStage)]) }
            if let e = bt.error { log.error("scheduled backtest failed (the run goes on): \(e)", metadata: ["stage": .string(backtestStage)]) }
        }

        // Run summary (no timestamps: identical on reruns over the same data).
        var summary: [String: Any] = [
            "as_of": asOf.iso, "data_window": "\(window.lowerBound.iso) – \(window.upperBound.iso)",
            "calibration_window": "\(cal.calibration.windowStart.iso) – \(cal.calibration.windowEnd.iso)",
            "metrics": calibrationMetrics(cal.calibration),
        ]
        var dealMetrics: [String: Any] = [:]
        for oc in outcomes { if let m = oc.metrics { dealMetrics[oc.name] = m } }
        summary["deals"] = dealMetrics

        // 6. compare with the previous successful run.
        let changes = try stage("compare") { () throws -> [NightlyCompare.Change] in
            guard let prev = try store.runs().first(where: { $0.status == "success" }), let js = prev.summaryJSON,
                  let obj = JSONValue.object(Data(js.utf8)) else {
                log.info("no previous successful run: nothing to compare", metadata: ["stage": "compare"])
                return []
            }
            let rows = NightlyCompare.compare(previous: obj, current: summary, thresholds: config.thresholds)
            try write(NightlyCompare.csv(rows), tmp.appendingPathComponent("changes.csv"))
            log.info("compared with \(prev.runID)", metadata: ["stage": "compare", "flagged": .stringConvertible(rows.filter { $0.flag }.count)])
            return rows
        }

        // 7. report (summary.json, manifest.json, index.html + table CSVs).
        let summaryJSON = try json(summary)
        try stage("report") {
            try write(summaryJSON, tmp.appendingPathComponent("summary.json"))
            var params: [String: Any] = ["paths": config.paths, "stress_paths": config.stressPaths, "seed": config.seed, "threads": config.threads,
                                         "horizon_days": config.horizonDays.map { $0 as Any } ?? NSNull(),
                                         "model": config.model, "calibration_window_days": config.calibrationWindowDays,
                                         "max_data_age_days": config.maxDataAgeDays, "deals": config.deals, "thresholds": config.thresholds,
                                         "as_of": asOf.iso, "config_sha256": configSHA]
            params["scenarios"] = config.scenarios ?? NSNull()
            params["hashrate_window_days"] = config.hashRateWindowDays ?? NSNull()
            params["fee_window_days"] = config.feeWindowDays ?? NSNull()
            params["efficiency_trend"] = config.efficiencyTrendPerYear ?? NSNull()
            params["efficiency_window_years"] = config.efficiencyWindowYears ?? NSNull()
            var inputs = ingested.map { ["path": $0.name, "sha256": $0.sha256] }
            inputs.append(["path": o.configPath, "sha256": configSHA])
            let manifest: [String: Any] = [
                "command": o.commandLine, "version": o.version, "run_id": runID, "created_utc": startedUTC,
                "inputs": inputs, "parameters": params, "seed": config.seed, "rng": "see deals/<deal>/manifest.json",
                "paths": config.paths, "threads": config.threads, "timings_s": timings,
            ]
            try write(try json(manifest), tmp.appendingPathComponent("manifest.json"))
            try RunReport.render(runDirectory: tmp)
        }

        // 8. publish: rename, notebook, record, latest, index.
        var notebook: String? = nil
        let finalDir = try stage("publish") { () throws -> URL in
            let final = try NightlyPublish.publish(temp: tmp, reportsDir: reports, runID: runID)
            published = true
            if let nd = config.notebooksDir {
                let ndURL = URL(fileURLWithPath: nd)
                notebook = try NotebookExport.write(runDirectory: final, runID: runID, notebookDirectory: ndURL,
                                                    relativeRunPath: ReportJob.relativePath(from: ndURL, to: final)).path
            }
            try store.recordRun(RunRecord(runID: runID, startedUTC: startedUTC, finishedUTC: iso(Date()), status: "success",
                                          configSHA256: configSHA, reportPath: final.appendingPathComponent("index.html").path,
                                          summaryJSON: summaryJSON))
            try NightlyPublish.switchLatest(reportsDir: reports, runID: runID)
            try NightlyPublish.writeIndex(store: store, reportsDir: reports, latest: runID)
            return final
        }
        let flagged = changes.filter { $0.flag }.count
        log.info("run finished", metadata: ["stage": "end", "report": .string(finalDir.appendingPathComponent("index.html").path),
                                            "flagged": .stringConvertible(flagged)])
        return Result(runID: runID, reportPath: finalDir.appendingPathComponent("index.html").path, notebookPath: notebook, flagged: flagged)
    }

    /// `YYYYMMDDTHHMMSSZ-xxxxxx`: UTC start time + 6 hex digits of SHA-256(config hash, start time in ns, pid).
    static func runID(at d: Date, configSHA: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = TimeZone(identifier: "UTC"); f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let salt = "\(configSHA)|\(Int64(d.timeIntervalSince1970 * 1e9))|\(getpid())"
        return f.string(from: d) + "-" + String(SHA256.hex(SHA256.hash(Array(salt.utf8))).prefix(6))
    }

    /// The calibration's headline numbers in `summary.json` (compared run to run): price-model volatilities and drift, the
    /// initial state, and the supply model's κ, δ and implied breakeven.
    static func calibrationMetrics(_ c: Calibration) -> [String: Double] {
        var m = ["merton_sigma": c.merton.sigma.value, "merton_mu": c.merton.mu.value, "gbm_sigma": c.gbm.sigma.value,
                 "price_usd": c.initialState.priceUSD, "hash_rate_hs": c.initialState.hashRateHs]
        if let s = c.hashRate.supply {
            m["supply_kappa"] = s.kappa.value
            m["efficiency_delta_per_year"] = s.efficiencyTrend.perYear
            m["breakeven_usd_ph_day"] = s.breakevenUSDPerPHDay.value
        }
        return m
    }

    /// `calibrate`'s defaults with the config's overrides.
    static func calibrationOptions(_ c: NightlyFile) -> CalibrationOptions {
        var o = CalibrationOptions.standard(priceWindowDays: c.calibrationWindowDays)
        if let v = c.hashRateWindowDays { o.hashRateWindowDays = v }
        if let v = c.feeWindowDays { o.feeWindowDays = v }
        if let v = c.efficiencyTrendPerYear { o.efficiencyTrendPerYear = v }
        if let v = c.efficiencyWindowYears { o.efficiencyWindowYears = v }
        return o
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter(); f.timeZone = TimeZone(identifier: "UTC"); return f.string(from: d)
    }

    static func resolveToday(_ override: String?, config: NightlyFile, store: Store) throws -> Day? {
        var t = config.today
        if let s = override {
            guard let v = NightlyFile.Today.parse(s) else { throw PipelineError.invalidConfiguration("--today must be system, data or YYYY-MM-DD, got \"\(s)\"") }
            t = v
        }
        switch t {
        case .system: return Day(unixSeconds: Int64(Date().timeIntervalSince1970))
        case .data: return nil
        case .date(let d): return d
        }
    }

    static func json(_ o: Any) throws -> String {
        let d = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: d, as: UTF8.self) + "\n"
    }

    static func write(_ s: String, _ url: URL) throws {
        do { try Data(s.utf8).write(to: url) } catch { throw PipelineError.cannotWrite(path: url.path, reason: "\(error)") }
    }
}
