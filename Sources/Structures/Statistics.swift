import Foundation

/// Small order statistics shared by the summaries.
public enum PathStatistics {
    /// Quantile by linear interpolation between order statistics (Hyndman–Fan type 7):
    /// `h = (n−1)·q`, `Q = x_(⌊h⌋) + (h−⌊h⌋)·(x_(⌊h⌋+1) − x_(⌊h⌋))` on the sorted sample. Empty → 0.
    public static func quantile(sorted x: [Double], _ q: Double) -> Double {
        guard !x.isEmpty else { return 0 }
        let h = Double(x.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, x.count - 1)
        return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
    }
    /// Mean summed in the given (path) order. Empty → 0.
    public static func mean(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return 0 }
        var s = 0.0
        for v in x { s += v }
        return s / Double(x.count)
    }
    /// Value at risk of a return sample as a positive loss: `VaR_α = −Q_{1−α}(R)`.
    public static func valueAtRisk(sorted x: [Double], level: Double) -> Double { -quantile(sorted: x, 1 - level) }
    /// Conditional VaR (expected shortfall) as a positive loss: `CVaR_α = −mean{R_i : R_i ≤ Q_{1−α}(R)}`.
    public static func conditionalVaR(sorted x: [Double], level: Double) -> Double {
        guard !x.isEmpty else { return 0 }
        let q = quantile(sorted: x, 1 - level)
        var s = 0.0, n = 0
        for v in x where v <= q { s += v; n += 1 }
        return n == 0 ? -q : -s / Double(n)
    }
    /// The quantile levels used in tables: p01, p05, p25, p50, p75, p95, p99.
    public static let levels: [(String, Double)] = [("p01", 0.01), ("p05", 0.05), ("p25", 0.25), ("p50", 0.5),
                                                     ("p75", 0.75), ("p95", 0.95), ("p99", 0.99)]
}
