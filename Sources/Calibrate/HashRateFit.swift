import Domain
import LinearAlgebra
import RealModule

/// Lagged hash-rate response `ln H_{s+1} − ln H_s = a + b·ln(hashprice_usd_{s−L}) + c·s + σ_H·Z₂` (daily), fitted on
/// noise-robust weekly data.
///
/// **Noise-robust hash rate.** `H̄_t = 2^32·Σ_{u=t−6}^{t} blocks_u·D_u / (7·86400)` (SPEC §3 over 7 days: daily block counts are
/// Poisson-noisy; a 7-day sum is not).
///
/// **Non-overlapping weekly steps.** On a grid `t_k = t_0 + 7k`, `y_k = ln H̄_{t_k+7} − ln H̄_{t_k}`. Since
/// `ln H̄_t ≈ mean_{j=0..6} ln H_{t−j}`, `y_k = Σ_s w_s·Δ_s` with triangular weights `w_s = (7 − |s − t_k|)/7`, `|s − t_k| ≤ 6`
/// (Σw = 7, Σw² = 231/49). Summing the daily model with these weights gives exactly a regression on the *daily* parameters:
///
///     y_k = a·7 + b·X_k + c·7·t_k + e_k,   X_k = Σ_s w_s·ln hp_{s−L},   Var(e_k) = σ_H²·231/49
///
/// so `σ̂_H = √(σ̂_e²·49/231)` — after removing the **Poisson measurement noise** of the block counts: blocks arrive as a
/// Poisson process, so `ln H̄_t` carries noise of variance `≈ 1/B_t` (B_t = blocks in the 7-day window) and every weekly step
/// `y_k` has noise variance `1/B_{t_k} + 1/B_{t_k+7}` that is not hash-rate risk (on real data it is most of σ̂_e²):
///
///     σ̂_H² = max(σ̂_e² − mean_k(1/B_{t_k} + 1/B_{t_k+7}), σ̂_e²/20) · 49/231
///
/// with standard error from `Var(σ̂_e²) ≈ 2σ̂_e⁴/n` (the total, noise included, drives the sampling error). Consecutive weekly errors share half a triangle (theoretical lag-1 correlation 56/231 ≈ 0.24),
/// so plain OLS standard errors are too small: they are replaced by **Newey–West (HAC)** standard errors with Bartlett
/// weights and 2 lags: `V = (XᵀX)⁻¹·[Σ e_k²x_kx_kᵀ + Σ_{l=1,2} (1 − l/3)·Σ e_k e_{k−l}(x_k x_{k−l}ᵀ + x_{k−l}x_kᵀ)]·(XᵀX)⁻¹`.
///
/// **Lag choice.** For each `L ∈ {7, 14, 30, 60, 90}` the regression runs on the common sample (weeks where every lag has its
/// inputs) and `AIC = n·ln(RSS/n) + 2k` is stored; the smallest AIC wins. `t` counts days since `trendOrigin`.
///
/// **Sign constraint `b ≥ 0`.** Miners add hash rate when mining pays, so the response to hashprice cannot be negative;
/// a negative `b` also makes the simulated feedback loop unstable (lower hashprice → faster growth → lower hashprice).
/// When the chosen lag gives `b̂ < 0`, the least-squares problem with the constraint has its optimum on the bound
/// (one inequality, convex objective), so the model is refitted with `b = 0` (regressors `7` and `7·t_k` only); the
/// unconstrained estimate is kept in `bUnconstrained` as a diagnostic.
public enum HashRateFit {
    public static let candidateLags = [7, 14, 30, 60, 90]

    /// Triangular weights w_j for j = −6…6.
    static let weights: [Double] = (-6...6).map { Double(7 - abs($0)) / 7 }

    /// Weekly samples and their regressors for one lag.
    struct Sample { var day: Day; var y: Double; var x: [Double] }

    /// Fitted model plus weekly residuals keyed by the grid day (for the correlation).
    public struct Result {
        public var parameters: HashRateParameters
        public var residuals: [(day: Day, value: Double)]
    }

