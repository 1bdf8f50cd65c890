import Domain
import Foundation
import LinearAlgebra

/// Two-state Markov-switching model of daily log returns (Hamilton 1989; SPEC §5 `regime`):
///
///     r_t = m_{s_t} + σ_{s_t}·Z₁,   P(s_{t+1} = 1 | s_t = 1) = p11,   P(s_{t+1} = 2 | s_t = 2) = p22
///
/// State 1 is calm (`σ₁ < σ₂`). Stationary law `π₁ = (1 − p22)/(2 − p11 − p22)`; mean log return
/// `m(θ) = π₁m₁ + π₂m₂`. Real measure: both state means move by the same amount so that `m = m*` (the stated drift,
/// `DriftRule`); risk-neutral: `m_j = r/365 − σ_j²/2` (each state a martingale after discounting). Paths start calm with
/// the filtered probability `P(s_T = 1 | r_1…r_T)` at as-of; each path's state then follows the chain with uniforms from
/// its own counter stream. Parameters in `Domain.RegimeParameters`; draws in `(m₁, ln σ₁, m₂, ln σ₂, logit p11,
/// logit p22)` with the fitted covariance.
///
/// Squared returns are autocorrelated (volatility clustering): with `h_j = m_j² + σ_j²`, `ρ = p11 + p22 − 1`,
///
///     corr(r_t², r_{t+k}²) = π₁π₂(h₁ − h₂)²·ρᵏ / Var(r²),   Var(r²) = Σ_j π_j(m_j⁴ + 6m_j²σ_j² + 3σ_j⁴) − (Σ_j π_j h_j)²
public enum RegimeModel: PriceModelDefinition {
    public static let name = "regime"
    public static let summary = "two-state Markov-switching drift and volatility (Hamilton filter MLE)"

    public static func fit(returns r: [Double], into c: inout Calibration) throws { c.regime = try fit(r) }

    public static func tableRows(_ c: Calibration) -> [CalibrationRow] {
        guard let g = c.regime else { return [] }
        var rows = [("m1", g.m1), ("sigma1", g.sigma1), ("m2", g.m2), ("sigma2", g.sigma2), ("p11", g.p11), ("p22", g.p22)]
            .map { CalibrationRow(name, $0.0, $0.1.value, $0.1.stderr) }
        rows.append(CalibrationRow(name, "filtered_calm", g.filteredCalm, nil))
        rows.append(CalibrationRow(name, "log_likelihood", g.logLikelihood, nil))
        rows.append(CalibrationRow(name, "observations", Double(g.observations), nil))
        return rows
    }

    public static func law(_ c: Calibration, _ a: PriceAssumptions) throws -> PriceLaw {
        guard let g = c.regime else {
            throw ModelsError.invalidSettings("calibration has no `regime` field (written before the regime model): re-run `hashsec calibrate`")
        }
        let theta = [g.m1.value, g.sigma1.value, g.m2.value, g.sigma2.value, g.p11.value, g.p22.value]
        let rule = DriftRule(a, fitted: stationaryMean(theta), sampleSE: c.sampleMeanSE)
        let rDaily = a.rate / 365, measure = a.measure, calm = min(max(g.filteredCalm, 0), 1)
        let laneOf: @Sendable ([Double]) -> PriceLane = { t in
            let (m1, s1, m2, s2, p11, p22) = (t[0], t[1], t[2], t[3], t[4], t[5])
            if measure == .real {
                let shift = rule.mean(stationaryMean(t)) - stationaryMean(t)
                return PriceLane(drift: m1 + shift, sigma: s1, drift2: m2 + shift, sigma2: s2, p11: p11, p22: p22, calmStart: calm)
            }
            return PriceLane(drift: rDaily - s1 * s1 / 2, sigma: s1, drift2: rDaily - s2 * s2 / 2, sigma2: s2, p11: p11, p22: p22, calmStart: calm)
        }
        let se = [g.m1.stderr, g.sigma1.stderr, g.m2.stderr, g.sigma2.stderr, g.p11.stderr, g.p22.stderr]
        let draw = a.parameterUncertainty
            ? ParameterDraw(estimate: theta, stderr: se, covariance: g.covariance, transforms: [.identity, .log, .identity, .log, .logit, .logit]) : nil
        // No `VolatilityUncertainty` scale: the chain already moves the volatility between calm and turbulent periods
        // (with it, the 30-day 50 % band on quarter starts fell 0.51 → 0.38: the spread counted twice).
        return try PriceLaw(step: .regime, base: laneOf(theta), draw: draw,
                            driftStatement: measure == .real ? rule.statement : "risk-neutral", laneOf: laneOf)
    }

