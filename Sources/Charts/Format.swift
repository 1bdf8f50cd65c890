/// Deterministic number and date formatting for SVG output (no locale, no printf).
public enum ChartFormat {
    /// `x` rounded to `decimals` places, printed without exponent and without trailing zeros ("12.5", "-3", "0.25").
    /// Computed with integer arithmetic on `round(x·10^d)` so the same Double always gives the same bytes.
    public static func fixed(_ x: Double, decimals: Int = 2) -> String {
        guard x.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let r = (x * scale).rounded()
        guard abs(r) < 9e15 else {
            // Beyond 2^53 no decimals exist; integers up to 9e15 print exactly, larger magnitudes in shortest form.
            return abs(x) < 9e15 ? String(Int64(x.rounded())) : x.description
        }
        let n = Int64(r)
        let neg = n < 0
        let a = neg ? -n : n
        let s = Int64(scale)
        let ip = a / s, fp = a % s
        var out = String(ip)
        if decimals > 0 && fp != 0 {
            var f = String(fp)
            while f.count < decimals { f = "0" + f }
            while f.hasSuffix("0") { f.removeLast() }
            out += "." + f
        }
        return (neg && (ip != 0 || fp != 0)) ? "-" + out : out
    }

    /// A compact tick label: thousands separated by SI suffixes (k, M, B, T) and at most 3 significant decimals.
    public static func tick(_ x: Double) -> String {
        let a = abs(x)
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
        for (u, s) in units where a >= u { return fixed(x / u, decimals: 2) + s }
        if a == 0 { return "0" }
        if a >= 1 { return fixed(x, decimals: 2) }
        if a >= 0.01 { return fixed(x, decimals: 3) }
        return fixed(x, decimals: 6)
    }

    /// Escapes text for XML/HTML content and attributes.
    public static func escape(_ s: String) -> String {
        var o = ""
        o.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default: o.append(c)
            }
        }
        return o
    }
}

/// Civil calendar dates as day numbers (days since 1970-01-01), pure integer arithmetic
/// (H. Hinnant's `days_from_civil` / `civil_from_days`), so date axes never depend on time zones.
public enum ChartDate {
    /// Day number of `y-m-d` (proleptic Gregorian).
    public static func dayNumber(year y0: Int, month m: Int, day d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// (year, month, day) of a day number.
    public static func civil(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Parses `YYYY-MM-DD` into a day number (nil when malformed).
    public static func parse(_ s: String) -> Int? {
        let p = s.split(separator: "-")
        guard p.count == 3, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        return dayNumber(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD` of a day number.
    public static func format(_ n: Int) -> String {
        let c = civil(n)
        func pad(_ v: Int, _ w: Int) -> String { var s = String(v); while s.count < w { s = "0" + s }; return s }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }
}
