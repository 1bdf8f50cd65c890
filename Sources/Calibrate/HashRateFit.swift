import Domain
import LinearAlgebra
import RealModule

/// The miner-supply hash-rate response of SPEC §5 with the efficiency trend `δ` held fixed (it comes from the ASIC
/// catalog's frontier, `EfficiencyFrontier`, never from this history):
///
///     ln H_{s+1} − ln H_s = α + κ·(ln hp_{s−L} + δ·(s − T)) + σ_H·Z₂      (daily; T = the as-of, hp in USD/PH/day)
///
/// i.e. `κ·(ln hp_{s−L} − ln hp*_s)` with the breakeven `hp*_s = hp*_0·e^{−δ(s−T)}`, `hp*_0 = e^{−α/κ}`. No free time trend.
///
/// **Noise-robust hash rate.** `H̄_t = 2^32·Σ_{u=t−6}^{t} blocks_u·D_u / (7·86400)` (SPEC §3 over 7 days: daily block counts are
/// Poisson-noisy; a 7-day sum is not).
///
/// **Non-overlapping weekly steps.** On a grid `t_k = t_0 + 7k`, `y_k = ln H̄_{t_k+7} − ln H̄_{t_k}`. Since
/// `ln H̄_t ≈ mean_{j=0..6} ln H_{t−j}`, `y_k = Σ_s w_s·Δ_s` with triangular weights `w_s = (7 − |s − t_k|)/7`, `|s − t_k| ≤ 6`
/// (Σw = 7, Σw·(s − t_k) = 0, Σw² = 231/49). Summing the daily model with these weights gives exactly a regression on the
/// *daily* parameters:
///
///     y_k = α·7 + κ·Z_k + e_k,   Z_k = X_k + δ·7·(t_k − T),   X_k = Σ_s w_s·ln hp_{s−L},   Var(e_k) = σ_H²·231/49
///
/// (`Σ_s w_s·δ·(s − T) = δ·7·(t_k − T)` exactly, by the symmetry of the weights), so `σ̂_H = √(σ̂_e²·49/231)` — after removing
/// the **Poisson measurement noise** of the block counts: `ln H̄_t` carries noise of variance `≈ 1/B_t` (B_t = blocks in the
/// 7-day window), so every `y_k` has noise variance `1/B_{t_k} + 1/B_{t_k+7}` that is not hash-rate risk:
///
///     σ̂_H² = max(σ̂_e² − mean_k(1/B_{t_k} + 1/B_{t_k+7}), σ̂_e²/20) · 49/231,   σ̂_e² = Σe_k²/(n − 2)
///
/// with standard error from `Var(σ̂_e²) ≈ 2σ̂_e⁴/n`.
///
/// **Robust estimation.** Weekly hash-rate changes have fat tails that are not the supply response (the 2021 China ban
/// halved the network in six weeks at a record hashprice; storms and curtailment): least squares lets a handful of such
/// weeks decide κ. The fit is the **maximum-likelihood estimate under Huber's least-favourable density**
/// `f(u) ∝ e^{−ρ(u)}`, `ρ(u) = u²/2` for `|u| ≤ c`, `c|u| − c²/2` beyond, `c = 1.345` (95 % efficiency at the normal), with
/// location-scale `e/s`: iteratively reweighted least squares (weights `min(1, c·s/|e|)`) alternating with the scale
/// equation `Σψ(e_k/s)·e_k/s = n` (`ψ = ρ'`), from the OLS start. Standard errors: the M-estimator sandwich with
/// **Newey–West (HAC)** meat — consecutive weekly errors share half a triangle (lag-1 correlation 56/231 ≈ 0.24) —
///
///     V = A⁻¹·[Σ g_k g_kᵀ + Σ_{l=1,2} (1 − l/3)·Σ_k (g_k g_{k−l}ᵀ + g_{k−l} g_kᵀ)]·A⁻¹,
///     g_k = s·ψ(e_k/s)·x_k,   A = Σ_{|e_k| ≤ c·s} x_k x_kᵀ
///
/// and `SE(hp*_0) = hp*_0·SE(α/κ)` by the delta method (δ held fixed).
///
/// **Lag choice.** For each `L ∈ {7, 14, 30, 60, 90}` the regression runs on the common sample (weeks where every lag has its
/// inputs); the criterion is the AIC under the Huber density, `2Σρ(e_k/s) + 2n·ln s + 2k`; the smallest wins, and the lag
/// is *not identified* when the runner-up is within 2.
///
/// **κ ≤ 0 is refused** (`CalibrateError.noSupplyResponse`): miners add hash rate when mining pays, and a negative response
/// makes the simulated feedback unstable (lower hashprice → faster growth → lower hashprice). A positive but insignificant
/// κ (|t| < 2) is kept with a warning (`SupplyResponse.warnings`).
public enum HashRateFit {
    public static let candidateLags = [7, 14, 30, 60, 90]
    /// Huber's tuning constant.
    public static let huberC = 1.345
    public static let estimatorName = "huber-mle c=1.345, newey-west 2 lags"

