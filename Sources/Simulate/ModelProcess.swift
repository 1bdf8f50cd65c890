import Domain
import Foundation
import LinearAlgebra
import Models

/// Run settings that do not come from the deal or the calibration.
public struct SimulationSettings: Sendable, Equatable {
    public var paths: Int
    public var seed: UInt64
    public var threads: Int
    public var model: PriceModel
    public var measure: Measure
    /// Annual continuously-compounded rate for the risk-neutral drift.
    public var rate: Double
    /// The stated real-world price drift (SPEC §5; ignored under `risk-neutral`).
    public var drift: Drift
    public var driftPrior: DriftPrior
    /// Each path draws its model parameters once from their sampling distribution (a function of (seed, path)).
    public var parameterUncertainty: Bool
    public var antithetic: Bool
    /// Sample the day's block count from a Poisson law instead of its expectation.
    public var poissonBlocks: Bool
    /// Simulated days; nil = token start offset + term.
    public var horizonDays: Int?
    /// Paths per generator block (one dgemm per block). Even.
    public var blockSize: Int
    /// `measure: forward`: the solved per-day drift adjustment to a forward curve (`ForwardMeasure.solve`); the price law
    /// itself is the real-world one with the stated drift.
    public var forward: ForwardAdjustment?

    /// Defaults chosen by the backtest (Sources/Models/README.md).
    public static let defaultModel = PriceModel(rawValue: SimulationDefaults.model)!
    public static let defaultParameterUncertainty = SimulationDefaults.parameterUncertainty

    public init(paths: Int = 10_000, seed: UInt64 = 1, threads: Int = 1, model: PriceModel = SimulationSettings.defaultModel,
                measure: Measure = .real, rate: Double = 0.04, drift: Drift = .default, driftPrior: DriftPrior = .default,
                parameterUncertainty: Bool = SimulationSettings.defaultParameterUncertainty,
                antithetic: Bool = true, poissonBlocks: Bool = false, horizonDays: Int? = nil, blockSize: Int = 16) {
        self.paths = paths; self.seed = seed; self.threads = threads; self.model = model; self.measure = measure
        self.rate = rate; self.drift = drift; self.driftPrior = driftPrior; self.parameterUncertainty = parameterUncertainty
        self.antithetic = antithetic; self.poissonBlocks = poissonBlocks; self.horizonDays = horizonDays
        self.blockSize = blockSize
    }

    /// What the price model is told: under `forward` the real-world law (the curve's adjustment is added by the generator).
    public var assumptions: PriceAssumptions {
        PriceAssumptions(measure: measure == .forward ? .real : measure, rate: rate, drift: drift, prior: driftPrior,
                         parameterUncertainty: parameterUncertainty)
    }

    /// The measure with its stated assumptions, as recorded in the run identity, manifest and summary, e.g.
    /// `real; drift shrunk; parameter uncertainty on` (shards must agree on it to be merged).
    public var measureStatement: String {
        let base: String
        switch measure {
        case .real: base = "real; drift \(drift)"
        case .riskNeutral: base = measure.rawValue
        case .forward: base = "forward (\(forward?.statement ?? "unsolved")); real-world drift \(drift)"
        }
        return base + "; parameter uncertainty \(parameterUncertainty ? "on" : "off")"
    }
}

/// The network parameters of one path (hash-rate step and fee reversion).
public struct NetworkLane: Equatable, Sendable {
    public var hashA: Double, hashB: Double, hashC: Double, hashSigma: Double
    public var feeKappa: Double, feeM: Double, feeSigma: Double
}

