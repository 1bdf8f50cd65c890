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
                                row.leverage, pct1(s.probLiquidation), pct1(s.probBadDebt), pct1(l.mean), pct1(l.quantiles[1]),
                                pct1(l.var95), pct1(l.cvar95)))
        }
        lines.append(LeverageSweep.best(rows).map {
            String(format: "highest leverage with P(liquidation) < 5%%: %.3fx (%d loop%@ at %.0f%% LTV)", $0.leverage, $0.loops,
                   $0.loops == 1 ? "" : "s", 100 * $0.ltv)
        } ?? "no leverage keeps P(liquidation) below 5%")
        return lines.joined(separator: "\n")
    }

    /// `100·x` for a `%.1f` cell, with a value that rounds to zero printed as `0.0`, never `-0.0` (a VaR of −1e-17).
    static func pct1(_ x: Double) -> Double { let v = 100 * x; return abs(v) < 0.05 ? 0 : v }
}