    /// `π₁m₁ + π₂m₂` for `θ = (m₁, σ₁, m₂, σ₂, p11, p22)`.
    public static func stationaryMean(_ t: [Double]) -> Double {
        let pi1 = stationaryCalm(p11: t[4], p22: t[5])
        return pi1 * t[0] + (1 - pi1) * t[2]
    }
    public static func stationaryCalm(p11: Double, p22: Double) -> Double {
        let d = 2 - p11 - p22
        return d > 0 ? (1 - p22) / d : 0.5
    }

    /// The daily step of one lane's chain: the next state (0 = calm, 1 = turbulent) for the uniform `u`
    /// (stay calm iff `u < p11`; stay turbulent iff `u < p22`).
    @inline(__always)
    public static func nextState(_ s: UInt8, u: Double, p11: Double, p22: Double) -> UInt8 {
        s == 0 ? (u < p11 ? 0 : 1) : (u < p22 ? 1 : 0)
    }
    /// The starting state for the uniform `u`: calm iff `u < calmStart`.
    @inline(__always)
    public static func startState(u: Double, calmStart: Double) -> UInt8 { u < calmStart ? 0 : 1 }

    /// Hamilton filter: the log-likelihood of `r` and the filtered `P(s_T = 1 | r_1…r_T)`, started from the stationary law.
    ///
    ///     ξ⁻_t = Pᵀ·ξ_{t−1},  η_{j,t} = φ(r_t; m_j, σ_j²),  ℓ_t = Σ_j ξ⁻_{j,t}·η_{j,t},  ξ_{j,t} = ξ⁻_{j,t}·η_{j,t}/ℓ_t,
    ///     ln L = Σ_t ln ℓ_t
    public static func filter(_ r: [Double], m1: Double, s1: Double, m2: Double, s2: Double, p11: Double, p22: Double)
        -> (logLikelihood: Double, filteredCalm: Double) {
        guard s1 > 0, s2 > 0, (0...1).contains(p11), (0...1).contains(p22), [m1, s1, m2, s2].allSatisfy({ $0.isFinite }) else {
            return (-.infinity, .nan)
        }
        var f1 = stationaryCalm(p11: p11, p22: p22)
        let c1 = -Foundation.log(s1) - 0.5 * Foundation.log(2 * Double.pi), c2 = -Foundation.log(s2) - 0.5 * Foundation.log(2 * Double.pi)
        let i1 = 0.5 / (s1 * s1), i2 = 0.5 / (s2 * s2)
        var ll = 0.0
        for x in r {
            let q1 = p11 * f1 + (1 - p22) * (1 - f1), q2 = 1 - q1
            let l1 = c1 - (x - m1) * (x - m1) * i1, l2 = c2 - (x - m2) * (x - m2) * i2
            let mx = max(l1, l2)
            let a = q1 * Foundation.exp(l1 - mx), b = q2 * Foundation.exp(l2 - mx)
            let s = a + b
            guard s > 0 else { return (-.infinity, .nan) }
            ll += mx + Foundation.log(s)
            f1 = a / s
        }
        return (ll, f1)
    }

