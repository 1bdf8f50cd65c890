import Domain
import LinearAlgebra

/// Mean-reverting log fee per block: `x_{t+1} − x_t = κ(m − x_t) + σ_F·Z₃`, fitted by OLS `Δx = α + β·x_t + ε` on consecutive
/// days: `κ = −β`, `m = −α/β`, `σ_F = σ̂`.
///
/// Standard errors: `SE(κ) = SE(β)`; `m` by the delta method with `V = σ̂²(XᵀX)⁻¹`:
/// `Var(m) = V_αα/β² + α²V_ββ/β⁴ − 2α·V_αβ/β³`; `SE(σ̂) = σ̂/√(2n)`.
public enum FeeFit {
    public struct Result {
        public var parameters: FeeParameters
        public var residuals: [Day: Double]
    }

    /// `lnFee[d]` = ln(fee per block, BTC) on day `d`; pairs (d, d+1) with both days present enter the fit.
    public static func fit(lnFee: [Day: Double]) throws -> Result {
        let days = lnFee.keys.sorted().filter { lnFee[$0 + 1] != nil }
        guard days.count >= 60 else { throw CalibrateError.insufficientData("fee model needs ≥ 60 consecutive-day pairs with fees, got \(days.count)") }
        let X = Matrix(days.map { [1, lnFee[$0]!] })
        let y = days.map { lnFee[$0 + 1]! - lnFee[$0]! }
        let f = try leastSquares(X, y)
        let alpha = f.coefficients[0], beta = f.coefficients[1]
        let V = f.xtxInverse
        let s2 = f.sigma2
        let kappa = -beta
        let m = beta != 0 ? -alpha / beta : 0
        var varM = 0.0
        if beta != 0 {
            varM = s2 * (V[0, 0] / (beta * beta) + alpha * alpha * V[1, 1] / (beta * beta * beta * beta) - 2 * alpha * V[0, 1] / (beta * beta * beta))
        }
        let n = Double(days.count)
        let ybar = y.reduce(0, +) / n
        let tss = y.reduce(0) { $0 + ($1 - ybar) * ($1 - ybar) }
        let sigma = s2.squareRoot()
        let p = FeeParameters(kappa: Estimate(kappa, stderr: f.standardErrors[1]), m: Estimate(m, stderr: max(varM, 0).squareRoot()),
                              sigma: Estimate(sigma, stderr: sigma / (2 * n).squareRoot()),
                              rSquared: tss > 0 ? 1 - f.rss / tss : 0, residualAutocorrelation: lag1Autocorrelation(f.residuals))
        var res: [Day: Double] = [:]
        for (d, e) in zip(days, f.residuals) { res[d] = e }
        return Result(parameters: p, residuals: res)
    }
}
