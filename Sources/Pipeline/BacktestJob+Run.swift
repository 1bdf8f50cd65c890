import Backtest
import Calibrate
import Hashprice
import FileIO
import Results
import Config
import Domain
import Foundation
import Report
import Simulate
import Store

extension BacktestJob {
    public struct Options: Sendable {
        public var dealPath: String
        public var dbPath: String
        /// The ASIC catalog the calibrations use (and the deal's miner lookup).
        public var catalogPath: String
        public var from: Day?
        public var to: Day?
        public var every: OriginGrid.Every
        public var offsetDays: Int
        public var settings: Settings
        /// Fixed parameters (the oracle mode): the initial state is re-based at each origin, nothing is fitted.
        public var calibrationPath: String?
        public var out: String?
        public var requirements: [Requirement]
        /// Also render `index.html` in the output folder.
        public var html: Bool
        /// Use only stored days ≤ this one (the nightly's as-of); nil: everything stored.
        public var dataThrough: Day?
        public init(dealPath: String, dbPath: String = "hashsec.sqlite", catalogPath: String = CalibrateJob.defaultCatalog, from: Day? = nil, to: Day? = nil, every: OriginGrid.Every = .quarter,
                    offsetDays: Int = 0, settings: Settings = Settings(), calibrationPath: String? = nil, out: String? = nil,
                    requirements: [Requirement] = [], html: Bool = true, dataThrough: Day? = nil) {
            self.dealPath = dealPath; self.dbPath = dbPath; self.catalogPath = catalogPath; self.from = from; self.to = to; self.every = every; self.offsetDays = offsetDays
            self.settings = settings; self.calibrationPath = calibrationPath; self.out = out; self.requirements = requirements; self.html = html
            self.dataThrough = dataThrough
        }
    }

    public struct RunResult {
        public var origins: [OriginResult]
        public var scores: [HorizonScore]
        /// The printed table (and the requirement lines when there are checks).
        public var text: String
        /// Outputs: `backtest.csv`, `scores.csv`, `manifest.json` (and `index.html` when written).
        public var files: [OutputFile]
        public var requirementOutcomes: [Requirement.Outcome]
        public var failures: [String]
        public var seconds: Double
    }

    /// The default first origin: the first stored day plus the calibration window (a full window behind the first fit).
    static func defaultFrom(_ h: History, windowDays: Int) -> Day? { h.firstDay.map { $0 + windowDays } }

    /// Loads the store once, scores every origin, writes the outputs (all or nothing), then evaluates `requirements`
    /// (a failed check is reported in the result; the caller turns it into exit code 80).
    public static func run(_ o: Options, progress: ((Int, Int) -> Void)? = nil) throws -> RunResult {
        let t0 = Date()
        let dealInput = try JobInputs.deal(o.dealPath, files: DiskFiles.shared)
        guard FileManager.default.fileExists(atPath: o.dbPath) else {
            throw PipelineError.inputMissing(path: o.dbPath, reason: "no store; run `hashsec ingest` first")
        }
        let store = try HistoryStore(path: o.dbPath)
        let history = try History(observations: try store.observations(through: o.dataThrough), catalogPath: o.catalogPath)
        return try run(o, deal: dealInput, history: history, started: t0, progress: progress)
    }

