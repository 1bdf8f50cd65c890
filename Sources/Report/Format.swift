import Charts
import Foundation

/// The one display formatter of the report's tables (docs/outputs.md, "Report"): probabilities, IRRs, rates and shares
/// as percent, USD with thousands separators and a few significant digits, BTC amounts below 0.01 BTC in sats, counts
/// grouped. The CSVs beside the tables keep full precision; only the HTML cells go through here. Deterministic (no
/// locale, no printf: digits from `ChartFormat.fixed`'s integer rounding) and never "-0", "-0.0" or "-0 %": a value that
/// rounds to zero prints without a sign.
///
/// Every number that reaches a formatter must be finite (asserted): the CSV reader turns NaN/inf cells into text and the
/// report's own values are finite by construction.
enum Format {
    /// How a column (or a key/value row) reads.
    enum Unit: Equatable {
        /// A share (probability, IRR, rate, fee): `0.9955` → `99.5 %`.
        case percent
        /// USD: `50840.2` → `50,840`; `36.471` → `36.47`; `0.0038123` → `0.003812`.
        case usd
        /// BTC: `0.0123` → `0.0123 BTC`; `0.00000038` → `38 sats`.
        case btc
        /// A whole count (days, paths, loops): `1461` → `1,461`.
        case count
        /// A number with 4 significant digits: `1.75`, `0.6`, `1,234.5`.
        case plain
        /// Shown as written (a seed, an identifier).
        case verbatim
    }

    /// The unit of a column or metric name (the CSV headers of docs/outputs.md; `summary.json`'s keys).
    static func unit(of name: String) -> Unit {
        let n = name.lowercased()
        let words = Set(n.split(separator: "_").map(String.init))
        if n == "seed" || n.hasSuffix("sha256") || n == "key" || n.hasSuffix("_key") { return .verbatim }
        if words.contains("prob") || words.contains("irr") { return n.hasSuffix("_missing") ? .count : .percent }
        let counts: Set<String> = ["paths", "loops", "day", "token_day", "count", "pilot_paths", "regressors", "origins"]
        if counts.contains(n) || n.hasSuffix("tokens") || n.hasSuffix("_days") || n.hasSuffix("_periods") || n.hasSuffix("_paths") { return .count }
        if words.contains("usd") { return .usd }
        let shares: Set<String> = ["ltv", "apr", "apy", "fee", "share", "uptime", "rate", "return", "var95", "cvar95", "var99", "cvar99",
                                   "degradation", "change", "threshold", "bonus", "factor", "coverage"]
        if !words.isDisjoint(with: shares) || n.hasSuffix("expected_loss") || n.hasSuffix("loss_given_shortfall") { return .percent }
        if words.contains("btc") { return .btc }
        return .plain
    }

    /// A table cell: CSV text shown in `unit` (numbers right-aligned). Text, empty cells and non-finite numbers are shown
    /// as written.
    static func cell(_ s: String, _ unit: Unit) -> (text: String, numeric: Bool) {
        guard let v = Double(s), v.isFinite else { return (s, false) }
        return (value(v, unit), true)
    }

    /// `v` in `unit`.
    static func value(_ v: Double, _ unit: Unit) -> String {
        switch unit {
        case .percent: return percent(v)
        case .usd: return usd(v)
        case .btc: return btc(v)
        case .count: return v == v.rounded() ? grouped(v, decimals: 0) : plain(v)
        case .plain: return plain(v)
        case .verbatim: return v == v.rounded() && abs(v) < 9e15 ? String(Int64(v)) : v.description
        }
    }

    /// A share as percent: 1 decimal from 1 %, 2 decimals below, "< 0.01 %" for a non-zero share smaller than that; exact
    /// zero is "0 %".
    static func percent(_ p: Double) -> String {
        assert(p.isFinite, "a non-finite share reached the report's formatter")
        let x = p * 100, a = Swift.abs(x)
        if a == 0 { return "0 %" }
        if a < 0.005 { return (x < 0 ? "> -0.01" : "< 0.01") + " %" }
        return grouped(x, decimals: a >= 0.995 ? 1 : 2) + " %"
    }

    /// USD: whole dollars from 10,000, cents from 1, 4 significant digits below 1 (scientific below 1e-6).
    static func usd(_ v: Double) -> String {
        assert(v.isFinite, "a non-finite USD amount reached the report's formatter")
        let a = Swift.abs(v)
        if a == 0 { return "0" }
        if a >= 9_999.995 { return grouped(v, decimals: 0) }
        if a >= 0.999_995 { return grouped(v, decimals: 2) }
        return significant(v, 4)
    }

    /// BTC: below 0.01 BTC in sats (whole sats from 10, 2 decimals below, "< 0.01 sats" for dust), else 4 decimals (2 from
    /// 1,000 BTC).
    static func btc(_ v: Double) -> String {
        assert(v.isFinite, "a non-finite BTC amount reached the report's formatter")
        let a = Swift.abs(v)
        if a == 0 { return "0 BTC" }
        if a < 0.01 {
            let sats = v * 1e8, s = Swift.abs(sats)
            if s < 0.005 { return (sats < 0 ? "> -0.01" : "< 0.01") + " sats" }
            return grouped(sats, decimals: s >= 9.995 ? 0 : 2) + " sats"
        }
        return grouped(v, decimals: a >= 1_000 ? 2 : 4) + " BTC"
    }

    /// 4 significant digits, grouped (scientific beyond 1e15 and below 1e-6).
    static func plain(_ v: Double) -> String {
        assert(v.isFinite, "a non-finite number reached the report's formatter")
        let a = Swift.abs(v)
        if a == 0 { return "0" }
        if a >= 1e15 { return scientific(v, 4) }
        return significant(v, 4)
    }

    /// `v` to `digits` significant digits (trailing zeros dropped), grouped; scientific below 1e-6.
    static func significant(_ v: Double, _ digits: Int) -> String {
        let a = Swift.abs(v)
        if a < 1e-6 { return scientific(v, digits) }
        let magnitude = Int(Foundation.floor(Foundation.log10(a)))
        let decimals = Swift.max(0, Swift.min(12, digits - 1 - magnitude))
        let s = grouped(v, decimals: decimals)
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }

    /// `1.234e-9`, `1e16`: the mantissa to `digits` significant digits, trailing zeros dropped.
    static func scientific(_ v: Double, _ digits: Int) -> String {
        var e = Int(Foundation.floor(Foundation.log10(Swift.abs(v))))
        var m = v / Foundation.pow(10, Double(e))
        var ms = ChartFormat.fixed(m, decimals: digits - 1)
        if Swift.abs(Double(ms) ?? m) >= 10 { e += 1; m = v / Foundation.pow(10, Double(e)); ms = ChartFormat.fixed(m, decimals: digits - 1) }
        return ms + "e" + String(e)
    }

    /// `v` rounded to exactly `decimals` places, `,` between thousands; no sign when it rounds to zero.
    static func grouped(_ v: Double, decimals: Int) -> String {
        let s = ChartFormat.fixed(v, decimals: decimals)   // trailing zeros trimmed, "-" only when non-zero
        guard !s.contains("e") else { return s }
        let neg = s.hasPrefix("-")
        let body = neg ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".", maxSplits: 1)
        var ip = String(parts[0]), fp = parts.count > 1 ? String(parts[1]) : ""
        while fp.count < decimals { fp += "0" }
        var out = ""
        while ip.count > 3 { out = "," + ip.suffix(3) + out; ip = String(ip.dropLast(3)) }
        out = ip + out
        return (neg ? "-" : "") + out + (decimals > 0 ? "." + fp : "")
    }
}
