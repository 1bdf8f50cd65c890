import Domain
import LinearAlgebra
import RealModule

/// Mean-reverting log fee per block, `x_{t+1} − x_t = κ(m − x_t) + σ_F·Z₃` (daily, the engine's step), fitted on the
/// **weekly** fee level: non-overlapping 7-day windows ending on the window's last day, `x̄_k = mean_{j<7} x_{t_k−j}` (the
/// mean of the daily `x = ln` fee per block, the engine's state, over the 7 days ending on `t_k`, all 7 with fees), and OLS
/// of consecutive weeks
///
///     x̄_{k+1} − x̄_k = a + b·x̄_k + e_k,   κ_w = −b,  m = −a/b,  σ_w = √(RSS/(n − 2))
///
/// mapped **exactly** onto the daily AR(1) `x_t = φ·x_{t−1} + ε_t` (`φ = 1 − κ`, `Var ε = σ_F²`) whose 7-day averages have
/// that lag-1 autocorrelation and residual variance. With `γ(h) = σ_F²·φ^{|h|}/(1 − φ²)` the autocovariance of the daily
/// state, the weekly averages have
///
///     ρ(φ) = Σ_{i,j=0..6} φ^{|7+i−j|} / Σ_{i,j=0..6} φ^{|i−j|},   Var(x̄) = σ_F²·c(φ),   c(φ) = Σ_{i,j} φ^{|i−j|} / (49·(1 − φ²))
///
/// so `φ` solves `ρ(φ) = 1 − κ_w` (ρ increases from 0 at φ = 0 to 1 at φ = 1: bisection) and
/// `σ_F² = σ_w² / ((1 − ρ²)·c(φ))` (the OLS residual variance of an AR(1) fit is `Var(x̄)·(1 − ρ²)`).
///
/// Why weekly: the daily fee per block is a slow regime level plus large day-to-day noise (block space demand comes and
/// goes within days). An AR(1) on daily values fits the noise — as of 2026-03-22 it reverts with a half-life of 18 days
/// toward the 4-year level — and loses to a random walk at every horizon up to 180 days in the fee backtest
/// (`Sources/Calibrate/README.md`); on weekly levels the reversion is the regime's (half-life 83 days there).
///
/// Standard errors: `SE(κ) = |dφ/dρ|·SE(b)` (delta method, the derivative by central differences of the bisection);
/// `m` by the delta method with `V = σ_w²(XᵀX)⁻¹`: `Var(m) = V_aa/b² + a²V_bb/b⁴ − 2a·V_ab/b³`; `SE(σ_F) = σ_F/√(2n)`.
/// `κ_w ≥ 1` (no weekly persistence) gives `κ = 1`; `κ_w ≤ 0` (no reversion in the window) gives `κ = 0`, a random walk,
/// with `σ_F² = σ_w²·49/231` (the variance of a difference of 7-day averages of a random walk is `σ²·231/49`; `m` then
/// only reported).
///
/// Daily residuals (for the shock correlation) are the engine's innovations `x_{d+1} − x_d − κ(m − x_d)` on consecutive
/// days of the window.
public enum FeeFit {
    public struct Result {
        public var parameters: FeeParameters
        public var residuals: [Day: Double]
    }

