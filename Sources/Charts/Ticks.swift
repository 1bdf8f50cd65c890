/// Axis tick placement: "nice" numbers (1, 2, 2.5, 5 × 10^k), decades for log axes, calendar ticks for dates.
public enum Ticks {
    /// Nice linear ticks covering [lo, hi] with about `count` intervals.
    /// Step = the smallest of {1, 2, 2.5, 5}·10^k that is ≥ (hi − lo)/count; ticks are the multiples of the step in range.
    public static func linear(_ lo: Double, _ hi: Double, count: Int = 5) -> (lo: Double, hi: Double, ticks: [Double]) {
        var lo = lo, hi = hi
        if !(lo.isFinite && hi.isFinite) { return (0, 1, [0, 1]) }
        if hi < lo { swap(&lo, &hi) }
        if hi == lo { let d = lo == 0 ? 1 : abs(lo) * 0.1; lo -= d; hi += d }
        let raw = (hi - lo) / Double(max(1, count))
        var mag = 1.0
        while mag * 10 <= raw { mag *= 10 }
        while mag > raw { mag /= 10 }
        var step = mag * 10
        for f in [1.0, 2.0, 2.5, 5.0, 10.0] where mag * f >= raw { step = mag * f; break }
        let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
        var ticks: [Double] = []
        var k = first
        while k <= last + 1e-9 && ticks.count < 100 { ticks.append(k * step); k += 1 }
        return (first * step, last * step, ticks)
    }

    /// Log-axis ticks: the powers of ten covering [lo, hi] (lo > 0); with fewer than 3 decades, 1-2-5 within each decade.
    public static func log10(_ lo: Double, _ hi: Double) -> (lo: Double, hi: Double, ticks: [Double]) {
        let l = max(lo, 1e-12), h = max(hi, l * 10)
        var e0 = 0, e1 = 0
        var p = 1.0
        while p > l { p /= 10; e0 -= 1 }
        while p * 10 <= l { p *= 10; e0 += 1 }
        var q = p; e1 = e0
        while q < h { q *= 10; e1 += 1 }
        var ticks: [Double] = []
        var v = p
        for _ in e0...e1 {
            if e1 - e0 < 3 { for f in [1.0, 2.0, 5.0] where v * f <= q * 1.0000001 { ticks.append(v * f) } } else { ticks.append(v) }
            v *= 10
        }
        return (p, q, ticks.filter { $0 <= q * 1.0000001 })
    }

    /// Calendar ticks between day numbers lo and hi: every n years (labels "2016"), or every n months ("2024-03")
    /// when the span is under ~3 years, so that there are at most about `maxTicks` labels.
    public static func dates(_ lo: Int, _ hi: Int, maxTicks: Int = 8) -> [(day: Int, label: String)] {
        let a = ChartDate.civil(lo), b = ChartDate.civil(hi)
        let years = b.year - a.year
        if years >= 3 {
            var step = 1
            for s in [1, 2, 4, 5, 10, 20, 50] { step = s; if years / s < maxTicks { break } }
            var out: [(Int, String)] = []
            var y = (a.year / step) * step
            if ChartDate.dayNumber(year: y, month: 1, day: 1) < lo { y += step }
            while true {
                let d = ChartDate.dayNumber(year: y, month: 1, day: 1)
                if d > hi { break }
                out.append((d, String(y))); y += step
            }
            return out
        }
        let months = years * 12 + b.month - a.month
        var step = 1
        for s in [1, 2, 3, 6, 12] { step = s; if months / s < maxTicks { break } }
        var out: [(Int, String)] = []
        var idx = a.year * 12 + (a.month - 1)
        idx = ((idx + step - 1) / step) * step
        while true {
            let y = idx / 12, m = idx % 12 + 1
            let d = ChartDate.dayNumber(year: y, month: m, day: 1)
            if d > hi { break }
            if d >= lo { out.append((d, String(y) + "-" + (m < 10 ? "0" : "") + String(m))) }
            idx += step
        }
        return out
    }
}
