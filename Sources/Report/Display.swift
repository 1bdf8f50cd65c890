/// Deterministic display formatting of table cells (numbers right-aligned, grouped thousands).
enum Display {
    /// A CSV cell for display: numbers get thousands separators and at most 4 significant decimals; text is unchanged.
    static func cell(_ s: String) -> (text: String, numeric: Bool) {
        guard let v = Double(s), v.isFinite else { return (s, false) }
        if abs(v) >= 1e15 { return (v.description, true) }
        return (number(v), true)
    }

    /// `v` with up to 6 significant digits (at least 0 and at most 6 decimals) and `,` thousands grouping.
    static func number(_ v: Double) -> String {
        let a = abs(v)
        let decimals: Int
        if a == 0 || a >= 1e5 { decimals = 0 } else if a >= 100 { decimals = 2 } else if a >= 1 { decimals = 4 } else if a >= 1e-3 { decimals = 5 } else { decimals = 8 }
        let s = ChartFormatProxy.fixed(v, decimals)
        // A value that rounds to zero is "0", never "-0" or "-0.0" (a VaR of −1e-17).
        let neg = s.hasPrefix("-") && s.contains { $0 >= "1" && $0 <= "9" }
        let body = s.hasPrefix("-") ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".", maxSplits: 1)
        var ip = String(parts[0])
        var grouped = ""
        while ip.count > 3 { grouped = "," + ip.suffix(3) + grouped; ip = String(ip.dropLast(3)) }
        grouped = ip + grouped
        return (neg ? "-" : "") + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }
}

import Charts
enum ChartFormatProxy { static func fixed(_ v: Double, _ d: Int) -> String { ChartFormat.fixed(v, decimals: d) } }
