import Domain
import Foundation
import LinearAlgebra

/// Merton jump-diffusion on daily log returns (SPEC §5):
///
///     r_t = μ − σ²/2 + σ·Z₁ + Σ_{k≤N_t} J_k,   N_t ~ Poisson(λ),  J ~ N(μ_J, σ_J²)
///
/// Mean daily log return `m(θ) = μ − σ²/2 + λ·μ_J`. Real measure: the lane's drift `μ − σ²/2 = m* − λμ_J` with `m*` the
/// stated drift (`DriftRule`); risk-neutral: `μ = r/365 − λ(e^{μ_J+σ_J²/2} − 1)` so that `E[S_t] = S₀e^{rt/365}`.
/// Parameters in `Domain.MertonParameters`; parameter draws in `(μ, ln σ, ln λ, μ_J, ln σ_J)`.
public enum MertonModel: PriceModelDefinition {
    public static let name = "merton"
    public static let summary = "Merton jump-diffusion (Gaussian diffusion + Poisson log-normal jumps)"

    public static func fit(returns r: [Double], into c: inout Calibration) throws { c.merton = try fit(r) }

    public static func tableRows(_ c: Calibration) -> [CalibrationRow] {
        let m = c.merton
        var rows = [("mu", m.mu), ("sigma", m.sigma), ("lambda", m.lambda), ("mu_j", m.muJ), ("sigma_j", m.sigmaJ)]
            .map { CalibrationRow(name, $0.0, $0.1.value, $0.1.stderr) }
        rows.append(CalibrationRow(name, "log_likelihood", m.logLikelihood, nil))
        rows.append(CalibrationRow(name, "observations", Double(m.observations), nil))
        return rows
    }

    public static func law(_ c: Calibration, _ a: PriceAssumptions) throws -> PriceLaw {
        let m = c.merton
        let theta = [m.mu.value, m.sigma.value, m.lambda.value, m.muJ.value, m.sigmaJ.value]
        let mean = { (t: [Double]) in t[0] - t[1] * t[1] / 2 + t[2] * t[3] }
        let rule = DriftRule(a, fitted: mean(theta), sampleSE: c.sampleMeanSE)
        let rDaily = a.rate / 365, measure = a.measure
        let laneOf: @Sendable ([Double]) -> PriceLane = { t in
            let (s, lam, muJ, sJ) = (t[1], t[2], t[3], t[4])
            let drift: Double
            if measure == .real {
                drift = rule.mean(mean(t)) - lam * muJ
            } else {
                let mu = rDaily - lam * (Foundation.exp(muJ + sJ * sJ / 2) - 1)
                drift = mu - s * s / 2
            }
            return PriceLane(drift: drift, sigma: s, lambda: lam, muJ: muJ, sigmaJ: sJ)
        }
        let draw = a.parameterUncertainty
            ? ParameterDraw(estimate: theta, stderr: [m.mu.stderr, m.sigma.stderr, m.lambda.stderr, m.muJ.stderr, m.sigmaJ.stderr],
                            covariance: m.covariance, transforms: [.identity, .log, .log, .identity, .log]) : nil
        var law = try PriceLaw(step: .diffusion, base: laneOf(theta), draw: draw,
                            driftStatement: measure == .real ? rule.statement : "risk-neutral", laneOf: laneOf)
        law.volatilityDispersion = VolatilityUncertainty.dispersion(c, a)
        return law
    }

    /// The day's jump sum for the uniform `u` (count by inversion of the Poisson CDF, `P(N = 0) = p0 = e^{−λ}`) and the
    /// normal `z` (size `N·μ_J + √N·σ_J·z`); 0 when no jump.
    @inline(__always)
    public static func jumpCount(_ u: Double, lambda: Double, p0: Double) -> Double {
        if u <= p0 { return 0 }
        var n = 0.0, p = p0, cdf = p0
        while cdf < u && n < 50 { n += 1; p *= lambda / n; cdf += p }
        return n
    }

    /// Merton log-density of one return:
    ///
    ///     f(x) = Σ_{k=0}^{N} e^{−λ} λ^k / k! · φ(x; μ − σ²/2 + k·μ_J, σ² + k·σ_J²)
    ///
    /// with `N` the smallest count whose Poisson tail mass `P(K > N) < 1e-12`.
    public static func logLikelihood(_ r: [Double], mu: Double, sigma: Double, lambda: Double, muJ: Double, sigmaJ: Double) -> Double {
        guard sigma > 0, sigmaJ > 0, lambda >= 0, sigma.isFinite, lambda.isFinite, sigmaJ.isFinite else { return -.infinity }
        var weights: [Double] = []
        var p = Foundation.exp(-lambda), cdf = 0.0
        var k = 0
        repeat {
            weights.append(p); cdf += p
            k += 1
            p *= lambda / Double(k)
        } while 1 - cdf >= 1e-12 && k < 200 && p > 0
        let s2 = sigma * sigma, j2 = sigmaJ * sigmaJ
        let means = weights.indices.map { mu - s2 / 2 + Double($0) * muJ }
        let vars = weights.indices.map { s2 + Double($0) * j2 }
        let coef = weights.indices.map { weights[$0] / (2 * Double.pi * vars[$0]).squareRoot() }
        let inv2v = vars.map { -0.5 / $0 }
        var ll = 0.0
        for x in r {
            var f = 0.0
            for i in weights.indices { let d = x - means[i]; f += coef[i] * Foundation.exp(d * d * inv2v[i]) }
            ll += f > 0 ? Foundation.log(f) : -745
        }
        return ll
    }

