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
    /// How the leading random dimensions are sampled (`Sampling`; default pseudo-random, the golden corpus's).
    public var sampling: Sampling = .pseudo

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
/// own stream (`PathGenerator`): the price model's `ParameterDraw` (its covariance), then `(ln σ_H, ln κ_F, m, ln σ_F)`
/// independent with their standard errors (`Estimate.stderr`; σ, κ drawn log-normally so they stay > 0), then — for a
/// miner-supply calibration — the supply response's drift terms `(α, ln κ)` jointly from the fit's 2×2 covariance
/// (`alpha.stderr²`, `covarianceAlphaKappa`, `kappa.stderr²`, delta method for ln κ) and `δ` independently with its
/// standard error when it has one (a catalog fit; a stated δ is exact), each normal clamped to ±3; the lane's engine
/// coefficients are then `a = α`, `b = κ`, `c = κ·δ`. Why the drift terms must be drawn: the simulated hashprice reverts
/// toward the equilibrium `ln hp_eq = (m_S − α)/κ − δ·t` (m_S the price drift), so the error of `(α̂, κ̂)` — and of the
/// price drift, already drawn by the price model — moves the whole long-horizon distribution; with them at their
/// estimates the re-calibrated synthetic self-backtest's 730-day 90 % band covered 0.71 (Sources/Models/README.md).
/// A free-trend calibration (written before the supply model) has no covariance of `(a, b, c)`, and independent draws are
/// badly wrong there (`a` and `b·ln hp` are nearly collinear): its drift terms stay at their estimates.
public struct ModelProcess: Sendable {
    public var model: PriceModel
    public var price: PriceLaw
    public var network: NetworkLane
    public var lag: Int
    /// Days from `trendOrigin` to the as-of day (t of the first step).
    public var trendDay0: Int
    /// Sampling law of `(σ_H, κ, m, σ_F)`; nil without parameter uncertainty or standard errors.
    public var networkDraw: ParameterDraw?
    /// Sampling law of the supply response's `(α, κ[, δ])` (δ only when it has a standard error); nil without parameter
    /// uncertainty, for a free-trend calibration, or without standard errors.
    public var supplyDraw: ParameterDraw?
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
        supplyDraw = s.parameterUncertainty ? h.supply.flatMap(Self.supplyDraw) : nil
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

    /// The sampling law of `(α, κ[, δ])` of a supply fit (see the type's doc); nil when nothing has a standard error.
    static func supplyDraw(_ r: SupplyResponse) -> ParameterDraw? {
        let va = r.alpha.stderr * r.alpha.stderr, vk = r.kappa.stderr * r.kappa.stderr
        guard va > 0, vk > 0, r.covarianceAlphaKappa.isFinite else { return nil }
        let d = r.efficiencyTrend.delta
        let withDelta = d.stderr > 0 && d.stderr.isFinite
        var cov = [[va, r.covarianceAlphaKappa], [r.covarianceAlphaKappa, vk]]
        if withDelta { cov = [cov[0] + [0], cov[1] + [0], [0, 0, d.stderr * d.stderr]] }
        return ParameterDraw(estimate: [r.alpha.value, r.kappa.value] + (withDelta ? [d.value] : []),
                             stderr: [r.alpha.stderr, r.kappa.stderr] + (withDelta ? [d.stderr] : []), covariance: cov,
                             transforms: [.identity, .log] + (withDelta ? [.identity] : []))
    }

    /// Normals one path's parameter draw takes (0: every path uses the point estimates).
    public var drawDimension: Int { price.drawDimension + (networkDraw?.dimension ?? 0) + (supplyDraw?.dimension ?? 0) }

    /// The lanes for the draw `z` (`drawDimension` normals; nil: point estimates).
    public func lanes(_ z: UnsafePointer<Double>?) -> (PriceLane, NetworkLane) {
        guard let z else { return (price.base, network) }
        let p = price.lane(price.drawDimension > 0 ? z : nil)
        var n = network
        var k = price.drawDimension
        if let d = networkDraw {
            let t = d.sample(z + k)
            k += d.dimension
            if t.allSatisfy({ $0.isFinite }) { n.hashSigma = t[0]; n.feeKappa = t[1]; n.feeM = t[2]; n.feeSigma = t[3] }
        }
        if let d = supplyDraw {
            let t = d.sample(z + k)
            let delta = t.count > 2 ? t[2] : network.hashB > 0 ? network.hashC / network.hashB : 0
            if t.allSatisfy({ $0.isFinite }), delta.isFinite { n.hashA = t[0]; n.hashB = t[1]; n.hashC = t[1] * delta }
        }
        return (p, n)
    }
}
