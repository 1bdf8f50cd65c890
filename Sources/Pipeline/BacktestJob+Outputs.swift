import Backtest
import Domain
import FileIO
import Foundation
import Results
import Simulate

/// The backtest's manifest and printed header (its tables are `Backtest.BacktestOutputs`).
extension BacktestJob {
    /// What a run was asked to do (manifest and table header).
    struct RunDescription {
        var deal: String, dealPath: String, dealSHA256: String, dbPath: String
        var dataFirst: Day, dataLast: Day, from: Day, to: Day
        var every: OriginGrid.Every, offsetDays: Int
        var settings: Settings
        var calibrationPath: String?, calibrationSHA256: String?
        var requested: Int
    }

    public static let backtestColumns = BacktestOutputs.backtestColumns
    public static let scoresColumns = BacktestOutputs.scoresColumns

    static func manifest(_ d: RunDescription, results: [OriginResult], requirements: [Requirement], failures: [String],
                         seconds: Double) -> RunManifest<BacktestParameters> {
        let s = d.settings
        let calSeconds = results.reduce(0) { $0 + $1.calibrationSeconds }, simSeconds = results.reduce(0) { $0 + $1.simulationSeconds }
        var inputs: [RunManifest<BacktestParameters>.Input] = [.init(path: d.dealPath, sha256: d.dealSHA256),
                                                              .init(path: d.dbPath, sha256: nil, rowsFrom: d.dataFirst.iso, rowsTo: d.dataLast.iso)]
        if let p = d.calibrationPath { inputs.append(.init(path: p, sha256: d.calibrationSHA256 ?? "")) }
        let params = BacktestParameters(
            deal: d.deal, from: d.from.iso, to: d.to.iso, every: d.every.description, offsetDays: d.offsetDays, horizons: s.horizons,
            models: s.models.map(\.rawValue), paths: s.paths, seed: s.seed, windowDays: s.windowDays, poissonBlocks: s.poissonBlocks, antithetic: s.antithetic,
            measure: s.measureStatement, drift: s.drift.description,
            driftPrior: .init(meanPerYear: s.driftPrior.meanPerYear, sdPerYear: s.driftPrior.sdPerYear), parameterUncertainty: s.parameterUncertainty,
            calibration: d.calibrationPath.map { "fixed parameters from \($0), initial state re-based at each origin" } ?? "fitted at each origin on data ≤ origin",
            originsRequested: d.requested, originsScored: results.count,
            origins: results.map { .init(requested: $0.requested.iso, origin: $0.origin.iso) },
            originSeed: "splitmix64(seed ^ splitmix64(origin day number)), common to the models",
            quantiles: "type 6 (position (n+1)p) over the simulated paths", pit: "randomised rank (L + U(E+1))/(n+1)",
            requirements: requirements.map(\.text), requirementsFailed: failures)
        return RunManifest(command: "backtest", version: Version.string, createdUTC: Version.now(), inputs: inputs, parameters: params, seed: s.seed,
                           rng: PathGenerator.rngDescription, paths: s.paths, threads: s.threads,
                           timings: ["total": seconds, "calibration_cpu": calSeconds, "simulation_cpu": simSeconds])
    }

    /// The printed table: its header says what was run.
    static func table(_ d: RunDescription, scores: [HorizonScore], scored: Int) -> String {
        let s = d.settings
        let header = "backtest \(d.deal): \(scored) origins \(d.from)…\(d.to) (every \(d.every)\(d.offsetDays > 0 ? ", offset \(d.offsetDays) d" : "")), "
            + "\(s.paths) paths, \(d.calibrationPath == nil ? "calibrated at each origin (window \(s.windowDays) d)" : "fixed parameters")"
        return BacktestOutputs.table(header: header, scores: scores)
    }
}
