import Backtest
import Config
import Domain
import FileIO
import Foundation
import Hashprice
import Models
import Pipeline
import Results
import Simulate

/// The nightly's scheduled backtest (`backtest:` in the nightly configuration) and the run report's *model validation*.
///
/// Backtests live in `<reports_dir>/backtests/<data as-of>/` (the `hashsec backtest --out` files). A nightly runs one when
/// there is none yet, or when the latest one's data as-of is at least `every_days` before the run's as-of. Either way the
/// run folder gets `model_validation.csv` (the latest backtest's `scores.csv`) and `model_validation.json` (its as-of,
/// whether this run made it, the failed `require` checks, the relative link to its page), which the report shows.
public enum NightlyBacktest {
    public static let folder = "backtests"

    /// What the stage did.
    public struct Outcome: Sendable {
        /// The backtest shown in the report (nil when none exists and none was due, which cannot happen with a block).
        public var asOf: Day?
        public var ran: Bool
        public var failures: [String]
        /// The backtest was due but could not run (e.g. an origin without enough data); the nightly goes on and shows the
        /// latest stored backtest, if any, with this message.
        public var error: String? = nil
    }

    /// Backtest folders (`YYYY-MM-DD` with a `scores.csv`), oldest first.
    public static func stored(reportsDir: URL) -> [(Day, URL)] {
        let dir = reportsDir.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.compactMap { n -> (Day, URL)? in
            guard n.count == 10, let d = Day(iso: n) else { return nil }
            let u = dir.appendingPathComponent(n)
            return FileManager.default.fileExists(atPath: u.appendingPathComponent("scores.csv").path) ? (d, u) : nil
        }.sorted { $0.0 < $1.0 }
    }

    /// Whether a backtest is due at `asOf`: none stored yet, or the latest is `everyDays` or more older.
    public static func isDue(latest: Day?, asOf: Day, everyDays: Int) -> Bool {
        guard let l = latest else { return true }
        return asOf - l >= everyDays
    }

    /// The checks of the block, parsed (a bad specification is a configuration error at the block's line).
    static func requirements(_ b: NightlyFile.Backtest, file: String) throws -> [Requirement] {
        do { return try b.require.map(Requirement.parse) ?? [] } catch let e as BacktestError {
            throw PipelineError.invalidConfiguration("\(file):\(b.line): backtest.require: \(e)")
        }
    }

    /// The block's backtest options for a run as of `asOf` (origins up to the last day with a realized value at the
    /// shortest horizon).
    static func options(_ b: NightlyFile.Backtest, config: NightlyFile, asOf: Day, out: URL) throws -> BacktestJob.Options {
        func bad(_ m: String) -> PipelineError { .invalidConfiguration("\(config.file):\(b.line): backtest: \(m)") }
        let models = try b.models.map { name -> PriceModel in
            guard let m = PriceModel(rawValue: name) else { throw bad("unknown model \(name)") }
            return m
        }
        let every: OriginGrid.Every
        do { every = try OriginGrid.Every(parsing: b.every) } catch { throw bad("\(error)") }
        // The nightly's stated assumptions (drift, parameter uncertainty) and calibration options are what its backtest validates.
        let settings = BacktestJob.Settings(horizons: b.horizons, models: models, paths: b.paths, seed: config.seed, threads: config.threads,
                                            windowDays: b.windowDays, drift: Drift(config.drift) ?? .default,
                                            parameterUncertainty: config.parameterUncertainty, fit: NightlyJob.calibrationOptions(config))
        return BacktestJob.Options(dealPath: b.deal ?? config.deals[0], dbPath: config.db, from: b.from, to: asOf - (b.horizons.first ?? 0),
                                   every: every, offsetDays: b.offsetDays, settings: settings, out: out.path,
                                   requirements: try requirements(b, file: config.file), dataThrough: asOf)
    }

    /// What the backtest stage is a function of, read by the nightly before it runs: the block's deal, the stored history
    /// up to the as-of with its hashprice index, the ASIC catalog, and the latest stored backtest.
    struct Inputs {
        var deal: JobInputs.DealInput
        var observations: [DailyObservation]
        var hashprice: [HashpriceDay]
        var catalog: JobInputs.HashedCatalog
        var latest: Stored?
    }

    /// A stored backtest: its data as-of, its `scores.csv` bytes and its manifest (nil when unreadable).
    struct Stored {
        var asOf: Day
        var scores: Data
        var manifest: RunManifest<BacktestParameters>?
    }

    /// The latest stored backtest in `reportsDir` (nil when there is none).
    static func latest(reportsDir: URL, files: InputFiles) throws -> Stored? {
        guard let (day, dir) = stored(reportsDir: reportsDir).last else { return nil }
        return try read(day, dir: dir, files: files)
    }

    static func read(_ day: Day, dir: URL, files: InputFiles) throws -> Stored {
        let scores = try JobInputs.bytes(dir.appendingPathComponent("scores.csv").path, files: files)
        let manifest = files.contents(atPath: dir.appendingPathComponent("manifest.json").path)
            .flatMap { try? JSONText.decode(RunManifest<BacktestParameters>.self, from: $0) }
        return Stored(asOf: day, scores: scores, manifest: manifest)
    }

    /// Runs the backtest when due (on `inputs`, nothing re-read), then writes the model-validation files of the latest
    /// backtest (this run's, else the stored one) into `runDir`.
    static func run(config: NightlyFile, asOf: Day, reportsDir: URL, runDir: URL, inputs: Inputs) throws -> Outcome {
        guard let b = config.backtest else { return Outcome(asOf: nil, ran: false, failures: []) }
        var latest = inputs.latest
        var ran = false, runError: String? = nil
        if isDue(latest: latest?.asOf, asOf: asOf, everyDays: b.everyDays) {
            let out = reportsDir.appendingPathComponent(folder).appendingPathComponent(asOf.iso)
            let opts = try options(b, config: config, asOf: asOf, out: out)
            let history = BacktestJob.History(observations: inputs.observations, catalog: inputs.catalog, hashprice: inputs.hashprice)
            // A backtest that cannot run (data, an unidentified origin) must not stop the valuations from being published.
            do {
                let r = try BacktestJob.run(opts, deal: inputs.deal, history: history)
                ran = true
                let file = { (n: String) in r.files.first { $0.name == n }?.data }
                latest = Stored(asOf: asOf, scores: file("scores.csv") ?? Data(),
                                manifest: file("manifest.json").flatMap { try? JSONText.decode(RunManifest<BacktestParameters>.self, from: $0) })
            } catch { runError = "\(error)" }
        }
        guard let l = latest else { return Outcome(asOf: nil, ran: ran, failures: [], error: runError) }
        let day = l.asOf, scores = l.scores
        let params = l.manifest?.parameters
        let failures = params?.requirementsFailed ?? []
        let info = ModelValidation(dataAsOf: day.iso, ranInThisRun: ran, report: "../\(folder)/\(day.iso)/index.html", deal: params?.deal ?? "",
                                   models: params?.models ?? [], every: params?.every ?? "", from: params?.from ?? "", to: params?.to ?? "",
                                   paths: params?.paths ?? 0, origins: params?.originsScored ?? 0, requirements: params?.requirements ?? [],
                                   requirementsFailed: failures, errorInThisRun: runError)
        try OutputWriter.write([(runDir.appendingPathComponent("model_validation.csv").path, scores),
                                (runDir.appendingPathComponent("model_validation.json").path, try JSONText.data(info))])
        return Outcome(asOf: day, ran: ran, failures: failures, error: runError)
    }
}
