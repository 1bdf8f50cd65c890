import Domain
import Foundation
import LinearAlgebra

/// Drift choice: fitted (`real`, with the stated `Drift`), `risk-neutral` (E[S_t] = S₀e^{rt}), or `forward`: the real-world
/// law with a per-day drift adjustment that makes the mean simulated hashprice of each month equal a forward curve's
/// (solved by the engine, `Simulate.ForwardMeasure`; a price model is always given `real` for it).
public enum Measure: String, Sendable, CaseIterable, Codable { case real, riskNeutral = "risk-neutral", forward }

/// The real-world price drift, a stated assumption (SPEC §5), on the mean daily log return `m = E[ln S_{t+1} − ln S_t]`:
///
/// - `historical`: the model's own fitted mean (≈ the window's sample mean `m̂`);
/// - `shrunk`: the normal–normal posterior mean `w·m̂ + (1 − w)·m₀`, `w = τ²/(τ² + se²)`, with `se = σ̂/√n` the sample
///   mean's standard error and the prior `N(m₀, τ²)` of `DriftPrior`;
/// - `zero`: `m = 0` (the median price is flat: a martingale in log price, the naive baseline's assumption);
/// - `perYear(v)`: `m = v/365` (`v` a continuously compounded log return per year, e.g. `0.2`).
///
/// With parameter uncertainty the drawn drift keeps `f·(m(θ) − m(θ̂))` of a draw's deviation: `f = 1` (historical),
/// `√w` (shrunk: the posterior standard deviation is `√w·se`), `0` (zero, value: stated exactly).
public enum Drift: Equatable, Sendable, CustomStringConvertible {
    case historical, shrunk, zero
    case perYear(Double)
    /// The default, chosen by the backtest (Sources/Models/README.md): `historical` scored best of historical, shrunk and
    /// zero on the real history (with the hash-rate block as on main before `supply`; re-decide when it changes).
    public static let `default` = Drift.historical

    /// Parses `historical | shrunk | zero | <number per year>` (e.g. `0.15`, `-0.1`).
    public init?(_ s: String) {
        switch s {
        case "historical": self = .historical
        case "shrunk": self = .shrunk
        case "zero": self = .zero
        default:
            guard let v = Double(s), v.isFinite, abs(v) <= 5 else { return nil }
            self = .perYear(v)
        }
    }
    public var description: String {
        switch self {
        case .historical: return "historical"
        case .shrunk: return "shrunk"
        case .zero: return "zero"
        case .perYear(let v): return "\(v)"
        }
    }
}

/// Prior of the `shrunk` drift, per year of mean log return: `m₀ = 0`, `τ = 0.5`. Reasoning: a zero mean log return is
/// the efficient-market (martingale) assumption of the naive baseline; τ = 0.5/yr (±50 % a year of expected log return
/// at one standard deviation) admits BTC's multi-year trend of ≈ +40 %/yr (2016–2025) at < 1 σ but not the ±100 %/yr of a
/// bull or bear 4-year window; against a 4-year window's `se ≈ 0.33/yr` it keeps `w ≈ 0.7` of the sample mean.
public struct DriftPrior: Equatable, Sendable {
    public var meanPerYear: Double
    public var sdPerYear: Double
    public static let `default` = DriftPrior(meanPerYear: 0, sdPerYear: 0.5)
    public init(meanPerYear: Double, sdPerYear: Double) { self.meanPerYear = meanPerYear; self.sdPerYear = sdPerYear }
}

/// What a run assumes about the price beyond the calibration.
public struct PriceAssumptions: Equatable, Sendable {
    public var measure: Measure
    /// Annual continuously-compounded rate for the risk-neutral drift.
    public var rate: Double
    public var drift: Drift
    public var prior: DriftPrior
    /// Each path draws its parameters from their sampling distribution.
    public var parameterUncertainty: Bool
    public init(measure: Measure = .real, rate: Double = 0.04, drift: Drift = .default, prior: DriftPrior = .default,
                parameterUncertainty: Bool = true) {
        self.measure = measure; self.rate = rate; self.drift = drift; self.prior = prior; self.parameterUncertainty = parameterUncertainty
    }
}

