import Domain
import Models

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
        let f = c.fees
        for (n, e) in [("kappa", f.kappa), ("m", f.m), ("sigma", f.sigma)] { r.append(("fees", n, e.value, e.stderr)) }
        r.append(("fees", "r_squared", f.rSquared, nil))
        r.append(("fees", "residual_autocorrelation", f.residualAutocorrelation, nil))
        let names = ["price", "hashrate", "fees"]
        for i in 0..<3 { for j in (i + 1)..<3 { r.append(("correlation", "\(names[i])_\(names[j])", c.correlation[i][j], nil)) } }
        return r
    }

    public static func csv(_ c: Calibration) -> String {
        header + "\n" + rows(c).map { "\($0.model),\($0.parameter),\($0.value.description),\($0.stderr.map { $0.description } ?? "")" }
            .joined(separator: "\n") + "\n"
    }
}