    /// Maximum likelihood by the Hamilton filter.
    ///
    /// Nelder–Mead on `(m₁, ln σ₁, m₂, ln σ₂, logit p11, logit p22)` from a small grid of starts (σ₁ = 0.6·sd, σ₂ = 1.6·sd;
    /// persistence 0.95/0.98), restarted once from the best point; label switching resolved by swapping the states when
    /// `σ₁ > σ₂`. Covariance: the inverse numerical Hessian of −ln L in the natural parameters (`LinearAlgebra.inverseSPD`), standard errors
    /// its diagonal's root; when not positive definite, no covariance and `SE_i = 1/√H_ii`.
    public static func fit(_ r: [Double]) throws -> RegimeParameters {
        guard r.count >= 100 else { throw ModelsError.insufficientData("the regime model needs at least 100 returns, got \(r.count)") }
        let n = Double(r.count)
        let m = r.reduce(0, +) / n
        let sd = (r.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
        guard sd > 0 else { throw ModelsError.insufficientData("price returns have zero variance") }
        func logit(_ p: Double) -> Double { Foundation.log(p / (1 - p)) }
        func expit(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
        func nll(_ t: [Double]) -> Double {
            guard t.allSatisfy({ $0.isFinite }), abs(t[4]) < 20, abs(t[5]) < 20, t[1] > -20, t[3] > -20, t[1] < 2, t[3] < 2 else {
                return .greatestFiniteMagnitude
            }
            let v = -filter(r, m1: t[0], s1: Foundation.exp(t[1]), m2: t[2], s2: Foundation.exp(t[3]), p11: expit(t[4]), p22: expit(t[5])).logLikelihood
            return v.isFinite ? v : .greatestFiniteMagnitude
        }
        let nm = NelderMead(ftol: 1e-11, maxEvaluations: 6000)
        var best: (x: [Double], fx: Double)? = nil
        for (p1, p2) in [(0.98, 0.95), (0.95, 0.9), (0.99, 0.98)] {
            let start = [m, Foundation.log(0.6 * sd), m, Foundation.log(1.6 * sd), logit(p1), logit(p2)]
            let res = nm.minimize(nll, start: start, step: [0.2 * sd, 0.2, 0.3 * sd, 0.2, 0.7, 0.7])
            let res2 = nm.minimize(nll, start: res.x, step: [0.1 * sd, 0.1, 0.15 * sd, 0.1, 0.3, 0.3])
            let cand = res2.fx < res.fx ? res2 : res
            if best == nil || cand.fx < best!.fx { best = cand }
        }
        let t = best!.x
        var nat = [t[0], Foundation.exp(t[1]), t[2], Foundation.exp(t[3]), expit(t[4]), expit(t[5])]
        if nat[1] > nat[3] { nat = [nat[2], nat[3], nat[0], nat[1], nat[5], nat[4]] }   // state 1 = calm
        func nllNat(_ p: [Double]) -> Double {
            let v = -filter(r, m1: p[0], s1: p[1], m2: p[2], s2: p[3], p11: p[4], p22: p[5]).logLikelihood
            return v.isFinite ? v : 1e300
        }
        // Steps that keep the probabilities inside (0, 1).
        let h = nat.enumerated().map { i, v -> Double in
            switch i {
            case 0, 2: return 1e-3 * sd
            case 1, 3: return 1e-3 * v
            default: return min(1e-4, 0.1 * min(v, 1 - v))
            }
        }
        let H = numericalHessian(nllNat, at: nat, steps: h)
        let (se, cov) = hessianCovariance(H)
        let f = filter(r, m1: nat[0], s1: nat[1], m2: nat[2], s2: nat[3], p11: nat[4], p22: nat[5])
        return RegimeParameters(m1: Estimate(nat[0], stderr: se[0]), sigma1: Estimate(nat[1], stderr: se[1]),
                                m2: Estimate(nat[2], stderr: se[2]), sigma2: Estimate(nat[3], stderr: se[3]),
                                p11: Estimate(nat[4], stderr: se[4]), p22: Estimate(nat[5], stderr: se[5]),
                                covariance: cov, filteredCalm: f.filteredCalm, logLikelihood: f.logLikelihood, observations: r.count)
    }

    /// `corr(r_t², r_{t+k}²)` of the stationary chain (closed form above), for `θ = (m₁, σ₁, m₂, σ₂, p11, p22)`.
    public static func squaredReturnAutocorrelation(_ t: [Double], lag k: Int) -> Double {
        let pi1 = stationaryCalm(p11: t[4], p22: t[5]), pi2 = 1 - pi1
        let h1 = t[0] * t[0] + t[1] * t[1], h2 = t[2] * t[2] + t[3] * t[3]
        func m4(_ m: Double, _ s: Double) -> Double { m * m * m * m + 6 * m * m * s * s + 3 * s * s * s * s }
        let e2 = pi1 * h1 + pi2 * h2
        let v = pi1 * m4(t[0], t[1]) + pi2 * m4(t[2], t[3]) - e2 * e2
        return pi1 * pi2 * (h1 - h2) * (h1 - h2) * Foundation.pow(t[4] + t[5] - 1, Double(k)) / v
    }
}