/// One path's price parameters (per day). The day's log return is `drift + σ·Z₁ + jumps` in state 1; a `regime` lane
/// switches between state 1 (`drift, sigma`) and state 2 (`drift2, sigma2`) by its Markov chain (`p11`, `p22`; starting
/// calm with probability `calmStart`). Non-regime lanes have `p11 = 1`, `calmStart = 1` (always state 1).
public struct PriceLane: Equatable, Sendable {
    public var drift: Double, sigma: Double
    public var lambda: Double, muJ: Double, sigmaJ: Double
    public var drift2: Double, sigma2: Double, p11: Double, p22: Double, calmStart: Double
    public init(drift: Double, sigma: Double, lambda: Double = 0, muJ: Double = 0, sigmaJ: Double = 0,
                drift2: Double? = nil, sigma2: Double? = nil, p11: Double = 1, p22: Double = 1, calmStart: Double = 1) {
        self.drift = drift; self.sigma = sigma; self.lambda = lambda; self.muJ = muJ; self.sigmaJ = sigmaJ
        self.drift2 = drift2 ?? drift; self.sigma2 = sigma2 ?? sigma; self.p11 = p11; self.p22 = p22; self.calmStart = calmStart
    }
    /// The lane with every volatility (diffusion, jump size, both regimes) scaled by `k`, the mean daily log return kept
    /// (`drift + λ·μ_J` of state 1; the regime means are the states' own).
    func scaled(_ k: Double) -> PriceLane {
        var l = self
        l.sigma *= k; l.sigma2 *= k; l.sigmaJ *= k
        l.drift += lambda * muJ * (1 - k); l.muJ *= k
        return l
    }
    var isValid: Bool {
        [drift, sigma, lambda, muJ, sigmaJ, drift2, sigma2, p11, p22, calmStart].allSatisfy { $0.isFinite }
            && sigma >= 0 && sigma2 >= 0 && lambda >= 0 && sigmaJ >= 0 && (0...1).contains(p11) && (0...1).contains(p22)
            && (0...1).contains(calmStart)
    }
}

/// A run's price law: how its day is stepped, its point-estimate lane and, with parameter uncertainty, the lane of a
/// parameter draw.
public struct PriceLaw: Sendable {
    /// How the path generator steps a day: the Gaussian/jump diffusion (merton, gbm), a resampled historical return
    /// (bootstrap), or the diffusion with per-path Markov-switching drift and volatility (regime).
    public enum Step: Sendable, Equatable { case diffusion, bootstrap, regime }
    public var step: Step
    public var base: PriceLane
    /// Bootstrap: the historical daily log returns (the lane's `drift` is added to each).
    public var bootstrapReturns: [Double]
    /// Sampling law of the model's parameters (nil: parameter uncertainty off or nothing to draw).
    public var draw: ParameterDraw?
    let laneOf: @Sendable ([Double]) -> PriceLane
    /// Human-readable statement of the drift used (manifest, summary).
    public var driftStatement: String
    /// Volatility uncertainty `s_v` (`VolatilityUncertainty`, set by the model's `law` under parameter uncertainty): each
    /// path's volatilities are scaled by `k = exp(s_v·z − s_v²)` (`E[k²] = 1`, the lane's mean log return kept), `z` the
    /// last normal of its draw (after the model's `draw`), clamped to ±3; 0 = none.
    public var volatilityDispersion: Double = 0

    public init(step: Step, base: PriceLane, bootstrapReturns: [Double] = [], draw: ParameterDraw?, driftStatement: String,
                laneOf: @escaping @Sendable ([Double]) -> PriceLane) throws {
        guard base.isValid else { throw ModelsError.invalidSettings("calibration has a non-finite or out-of-domain price parameter") }
        self.step = step; self.base = base; self.bootstrapReturns = bootstrapReturns; self.draw = draw
        self.driftStatement = driftStatement; self.laneOf = laneOf
    }

