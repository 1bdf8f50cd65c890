import Domain
import FileIO
import Foundation
import Models
import RealModule

/// The `model,parameter,value,stderr` table of a calibration (docs/outputs.md). Diagnostics have an empty stderr.
public enum CalibrationTable {
    public static let header = "model,parameter,value,stderr"

    public static func rows(_ c: Calibration) -> [(model: String, parameter: String, value: Double, stderr: Double?)] {
        var r: [(String, String, Double, Double?)] = []
        for m in PriceModels.all { for row in m.tableRows(c) { r.append((row.model, row.parameter, row.value, row.stderr)) } }
        // The volatility uncertainty the run's parameter draws add (Models.VolatilityUncertainty), from the window's returns.
        if !c.historicalLogReturns.isEmpty {
            r.append(("price", "volatility_dispersion", VolatilityUncertainty.dispersion(c.historicalLogReturns), nil))
        }
        let h = c.hashRate
        for (n, e) in [("a", h.a), ("b", h.b), ("c", h.c), ("sigma", h.sigma)] { r.append(("hashrate", n, e.value, e.stderr)) }
        r.append(("hashrate", "lag_days", Double(h.lag), nil))
        r.append(("hashrate", "r_squared", h.rSquared, nil))
        r.append(("hashrate", "residual_autocorrelation", h.residualAutocorrelation, nil))
        for k in h.lagCriteria.keys.sorted(by: { Int($0) ?? 0 < Int($1) ?? 0 }) { r.append(("hashrate", "aic_lag_\(k)", h.lagCriteria[k]!, nil)) }
        if let bu = h.bUnconstrained { r.append(("hashrate", "b_unconstrained", bu.value, bu.stderr)) }
        // The miner-supply fit behind a, b, c (absent: a free-trend calibration written before the supply model).
        r.append(("hashrate", "supply_model", h.supply == nil ? 0 : 1, nil))
        if let s = h.supply {
            r.append(("supply", "alpha", s.alpha.value, s.alpha.stderr))
            r.append(("supply", "kappa", s.kappa.value, s.kappa.stderr))
            r.append(("supply", "kappa_t", s.kappaTStatistic, nil))
            r.append(("supply", "half_life_days", Double.log(2) / s.kappa.value, nil))
            r.append(("supply", "breakeven_usd_ph_day", s.breakevenUSDPerPHDay.value, s.breakevenUSDPerPHDay.stderr))
            if let b = s.breakevenCheck {
                r.append(("supply", "breakeven_check_low_usd_ph_day", b.lowUSDPerPHDay, nil))
                r.append(("supply", "breakeven_check_high_usd_ph_day", b.highUSDPerPHDay, nil))
                r.append(("supply", "breakeven_check_passed", b.passed ? 1 : 0, nil))
                r.append(("supply", "breakeven_power_price_best_usd_kwh", b.impliedPowerPriceBestUSDPerKWh, nil))
            }
            r.append(("supply", "lag_identified", s.lagIdentified ? 1 : 0, nil))
            r.append(("supply", "weeks", Double(s.weeks), nil))
            let e = s.efficiencyTrend
            r.append(("efficiency", "delta_per_day", e.delta.value, e.delta.stderr))
            r.append(("efficiency", "delta_per_year", e.perYear, e.delta.stderr * 365.25))
            r.append(("efficiency", "from_catalog", e.source == .catalogFrontier ? 1 : 0, nil))
            if let w = e.windowYears { r.append(("efficiency", "window_years", w, nil)) }
            if let c0 = e.lnFrontierAtAsOf { r.append(("efficiency", "frontier_j_th_at_as_of", Double.exp(c0), nil)) }
            r.append(("efficiency", "frontier_points", Double(e.points.count), nil))
        }
        let f = c.fees
        for (n, e) in [("kappa", f.kappa), ("m", f.m), ("sigma", f.sigma)] { r.append(("fees", n, e.value, e.stderr)) }
        r.append(("fees", "r_squared", f.rSquared, nil))
        r.append(("fees", "residual_autocorrelation", f.residualAutocorrelation, nil))
        if let o = c.options {
            r.append(("options", "price_window_days", Double(o.priceWindowDays), nil))
            r.append(("options", "hashrate_window_days", Double(o.hashRateWindowDays), nil))
            r.append(("options", "fee_window_days", Double(o.feeWindowDays), nil))
            r.append(("options", "efficiency_window_years", o.efficiencyWindowYears, nil))
        }
        let names = ["price", "hashrate", "fees"]
        for i in 0..<3 { for j in (i + 1)..<3 { r.append(("correlation", "\(names[i])_\(names[j])", c.correlation[i][j], nil)) } }
        return r
    }