    /// Triangular weights w_j for j = −6…6.
    static let weights: [Double] = (-6...6).map { Double(7 - abs($0)) / 7 }

    /// Weekly samples and their regressors `[7, Z_k]` for one lag.
    struct Sample { var day: Day; var y: Double; var x: [Double] }

    /// The fitted response plus the weekly residuals keyed by the grid day (for the correlation).
    public struct Result {
        public var alpha: Estimate
        public var kappa: Estimate
        public var covarianceAlphaKappa: Double
        public var sigma: Estimate
        public var lag: Int
        /// Criterion per candidate lag, keyed by the lag in days.
        public var criteria: [String: Double]
        public var lagIdentified: Bool
        public var rSquared: Double
        public var residualAutocorrelation: Double
        /// `hp*_0 = e^{−α/κ}` (USD/PH/day at the window end) and its delta-method standard error.
        public var breakevenUSDPerPHDay: Estimate
        public var firstWeek: Day
        public var lastWeek: Day
        public var residuals: [(day: Day, value: Double)]
    }

    /// `hashRate7d[d]`: 7-day noise-robust hash rate ending on `d` (H/s); `lnHashprice[d]`: ln USD hashprice (USD/PH/day).
    /// `delta`: δ per day. `windowEnd` is the as-of `T`. `blocks7d[d]`: blocks found in the 7 days ending on `d` (for the
    /// Poisson-noise correction; nil = no correction, e.g. for noise-free synthetic data).
    public static func fit(hashRate7d: [Day: Double], lnHashprice: [Day: Double], windowStart: Day, windowEnd: Day,
                           delta: Double, blocks7d: [Day: Double]? = nil) throws -> Result {
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
                for j in -6...6 {
                    guard let v = lnHashprice[d + j - L] else { ok = false; break }
                    x += weights[j + 6] * v
                }
                if !ok { break }
                row[L] = x
            }
            if ok { common.append(d); for (L, x) in row { xs[L, default: [:]][d] = x } }
        }
        guard common.count >= 30 else {
            throw CalibrateError.insufficientData("hash-rate response needs ≥ 30 weekly steps with 7-day hash rate and lagged hashprice, got \(common.count) (window \(windowStart)…\(windowEnd))")
        }
        var fits: [Int: (samples: [Sample], fit: HuberFit)] = [:]
        var criteria: [String: Double] = [:]
        for L in candidateLags {
            let s = common.map { d in
                Sample(day: d, y: Double.log(hashRate7d[d + 7]!) - Double.log(hashRate7d[d]!),
                       x: [7, xs[L]![d]! + delta * 7 * Double(d - windowEnd)])
            }
            let f = try huber(x: s.map(\.x), y: s.map(\.y))
            fits[L] = (s, f)
            criteria[String(L)] = f.criterion
        }
        let ranked = candidateLags.sorted { (criteria[String($0)]!, $0) < (criteria[String($1)]!, $1) }
        let L = ranked[0]
        let identified = criteria[String(ranked[1])]! - criteria[String(L)]! >= 2
        let (s, f) = fits[L]!
        let alpha = f.beta[0], kappa = f.beta[1]
        guard kappa > 0, kappa.isFinite else {
            let per = candidateLags.map { "L=\($0): κ̂ \(fits[$0]!.fit.beta[1])" }.joined(separator: ", ")
            throw CalibrateError.noSupplyResponse("κ̂ = \(kappa) ≤ 0 at the chosen lag \(L) days (\(per)) on \(common.count) weeks \(common.first!)…\(common.last! + 7), δ = \(delta * 365.25)/yr; the model needs κ > 0 (try a longer --hashrate-window or another --efficiency-trend)")
        }
        let n = Double(s.count)
        let ys = s.map(\.y)
        let ybar = ys.reduce(0, +) / n
        let tss = ys.reduce(0) { $0 + ($1 - ybar) * ($1 - ybar) }
        let rss = f.residuals.reduce(0) { $0 + $1 * $1 }
        let sigmaE2 = rss / (n - 2)
        var noise = 0.0
        if let blocks7d {
            var m = 0
            for smp in s { if let b0 = blocks7d[smp.day], let b1 = blocks7d[smp.day + 7], b0 > 0, b1 > 0 { noise += 1 / b0 + 1 / b1; m += 1 } }
            noise = m > 0 ? noise / Double(m) : 0
        }
        let signal2 = max(sigmaE2 - noise, sigmaE2 / 20)
        let sigma = (signal2 * 49 / 231).squareRoot()
        let sigmaSE = ((2 / n).squareRoot() * sigmaE2 * 49 / 231) / (2 * sigma)
        // hp*_0 = e^{−α/κ}; Var(α/κ) = Vαα/κ² + α²Vκκ/κ⁴ − 2α·Vακ/κ³.
        let V = f.covariance
        let varRatio = V[0][0] / (kappa * kappa) + alpha * alpha * V[1][1] / (kappa * kappa * kappa * kappa)
            - 2 * alpha * V[0][1] / (kappa * kappa * kappa)
        let hpStar = Double.exp(-alpha / kappa)
        return Result(alpha: Estimate(alpha, stderr: max(V[0][0], 0).squareRoot()),
                      kappa: Estimate(kappa, stderr: max(V[1][1], 0).squareRoot()), covarianceAlphaKappa: V[0][1],
                      sigma: Estimate(sigma, stderr: sigmaSE), lag: L, criteria: criteria, lagIdentified: identified,
                      rSquared: tss > 0 ? 1 - rss / tss : 0, residualAutocorrelation: lag1Autocorrelation(f.residuals),
                      breakevenUSDPerPHDay: Estimate(hpStar, stderr: hpStar * max(varRatio, 0).squareRoot()),
                      firstWeek: s.first!.day, lastWeek: s.last!.day,
                      residuals: zip(s, f.residuals).map { ($0.day, $1) })
    }

    /// A Huber maximum-likelihood fit: coefficients, scale, residuals, HAC sandwich covariance and the AIC under the
    /// Huber density.
    struct HuberFit {
        var beta: [Double]
        var scale: Double
        var residuals: [Double]
        var covariance: [[Double]]
        var criterion: Double
        var iterations: Int
    }

    /// Huber's ρ for a standardized residual.
    @inline(__always) static func rho(_ u: Double) -> Double {
        let a = abs(u)
        return a <= huberC ? 0.5 * u * u : huberC * a - 0.5 * huberC * huberC
    }

    /// Huber's ψ = ρ′.
    @inline(__always) static func psi(_ u: Double) -> Double { min(max(u, -huberC), huberC) }

    /// Huber MLE of `y = Xβ + s·u` (see the type's doc): IRLS for β alternating with the scale equation, from OLS.
    static func huber(x: [[Double]], y: [Double], maxIterations: Int = 1000) throws -> HuberFit {
        let n = y.count, k = x[0].count
        var beta = try leastSquares(Matrix(x), y).coefficients
        func residuals(_ b: [Double]) -> [Double] {
            var r = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var fit = 0.0
                for j in 0..<k { fit += x[i][j] * b[j] }
                r[i] = y[i] - fit
            }
            return r
        }
        var e = residuals(beta)
        var s = (e.reduce(0) { $0 + $1 * $1 } / Double(n)).squareRoot()
        guard s > 0, s.isFinite else { throw CalibrateError.insufficientData("hash-rate regression has no residual variation") }
        var iterations = 0
        for it in 1...maxIterations {
            iterations = it
            var xw: [[Double]] = [], yw: [Double] = []
            xw.reserveCapacity(n); yw.reserveCapacity(n)
            for i in 0..<n {
                let a = abs(e[i]) / s
                let r = (a <= huberC ? 1 : huberC / a).squareRoot()
                xw.append(x[i].map { $0 * r }); yw.append(y[i] * r)
            }
            let newBeta = try leastSquares(Matrix(xw), yw).coefficients
            e = residuals(newBeta)
            var sp = 0.0
            for v in e { let u = v / s; sp += psi(u) * u }
            let newS = s * (sp / Double(n)).squareRoot()
            let db = zip(newBeta, beta).map { abs($0 - $1) / max(abs($1), 1e-300) }.max()!
            let ds = abs(newS - s) / s
            beta = newBeta; s = newS
            e = residuals(beta)
            if db < 1e-12 && ds < 1e-12 { break }
        }
        var crit = 2 * Double(n) * Double.log(s) + 2 * Double(k)
        var A = [Double](repeating: 0, count: k * k)
        var g: [Double] = []
        for i in 0..<n {
            let u = e[i] / s
            crit += 2 * rho(u)
            if abs(u) <= huberC { for a in 0..<k { for b in 0..<k { A[a * k + b] += x[i][a] * x[i][b] } } }
            g.append(s * psi(u))
        }
        let Ainv = try inverseSPD(Matrix(rows: k, cols: k, storage: A))
        let V = neweyWest(x: x, residuals: g, bread: Ainv, lags: 2)
        return HuberFit(beta: beta, scale: s, residuals: e, covariance: V, criterion: crit, iterations: iterations)
    }

    /// Newey–West HAC covariance `bread·S·bread` with Bartlett weights `1 − l/(lags+1)` and scores `residuals[t]·x[t]`.
    static func neweyWest(x: [[Double]], residuals e: [Double], bread inv: Matrix, lags: Int) -> [[Double]] {
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
        var V = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for i in 0..<k { for j in 0..<k {
            var v = 0.0
            for a in 0..<k { for b in 0..<k { v += inv[i, a] * S[a][b] * inv[b, j] } }
            V[i][j] = v
        } }
        return V
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