    /// Normals one path needs for its draw (0 without parameter uncertainty).
    public var drawDimension: Int { (draw?.dimension ?? 0) + (volatilityDispersion > 0 ? 1 : 0) }

    /// The lane for `z` (`drawDimension` iid N(0,1): the model's `draw`, then the volatility scale's normal when
    /// `volatilityDispersion > 0`); the base lane without a draw. An invalid draw (cannot happen by the transforms, kept as
    /// a guard) falls back to the base lane (resp. the unscaled lane).
    public func lane(_ z: UnsafePointer<Double>?) -> PriceLane {
        guard let z else { return base }
        var l = base
        if let d = draw { let c = laneOf(d.sample(z)); if c.isValid { l = c } }
        let sv = volatilityDispersion
        guard sv > 0 else { return l }
        let zv = min(max(z[draw?.dimension ?? 0], -ParameterDraw.clamp), ParameterDraw.clamp)
        let s = l.scaled(Foundation.exp(sv * zv - sv * sv))
        return s.isValid ? s : l
    }
}

/// The sampling distribution of a parameter vector `θ` (natural units), drawn in a space where its domain is unbounded:
/// `φ = g(θ)` per component (`identity`; `log` for σ, κ, λ > 0; `logit` for probabilities in (0,1)), with the delta-method
/// covariance `Cov(φ) = J·Cov(θ)·Jᵀ`, `J = diag(g′(θ̂))`:
///
///     φ = g(θ̂) + L·clamp(z, −3, 3),   θ = g⁻¹(φ),   L·Lᵀ = Cov(φ)
///
/// `z` iid N(0,1), each clamped to ±3 (a truncated normal: no draw beyond 3 standard errors). So every draw is in the
/// valid domain by construction. Without a covariance (or one that is not positive definite) the components are
/// independent with the standard errors. A poorly identified positive or probability parameter (delta-method standard
/// deviation of `g(θ)` above `maxTransformedSD = 0.5`, i.e. SE > half the value for a `log` one) is drawn with that
/// standard deviation (its row and column of `Cov(φ)` scaled, correlations kept): the delta method means nothing there,
/// and an uncapped draw of, e.g., a Merton λ = 0.01 ± 0.5 would reach λ = e¹⁵⁰.
public struct ParameterDraw: Sendable, Equatable {
    public enum Transform: Sendable, Equatable { case identity, log, logit }
    public let center: [Double]          // g(θ̂)
    public let lower: [Double]           // L, row-major d×d
    public let transforms: [Transform]
    public var dimension: Int { center.count }
    public static let clamp = 3.0
    public static let maxTransformedSD = 0.5

