import Domain
import Foundation
import Results

/// What a backtest was asked to do: the inputs and the `parameters` block of its manifest (everything but what the run
/// found: the origins scored, the failed requirements) and the printed table's header.
public struct BacktestRequest: Sendable {
    public var inputs: [RunManifest<BacktestParameters>.Input]
    /// `origins_scored`, `origins` and `requirements_failed` are filled in by `manifest`.
    public var parameters: BacktestParameters
    public var threads: Int
    public var fixedCalibration: Bool

    /// `dataFirst…dataLast`: the stored days read; `calibrationPath`: fixed parameters (nil: fitted at each origin).
    public init(dealPath: String, dealSHA256: String, dbPath: String, dataFirst: Day, dataLast: Day, calibrationPath: String?,
                calibrationSHA256: String?, threads: Int, parameters: BacktestParameters) {
        inputs = [.init(path: dealPath, sha256: dealSHA256), .init(path: dbPath, sha256: nil, rowsFrom: dataFirst.iso, rowsTo: dataLast.iso)]
        if let p = calibrationPath { inputs.append(.init(path: p, sha256: calibrationSHA256 ?? "")) }
        self.parameters = parameters; self.threads = threads; fixedCalibration = calibrationPath != nil
        self.parameters.calibration = calibrationPath.map { "fixed parameters from \($0), initial state re-based at each origin" }
            ?? "fitted at each origin on data ≤ origin"
        self.parameters.originSeed = "splitmix64(seed ^ splitmix64(origin day number)), common to the models"
        self.parameters.quantiles = "type 6 (position (n+1)p) over the simulated paths"
        self.parameters.pit = "randomised rank (L + U(E+1))/(n+1)"
    }

    /// `manifest.json`: the scored origins (grid date, initial-state day), the failed requirements, the timings.
    public func manifest(origins: [BacktestParameters.Origin], failures: [String], rng: String, timings: [String: Double])
        -> RunManifest<BacktestParameters> {
        var p = parameters
        p.originsScored = origins.count; p.origins = origins; p.requirementsFailed = failures
        return RunManifest(command: "backtest", version: Version.string, createdUTC: Version.now(), inputs: inputs, parameters: p, seed: p.seed,
                           rng: rng, paths: p.paths, threads: threads, timings: timings)
    }

    /// The printed table (`BacktestOutputs.table`): its header says what was run.
    public func table(scores: [HorizonScore], scored: Int) -> String {
        let p = parameters
        let header = "backtest \(p.deal): \(scored) origins \(p.from)…\(p.to) (every \(p.every)\(p.offsetDays > 0 ? ", offset \(p.offsetDays) d" : "")), "
            + "\(p.paths) paths, \(fixedCalibration ? "fixed parameters" : "calibrated at each origin (window \(p.windowDays) d)")"
        return BacktestOutputs.table(header: header, scores: scores)
    }
}