    /// Maximum likelihood.
    ///
    /// Nelder–Mead on transformed parameters `θ = (μ, ln σ, ln λ, μ_J, ln σ_J)` from several starts (small/medium/large λ,
    /// zero/negative mean jump), then Newton polish steps on θ (numerical gradient/Hessian, accepted only when they improve
    /// the likelihood); `λ ≤ maxLambda`. Covariance: `H⁻¹` with `H` the numerical Hessian of the negative log-likelihood in
    /// the natural parameters `(μ, σ, λ, μ_J, σ_J)` (`LinearAlgebra.inverseSPD`), standard errors `√diag(H⁻¹)`; if `H` is not
    /// positive definite at the optimum (λ at a boundary), no covariance is stored and each SE falls back to `1/√H_ii`
    /// (documented, conservative for λ ≈ 0).
    public static func fit(_ r: [Double], maxLambda: Double = Foundation.exp(1.0)) throws -> MertonParameters {
        guard r.count >= 30 else { throw ModelsError.insufficientData("Merton needs at least 30 returns, got \(r.count)") }
        let n = Double(r.count)
        let m = r.reduce(0, +) / n
        let sd = (r.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
        guard sd > 0 else { throw ModelsError.insufficientData("price returns have zero variance") }
        let lnMax = Foundation.log(maxLambda)
        func nll(_ t: [Double]) -> Double {
            guard t.allSatisfy({ $0.isFinite }), t[2] < lnMax, t[1] > -20, t[4] > -20, t[4] < 2, t[1] < 2 else { return .greatestFiniteMagnitude }
            let v = -logLikelihood(r, mu: t[0], sigma: Foundation.exp(t[1]), lambda: Foundation.exp(t[2]), muJ: t[3], sigmaJ: Foundation.exp(t[4]))
            return v.isFinite ? v : .greatestFiniteMagnitude
        }
        var best: (x: [Double], fx: Double)? = nil
        let nm = NelderMead()
        for lam in [0.01, 0.05, 0.2] where Foundation.log(lam) < lnMax {
            for muJ in [0.0, -2 * sd] {
                let start = [m + sd * sd / 2, Foundation.log(0.7 * sd), Foundation.log(lam), muJ, Foundation.log(3 * sd)]
                let res = nm.minimize(nll, start: start, step: [0.2 * sd, 0.2, 0.7, sd, 0.3])
                // Restart once from the result (standard remedy for premature simplex collapse).
                let res2 = nm.minimize(nll, start: res.x, step: [0.1 * sd, 0.1, 0.3, 0.5 * sd, 0.15])
                let cand = res2.fx < res.fx ? res2 : res
                if best == nil || cand.fx < best!.fx { best = cand }
            }
        }
        guard var theta = best?.x, var f = best?.fx else { throw ModelsError.insufficientData("Merton: λ bound \(maxLambda) leaves no start") }
        let hT = [1e-4 * sd, 1e-3, 1e-3, 1e-4 * sd + 1e-6, 1e-3]
        for _ in 0..<3 {
            let g = numericalGradient(nll, at: theta, steps: hT)
            let H = numericalHessian(nll, at: theta, steps: hT)
            guard let inv = try? inverseSPD(Matrix(H)) else { break }
            let stepV = (0..<5).map { i in (0..<5).reduce(0.0) { $0 + inv[i, $1] * g[$1] } }
            let cand = (0..<5).map { theta[$0] - stepV[$0] }
            let fc = nll(cand)
            if fc < f { theta = cand; f = fc } else { break }
        }
        let nat = [theta[0], Foundation.exp(theta[1]), Foundation.exp(theta[2]), theta[3], Foundation.exp(theta[4])]
        func nllNat(_ p: [Double]) -> Double {
            -logLikelihood(r, mu: p[0], sigma: p[1], lambda: max(p[2], 0), muJ: p[3], sigmaJ: p[4])
        }
        let hN = nat.enumerated().map { i, v in max(abs(v) * 1e-3, i == 0 || i == 3 ? 1e-6 : 1e-7) }
        let H = numericalHessian(nllNat, at: nat, steps: hN)
        let (se, cov) = hessianCovariance(H)
        return MertonParameters(mu: Estimate(nat[0], stderr: se[0]), sigma: Estimate(nat[1], stderr: se[1]),
                                lambda: Estimate(nat[2], stderr: se[2]), muJ: Estimate(nat[3], stderr: se[3]),
                                sigmaJ: Estimate(nat[4], stderr: se[4]), logLikelihood: -f, observations: r.count, covariance: cov)
    }
}