    /// nil when every standard error is zero (nothing to draw).
    public init?(estimate: [Double], stderr: [Double], covariance: [[Double]]?, transforms: [Transform]) {
        let d = estimate.count
        precondition(stderr.count == d && transforms.count == d)
        func jac(_ i: Int) -> Double {
            switch transforms[i] {
            case .identity: return 1
            case .log: return 1 / estimate[i]
            case .logit: return 1 / (estimate[i] * (1 - estimate[i]))
            }
        }
        for i in 0..<d {
            switch transforms[i] {
            case .identity: guard estimate[i].isFinite else { return nil }
            case .log: guard estimate[i] > 0, estimate[i].isFinite else { return nil }
            case .logit: guard estimate[i] > 0, estimate[i] < 1 else { return nil }
            }
        }
        var cov = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        if let c = covariance, c.count == d, c.allSatisfy({ $0.count == d }), c.joined().allSatisfy({ $0.isFinite }) {
            for i in 0..<d { for j in 0..<d { cov[i][j] = jac(i) * c[i][j] * jac(j) } }
        } else {
            for i in 0..<d { let s = stderr[i].isFinite ? stderr[i] : 0; cov[i][i] = jac(i) * jac(i) * s * s }
        }
        for i in 0..<d where transforms[i] != .identity && cov[i][i] > ParameterDraw.maxTransformedSD * ParameterDraw.maxTransformedSD {
            let f = ParameterDraw.maxTransformedSD / cov[i][i].squareRoot()
            for j in 0..<d { cov[i][j] *= f; cov[j][i] *= f }
        }
        var l = [Double](repeating: 0, count: d * d)
        if let f = try? cholesky(Matrix(cov)) {
            l = f.storage
        } else {
            for i in 0..<d { l[i * d + i] = max(cov[i][i], 0).squareRoot() }
        }
        guard l.allSatisfy({ $0.isFinite }), l.contains(where: { $0 != 0 }) else { return nil }
        center = (0..<d).map { i in
            switch transforms[i] {
            case .identity: return estimate[i]
            case .log: return Foundation.log(estimate[i])
            case .logit: return Foundation.log(estimate[i] / (1 - estimate[i]))
            }
        }
        lower = l; self.transforms = transforms
    }

    /// θ for the normals `z[0..<dimension]`.
    public func sample(_ z: UnsafePointer<Double>) -> [Double] {
        let d = dimension
        var out = [Double](repeating: 0, count: d)
        for i in 0..<d {
            var phi = center[i]
            for j in 0...i { phi += lower[i * d + j] * min(max(z[j], -ParameterDraw.clamp), ParameterDraw.clamp) }
            switch transforms[i] {
            case .identity: out[i] = phi
            case .log: out[i] = Foundation.exp(phi)
            case .logit: out[i] = 1 / (1 + Foundation.exp(-phi))
            }
        }
        return out
    }
}

/// The stated drift resolved for one model: a lane whose parameters imply the mean daily log return `m(θ)` is moved to
/// `target + keep·(m(θ) − base)` (see `Drift`).
public struct DriftRule: Sendable, Equatable {
    public let target: Double, keep: Double, base: Double
    public let statement: String

    /// `fitted`: the model's own mean at θ̂; `sampleSE`: the standard error of the sample mean, `σ̂/√n`.
    public init(_ a: PriceAssumptions, fitted: Double, sampleSE: Double) {
        base = fitted
        let perYear = { (x: Double) in String(format: "%+.4f/day (%+.1f %%/yr)", x, 365 * x * 100) }
        switch a.drift {
        case .historical:
            target = fitted; keep = 1; statement = "historical: \(perYear(fitted))"
        case .zero:
            target = 0; keep = 0; statement = "zero"
        case .perYear(let v):
            target = v / 365; keep = 0; statement = "stated \(v)/yr: \(perYear(v / 365))"
        case .shrunk:
            let tau = a.prior.sdPerYear / 365, m0 = a.prior.meanPerYear / 365
            let se2 = sampleSE * sampleSE
            let w = tau > 0 ? (se2 > 0 ? tau * tau / (tau * tau + se2) : 1) : 0
            target = w * fitted + (1 - w) * m0; keep = w.squareRoot()
            statement = String(format: "shrunk: %@ = %.3f × sample %@ + %.3f × prior %@ (prior sd %.3f/yr)",
                               perYear(target), w, perYear(fitted), 1 - w, perYear(m0), a.prior.sdPerYear)
        }
    }
    /// The mean daily log return of a lane whose own parameters imply `m`.
    public func mean(_ m: Double) -> Double { target + keep * (m - base) }
}

extension Calibration {
    /// Standard error of the window's sample mean daily log return, `σ̂/√n` (from the GBM fit).
    public var sampleMeanSE: Double {
        let n = max(merton.observations, historicalLogReturns.count, 1)
        return gbm.sigma.value / Double(n).squareRoot()
    }
}
