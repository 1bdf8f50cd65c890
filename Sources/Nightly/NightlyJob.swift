import Bitcoin
import Calibrate
import Config
import Diagnostics
import Domain
import FileIO
import Foundation
import Hashprice
import Ingest
import Logging
import Models
import Pipeline
import Report
import Results
import Store

/// `hashsec nightly CONFIG.yaml` (SPEC §9): lock → ingest → data-quality gate → benchmark → calibrate →
/// simulate + stress every deal → compare with the previous run → report → publish (record, `latest`, index).
///
/// Resolve, then run: the configuration, every deal, the scenario file and the ASIC catalog are read once before the
/// lock is taken (an invalid one stops the run before anything is done); the run holds one store; the stored history is
/// loaded once after the gate and the hashprice index computed once, for the benchmark, the calibration and the stress
/// replays alike; the calibration and the headline metrics are passed in memory. `NightlyRun` has one method per stage.
public enum NightlyJob {
    public static let stages = ["ingest", "gate", "benchmark", "calibrate", "simulate", "compare", "report", "publish"]
    /// Runs after `simulate` when the configuration has a `backtest:` block.
    public static let backtestStage = "backtest"
    /// The nightly's forward curve: the store's latest quote on or before the as-of (read once, from the run's store).
    static let curveOptions = CurveOptions(fromStore: true)

    public struct Options {
        public var configPath: String
        /// Overrides the config's `today` (`system`, `data` or `YYYY-MM-DD`).
        public var today: String?
        /// JSON-lines log file (appended); nil → stderr.
        public var logFile: String?
        public var version: String
        /// Command line recorded in the manifest.
        public var commandLine: String
        /// Watch the stages (in addition to the terminal's progress bar): a test pauses or fails a stage with one.
        public var observers: [NightlyObserver]
        /// How input files are read (a counting reader in tests).
        public var files: InputFiles
        public init(configPath: String, today: String? = nil, logFile: String? = nil, version: String = "dev", commandLine: String = "hashsec nightly",
                    observers: [NightlyObserver] = [], files: InputFiles = DiskFiles.shared) {
            self.configPath = configPath; self.today = today; self.logFile = logFile; self.version = version; self.commandLine = commandLine
            self.observers = observers; self.files = files
        }
    }

    public struct Result: Sendable {
        public var runID: String
        /// `<reports_dir>/<run-id>/index.html`.
        public var reportPath: String
        public var notebookPath: String?
        public var flagged: Int
    }

    public static func run(_ o: Options) throws -> Result { try NightlyRun(o).execute() }

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

    static func resolveToday(_ override: String?, config: NightlyFile) throws -> Day? {
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
}

/// One nightly run: its inputs (read once), its store, its folder aside, and one method per stage.
final class NightlyRun {
    let o: NightlyJob.Options
    let config: NightlyFile
    let configSHA: String
    let deals: [JobInputs.DealInput]
    let scenarios: JobInputs.ScenarioInput
    /// The ASIC catalog and its SHA-256 (nil when unreadable: the calibration then reports it).
    let catalog: JobInputs.HashedCatalog?
    /// The scheduled backtest's deal (one of `deals` when it is listed there).
    let backtestDeal: JobInputs.DealInput?
    let runID: String, startedUTC: String
    var log: Logger
    let observers: [NightlyObserver]
    let reports: URL, tmp: URL
    var timings: [String: Double] = [:]
    private var stageIndex = 0
    /// The stages (and the scheduled backtest's, when configured).
    let stageCount: Int
    private var store: HistoryStore!

    init(_ o: NightlyJob.Options) throws {
        self.o = o
        let text = try YAMLNode.readText(path: o.configPath, files: o.files)
        config = try NightlyFile.parse(text, file: o.configPath)
        configSHA = JobInputs.sha256(text)
        if let b = config.backtest { _ = try NightlyBacktest.requirements(b, file: config.file) }   // bad checks fail before anything runs
        let catalog = try? JobInputs.catalogWithHash(files: o.files)
        let deals = try config.deals.map { try JobInputs.deal($0, catalog: catalog?.catalog, files: o.files) }
        backtestDeal = try config.backtest.map { [config] b in
            let path = b.deal ?? config.deals[0]
            return try deals.first { $0.path == path } ?? JobInputs.deal(path, catalog: catalog?.catalog, files: o.files)
        }
        self.catalog = catalog; self.deals = deals
        scenarios = try JobInputs.scenarios(config.scenarios, files: o.files)
        let started = Date()
        startedUTC = NightlyJob.iso(started)
        runID = NightlyJob.runID(at: started, configSHA: configSHA)
        let sink = try o.logFile.map(JSONLinesLogHandler.Sink.file) ?? JSONLinesLogHandler.Sink(handle: .standardError)
        stageCount = NightlyJob.stages.count + (config.backtest == nil ? 0 : 1)
        let progress = TerminalProgress(stages: stageCount, enabled: isatty(2) != 0)
        if o.logFile == nil { sink.beforeWrite = { progress.clear() } }
        observers = [progress] + o.observers
        log = Logger(label: "hashsec.nightly") { _ in JSONLinesLogHandler(sink: sink) }
        log[metadataKey: "run_id"] = .string(runID)
        reports = URL(fileURLWithPath: config.reportsDir)
        tmp = reports.appendingPathComponent(NightlyPublish.tempPrefix + runID)
    }

