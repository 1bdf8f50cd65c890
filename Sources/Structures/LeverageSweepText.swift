import Foundation

/// The terminal table of `hashsec simulate --sweep-leverage N` (the sweep itself runs inside the simulation, on the same
/// paths and premium draws, and is written as `leverage_sweep.csv`; docs/outputs.md).
public enum LeverageSweepText {
    /// One line per sweep row (loops at the deal's LTV, then one loop at lower LTVs), then the highest leverage with
    /// P(liquidation) < 5%.
    public static func table(_ rows: [LeverageSweep.Row]) -> String {
        var lines = ["loops    LTV  leverage  P(liq)  P(bad debt)  mean return  p05 return  VaR95  CVaR95"]
        for row in rows {
            let s = row.summary, l = s.levered
            lines.append(String(format: "%5d  %4.0f%%  %7.3fx  %5.1f%%  %10.1f%%  %10.1f%%  %9.1f%%  %5.1f%%  %6.1f%%", row.loops, 100 * row.ltv,
                                row.leverage, 100 * s.probLiquidation, 100 * s.probBadDebt, 100 * l.mean, 100 * l.quantiles[1],
                                100 * l.var95, 100 * l.cvar95))
        }
        lines.append(LeverageSweep.best(rows).map {
            String(format: "highest leverage with P(liquidation) < 5%%: %.3fx (%d loop%@ at %.0f%% LTV)", $0.leverage, $0.loops,
                   $0.loops == 1 ? "" : "s", 100 * $0.ltv)
        } ?? "no leverage keeps P(liquidation) below 5%")
        return lines.joined(separator: "\n")
    }
}