    /// The run on inputs already read (the nightly resolves them once): the deal and the stored history (≤ `dataThrough`).
    package static func run(_ o: Options, deal dealInput: JobInputs.DealInput, history: History, started t0: Date = Date(),
                    progress: ((Int, Int) -> Void)? = nil) throws -> RunResult {
        let deal = dealInput.deal
        guard let first = history.firstDay, let last = history.lastDay else {
            throw PipelineError.insufficientData("the store \(o.dbPath) is empty: run `hashsec ingest` first")
        }
        let fixed = try o.calibrationPath.map { try CalibrationResolver.file($0, asOf: nil) }
        let from = o.from ?? (fixed != nil ? first + NaiveBaseline.weeks * 7 + 7 : defaultFrom(history, windowDays: o.settings.windowDays)!)
        let to = o.to ?? last - (o.settings.horizons.first ?? 0)
        let origins = try OriginGrid.origins(from: from, to: to, every: o.every, offsetDays: o.offsetDays).filter { $0 <= last }
        guard !origins.isEmpty else {
            throw PipelineError.insufficientData("no origin in \(from)…\(to) (every \(o.every), offset \(o.offsetDays) d) on or before the last stored day \(last)")
        }
        let results = try evaluate(history: history, deal: deal, origins: origins, settings: o.settings, fixed: fixed?.calibration, progress: progress)
        let records = results.flatMap(\.records)
        let spacing = HorizonScore.spacing(of: results.map(\.origin))
        let scores = HorizonScore.table(records: records, models: o.settings.models.map(\.rawValue), horizons: o.settings.horizons, spacingDays: spacing)
        let (outcomes, failures) = Requirement.evaluate(o.requirements, scores)
        let seconds = Date().timeIntervalSince(t0)
        let st = o.settings
        let request = BacktestRequest(
            dealPath: o.dealPath, dealSHA256: dealInput.sha256, dbPath: o.dbPath, dataFirst: first, dataLast: last, calibrationPath: o.calibrationPath,
            calibrationSHA256: fixed?.sha256, threads: st.threads,
            parameters: BacktestParameters(deal: deal.name, from: from.iso, to: to.iso, every: o.every.description, offsetDays: o.offsetDays,
                                           horizons: st.horizons, models: st.models.map(\.rawValue), paths: st.paths, seed: st.seed,
                                           windowDays: st.windowDays, poissonBlocks: st.poissonBlocks, antithetic: st.antithetic,
                                           measure: st.measureStatement, drift: st.drift.description,
                                           driftPrior: .init(meanPerYear: st.driftPrior.meanPerYear, sdPerYear: st.driftPrior.sdPerYear),
                                           parameterUncertainty: st.parameterUncertainty, originsRequested: origins.count,
                                           requirements: o.requirements.map(\.text)))
        let backtestCSV = BacktestOutputs.backtestCSV(records, models: st.models.map(\.rawValue)), scoresCSV = BacktestOutputs.scoresCSV(scores)
        let m = request.manifest(origins: results.map { .init(requested: $0.requested.iso, origin: $0.origin.iso) }, failures: failures,
                                 rng: PathGenerator.rngDescription,
                                 timings: ["total": seconds, "calibration_cpu": results.reduce(0) { $0 + $1.calibrationSeconds },
                                           "simulation_cpu": results.reduce(0) { $0 + $1.simulationSeconds }])
        var files = [OutputFile("backtest.csv", backtestCSV), OutputFile("scores.csv", scoresCSV), OutputFile("manifest.json", try JSONText.encode(m))]
        var text = request.table(scores: scores, scored: results.count)
        if !outcomes.isEmpty {
            text += "\nrequirements: " + (failures.isEmpty ? "all \(outcomes.count) checks passed" : "\(failures.count) of \(outcomes.count) checks FAILED")
            for f in failures { text += "\n  FAILED " + f }
        }
        if o.html { files.append(OutputFile("index.html", try BacktestReport.html(backtestCSV: backtestCSV, scoresCSV: scoresCSV, manifest: m))) }
        if let out = o.out { try OutputWriter.writeDirectory(files, to: out) }
        return RunResult(origins: results, scores: scores, text: text, files: files, requirementOutcomes: outcomes, failures: failures,
                         seconds: Date().timeIntervalSince(t0))
    }
}

extension BacktestHistory {
    /// Sorts the observations, computes their hashprice index (`HashpriceIndex`) and reads the ASIC catalog at
    /// `catalogPath` (default: the repository's) with its SHA-256.
    public init(observations: [DailyObservation], catalogPath: String = CalibrateJob.defaultCatalog) throws {
        let (catalog, sha) = try JobInputs.catalogWithHash(catalogPath)
        let obs = observations.sorted { $0.date < $1.date }
        self.init(sortedObservations: obs, hashprice: HashpriceIndex.compute(obs), catalog: catalog, catalogSHA256: sha)
    }

    /// From inputs already read (the nightly's): the catalog with its SHA-256, and the index of `observations` when
    /// already computed.
    package init(observations: [DailyObservation], catalog hashed: JobInputs.HashedCatalog, hashprice index: [HashpriceDay]? = nil) {
        let obs = observations.sorted { $0.date < $1.date }
        self.init(sortedObservations: obs, hashprice: index ?? HashpriceIndex.compute(obs), catalog: hashed.0, catalogSHA256: hashed.1)
    }
}