    /// `calibration.csv`.
    public static func csv(_ c: Calibration) -> String {
        var t = CSVText(header: header.split(separator: ",").map(String.init))
        for r in rows(c) { t.append([.text(r.model), .text(r.parameter), .number(r.value), .number(r.stderr)]) }
        return t.text
    }

    /// The table `hashsec calibrate` prints.
    public static func text(_ c: Calibration) -> String {
        var lines = ["calibration as of \(c.asOf) (window \(c.windowStart)…\(c.windowEnd), \(c.merton.observations) daily returns)",
                     "model        parameter                                 value         stderr"]
        for r in rows(c) {
            let v = String(format: "%13.6g", r.value)
            let s = r.stderr.map { String(format: "%13.6g", $0) } ?? ""
            lines.append("\(r.model.padding(toLength: 12, withPad: " ", startingAt: 0)) \(r.parameter.padding(toLength: 36, withPad: " ", startingAt: 0)) \(v)  \(s)")
        }
        lines += supplyLines(c)
        let s = c.initialState
        lines.append("initial state \(s.date): price \(s.priceUSD) USD, hash rate \(String(format: "%.1f", s.hashRateHs / 1e18)) EH/s, height \(s.height), "
                     + "fee \(String(format: "%.4f", s.feePerBlockBTC)) BTC/block, epoch day \(String(format: "%.2f", s.epochElapsedDays))")
        return lines.joined(separator: "\n")
    }

    /// The miner-supply fit in words (δ, κ and its half-life, the lag, the window, the breakeven check, warnings).
    static func supplyLines(_ c: Calibration) -> [String] {
        guard let sup = c.hashRate.supply else { return ["hash-rate model: free trend (a calibration written before the supply model)"] }
        var lines: [String] = []
        let e = sup.efficiencyTrend
        let from = e.source == .override ? "stated (--efficiency-trend)"
            : "catalog frontier, \(e.points.count) points over \(String(format: "%.1f", e.windowYears ?? 0)) years (\(e.points.map(\.model).joined(separator: ", ")))"
        lines.append("efficiency trend δ = \(String(format: "%.4f", e.perYear)) ± \(String(format: "%.4f", e.delta.stderr * 365.25)) /yr "
                     + "(frontier J/TH −\(String(format: "%.1f", (1 - Foundation.exp(-e.perYear)) * 100)) %/yr), \(from)")
        lines.append("supply response κ = \(String(format: "%.3g", sup.kappa.value)) ± \(String(format: "%.2g", sup.kappa.stderr)) /day "
                     + "(t = \(String(format: "%.1f", sup.kappaTStatistic)), half-life \(Int((Foundation.log(2) / sup.kappa.value).rounded())) days), "
                     + "lag \(c.hashRate.lag) days\(sup.lagIdentified ? "" : " (not identified)"), \(sup.weeks) weeks \(sup.windowStart)…\(sup.windowEnd)")
        if let note = sup.windowNote { lines.append("hash-rate window: \(note)") }
        if let b = sup.breakevenCheck { lines.append("breakeven check: \(b.summary)") }
        else { lines.append("implied breakeven \(String(format: "%.1f", sup.breakevenUSDPerPHDay.value)) USD/PH/day (no catalog: not checked)") }
        for w in sup.warnings { lines.append("warning: \(w)") }
        return lines
    }
}