/// The calibrated daily dynamics, resolved for one run (QuantLib's "process").
///
///     ln S_{t+1} = ln S_t + (the price model's step: `PriceLaw`, one file per model in Sources/Models)
///     ln H_{t+1} = ln H_t + a + b·ln(hp_usd_{t−L}) + c·t + σ_H·Z₂
///     x_{t+1}    = x_t + κ(m − x_t) + σ_F·Z₃                             (x = ln fee per block, BTC)
///
/// with (Z₁,Z₂,Z₃) = L·(iid normals), L the Cholesky factor of the calibrated correlation.
///
/// Parameter uncertainty: path p's lane (its price parameters and `NetworkLane`) comes from `drawDimension` normals of its
/// own stream (`PathGenerator`): the price model's `ParameterDraw` (its covariance), then `(ln σ_H, ln κ, m, ln σ_F)`
/// independent with their standard errors (`Estimate.stderr`; σ, κ drawn log-normally so they stay > 0), each normal
/// clamped to ±3. The hash-rate drift terms `(a, b, c)` are **not** drawn: without their covariance (the calibration has
/// none) independent draws are badly wrong, because `a` and `b·ln hp` are nearly collinear (as of 2021-07-01:
/// `SE(a) = 0.0074/day`, i.e. ±2.7 a year of log hash-rate growth, while the fitted daily drift `a + b·ln hp + c·t` is known
/// far better). A miner-supply calibration has Cov(α̂, κ̂) (`hashRate.supply.covarianceAlphaKappa`): drawing `(α, κ, δ)`
/// from it (`a = α`, `b = κ`, `c = κ·δ` per path) was tried and lowered the backtest's 365–730-day skill by 0.02–0.04 with
/// no coverage gain (`Sources/Calibrate/README.md`), so the drift terms stay at their estimates.
public struct ModelProcess: Sendable {
    public var model: PriceModel
    public var price: PriceLaw
    public var network: NetworkLane
    public var lag: Int
    /// Days from `trendOrigin` to the as-of day (t of the first step).
    public var trendDay0: Int
    /// Sampling law of `(σ_H, κ, m, σ_F)`; nil without parameter uncertainty or standard errors.
    public var networkDraw: ParameterDraw?
    /// Lᵀ, 3×3 row-major (the dgemm right-hand side).
    public var choleskyT: [Double]

    public init(calibration c: Calibration, settings s: SimulationSettings) throws {
        model = s.model
        do { price = try s.model.definition.law(c, s.assumptions) } catch let e as ModelsError {
            switch e { case .invalidSettings(let m), .insufficientData(let m): throw SimulateError.invalidSettings(m) }
        }
        let h = c.hashRate, f = c.fees
        network = NetworkLane(hashA: h.a.value, hashB: h.b.value, hashC: h.c.value, hashSigma: h.sigma.value,
                              feeKappa: f.kappa.value, feeM: f.m.value, feeSigma: f.sigma.value)
        lag = max(0, h.lag)
        trendDay0 = c.initialState.date - h.trendOrigin
        let est = [h.sigma, f.kappa, f.m, f.sigma]
        networkDraw = s.parameterUncertainty
            ? ParameterDraw(estimate: est.map(\.value), stderr: est.map(\.stderr), covariance: nil,
                            transforms: [.log, .log, .identity, .log]) : nil
        let n = network
        let vals = [n.hashA, n.hashB, n.hashC, n.hashSigma, n.feeKappa, n.feeM, n.feeSigma]
        guard vals.allSatisfy({ $0.isFinite }), n.hashSigma >= 0, n.feeSigma >= 0 else {
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

    /// Normals one path's parameter draw takes (0: every path uses the point estimates).
    public var drawDimension: Int { price.drawDimension + (networkDraw?.dimension ?? 0) }

    /// The lanes for the draw `z` (`drawDimension` normals; nil: point estimates).
    public func lanes(_ z: UnsafePointer<Double>?) -> (PriceLane, NetworkLane) {
        guard let z else { return (price.base, network) }
        let p = price.lane(price.drawDimension > 0 ? z : nil)
        guard let d = networkDraw else { return (p, network) }
        let t = d.sample(z + price.drawDimension)
        var n = network
        n.hashSigma = t[0]; n.feeKappa = t[1]; n.feeM = t[2]; n.feeSigma = t[3]
        return (p, t.allSatisfy { $0.isFinite } ? n : network)
    }
}
