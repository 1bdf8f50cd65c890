import Domain
import FileIO
import Foundation
import Statistics

/// The output files of the structures (docs/outputs.md), from reduced results, through the one CSV writer (`CSVText`:
/// numbers in full precision, text cells spreadsheet-safe).
public enum StructureOutputs {
    public static let tranchesHeader = ["tranche", "balance_usd", "prob_shortfall", "prob_loss", "expected_loss", "loss_given_shortfall",
                                        "wal_years"] + Quantiles.band.map { "irr_" + $0.name }

    /// `tranches.csv`.
    public static func tranchesCSV(_ rows: [TrancheSummary]) -> String {
        var t = CSVText(header: tranchesHeader)
        for r in rows {
            t.append([.text(r.tranche)] + ([r.balanceUSD, r.probShortfall, r.probLoss, r.expectedLoss, r.lossGivenShortfall, r.walYears]
                                           + r.irrQuantiles).map { .number($0) })
        }
        return t.text
    }

    /// `leverage_liquidation.csv`: `day,date,prob_liquidated` with `date = firstDay + (day − 1)` (firstDay = first token day).
    public static func liquidationCSV(_ s: LeverageSummary, firstDay: Day) -> String {
        var t = CSVText(header: ["day", "date", "prob_liquidated"])
        for (i, p) in s.liquidationByDay.enumerated() { t.append([.integer(i + 1), .text((firstDay + i).iso), .number(p)]) }
        return t.text
    }

    /// `leverage_returns.csv`: `measure,unlevered,levered` (mean, quantiles, VaR/CVaR 95/99, bad debt, liquidation).
    public static func returnsCSV(_ s: LeverageSummary) -> String {
        let u = s.unlevered, l = s.levered
        var t = CSVText(header: ["measure", "unlevered", "levered"])
        t.append([.text("mean"), .number(u.mean), .number(l.mean)])
        for (k, (name, _)) in Quantiles.levels.enumerated() { t.append([.text(name), .number(u.quantiles[k]), .number(l.quantiles[k])]) }
        for (name, a, b) in [("var95", u.var95, l.var95), ("cvar95", u.cvar95, l.cvar95), ("var99", u.var99, l.var99), ("cvar99", u.cvar99, l.cvar99),
                             ("prob_bad_debt", 0.0, s.probBadDebt), ("prob_liquidation", 0.0, s.probLiquidation)] {
            t.append([.text(name), .number(a), .number(b)])
        }
        return t.text
    }

    /// `leverage_mark.csv`: the model mark's fit quality per fit day (`MarkFitRow`; date = the token's start + day).
    public static func markCSV(_ rows: [MarkFitRow], startDate: Day) -> String {
        var t = CSVText(header: MarkFitRow.csvHeader.split(separator: ",").map(String.init))
        for r in rows {
            t.append([.integer(r.day), .text((startDate + r.day).iso), .integer(r.paths), .integer(r.regressors)]
                     + [r.meanRemainingPV, r.stderrMean, r.sdRemainingPV, r.r2, r.r2CV, r.rmseCV].map { .number($0.isFinite ? $0 : nil) })
        }
        return t.text
    }

    public static let sweepHeader = ["sweep", "loops", "ltv", "leverage", "prob_liquidation", "prob_bad_debt", "return_mean", "return_p05",
                                     "var95", "cvar95", "var99", "cvar99"]

    /// `leverage_sweep.csv`.
    public static func sweepCSV(_ rows: [LeverageSweep.Row]) -> String {
        var t = CSVText(header: sweepHeader)
        for row in rows {
            let s = row.summary, r = s.levered
            t.append([.text(row.sweep), .integer(row.loops)] + [row.ltv, row.leverage, s.probLiquidation, s.probBadDebt, r.mean, r.quantiles[1],
                                                                 r.var95, r.cvar95, r.var99, r.cvar99].map { .number($0) })
        }
        return t.text
    }
}
