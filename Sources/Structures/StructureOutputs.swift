import Domain
import Foundation

/// The output files of the structures (docs/outputs.md), from reduced results; numbers via `Double.description`.
public enum StructureOutputs {
    /// `tranches.csv`.
    public static func tranchesCSV(_ rows: [TrancheSummary]) -> String {
        ([TrancheSummary.csvHeader] + rows.map(\.csvRow)).joined(separator: "\n") + "\n"
    }

    /// `leverage_liquidation.csv`: `day,date,prob_liquidated` with `date = firstDay + (day − 1)` (firstDay = first token day).
    public static func liquidationCSV(_ s: LeverageSummary, firstDay: Day) -> String {
        var out = "day,date,prob_liquidated\n"
        for (i, p) in s.liquidationByDay.enumerated() { out += "\(i + 1),\((firstDay + i).iso),\(p.description)\n" }
        return out
    }

    /// `leverage_sweep.csv`.
    public static func sweepCSV(_ rows: [LeverageSweep.Row]) -> String {
        ([LeverageSweep.Row.csvHeader] + rows.map(\.csvRow)).joined(separator: "\n") + "\n"
    }

    /// The `tranches` array of `summary.json`.
    public static func tranchesJSON(_ rows: [TrancheSummary]) -> [[String: Any]] {
        rows.map { r in
            var o: [String: Any] = ["tranche": r.tranche, "balance_usd": r.balanceUSD, "prob_shortfall": r.probShortfall, "prob_loss": r.probLoss,
                                    "expected_loss": r.expectedLoss, "loss_given_shortfall": r.lossGivenShortfall,
                                    "wal_years": r.walYears, "irr_mean": r.irrMean]
            for (k, q) in zip(["p05", "p25", "p50", "p75", "p95"], r.irrQuantiles) { o["irr_\(k)"] = q }
            return o
        }
    }

    /// The `leverage` object of `summary.json`.
    public static func leverageJSON(_ s: LeverageSummary, best: LeverageSweep.Row? = nil) -> [String: Any] {
        func ret(_ r: LeverageSummary.Returns) -> [String: Any] {
            var o: [String: Any] = ["mean": r.mean, "var95": r.var95, "cvar95": r.cvar95, "var99": r.var99, "cvar99": r.cvar99]
            for (k, (name, _)) in PathStatistics.levels.enumerated() { o[name] = r.quantiles[k] }
            return o
        }
        var o: [String: Any] = ["prob_liquidation": s.probLiquidation, "prob_bad_debt": s.probBadDebt,
                                "bad_debt_mean_fraction": s.meanBadDebtFraction, "levered": ret(s.levered), "unlevered": ret(s.unlevered)]
        if let b = best {
            o["max_leverage_under_5pct_liquidation"] = b.leverage
            o["max_leverage_under_5pct_liquidation_loops"] = b.loops; o["max_leverage_under_5pct_liquidation_ltv"] = b.ltv
        }
        return o
    }
}
