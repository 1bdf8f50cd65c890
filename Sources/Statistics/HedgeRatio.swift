import Foundation

/// Hedge ratios on a Monte Carlo sample: a position worth `yᵢ` on path i and a hedge worth `uᵢ` per unit sold, so that
/// the hedged position is `yᵢ + N·uᵢ` (N units).
public enum HedgeRatio {
    /// The variance-minimising N and its standard error:
    ///
    ///     N* = −Cov(y, u) / Var(u) = −Σ(uᵢ − ū)(yᵢ − ȳ) / Σ(uᵢ − ū)²
    ///     SE(N*) = √(Σ_c g_c²) / Σ(uᵢ − ū)²,   g_c = Σ_{i ∈ c} (uᵢ − ū)·eᵢ,   eᵢ = (yᵢ − ȳ) + N*(uᵢ − ū)
    ///
    /// the sandwich (heteroskedasticity-robust) standard error of the estimating equation `Σ(uᵢ − ū)·eᵢ = 0`, clustered by
    /// antithetic pair `c = {2k, 2k+1}` (the two paths of a pair are not independent) or by path. nil when `u` does not vary.
    public static func varianceMinimizing(position y: [Double], perUnit u: [Double], antithetic: Bool) -> (ratio: Double, stderr: Double)? {
        let n = y.count
        guard n == u.count, n >= 2 else { return nil }
        let my = Moments.mean(y), mu = Moments.mean(u)
        var sxx = 0.0, sxy = 0.0
        for i in 0..<n { let du = u[i] - mu; sxx += du * du; sxy += du * (y[i] - my) }
        guard sxx > 0, sxx.isFinite else { return nil }
        let b = -sxy / sxx
        var v = 0.0, g = 0.0
        for i in 0..<n {
            let du = u[i] - mu
            g += du * ((y[i] - my) + b * du)
            if !antithetic || i % 2 == 1 || i == n - 1 { v += g * g; g = 0 }
        }
        return (b, v.squareRoot() / sxx)
    }

    /// Mean of the worst `1 − level` of a sample (the lower tail; `−CVaR_level` of `ReturnStatistics` for values where
    /// higher is better): `mean{xᵢ : xᵢ ≤ Q_{1−level}(x)}`.
    public static func tailMean(_ x: [Double], level: Double = 0.95) -> Double {
        -ReturnStatistics.conditionalVaR(sorted: x.sorted(), level: level)
    }

    /// The N in `[0, upper]` that maximises the lower tail mean of the hedged position `y + N·u` (i.e. minimises its
    /// CVaR95 as a loss). The sample tail mean is a minimum over subsets of sums of linear functions of N, hence concave:
    /// a 41-point grid brackets the maximum and a golden-section search refines it to `10⁻⁹·upper`.
    public static func tailMeanMaximizing(position y: [Double], perUnit u: [Double], upper: Double, level: Double = 0.95) -> (ratio: Double, tailMean: Double) {
        precondition(y.count == u.count)
        func t(_ n: Double) -> Double { tailMean(zip(y, u).map { $0 + n * $1 }, level: level) }
        guard upper > 0, upper.isFinite else { return (0, t(0)) }
        let grid = 40
        var best = 0, bestValue = -Double.infinity
        for g in 0...grid {
            let v = t(upper * Double(g) / Double(grid))
            if v > bestValue { bestValue = v; best = g }
        }
        var a = upper * Double(max(best - 1, 0)) / Double(grid), b = upper * Double(min(best + 1, grid)) / Double(grid)
        let r = (5.0.squareRoot() - 1) / 2
        var c = b - r * (b - a), d = a + r * (b - a)
        var fc = t(c), fd = t(d)
        while b - a > 1e-9 * upper {
            if fc >= fd { b = d; d = c; fd = fc; c = b - r * (b - a); fc = t(c) } else { a = c; c = d; fc = fd; d = a + r * (b - a); fd = t(d) }
        }
        let x = (a + b) / 2, fx = t(x)
        return fx >= bestValue ? (x, fx) : (upper * Double(best) / Double(grid), bestValue)
    }
}
