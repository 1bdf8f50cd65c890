import Domain
import LinearAlgebra
import RealModule

/// Price-return models fitted by maximum likelihood on daily log returns `r_t = ln S_{t+1} − ln S_t`.
public enum PriceFit {
    /// GBM closed-form MLE: `m̂ = mean(r)`, `σ̂² = mean((r − m̂)²)`, `μ̂ = m̂ + σ̂²/2`.
    ///
    /// Standard errors from the Fisher information: `SE(m̂) = σ̂/√n`, `SE(σ̂) = σ̂/√(2n)` (independent), so by the delta
    /// method `SE(μ̂) = √(σ̂²/n + σ̂²·σ̂²/(2n))`. Log-likelihood `−n/2·(ln(2πσ̂²) + 1)`.
    public static func gbm(_ r: [Double]) throws -> GBMParameters {
        let n = Double(r.count)
        guard r.count >= 2 else { throw CalibrateError.insufficientData("GBM needs at least 2 returns, got \(r.count)") }
        let m = r.reduce(0, +) / n
        let v = r.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
        guard v > 0 else { throw CalibrateError.insufficientData("price returns have zero variance") }
        let s = v.squareRoot()
        let seS = s / (2 * n).squareRoot()
        let seMu = (v / n + v * seS * seS).squareRoot()
        return GBMParameters(mu: Estimate(m + v / 2, stderr: seMu), sigma: Estimate(s, stderr: seS),
                             logLikelihood: -n / 2 * (Double.log(2 * Double.pi * v) + 1))
    }

    /// Merton log-density of one return:
    ///
    ///     f(x) = Σ_{k=0}^{N} e^{−λ} λ^k / k! · φ(x; μ − σ²/2 + k·μ_J, σ² + k·σ_J²)
    ///
    /// with `N` the smallest count whose Poisson tail mass `P(K > N) < 1e-12`.
    static func mertonLogLikelihood(_ r: [Double], mu: Double, sigma: Double, lambda: Double, muJ: Double, sigmaJ: Double) -> Double {
        guard sigma > 0, sigmaJ > 0, lambda >= 0, sigma.isFinite, lambda.isFinite, sigmaJ.isFinite else { return -.infinity }
        // Poisson weights up to the truncation point.
        var weights: [Double] = []
        var p = Double.exp(-lambda), cdf = 0.0
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
            for i in weights.indices { let d = x - means[i]; f += coef[i] * Double.exp(d * d * inv2v[i]) }
            ll += f > 0 ? Double.log(f) : -745
        }
        return ll
    }

    /// Merton jump-diffusion MLE.
    ///
    /// Nelder–Mead on transformed parameters `θ = (μ, ln σ, ln λ, μ_J, ln σ_J)` from several starts (small/medium/large λ,
    /// zero/negative mean jump), then Newton polish steps on θ (numerical gradient/Hessian, accepted only when they improve
    /// the likelihood). Standard errors: `√diag(H⁻¹)` with `H` the numerical Hessian of the negative log-likelihood in the
    /// natural parameters `(μ, σ, λ, μ_J, σ_J)` (inverted with LAPACK `dpotrf/dpotri`); if `H` is not positive definite at the
    /// optimum (λ at a boundary), the SE of each parameter falls back to `1/√H_ii` (documented, conservative for λ ≈ 0).
    public static func merton(_ r: [Double]) throws -> MertonParameters {
        guard r.count >= 30 else { throw CalibrateError.insufficientData("Merton needs at least 30 returns, got \(r.count)") }
        let n = Double(r.count)
        let m = r.reduce(0, +) / n
        let sd = (r.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
        guard sd > 0 else { throw CalibrateError.insufficientData("price returns have zero variance") }
        func nll(_ t: [Double]) -> Double {
            guard t.allSatisfy({ $0.isFinite }), t[2] < 1.0, t[1] > -20, t[4] > -20, t[4] < 2, t[1] < 2 else { return .greatestFiniteMagnitude }
            let v = -mertonLogLikelihood(r, mu: t[0], sigma: Double.exp(t[1]), lambda: Double.exp(t[2]), muJ: t[3], sigmaJ: Double.exp(t[4]))
            return v.isFinite ? v : .greatestFiniteMagnitude
        }
        var best: (x: [Double], fx: Double)? = nil
        let nm = NelderMead()
        for lam in [0.01, 0.05, 0.2] {
            for muJ in [0.0, -2 * sd] {
                let start = [m + sd * sd / 2, Double.log(0.7 * sd), Double.log(lam), muJ, Double.log(3 * sd)]
                let res = nm.minimize(nll, start: start, step: [0.2 * sd, 0.2, 0.7, sd, 0.3])
                // Restart once from the result (standard remedy for premature simplex collapse).
                let res2 = nm.minimize(nll, start: res.x, step: [0.1 * sd, 0.1, 0.3, 0.5 * sd, 0.15])
                let cand = res2.fx < res.fx ? res2 : res
                if best == nil || cand.fx < best!.fx { best = cand }
            }
        }
        var theta = best!.x, f = best!.fx
        // Newton polish on θ.
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
        let nat = [theta[0], Double.exp(theta[1]), Double.exp(theta[2]), theta[3], Double.exp(theta[4])]
        func nllNat(_ p: [Double]) -> Double {
            -mertonLogLikelihood(r, mu: p[0], sigma: p[1], lambda: max(p[2], 0), muJ: p[3], sigmaJ: p[4])
        }
        let hN = nat.enumerated().map { i, v in max(abs(v) * 1e-3, i == 0 || i == 3 ? 1e-6 : 1e-7) }
        let H = numericalHessian(nllNat, at: nat, steps: hN)
        var se = [Double](repeating: 0, count: 5)
        if let inv = try? inverseSPD(Matrix(H)) {
            se = (0..<5).map { max(inv[$0, $0], 0).squareRoot() }
        } else {
            se = (0..<5).map { H[$0][$0] > 0 ? 1 / H[$0][$0].squareRoot() : 0 }
        }
        se = se.map { $0.isFinite ? $0 : 0 }
        return MertonParameters(mu: Estimate(nat[0], stderr: se[0]), sigma: Estimate(nat[1], stderr: se[1]),
                                lambda: Estimate(nat[2], stderr: se[2]), muJ: Estimate(nat[3], stderr: se[3]),
                                sigmaJ: Estimate(nat[4], stderr: se[4]), logLikelihood: -f, observations: r.count)
    }
}