    func execute() throws -> NightlyJob.Result {
        do { try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true) } catch {
            throw OutputError.cannotWrite(path: reports.path, reason: "\(error)")
        }
        let lock = try NightlyLock(path: reports.appendingPathComponent(".nightly.lock").path, owner: runID)
        defer { lock.release() }
        log.info("run started", metadata: ["stage": "start", "config": .string(o.configPath)])
        for n in try NightlyPublish.cleanStale(reportsDir: reports) {
            log.warning("removed a stale temp folder left by an interrupted run", metadata: ["stage": "start", "path": .string(n)])
        }
        defer { try? FileManager.default.removeItem(at: tmp) }
        do { try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true) } catch {
            throw OutputError.cannotWrite(path: tmp.path, reason: "\(error)")
        }
        store = try JobInputs.openStore(config.db, verify: true, files: o.files)
        let ingested = try stage("ingest") { try ingest() }
        let (window, asOf) = try stage("gate") { try gate() }
        let (history, index) = try stage("benchmark") { try benchmark(asOf: asOf) }
        let cal = try stage("calibrate") { try calibrate(history: history, index: index, asOf: asOf) }
        let outcomes = try stage("simulate") { try simulate(calibration: cal, history: history, asOf: asOf) }
        if config.backtest != nil { try stage(NightlyJob.backtestStage) { try backtest(asOf: asOf, history: history, index: index) } }
        let summary = runSummary(asOf: asOf, window: window, calibration: cal.calibration, outcomes: outcomes)
        let changes = try stage("compare") { try compare(summary) }
        try stage("report") { try report(summary, ingested: ingested, asOf: asOf) }
        let (final, notebook) = try stage("publish") { try publish(summary) }
        let flagged = changes.filter { $0.flag }.count
        let html = final.appendingPathComponent("index.html").path
        log.info("run finished", metadata: ["stage": "end", "report": .string(html), "flagged": .stringConvertible(flagged)])
        return NightlyJob.Result(runID: runID, reportPath: html, notebookPath: notebook, flagged: flagged)
    }

    /// Runs one stage: observers told before and after, timing logged, a failure logged and recorded in the store.
    func stage<T>(_ name: String, _ body: () throws -> T) throws -> T {
        stageIndex += 1
        let t0 = Date()
        do {
            for ob in observers { try ob.stageWillBegin(name, index: stageIndex, of: stageCount, log: log) }
            let r = try body()
            let dt = Date().timeIntervalSince(t0)
            timings[name] = dt
            for ob in observers { ob.stageDidEnd(name, seconds: dt) }
            log.info("stage done", metadata: ["stage": .string(name), "seconds": .string(String(format: "%.3f", dt))])
            return r
        } catch {
            for ob in observers { ob.stageDidFail(name, error: error) }
            log.error("stage failed: \(error)", metadata: ["stage": .string(name)])
            try? store?.recordRun(RunRecord(runID: runID, startedUTC: startedUTC, finishedUTC: NightlyJob.iso(Date()),
                                            status: "failed: \(name)", configSHA256: configSHA))
            throw error
        }
    }

    /// 1. Every input into the one store (idempotent: the store upserts by date and remembers file hashes).
    func ingest() throws -> [IngestJob.FileResult] {
        var all: [IngestJob.FileResult] = []
        for input in config.inputs {
            let opts = IngestOptions(format: input.format.flatMap(InputFormat.init(rawValue:)), downloadTimeout: config.downloadTimeoutSeconds,
                                     files: o.files)
            let r = try IngestJob.run(inputs: [input.path], store: store, options: opts)
            for f in r { log.info("ingested", metadata: ["stage": "ingest", "file": .string(f.name), "rows": .stringConvertible(f.rows)]) }
            all += r
        }
        return all
    }

    /// 2. The data-quality gate: the data window and the as-of (the newest complete day).
    func gate() throws -> (ClosedRange<Day>, Day) {
        let today = try NightlyJob.resolveToday(o.today, config: config)
        let r = try NightlyGate.evaluate(store: store, today: today, maxAgeDays: config.maxDataAgeDays, windowDays: config.calibrationWindowDays)
        if let first = r.partialDays.first {
            log.notice("partial trailing rows skipped (still being filled): the as-of date is the newest complete day",
                       metadata: ["stage": "gate", "as_of": .string(r.range.upperBound.iso), "first_partial": .string(first.iso),
                                  "partial_days": .stringConvertible(r.partialDays.count)])
        }
        return (r.range, r.range.upperBound)
    }

    /// 3. The stored history, loaded once, and its hashprice index up to the as-of (`benchmark.csv`).
    func benchmark(asOf: Day) throws -> ([DailyObservation], [HashpriceDay]) {
        let history = try store.observations()
        let index = HashpriceIndex.compute(history.filter { $0.date <= asOf })
        guard !index.isEmpty else { throw HashpriceError.noUsableDays("up to \(asOf.iso) of \(config.db)") }
        try OutputWriter.write(HashpriceCSV.index(index), to: tmp.appendingPathComponent("benchmark.csv").path)
        return (history, index)
    }

    /// 4. The calibration of the as-of (`CalibrationResolver`: the store's fit of the same key, or a fresh fit stored under it).
    func calibrate(history: [DailyObservation], index: [HashpriceDay], asOf: Day) throws -> CalibrationResolver.Resolved {
        let r = try CalibrationResolver.stored(store: store, history: history.filter { $0.date <= asOf }, hashprice: index, asOf: asOf,
                                               options: NightlyJob.calibrationOptions(config),
                                               catalog: try catalog ?? JobInputs.catalogWithHash(files: o.files))
        try OutputWriter.write([(tmp.appendingPathComponent("calibration.json").path, Data(r.json.utf8)),
                                (tmp.appendingPathComponent("calibration.csv").path, Data(CalibrationTable.csv(r.calibration).utf8))])
        log.info("calibration \(r.reference.source)", metadata: ["stage": "calibrate", "key": .string(r.reference.key ?? "")])
        return r
    }

    /// 5. Simulate and stress every deal into `deals/<name>/` (the store's forward curve read once, from the run's store).
    func simulate(calibration: CalibrationResolver.Resolved, history: [DailyObservation], asOf: Day) throws -> [NightlyDeals.Outcome] {
        let curve = try CurveInputs.resolve(NightlyJob.curveOptions, dbPath: config.db, store: JobInputs.StoreHandle(open: store), asOf: calibration.calibration.initialState.date,
                                            storeRead: true, required: Measure(rawValue: config.measure) == .forward, files: o.files)
        return try deals.map { deal in
            let name = URL(fileURLWithPath: deal.path).deletingPathExtension().lastPathComponent
            let out = try NightlyDeals.run(deal: deal, scenarios: scenarios, calibration: calibration, history: history, curve: curve, config: config,
                                           asOf: asOf, dir: tmp.appendingPathComponent("deals").appendingPathComponent(name))
            log.info("deal simulated and stressed", metadata: ["stage": "simulate", "deal": .string(name),
                                                               "pv_usd_mean": .string(out.summary.map { "\($0.pvMean)" } ?? "")])
            return out
        }
    }

    /// The run's `summary.json` (no timestamps: identical on reruns over the same data).
    func runSummary(asOf: Day, window: ClosedRange<Day>, calibration c: Calibration, outcomes: [NightlyDeals.Outcome]) -> NightlySummary {
        var deals: [String: [String: Double]] = [:]
        for oc in outcomes { if let s = oc.summary { deals[oc.name] = NightlySummary.headline(s) } }
        return NightlySummary(asOf: asOf.iso, dataWindow: "\(window.lowerBound.iso) – \(window.upperBound.iso)",
                              calibrationWindow: "\(c.windowStart.iso) – \(c.windowEnd.iso)",
                              metrics: NightlyJob.calibrationMetrics(c), deals: deals)
    }

    /// 5b. The scheduled backtest (when configured and due) and the model-validation files of the latest one; a
    /// backtest that cannot run is logged and shown, the run goes on.
    func backtest(asOf: Day, history: [DailyObservation], index: [HashpriceDay]) throws {
        let stage = NightlyJob.backtestStage
        let inputs = NightlyBacktest.Inputs(deal: backtestDeal!, observations: history.filter { $0.date <= asOf }, hashprice: index,
                                            catalog: try catalog ?? JobInputs.catalogWithHash(files: o.files),
                                            latest: try NightlyBacktest.latest(reportsDir: reports, files: o.files))
        let bt = try NightlyBacktest.run(config: config, asOf: asOf, reportsDir: reports, runDir: tmp, inputs: inputs)
        log.info(bt.ran ? "backtest run" : "backtest not due: showing the latest", metadata: [
            "stage": .string(stage), "backtest_as_of": .string(bt.asOf?.iso ?? ""), "failed_checks": .stringConvertible(bt.failures.count)])
        for f in bt.failures { log.warning("backtest check failed: \(f)", metadata: ["stage": .string(stage)]) }
        if let e = bt.error { log.error("scheduled backtest failed (the run goes on): \(e)", metadata: ["stage": .string(stage)]) }
    }

    /// 6. Compare with the previous successful run (`changes.csv`).
    func compare(_ summary: NightlySummary) throws -> [NightlyCompare.Change] {
        guard let prev = try store.runs().first(where: { $0.status == "success" }), let js = prev.summaryJSON,
              let previous = try? JSONText.decode(NightlySummary.self, from: Data(js.utf8)) else {
            log.info("no previous successful run: nothing to compare", metadata: ["stage": "compare"])
            return []
        }
        let rows = NightlyCompare.compare(previous: previous, current: summary, thresholds: config.thresholds)
        try OutputWriter.write(NightlyCompare.csv(rows), to: tmp.appendingPathComponent("changes.csv").path)
        log.info("compared with \(prev.runID)", metadata: ["stage": "compare", "flagged": .stringConvertible(rows.filter { $0.flag }.count)])
        return rows
    }

    /// 7. `summary.json`, `manifest.json`, then the report (`index.html` + the CSVs of its tables).
    func report(_ summary: NightlySummary, ingested: [IngestJob.FileResult], asOf: Day) throws {
        let c = config
        var params = NightlyParameters(paths: c.paths, stressPaths: c.stressPaths, seed: c.seed, threads: c.threads, horizonDays: c.horizonDays,
                                       model: c.model, calibrationWindowDays: c.calibrationWindowDays, maxDataAgeDays: c.maxDataAgeDays,
                                       deals: c.deals, scenarios: c.scenarios, thresholds: c.thresholds, asOf: asOf.iso, configSHA256: configSHA)
        params.hashRateWindowDays = c.hashRateWindowDays; params.feeWindowDays = c.feeWindowDays
        params.efficiencyTrend = c.efficiencyTrendPerYear; params.efficiencyWindowYears = c.efficiencyWindowYears
        let manifest = RunManifest(command: o.commandLine, version: o.version, runID: runID, createdUTC: startedUTC,
                                   inputs: ingested.map { .init(path: $0.name, sha256: $0.sha256) } + [.init(path: o.configPath, sha256: configSHA)],
                                   parameters: params, seed: c.seed, rng: "see deals/<deal>/manifest.json", paths: c.paths, threads: c.threads,
                                   timings: timings)
        try OutputWriter.write([(tmp.appendingPathComponent("summary.json").path, try JSONText.data(summary)),
                                (tmp.appendingPathComponent("manifest.json").path, try JSONText.data(manifest))])
        try RunReport.render(runDirectory: tmp)
    }

    /// 8. Publish (all or nothing, `NightlyPublish`): the notebook, the folder, the run record, `latest`, the index.
    func publish(_ summary: NightlySummary) throws -> (URL, String?) {
        let final = reports.appendingPathComponent(runID)
        let notebook = try config.notebooksDir.map { nd -> (url: URL, data: Data) in
            let dir = URL(fileURLWithPath: nd)
            return (dir.appendingPathComponent("\(runID).ipynb"),
                    try NotebookExport.notebook(runDirectory: tmp, runID: runID,
                                                relativeRunPath: ReportJob.relativePath(from: dir, to: reports) + "/" + runID))
        }
        let summaryJSON = try JSONText.encode(summary)
        let published = try NightlyPublish.publish(temp: tmp, reportsDir: reports, runID: runID, notebook: notebook, record: {
            try store.recordRun(RunRecord(runID: runID, startedUTC: startedUTC, finishedUTC: NightlyJob.iso(Date()), status: "success",
                                          configSHA256: configSHA, reportPath: final.appendingPathComponent("index.html").path, summaryJSON: summaryJSON))
        }, index: { try NightlyPublish.writeIndex(store: store, reportsDir: reports, latest: runID) })
        return (published, notebook?.url.path)
    }
}