    /// `feesPerBlock[d]`: fee per block (BTC) on day `d`. Days in `windowStart...windowEnd` enter; weeks end on
    /// `windowEnd`, `windowEnd − 7`, ….
    public static func fit(feesPerBlock: [Day: Double], windowStart: Day, windowEnd: Day) throws -> Result {
        // Weekly levels, oldest first (nil where a week is incomplete).
        var weeks: [Double?] = []
        var end = windowEnd
        while end - 6 >= windowStart {
            var sum = 0.0, ok = true
            for j in 0..<7 {
                guard let f = feesPerBlock[end - j], f > 0, f.isFinite else { ok = false; break }
                sum += Double.log(f)
            }
            weeks.append(ok ? sum / 7 : nil)
            end = end - 7
        }
        weeks.reverse()
        var rows: [[Double]] = [], y: [Double] = []
        for k in 0..<(weeks.count > 0 ? weeks.count - 1 : 0) {
            if let x0 = weeks[k], let x1 = weeks[k + 1] { rows.append([1, x0]); y.append(x1 - x0) }
        }
        guard rows.count >= 26 else {
            throw CalibrateError.insufficientData("fee model needs ≥ 26 consecutive-week pairs with fees, got \(rows.count) (window \(windowStart)…\(windowEnd))")
        }
        let f = try leastSquares(Matrix(rows), y)
        let a = f.coefficients[0], b = f.coefficients[1]
        let V = f.xtxInverse
        let s2 = f.sigma2
        let kw = -b
        let m = b != 0 ? -a / b : 0
        var varM = 0.0
        if b != 0 { varM = s2 * (V[0, 0] / (b * b) + a * a * V[1, 1] / (b * b * b * b) - 2 * a * V[0, 1] / (b * b * b)) }
        let rho = 1 - kw
        var phi = 0.0, kappaSE = 0.0, sigma: Double
        let sigmaW2 = s2
        if rho >= 1 {
            phi = 1
            sigma = (sigmaW2 * 49 / 231).squareRoot()
        } else {
            let r = max(rho, 0)
            phi = dailyPhi(weeklyAutocorrelation: r)
            sigma = (sigmaW2 / ((1 - r * r) * averageVarianceFactor(phi))).squareRoot()
            if rho > 0 {
                let h = min(1e-4, rho / 2, (1 - rho) / 2)
                let dphi = (dailyPhi(weeklyAutocorrelation: rho + h) - dailyPhi(weeklyAutocorrelation: rho - h)) / (2 * h)
                kappaSE = abs(dphi) * f.standardErrors[1]
            }
        }
        let kappa = 1 - phi
        let n = Double(rows.count)
        let ybar = y.reduce(0, +) / n
        let tss = y.reduce(0) { $0 + ($1 - ybar) * ($1 - ybar) }
        let p = FeeParameters(kappa: Estimate(kappa, stderr: kappaSE), m: Estimate(m, stderr: max(varM, 0).squareRoot()),
                              sigma: Estimate(sigma, stderr: sigma / (2 * n).squareRoot()),
                              rSquared: tss > 0 ? 1 - f.rss / tss : 0, residualAutocorrelation: lag1Autocorrelation(f.residuals))
        var res: [Day: Double] = [:]
        var d = windowStart
        while d < windowEnd {
            if let f0 = feesPerBlock[d], let f1 = feesPerBlock[d + 1], f0 > 0, f1 > 0 {
                let x0 = Double.log(f0), x1 = Double.log(f1)
                res[d] = x1 - x0 - kappa * (m - x0)
            }
            d = d + 1
        }
        return Result(parameters: p, residuals: res)
    }

    /// `ρ(φ)`: lag-1 autocorrelation of the 7-day averages of a daily AR(1) with coefficient φ (see the type's doc).
    static func weeklyAutocorrelation(_ phi: Double) -> Double {
        var num = 0.0, den = 0.0
        for i in 0..<7 { for j in 0..<7 { num += power(phi, abs(7 + i - j)); den += power(phi, abs(i - j)) } }
        return num / den
    }

    /// `c(φ) = Σ_{i,j} φ^{|i−j|} / (49·(1 − φ²))`: variance of a 7-day average per unit daily innovation variance.
    static func averageVarianceFactor(_ phi: Double) -> Double {
        var s = 0.0
        for i in 0..<7 { for j in 0..<7 { s += power(phi, abs(i - j)) } }
        return s / (49 * (1 - phi * phi))
    }

    /// `x^n` for n ≥ 0 by repeated multiplication (`0^0 = 1`).
    static func power(_ x: Double, _ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= x }
        return r
    }

    /// φ ∈ [0, 1) with `ρ(φ) = r` (bisection; r ∈ [0, 1)).
    static func dailyPhi(weeklyAutocorrelation r: Double) -> Double {
        var lo = 0.0, hi = 1.0
        for _ in 0..<80 {
            let mid = (lo + hi) / 2
            if weeklyAutocorrelation(mid) < r { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
