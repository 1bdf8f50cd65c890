import Domain
import FileIO
import Foundation
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

    /// `calibration.csv`.
    public static func csv(_ c: Calibration) -> String {
        var t = CSVText(header: header.split(separator: ",").map(String.init))
        for r in rows(c) { t.append([.text(r.model), .text(r.parameter), .number(r.value), .number(r.stderr)]) }
        return t.text
    }

    /// The table `hashsec calibrate` prints.
    public static func text(_ c: Calibration) -> String {
        var lines = ["calibration as of \(c.asOf) (window \(c.windowStart)…\(c.windowEnd), \(c.merton.observations) daily returns)",
                     "model        parameter                       value         stderr"]
        for r in rows(c) {
            let v = String(format: "%13.6g", r.value)
            let s = r.stderr.map { String(format: "%13.6g", $0) } ?? ""
            lines.append("\(r.model.padding(toLength: 12, withPad: " ", startingAt: 0)) \(r.parameter.padding(toLength: 26, withPad: " ", startingAt: 0)) \(v)  \(s)")
        }
        let s = c.initialState
        lines.append("initial state \(s.date): price \(s.priceUSD) USD, hash rate \(String(format: "%.1f", s.hashRateHs / 1e18)) EH/s, height \(s.height), "
                     + "fee \(String(format: "%.4f", s.feePerBlockBTC)) BTC/block, epoch day \(String(format: "%.2f", s.epochElapsedDays))")
        return lines.joined(separator: "\n")
    }
}
