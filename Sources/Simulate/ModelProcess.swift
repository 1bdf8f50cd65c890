import Domain
import Foundation
import LinearAlgebra

/// Price model choices (SPEC §5).
public enum PriceModel: String, Sendable, CaseIterable, Codable { case merton, gbm, bootstrap }
/// Drift choice: fitted (`real`) or `risk-neutral` (E[S_t] = S₀e^{rt}).
public enum Measure: String, Sendable, CaseIterable, Codable { case real, riskNeutral = "risk-neutral" }

/// Run settings that do not come from the deal or the calibration.
public struct SimulationSettings: Sendable, Equatable {
    public var paths: Int
    public var seed: UInt64
    public var threads: Int
    public var model: PriceModel
    public var measure: Measure
    /// Annual continuously-compounded rate for the risk-neutral drift.
    public var rate: Double
    public var antithetic: Bool
    /// Sample the day's block count from a Poisson law instead of its expectation.
    public var poissonBlocks: Bool
    /// Simulated days; nil = token start offset + term.
    public var horizonDays: Int?
    /// Paths per generator block (one dgemm per block). Even.
    public var blockSize: Int

    public init(paths: Int = 10_000, seed: UInt64 = 1, threads: Int = 1, model: PriceModel = .merton, measure: Measure = .real,
                rate: Double = 0.04, antithetic: Bool = true, poissonBlocks: Bool = false, horizonDays: Int? = nil, blockSize: Int = 16) {
        self.paths = paths; self.seed = seed; self.threads = threads; self.model = model; self.measure = measure
        self.rate = rate; self.antithetic = antithetic; self.poissonBlocks = poissonBlocks; self.horizonDays = horizonDays
        self.blockSize = blockSize
    }
}

/// The calibrated daily dynamics, resolved for one run (QuantLib's "process").
///
///     ln S_{t+1} = ln S_t + μ − σ²/2 + σ·Z₁ + N·μ_J + √N·σ_J·Z₄         (merton; gbm: λ = 0; bootstrap: a resampled return)
///     ln H_{t+1} = ln H_t + a + b·ln(hp_usd_{t−L}) + c·t + σ_H·Z₂
///     x_{t+1}    = x_t + κ(m − x_t) + σ_F·Z₃                             (x = ln fee per block, BTC)
///
/// with (Z₁,Z₂,Z₃) = L·(iid normals), L the Cholesky factor of the calibrated correlation. Risk-neutral drift:
/// μ = r/365 − λ(e^{μ_J+σ_J²/2} − 1) so that E[S_t] = S₀·e^{r·t/365}.
public struct ModelProcess: Sendable {
    public var model: PriceModel
    /// Daily log drift of the price, already including −σ²/2: increment = `priceDrift + σ·Z₁ + jumps`.
    public var priceDrift: Double
    public var sigma: Double
    public var lambda: Double
    public var muJ: Double
    public var sigmaJ: Double
    public var hashA: Double, hashB: Double, hashC: Double, hashSigma: Double
    public var lag: Int
    /// Days from `trendOrigin` to the as-of day (t of the first step).
    public var trendDay0: Int
    public var feeKappa: Double, feeM: Double, feeSigma: Double
    /// Lᵀ, 3×3 row-major (the dgemm right-hand side).
    public var choleskyT: [Double]
    /// Bootstrap: historical returns (shifted for the risk-neutral measure).
    public var bootstrapReturns: [Double]
    public static let bootstrapMeanBlock = 20.0

    public init(calibration c: Calibration, settings s: SimulationSettings) throws {
        model = s.model
        let rDaily = s.rate / 365
        switch s.model {
        case .merton:
            sigma = c.merton.sigma.value; lambda = c.merton.lambda.value; muJ = c.merton.muJ.value; sigmaJ = c.merton.sigmaJ.value
            let k = lambda * (Foundation.exp(muJ + sigmaJ * sigmaJ / 2) - 1)
            let mu = s.measure == .real ? c.merton.mu.value : rDaily - k
            priceDrift = mu - sigma * sigma / 2
        case .gbm, .bootstrap:
            sigma = s.model == .gbm ? c.gbm.sigma.value : 0; lambda = 0; muJ = 0; sigmaJ = 0
            let mu = s.measure == .real ? c.gbm.mu.value : rDaily
            priceDrift = mu - sigma * sigma / 2
        }
        bootstrapReturns = []
        if s.model == .bootstrap {
            let r = c.historicalLogReturns.filter { $0.isFinite }
            guard r.count >= 20 else { throw SimulateError.invalidSettings("bootstrap needs ≥ 20 historical log returns, calibration has \(r.count)") }
            if s.measure == .riskNeutral {
                let m = r.reduce(0) { $0 + Foundation.exp($1) } / Double(r.count)
                let shift = rDaily - Foundation.log(m)
                bootstrapReturns = r.map { $0 + shift }
            } else { bootstrapReturns = r }
        }
        hashA = c.hashRate.a.value; hashB = c.hashRate.b.value; hashC = c.hashRate.c.value; hashSigma = c.hashRate.sigma.value
        lag = max(0, c.hashRate.lag)
        trendDay0 = c.initialState.date - c.hashRate.trendOrigin
        feeKappa = c.fees.kappa.value; feeM = c.fees.m.value; feeSigma = c.fees.sigma.value
        let vals = [sigma, lambda, muJ, sigmaJ, hashA, hashB, hashC, hashSigma, feeKappa, feeM, feeSigma, priceDrift]
        guard vals.allSatisfy({ $0.isFinite }), sigma >= 0, lambda >= 0, sigmaJ >= 0, hashSigma >= 0, feeSigma >= 0 else {
            throw SimulateError.invalidSettings("calibration has a non-finite or negative parameter")
        }
        guard c.correlation.count == 3, c.correlation.allSatisfy({ $0.count == 3 }) else {
            throw SimulateError.invalidSettings("correlation must be 3×3")
        }
        let l: Matrix
        do { l = try cholesky(Matrix(c.correlation)) } catch {
            throw SimulateError.invalidSettings("correlation matrix is not positive definite: \(error)")
        }
        // cholesky returns lower-triangular L (row-major); Lᵀ[i][j] = L[j][i].
        var lt = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { lt[i * 3 + j] = j >= i ? l.storage[j * 3 + i] : 0 } }
        choleskyT = lt
        let st = c.initialState
        guard st.priceUSD > 0, st.hashRateHs > 0, st.difficulty >= 1, st.feePerBlockBTC > 0, st.height >= 0,
              st.priceUSD.isFinite, st.hashRateHs.isFinite, st.difficulty.isFinite, st.feePerBlockBTC.isFinite else {
            throw SimulateError.invalidSettings("initial state must have positive finite price, hash rate, difficulty ≥ 1 and fee")
        }
    }
}