    /// `hashRate7d[d]`: 7-day noise-robust hash rate ending on `d` (H/s); `lnHashprice[d]`: ln USD hashprice.
    /// `blocks7d[d]`: blocks found in the 7 days ending on `d` (for the Poisson-noise correction; nil = no correction,
    /// e.g. for noise-free synthetic data).
    public static func fit(hashRate7d: [Day: Double], lnHashprice: [Day: Double], windowStart: Day, windowEnd: Day,
                           blocks7d: [Day: Double]? = nil) throws -> Result {
        var perLag: [Int: [Sample]] = [:]
        var grid: [Day] = []
        var t = windowStart + 6
        while t + 7 <= windowEnd {
            if let h0 = hashRate7d[t], let h1 = hashRate7d[t + 7], h0 > 0, h1 > 0 { grid.append(t) }
            t = t + 7
        }
        // Common sample: grid days where every lag's regressor exists.
        var common: [Day] = []
        var xs: [Int: [Day: Double]] = [:]
        for d in grid {
            var ok = true
            var row: [Int: Double] = [:]
            for L in candidateLags {
                var x = 0.0
                for (j, w) in zip(-6...6, weights) {
                    guard let v = lnHashprice[d + j - L] else { ok = false; break }
                    x += w * v
                }
                if !ok { break }
                row[L] = x
            }
            if ok { common.append(d); for (L, x) in row { xs[L, default: [:]][d] = x } }
        }
        guard common.count >= 30 else {
            throw CalibrateError.insufficientData("hash-rate response needs ≥ 30 weekly steps with 7-day hash rate and lagged hashprice, got \(common.count) (window \(windowStart)…\(windowEnd))")
        }
        for L in candidateLags {
            perLag[L] = common.map { d in
                Sample(day: d, y: Double.log(hashRate7d[d + 7]!) - Double.log(hashRate7d[d]!),
                       x: [7, xs[L]![d]!, 7 * Double(d - windowStart)])
            }
        }
        var criteria: [String: Double] = [:]
        var best: (L: Int, aic: Double, fit: LeastSquaresFit)? = nil
        for L in candidateLags {
            let s = perLag[L]!
            let X = Matrix(s.map(\.x))
            let f = try leastSquares(X, s.map(\.y))
            let n = Double(s.count)
            let aic = n * Double.log(max(f.rss, 1e-300) / n) + 2 * Double(f.k)
            criteria[String(L)] = aic
            if best == nil || aic < best!.aic { best = (L, aic, f) }
        }
        let (L, _, unconstrained) = best!
        var s = perLag[L]!
        var f = unconstrained
        var bUnconstrained: Estimate? = nil
        var bFixed = false
        if unconstrained.coefficients[1] < 0 {
            let hacU = neweyWest(x: s.map(\.x), residuals: unconstrained.residuals, xtxInverse: unconstrained.xtxInverse, lags: 2)
            bUnconstrained = Estimate(unconstrained.coefficients[1], stderr: hacU[1])
            s = s.map { Sample(day: $0.day, y: $0.y, x: [$0.x[0], $0.x[2]]) }
            f = try leastSquares(Matrix(s.map(\.x)), s.map(\.y))
            bFixed = true
        }
        var hac = neweyWest(x: s.map(\.x), residuals: f.residuals, xtxInverse: f.xtxInverse, lags: 2)
        var coefficients = f.coefficients
        if bFixed { coefficients = [coefficients[0], 0, coefficients[1]]; hac = [hac[0], 0, hac[1]] }
        let n = Double(s.count)
        let ys = s.map(\.y)
        let ybar = ys.reduce(0, +) / n
        let tss = ys.reduce(0) { $0 + ($1 - ybar) * ($1 - ybar) }
        var noise = 0.0
        if let blocks7d {
            var m = 0
            for smp in s { if let b0 = blocks7d[smp.day], let b1 = blocks7d[smp.day + 7], b0 > 0, b1 > 0 { noise += 1 / b0 + 1 / b1; m += 1 } }
            noise = m > 0 ? noise / Double(m) : 0
        }
        let signal2 = max(f.sigma2 - noise, f.sigma2 / 20)
        let sigma = (signal2 * 49 / 231).squareRoot()
        let sigmaSE = ((2 / n).squareRoot() * f.sigma2 * 49 / 231) / (2 * sigma)
        let params = HashRateParameters(
            a: Estimate(coefficients[0], stderr: hac[0]), b: Estimate(coefficients[1], stderr: hac[1]),
            c: Estimate(coefficients[2], stderr: hac[2]), sigma: Estimate(sigma, stderr: sigmaSE),
            lag: L, trendOrigin: windowStart, rSquared: tss > 0 ? 1 - f.rss / tss : 0,
            residualAutocorrelation: lag1Autocorrelation(f.residuals), lagCriteria: criteria, bUnconstrained: bUnconstrained)
        return Result(parameters: params, residuals: zip(s, f.residuals).map { ($0.day, $1) })
    }

    /// Newey–West HAC standard errors (Bartlett weights `1 − l/(lags+1)`).
    static func neweyWest(x: [[Double]], residuals e: [Double], xtxInverse inv: Matrix, lags: Int) -> [Double] {
        let k = inv.rows
        var S = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for t in 0..<e.count { for i in 0..<k { for j in 0..<k { S[i][j] += e[t] * e[t] * x[t][i] * x[t][j] } } }
        if lags > 0 {
            for l in 1...lags where l < e.count {
                let w = 1 - Double(l) / Double(lags + 1)
                for t in l..<e.count {
                    let ee = e[t] * e[t - l] * w
                    for i in 0..<k { for j in 0..<k { S[i][j] += ee * (x[t][i] * x[t - l][j] + x[t - l][i] * x[t][j]) } }
                }
            }
        }
        // V = inv·S·inv
        var V = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for i in 0..<k { for j in 0..<k {
            var v = 0.0
            for a in 0..<k { for b in 0..<k { v += inv[i, a] * S[a][b] * inv[b, j] } }
            V[i][j] = v
        } }
        return (0..<k).map { max(V[$0][$0], 0).squareRoot() }
    }
}

/// Lag-1 autocorrelation `Σ(e_t − ē)(e_{t−1} − ē)/Σ(e_t − ē)²` (0 for fewer than 3 values).
func lag1Autocorrelation(_ e: [Double]) -> Double {
    guard e.count >= 3 else { return 0 }
    let m = e.reduce(0, +) / Double(e.count)
    var num = 0.0, den = 0.0
    for i in e.indices {
        den += (e[i] - m) * (e[i] - m)
        if i > 0 { num += (e[i] - m) * (e[i - 1] - m) }
    }
    return den > 0 ? num / den : 0
}
