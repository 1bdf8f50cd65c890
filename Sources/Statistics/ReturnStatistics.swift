/// Distribution of a return sample: mean, quantiles at `Quantiles.levels`, and tail risk as positive losses:
///
///     VaR_α  = −Q_{1−α}(R)
///     CVaR_α = −mean{ Rᵢ : Rᵢ ≤ Q_{1−α}(R) }   (expected shortfall; −Q when no observation is at or below Q)
public struct ReturnStatistics: Codable, Equatable, Sendable {
    public var mean: Double
    /// At `Quantiles.levels` (0 for an empty sample).
    public var quantiles: [Double]
    public var var95: Double, cvar95: Double, var99: Double, cvar99: Double

    public init(mean: Double, quantiles: [Double], var95: Double, cvar95: Double, var99: Double, cvar99: Double) {
        self.mean = mean; self.quantiles = quantiles; self.var95 = var95; self.cvar95 = cvar95; self.var99 = var99; self.cvar99 = cvar99
    }

    /// Of a sample in path order (the mean is summed in that order).
    public init(sample x: [Double]) {
        let s = x.sorted()
        self.init(mean: Moments.mean(x), quantiles: Quantiles.levels.map { Quantiles.of(sorted: s, $0.p) ?? 0 },
                  var95: Self.valueAtRisk(sorted: s, level: 0.95), cvar95: Self.conditionalVaR(sorted: s, level: 0.95),
                  var99: Self.valueAtRisk(sorted: s, level: 0.99), cvar99: Self.conditionalVaR(sorted: s, level: 0.99))
    }

    /// `VaR_α = −Q_{1−α}` (0 for an empty sample).
    public static func valueAtRisk(sorted x: [Double], level: Double) -> Double { -(Quantiles.of(sorted: x, 1 - level) ?? 0) }

    /// `CVaR_α` (0 for an empty sample).
    public static func conditionalVaR(sorted x: [Double], level: Double) -> Double {
        guard let q = Quantiles.of(sorted: x, 1 - level) else { return 0 }
        var s = 0.0, n = 0
        for v in x where v <= q { s += v; n += 1 }
        return n == 0 ? -q : -s / Double(n)
    }

    /// `{mean, p01 … p99, var95, cvar95, var99, cvar99}` (summary.json `leverage.levered` / `unlevered`).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        try c.encodeFinite(mean, forKey: "mean")
        for (i, l) in Quantiles.levels.enumerated() { try c.encodeFinite(quantiles[i], forKey: NameKey(l.name)) }
        try c.encodeFinite(var95, forKey: "var95"); try c.encodeFinite(cvar95, forKey: "cvar95")
        try c.encodeFinite(var99, forKey: "var99"); try c.encodeFinite(cvar99, forKey: "cvar99")
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        func d(_ k: String) throws -> Double { try c.decodeIfPresent(Double.self, forKey: NameKey(k)) ?? .nan }
        mean = try d("mean"); var95 = try d("var95"); cvar95 = try d("cvar95"); var99 = try d("var99"); cvar99 = try d("cvar99")
        quantiles = try Quantiles.levels.map { try d($0.name) }
    }
}
