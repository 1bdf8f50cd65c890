import Domain
import Foundation

/// Geometric Brownian motion: `r_t = μ − σ²/2 + σ·Z₁` (per day); mean log return `m = μ − σ²/2`. Parameters in
/// `Domain.GBMParameters`; draws in `(μ, ln σ)`, independent.
public enum GBMModel: PriceModelDefinition {
    public static let name = "gbm"
    public static let summary = "geometric Brownian motion (Gaussian daily log returns)"

    public static func fit(returns r: [Double], into c: inout Calibration) throws { c.gbm = try fit(r) }

    public static func tableRows(_ c: Calibration) -> [CalibrationRow] {
        [CalibrationRow(name, "mu", c.gbm.mu.value, c.gbm.mu.stderr), CalibrationRow(name, "sigma", c.gbm.sigma.value, c.gbm.sigma.stderr),
         CalibrationRow(name, "log_likelihood", c.gbm.logLikelihood, nil)]
    }

    public static func law(_ c: Calibration, _ a: PriceAssumptions) throws -> PriceLaw {
        let theta = [c.gbm.mu.value, c.gbm.sigma.value]
        let rule = DriftRule(a, fitted: theta[0] - theta[1] * theta[1] / 2, sampleSE: c.sampleMeanSE)
        let rDaily = a.rate / 365, measure = a.measure
        let laneOf: @Sendable ([Double]) -> PriceLane = { t in
            let s = t[1]
            return PriceLane(drift: measure == .real ? rule.mean(t[0] - s * s / 2) : rDaily - s * s / 2, sigma: s)
        }
        let draw = a.parameterUncertainty
            ? ParameterDraw(estimate: theta, stderr: [c.gbm.mu.stderr, c.gbm.sigma.stderr], covariance: nil, transforms: [.identity, .log]) : nil
        var law = try PriceLaw(step: .diffusion, base: laneOf(theta), draw: draw,
                            driftStatement: measure == .real ? rule.statement : "risk-neutral", laneOf: laneOf)
        law.volatilityDispersion = VolatilityUncertainty.dispersion(c, a)
        return law
    }

    /// Closed-form MLE: `m̂ = mean(r)`, `σ̂² = mean((r − m̂)²)`, `μ̂ = m̂ + σ̂²/2`.
    ///
    /// Standard errors from the Fisher information: `SE(m̂) = σ̂/√n`, `SE(σ̂) = σ̂/√(2n)` (independent), so by the delta
    /// method `SE(μ̂) = √(σ̂²/n + σ̂²·σ̂²/(2n))`. Log-likelihood `−n/2·(ln(2πσ̂²) + 1)`.
    public static func fit(_ r: [Double]) throws -> GBMParameters {
        let n = Double(r.count)
        guard r.count >= 2 else { throw ModelsError.insufficientData("GBM needs at least 2 returns, got \(r.count)") }
        let m = r.reduce(0, +) / n
        let v = r.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
        guard v > 0 else { throw ModelsError.insufficientData("price returns have zero variance") }
        let s = v.squareRoot()
        let seS = s / (2 * n).squareRoot()
        let seMu = (v / n + v * seS * seS).squareRoot()
        return GBMParameters(mu: Estimate(m + v / 2, stderr: seMu), sigma: Estimate(s, stderr: seS),
                             logLikelihood: -n / 2 * (Foundation.log(2 * Double.pi * v) + 1))
    }
}
