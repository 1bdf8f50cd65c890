import Domain
import Models
import RealModule

/// The `model,parameter,value,stderr` table of a calibration (docs/outputs.md). Diagnostics have an empty stderr.
public enum CalibrationTable {
    public static let header = "model,parameter,value,stderr"

    public static func rows(_ c: Calibration) -> [(model: String, parameter: String, value: Double, stderr: Double?)] {
        var r: [(String, String, Double, Double?)] = []
        for m in PriceModels.all { for row in m.tableRows(c) { r.append((row.model, row.parameter, row.value, row.stderr)) } }
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

    public static func csv(_ c: Calibration) -> String {
        header + "\n" + rows(c).map { "\($0.model),\($0.parameter),\($0.value.description),\($0.stderr.map { $0.description } ?? "")" }
            .joined(separator: "\n") + "\n"
    }
}
