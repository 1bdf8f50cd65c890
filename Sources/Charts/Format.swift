import Domain

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

/// Civil calendar dates as day numbers (days since 1970-01-01) for the date axes: a thin view of `Domain.Day`
/// (pure integer calendar arithmetic, so axes never depend on time zones).
public enum ChartDate {
    /// Day number of `y-m-d` (proleptic Gregorian); the date must exist.
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        guard let d = Day(year: year, month: month, day: day) else { preconditionFailure("no such date \(year)-\(month)-\(day)") }
        return d.ordinal
    }

    /// (year, month, day) of a day number.
    public static func civil(_ n: Int) -> (year: Int, month: Int, day: Int) { Day(ordinal: n).civil }

    /// Parses `YYYY-MM-DD` into a day number (nil when malformed or impossible).
    public static func parse(_ s: String) -> Int? { Day(iso: s)?.ordinal }

    /// `YYYY-MM-DD` of a day number.
    public static func format(_ n: Int) -> String { Day(ordinal: n).iso }
}
