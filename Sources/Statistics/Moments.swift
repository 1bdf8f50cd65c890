/// Means and their standard errors, summed in the given (path) order so results do not depend on threads or shards.
public enum Moments {
    /// Mean summed in order; 0 for an empty sample.
    public static func mean(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return 0 }
        var s = 0.0
        for v in x { s += v }
        return s / Double(x.count)
    }

    /// Sample standard deviation `√(Σ(xᵢ − x̄)²/(n − 1))` (0 for fewer than two values).
    public static func sd(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        var ss = 0.0
        for v in x { ss += (v - m) * (v - m) }
        return (ss / Double(x.count - 1)).squareRoot()
    }

    /// Mean and the standard error of the Monte Carlo estimate. With antithetic pairs `(x₂ₖ, x₂ₖ₊₁)` the error is that of
    /// the pair averages `uₖ = (x₂ₖ + x₂ₖ₊₁)/2` (the estimator's actual variance; an odd last path is its own unit):
    /// `se = √(Σ(uₖ − ū)² / (m−1) / m)` over the m units. (0, 0) for an empty sample; se 0 for a single unit.
    public static func meanStderr(_ v: [Double], antithetic: Bool) -> (mean: Double, stderr: Double) {
        let n = v.count
        guard n > 0 else { return (0, 0) }
        let mean = Moments.mean(v)
        var units: [Double] = []
        if antithetic && n >= 4 {
            var i = 0
            while i + 1 < n { units.append((v[i] + v[i + 1]) / 2); i += 2 }
            if i < n { units.append(v[i]) }
        } else { units = v }
        let m = units.count
        guard m > 1 else { return (mean, 0) }
        let um = Moments.mean(units)
        var ss = 0.0
        for u in units { ss += (u - um) * (u - um) }
        return (mean, (ss / Double(m - 1) / Double(m)).squareRoot())
    }
}
