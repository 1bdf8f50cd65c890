/// The one sample quantile of hashsec and the one list of quantile levels every table uses.
public enum Quantiles {
    /// The levels of every quantile table: p01, p05, p25, p50, p75, p95, p99 (summary.json, leverage returns).
    public static let levels: [(name: String, p: Double)] = [("p01", 0.01), ("p05", 0.05), ("p25", 0.25), ("p50", 0.5),
                                                             ("p75", 0.75), ("p95", 0.95), ("p99", 0.99)]
    /// The central band of the fan charts and tranche IRRs: `levels` without the 1 % tails (p05 … p95).
    public static let band: [(name: String, p: Double)] = levels.filter { $0.p >= 0.05 && $0.p <= 0.95 }
    /// The 90 % interval with its median (p05, p50, p95).
    public static let interval90: [(name: String, p: Double)] = levels.filter { [0.05, 0.5, 0.95].contains($0.p) }

    /// Where between order statistics a quantile lies (Hyndman & Fan 1996).
    public enum Definition: Sendable {
        /// Type 7, the tables' default: `h = (n−1)·q` on 0-based order statistics,
        /// `Q = x₍⌊h⌋₎ + (h−⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)`.
        case linear
        /// Type 6, the Weibull plotting position (the backtest's forecast bands): `h = (n+1)·q` on 1-based order statistics,
        /// clamped to the smallest / largest value. `E[F(x₍k₎)] = k/(n+1)`, so a new draw from the same law falls between
        /// Q(p) and Q(q) with probability q − p whatever n (type 7 biases a 90 % band of 200 paths to 0.891).
        case weibull
    }

    /// Quantile `q` of a sorted sample by linear interpolation between order statistics (`definition`, default type 7).
    /// nil for an empty sample.
    public static func of(sorted x: [Double], _ q: Double, definition: Definition = .linear) -> Double? {
        guard !x.isEmpty else { return nil }
        switch definition {
        case .linear:
            let h = Double(x.count - 1) * q
            let lo = Int(h.rounded(.down)), hi = min(lo + 1, x.count - 1)
            return x[lo] + (h - Double(lo)) * (x[hi] - x[lo])
        case .weibull:
            let n = x.count, h = Double(n + 1) * q
            if h <= 1 { return x[0] }
            if h >= Double(n) { return x[n - 1] }
            let k = Int(h.rounded(.down))   // 1 ≤ k < n
            return x[k - 1] + (h - Double(k)) * (x[k] - x[k - 1])
        }
    }

    /// Quantile `q` of integer values given by their counts (`counts[k]` = number of observations equal to k): the
    /// smallest k with at least `q` of the observations at or below it (inverse empirical CDF, type 1). nil when empty.
    public static func of(counts c: [UInt32], _ q: Double) -> Int? {
        let total = c.reduce(0) { $0 + Int($1) }
        guard total > 0 else { return nil }
        var cum = 0
        for k in c.indices { cum += Int(c[k]); if Double(cum) >= q * Double(total) { return k } }
        return c.count - 1
    }
}

/// A sample's quantiles at `Quantiles.levels` (nil each when the sample is empty; JSON null).
public struct QuantileSet: Codable, Equatable, Sendable {
    public var values: [Double?]

    public init(values: [Double?]) { self.values = values }

    /// Of an unsorted sample (sorted here).
    public init(sample: [Double]) { self.init(sorted: sample.sorted()) }

    public init(sorted s: [Double]) { values = Quantiles.levels.map { Quantiles.of(sorted: s, $0.p) } }

    /// The value at a level's name (`"p50"`), nil when absent or empty.
    public subscript(name: String) -> Double? {
        Quantiles.levels.firstIndex { $0.name == name }.flatMap { values[$0] }
    }

    /// `{p01: …, …, p99: …}`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        for (i, l) in Quantiles.levels.enumerated() { try c.encodeFinite(values[i], forKey: NameKey(l.name)) }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        values = try Quantiles.levels.map { try c.decodeIfPresent(Double.self, forKey: NameKey($0.name)) }
    }
}
