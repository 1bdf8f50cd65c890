import Calibrate
import Config
import Domain
import FileIO
import Foundation
import Results
import Simulate
import Store

/// `hashsec stress`: the base case and every scenario on the same paths and random streams (common random numbers).
/// Resolve (deal, scenario file, calibration, the history the replays read), then run (pure), then write.
public enum StressJob {
    public static let defaultScenarios = JobInputs.defaultScenarios

    public struct Options: Sendable {
        public var dealPath: String
        public var scenariosPath: String?
        public var dbPath: String
        public var asOf: Day?
        public var settings: SimulationSettings
        public var out: String?
        public var windowDays: Int
        /// Calibration JSON file (default: the store's fit of the same key, or a fresh fit).
        public var calibrationPath: String?
        /// `--shard i/n`: write `out/stress-shard-i-of-n/` for `hashsec merge`.
        public var shard: Shard?
        /// Under `--measure forward`: where the curve comes from (`--curve`, the store), `--forward-beyond`, `--forward-pilot`.
        public var curve: CurveOptions
        public init(dealPath: String, scenariosPath: String? = nil, dbPath: String, asOf: Day? = nil,
                    settings: SimulationSettings = SimulationSettings(paths: 2000), out: String? = nil, windowDays: Int = Calibrator.defaultWindowDays,
                    calibrationPath: String? = nil, shard: Shard? = nil, curve: CurveOptions = CurveOptions()) {
            self.dealPath = dealPath; self.scenariosPath = scenariosPath; self.dbPath = dbPath; self.asOf = asOf
            self.settings = settings; self.out = out; self.windowDays = windowDays; self.calibrationPath = calibrationPath
            self.shard = shard; self.curve = curve
        }
    }

    /// What the run is a function of.
    public struct Resolved: Sendable {
        var deal: JobInputs.DealInput
        var scenarios: JobInputs.ScenarioInput
        var calibration: CalibrationResolver.Resolved
        /// The stored days the historical replays read (empty when there is none).
        var history: [DailyObservation]
        /// `--measure forward`: the forward curve the base case is matched to.
        var curve: ResolvedCurve? = nil
        package init(deal: JobInputs.DealInput, scenarios: JobInputs.ScenarioInput, calibration: CalibrationResolver.Resolved,
                     history: [DailyObservation], curve: ResolvedCurve? = nil) {
            self.deal = deal; self.scenarios = scenarios; self.calibration = calibration; self.history = history; self.curve = curve
        }
    }

    public struct Result {
        public var table: StressTable
        public var seconds: [String: Double]
        public var rows: [StressRow] { table.rows }
        public var csv: String { table.csv }
        public var json: String { table.json }
        /// The terminal table (or what a shard wrote).
        public var text: String
        public var files: [OutputFile]
        /// `manifest.json` of a `hashsec stress` run (inputs, parameters, the calibration used); the nightly writes its own.
        public var manifest: OutputFile?
        public var folder: String?
        init(table: StressTable, seconds: [String: Double], text: String? = nil, files: [OutputFile] = [], manifest: OutputFile? = nil,
             folder: String? = nil) {
            self.table = table; self.seconds = seconds; self.text = text ?? table.text; self.files = files; self.manifest = manifest
            self.folder = folder
        }
    }

    /// Reads the deal and the scenario file, resolves the calibration, the forward curve (`--measure forward`: the file,
    /// else the store's latest quote on or before the calibration's as-of) and loads the replays' history, through one
    /// store handle (opened at most once, only when the run reads it; a missing one is not created).
    public static func resolve(_ o: Options, files: InputFiles = DiskFiles.shared) throws -> Resolved {
        let deal = try JobInputs.deal(o.dealPath, files: files)
        let scen = try JobInputs.scenarios(o.scenariosPath, files: files)
        let store = JobInputs.StoreHandle(o.dbPath, files: files)
        let cal = try CalibrationResolver.resolve(calibrationPath: o.calibrationPath, store: store, asOf: o.asOf, windowDays: o.windowDays,
                                                  files: files)
        let curve = o.settings.measure != .forward ? nil
            : try CurveInputs.resolve(o.curve, dbPath: o.dbPath, store: store, asOf: cal.calibration.initialState.date,
                                      storeRead: o.calibrationPath == nil, required: true, files: files)
        var history: [DailyObservation] = []
        if let w = StressRun.replayWindow(scen.scenarios) {
            guard store.exists else {
                throw PipelineError.inputMissing(path: o.dbPath, reason: "no store for the scenarios' historical replays; run `hashsec ingest`")
            }
            history = try store.open().observations(from: w.lo, through: w.hi)
        }
        return Resolved(deal: deal, scenarios: scen, calibration: cal, history: history, curve: curve)
    }

