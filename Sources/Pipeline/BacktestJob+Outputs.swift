import Backtest
import Domain
import Foundation
import Report
import Simulate

/// The backtest's output files (`docs/outputs.md`): `backtest.csv`, `scores.csv`, `manifest.json`, and the printed table.
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

    /// Shortest round-trip decimal; empty for a missing or non-finite value (never NaN/inf in a file).
    static func num(_ x: Double?) -> String { x.flatMap { $0.isFinite ? $0.description : nil } ?? "" }
    static func flag(_ b: Bool?) -> String { b.map { $0 ? "1" : "0" } ?? "" }

    public static let backtestColumns = ["origin", "model", "horizon", "target_date", "realized", "p05", "p25", "p50", "p75", "p95", "pit",
                                         "in50", "in90", "pinball", "naive_pinball", "realized_payout", "payout_p05", "payout_p50",
                                         "payout_p95", "payout_pit", "payout_in50", "payout_in90"]

    /// One row per origin × model × horizon, origins ascending, models in run order, horizons ascending.
    static func backtestCSV(_ records: [ForecastRecord], models: [String]) -> String {
        let rank = Dictionary(uniqueKeysWithValues: models.enumerated().map { ($1, $0) })
        let sorted = records.sorted { a, b in
            (a.origin, rank[a.model] ?? 0, a.horizon) < (b.origin, rank[b.model] ?? 0, b.horizon)
        }
        let rows = sorted.map { r -> [String] in
            let q = r.quantiles.values.map { num($0) }, p = r.payout
            return [r.origin.iso, r.model, String(r.horizon), r.target.iso, num(r.realized)] + q
                + [num(r.pit), flag(r.in50), flag(r.in90), num(r.pinball), num(r.naivePinball), num(p?.realized),
                   num(p?.quantiles.p05), num(p?.quantiles.p50), num(p?.quantiles.p95), num(p?.pit), flag(p?.in50), flag(p?.in90)]
        }
        return CSVTable(header: backtestColumns, rows: rows).text
    }

    public static let scoresColumns = ["model", "horizon", "n", "n_eff", "cov50", "cov90", "below_p05", "above_p95"]
        + (0..<HorizonScore.pitBins).map { "pit_\($0)" }
        + ["chi2", "chi2_p", "chi2_p_adj", "pinball", "naive_n", "pinball_on_naive", "naive_pinball", "skill", "payout_n", "payout_cov50", "payout_cov90"]

    /// One row per model × horizon.
    static func scoresCSV(_ scores: [HorizonScore]) -> String {
        let rows = scores.map { s -> [String] in
            [s.model, String(s.horizon), String(s.n), num(s.effectiveN), num(s.coverage50), num(s.coverage90), String(s.belowP05), String(s.aboveP95)]
                + s.pitHistogram.map(String.init)
                + [num(s.chiSquare), num(s.chiSquareP), num(s.chiSquarePAdjusted), num(s.pinball), String(s.naiveN), num(s.pinballOnNaive),
                   num(s.naivePinball), num(s.skill), String(s.payoutN), num(s.payoutCoverage50), num(s.payoutCoverage90)]
        }
        return CSVTable(header: scoresColumns, rows: rows).text
    }

    static func manifest(_ d: RunDescription, results: [OriginResult], requirements: [Requirement], failures: [String], seconds: Double) -> String {
        let s = d.settings
        let calSeconds = results.reduce(0) { $0 + $1.calibrationSeconds }, simSeconds = results.reduce(0) { $0 + $1.simulationSeconds }
        var inputs: [[String: Any]] = [["path": d.dealPath, "sha256": d.dealSHA256], ["path": d.dbPath, "rows_from": d.dataFirst.iso, "rows_to": d.dataLast.iso]]
        if let p = d.calibrationPath { inputs.append(["path": p, "sha256": d.calibrationSHA256 ?? ""]) }
        let params: [String: Any] = [
            "deal": d.deal, "from": d.from.iso, "to": d.to.iso, "every": d.every.description, "offset_days": d.offsetDays,
            "horizons": s.horizons, "models": s.models.map(\.rawValue), "paths": s.paths, "seed": NSNumber(value: s.seed),
            "window_days": s.windowDays, "poisson_blocks": s.poissonBlocks, "antithetic": s.antithetic, "measure": s.measureStatement,
            "drift": s.drift.description, "drift_prior": ["mean_per_year": s.driftPrior.meanPerYear, "sd_per_year": s.driftPrior.sdPerYear],
            "parameter_uncertainty": s.parameterUncertainty,
            "calibration": d.calibrationPath.map { "fixed parameters from \($0), initial state re-based at each origin" } ?? "fitted at each origin on data ≤ origin",
            "origins_requested": d.requested, "origins_scored": results.count,
            "origin_seed": "splitmix64(seed ^ splitmix64(origin day number)), common to the models",
            "quantiles": "type 6 (position (n+1)p) over the simulated paths", "pit": "randomised rank (L + U(E+1))/(n+1)",
            "requirements": requirements.map(\.text), "requirements_failed": failures,
        ]
        let o: [String: Any] = [
            "command": "backtest", "version": "hashsec 0.1", "created_utc": ISO8601DateFormatter().string(from: Date()),
            "inputs": inputs, "parameters": params, "seed": NSNumber(value: s.seed), "rng": PathGenerator.rngDescription,
            "paths": s.paths, "threads": s.threads,
            "origins": results.map { ["requested": $0.requested.iso, "origin": $0.origin.iso] },
            "timings_s": ["total": seconds, "calibration_cpu": calSeconds, "simulation_cpu": simSeconds],
        ]
        return SimulationOutputs.json(o)
    }

    /// The printed table: model, horizon, n, coverage of the 50 % and 90 % bands, skill, PIT uniformity p-value.
    static func table(_ d: RunDescription, scores: [HorizonScore], scored: Int) -> String {
        let s = d.settings
        var lines = ["backtest \(d.deal): \(scored) origins \(d.from)…\(d.to) (every \(d.every)\(d.offsetDays > 0 ? ", offset \(d.offsetDays) d" : "")), "
                     + "\(s.paths) paths, \(d.calibrationPath == nil ? "calibrated at each origin (window \(s.windowDays) d)" : "fixed parameters")",
                     "model       horizon     n   cov50   cov90   skill   pit_p   payout_cov90"]
        func f(_ x: Double?, _ w: Int, signed: Bool = false) -> String {
            let t = x.map { String(format: signed ? "%+.2f" : "%.2f", $0) } ?? "–"
            return String(repeating: " ", count: max(0, w - t.count)) + t
        }
        for r in scores {
            lines.append(r.model.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "%7d d %5d", r.horizon, r.n)
                         + f(r.coverage50, 8) + f(r.coverage90, 8) + f(r.skill, 8, signed: true) + f(r.chiSquarePAdjusted, 8) + f(r.payoutCoverage90, 15))
        }
        return lines.joined(separator: "\n")
    }
}