    /// `hashsec merge` of stress shards (`MergeJob.mergeStress`): the merged table.
    public static func merge(shardDirs: [String], out: String) throws -> Result {
        Result(table: try MergeJob.mergeStressTable(shardDirs: shardDirs, out: out).1, seconds: [:])
    }

    /// Resolve, run, write.
    public static func run(_ o: Options) throws -> Result {
        let r = try run(o, try resolve(o))
        if let folder = r.folder { try OutputWriter.writeDirectory(r.files + (r.manifest.map { [$0] } ?? []), to: folder, durable: o.shard != nil) }
        return r
    }

    /// The run on inputs already in memory (no shard: the inputs' texts only name the run): base and every scenario,
    /// `stress.csv`/`stress.json` written into `out` when given.
    public static func run(deal: Deal, scenarios: [Scenario], calibration: Calibration, history: [DailyObservation],
                           settings: SimulationSettings, out: String?) throws -> Result {
        let json = try CalibrateJob.encode(calibration)
        let inputs = Resolved(deal: .init(path: deal.name, text: "", sha256: "", deal: deal),
                              scenarios: .init(path: "", text: "", sha256: "", scenarios: scenarios),
                              calibration: .init(calibration: calibration, json: json, sha256: JobInputs.sha256(json),
                                                 reference: .init(source: "memory", key: nil, asOf: calibration.asOf.iso, windowDays: nil,
                                                                  dataSHA256: nil, sha256: JobInputs.sha256(json)), inputName: "memory"),
                              history: history)
        let r = try run(.init(dealPath: deal.name, dbPath: "", settings: settings, out: out), inputs)
        if let folder = r.folder { try OutputWriter.writeDirectory(r.files, to: folder) }
        return r
    }

    /// The run: base and every applicable scenario in one call of the engine (pure: nothing read or written).
    public static func run(_ o: Options, _ inputs: Resolved) throws -> Result {
        if o.shard != nil, o.out == nil { throw PipelineError.invalidConfiguration("--shard needs --out") }
        let deal = inputs.deal.deal, cal = inputs.calibration.calibration
        var s = o.settings
        try DealFile.checkFleet(deal, text: inputs.deal.text, file: o.dealPath, networkHashRateHs: cal.initialState.hashRateHs, on: cal.initialState.date)
        // `--measure forward`: the drift shift is solved once, on the base case's first paths (the same for every shard), and
        // every scenario runs on the shifted law (a scenario is a shock relative to the curve-matched base).
        if s.measure == .forward {
            guard let rc = inputs.curve else { throw SimulateError.forwardCurve("--measure forward needs a forward curve") }
            try CurveInputs.applyForward(&s, deal: deal, calibration: cal, curve: rc, options: o.curve)
        }
        let run = try StressRun(deal: deal, scenarios: inputs.scenarios.scenarios, history: inputs.history, calibration: cal, settings: s,
                                shard: o.shard, hashes: .init(deal: inputs.deal.sha256, calibration: inputs.calibration.sha256,
                                                              scenarios: inputs.scenarios.sha256))
        let manifest = RunManifest.engineRun("stress", identity: run.identity,
                                             inputs: [.init(path: o.dealPath, sha256: inputs.deal.sha256),
                                                      .init(path: inputs.scenarios.path, sha256: inputs.scenarios.sha256),
                                                      .init(path: inputs.calibration.inputName, sha256: inputs.calibration.sha256)],
                                             parameters: run.parameters, rng: PathGenerator.rngDescription, threads: s.threads,
                                             shard: o.shard?.description, calibration: inputs.calibration.reference, timings: ["stress": run.seconds])
        let manifestFile = OutputFile("manifest.json", try JSONText.encode(manifest))
        if let sh = o.shard, let out = o.out {
            let (folder, files) = try run.shardOutput(dealYAML: inputs.deal.text, efficiencyJTH: deal.miner.efficiencyJTH,
                                                      calibrationJSON: inputs.calibration.json, scenariosYAML: inputs.scenarios.text,
                                                      calibration: inputs.calibration.reference, out: out)
            return Result(table: StressTable(rows: [], structure: false, leverage: false), seconds: ["stress": run.seconds],
                          text: "stress shard \(sh) written to \(folder)", files: files, manifest: manifestFile, folder: folder)
        }
        let table = run.table(deal: deal)
        return Result(table: table, seconds: ["stress": run.seconds], text: s.measure == .real ? nil : "measure: \(s.measureStatement)\n" + table.text,
                      files: [OutputFile("stress.csv", table.csv), OutputFile("stress.json", table.json)],
                      manifest: manifestFile, folder: o.out)
    }
}
