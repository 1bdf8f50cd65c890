/// A fitted parameter with its standard error.
public struct Estimate: Equatable, Sendable, Codable {
    public var value: Double
    public var stderr: Double
    public init(_ value: Double, stderr: Double) { self.value = value; self.stderr = stderr }
}

/// Merton jump-diffusion on daily log returns (SPEC §5):
///
///     ln S_{t+1} − ln S_t = μ − σ²/2 + σ·Z₁ + Σ_{k≤N_t} J_k,   N_t ~ Poisson(λ),  J ~ N(μ_J, σ_J²)
///
/// All rates are per day.
public struct MertonParameters: Equatable, Sendable, Codable {
    public var mu: Estimate
    public var sigma: Estimate
    public var lambda: Estimate
    public var muJ: Estimate
    public var sigmaJ: Estimate
    public var logLikelihood: Double
    public var observations: Int
    /// Sampling covariance of `(μ, σ, λ, μ_J, σ_J)` (inverse numerical Hessian), 5×5; nil in calibrations written
    /// before it was stored or when the Hessian was not positive definite (then draws use the standard errors).
    public var covariance: [[Double]]?
    public init(mu: Estimate, sigma: Estimate, lambda: Estimate, muJ: Estimate, sigmaJ: Estimate, logLikelihood: Double, observations: Int,
                covariance: [[Double]]? = nil) {
        self.mu = mu; self.sigma = sigma; self.lambda = lambda; self.muJ = muJ; self.sigmaJ = sigmaJ
        self.logLikelihood = logLikelihood; self.observations = observations; self.covariance = covariance
    }
}

/// Geometric Brownian motion: `ln S_{t+1} − ln S_t = μ − σ²/2 + σ·Z₁` (per day).
public struct GBMParameters: Equatable, Sendable, Codable {
    public var mu: Estimate
    public var sigma: Estimate
    public var logLikelihood: Double
    public init(mu: Estimate, sigma: Estimate, logLikelihood: Double) { self.mu = mu; self.sigma = sigma; self.logLikelihood = logLikelihood }
}

/// Network hash-rate step as the engine reads it (SPEC §5), one step = one day:
///
///     ln H_{t+1} − ln H_t = a + b·ln(hashprice_usd_{t−L}) + c·t + σ_H·Z₂
///
/// `H` in H/s, hashprice in USD/PH/day, `t` in days since `trendOrigin`.
///
/// - **Miner-supply model** (calibrations with a `supply` block, written since the supply model): `a = α`, `b = κ`,
///   `c = κ·δ`, `trendOrigin` = as-of, i.e. `κ·(ln hp_{t−L} − ln hp*_t)` with the breakeven `hp*_t = e^{−α/κ}·e^{−δt}`
///   falling at the catalog's efficiency trend `δ` (see `SupplyResponse`). Decoding checks the three identities and
///   `κ > 0`, and refuses a file where they fail, naming the field.
/// - **Free trend** (calibrations written before: no `supply` block): `c` is a freely fitted time trend; such a file
///   loads unchanged and simulates exactly as it did (the old model), and the table reports it as `model free-trend`.
public struct HashRateParameters: Equatable, Sendable, Codable {
    public var a: Estimate
    public var b: Estimate
    public var c: Estimate
    public var sigma: Estimate
    public var lag: Int
    public var trendOrigin: Day
    public var rSquared: Double
    public var residualAutocorrelation: Double
    /// Selection criterion (e.g. AIC) for every candidate lag, keyed by the lag in days.
    public var lagCriteria: [String: Double]
    /// Free-trend calibrations only: the unconstrained `b̂` when it had the wrong sign and the fit was redone at `b = 0`.
    public var bUnconstrained: Estimate?
    /// The miner-supply fit behind `a`, `b`, `c` (nil: a free-trend calibration written before the supply model).
    public var supply: SupplyResponse?
    public init(a: Estimate, b: Estimate, c: Estimate, sigma: Estimate, lag: Int, trendOrigin: Day,
                rSquared: Double, residualAutocorrelation: Double, lagCriteria: [String: Double], bUnconstrained: Estimate? = nil,
                supply: SupplyResponse? = nil) {
        self.a = a; self.b = b; self.c = c; self.sigma = sigma; self.lag = lag; self.trendOrigin = trendOrigin
        self.rSquared = rSquared; self.residualAutocorrelation = residualAutocorrelation; self.lagCriteria = lagCriteria
        self.bUnconstrained = bUnconstrained; self.supply = supply
    }

    /// The engine's coefficients of a supply fit: `a = α`, `b = κ`, `c = κ·δ` (standard errors: α's, κ's, and
    /// `δ·SE(κ)` for c, δ being held fixed in the fit).
    public static func engineCoefficients(alpha: Estimate, kappa: Estimate, delta: Double) -> (a: Estimate, b: Estimate, c: Estimate) {
        (alpha, kappa, Estimate(kappa.value * delta, stderr: kappa.stderr * abs(delta)))
    }

    enum CodingKeys: String, CodingKey {
        case a, b, c, sigma, lag, trendOrigin, rSquared, residualAutocorrelation, lagCriteria, bUnconstrained, supply
    }

    public init(from decoder: Decoder) throws {
        let k = try decoder.container(keyedBy: CodingKeys.self)
        a = try k.decode(Estimate.self, forKey: .a)
        b = try k.decode(Estimate.self, forKey: .b)
        c = try k.decode(Estimate.self, forKey: .c)
        sigma = try k.decode(Estimate.self, forKey: .sigma)
        lag = try k.decode(Int.self, forKey: .lag)
        trendOrigin = try k.decode(Day.self, forKey: .trendOrigin)
        rSquared = try k.decode(Double.self, forKey: .rSquared)
        residualAutocorrelation = try k.decode(Double.self, forKey: .residualAutocorrelation)
        lagCriteria = try k.decode([String: Double].self, forKey: .lagCriteria)
        bUnconstrained = try k.decodeIfPresent(Estimate.self, forKey: .bUnconstrained)
        supply = try k.decodeIfPresent(SupplyResponse.self, forKey: .supply)
        guard let s = supply else { return }
        func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-300) }
        guard s.kappa.value > 0, s.kappa.value.isFinite else {
            throw DecodingError.dataCorruptedError(forKey: .supply, in: k, debugDescription:
                "supply.kappa = \(s.kappa.value): the supply response must be positive (κ > 0)")
        }
        guard close(a.value, s.alpha.value) else {
            throw DecodingError.dataCorruptedError(forKey: .a, in: k, debugDescription: "a = \(a.value) is not supply.alpha = \(s.alpha.value)")
        }
        guard close(b.value, s.kappa.value) else {
            throw DecodingError.dataCorruptedError(forKey: .b, in: k, debugDescription: "b = \(b.value) is not supply.kappa = \(s.kappa.value)")
        }
        let kd = s.kappa.value * s.efficiencyTrend.delta.value
        guard close(c.value, kd) || (c.value == 0 && kd == 0) else {
            throw DecodingError.dataCorruptedError(forKey: .c, in: k, debugDescription:
                "c = \(c.value) is not supply.kappa·supply.efficiencyTrend.delta = \(kd)")
        }
    }
}

/// Mean-reverting log fee per block (SPEC §5): `x = ln F`, `x_{t+1} = x_t + κ(m − x_t) + σ_F·Z₃` (per day, F in BTC/block).
public struct FeeParameters: Equatable, Sendable, Codable {
    public var kappa: Estimate
    public var m: Estimate
    public var sigma: Estimate
    public var rSquared: Double
    public var residualAutocorrelation: Double
    public init(kappa: Estimate, m: Estimate, sigma: Estimate, rSquared: Double, residualAutocorrelation: Double) {
        self.kappa = kappa; self.m = m; self.sigma = sigma; self.rSquared = rSquared; self.residualAutocorrelation = residualAutocorrelation
    }
}

/// State of the network and market at the end of the as-of day: where every simulated path starts.
public struct InitialState: Equatable, Sendable, Codable {
    public var date: Day
    public var priceUSD: Double
    /// Network hash rate, H/s (noise-robust estimate, e.g. from 7-day block counts).
    public var hashRateHs: Double
    /// Consensus difficulty in force after the last block of `date`.
    public var difficulty: Double
    /// Height of the last block of `date`.
    public var height: Int
    /// Fee per block, BTC (recent average).
    public var feePerBlockBTC: Double
    /// Days elapsed since the first block of the current retarget epoch (height `2016·⌊height/2016⌋`).
    public var epochElapsedDays: Double
    /// `ln(hashprice_usd_ph_day)` for the days before and including `date`, oldest first (≥ 90 values when
    /// history allows), so the lagged hash-rate response has its inputs from day one.
    public var lnHashpriceHistory: [Double]

    public init(date: Day, priceUSD: Double, hashRateHs: Double, difficulty: Double, height: Int, feePerBlockBTC: Double,
                epochElapsedDays: Double, lnHashpriceHistory: [Double]) {
        self.date = date; self.priceUSD = priceUSD; self.hashRateHs = hashRateHs; self.difficulty = difficulty
        self.height = height; self.feePerBlockBTC = feePerBlockBTC; self.epochElapsedDays = epochElapsedDays
        self.lnHashpriceHistory = lnHashpriceHistory
    }
}

/// Everything `hashsec calibrate` fits, and everything `hashsec simulate` needs to start.
public struct Calibration: Equatable, Sendable, Codable {
    public var asOf: Day
    /// The price models' window (the hash-rate and fee fits have their own: `hashRate.supply`, `options`).
    public var windowStart: Day
    public var windowEnd: Day
    public var merton: MertonParameters
    public var gbm: GBMParameters
    public var hashRate: HashRateParameters
    public var fees: FeeParameters
    /// Residual correlation of (Z₁ price, Z₂ hash rate, Z₃ fees), 3×3 row-major.
    public var correlation: [[Double]]
    /// Daily log returns of the price over the window, for the stationary block bootstrap.
    public var historicalLogReturns: [Double]
    public var initialState: InitialState
    /// Two-state Markov-switching price model; nil in calibrations written before it existed (`--model regime` then
    /// fails naming the field).
    public var regime: RegimeParameters?
    /// Every option the fit depended on (nil in calibrations written before options were recorded).
    public var options: CalibrationOptions?

    public init(asOf: Day, windowStart: Day, windowEnd: Day, merton: MertonParameters, gbm: GBMParameters,
                hashRate: HashRateParameters, fees: FeeParameters, correlation: [[Double]],
                historicalLogReturns: [Double], initialState: InitialState, regime: RegimeParameters? = nil,
                options: CalibrationOptions? = nil) {
        self.asOf = asOf; self.windowStart = windowStart; self.windowEnd = windowEnd; self.merton = merton; self.gbm = gbm
        self.hashRate = hashRate; self.fees = fees; self.correlation = correlation
        self.historicalLogReturns = historicalLogReturns; self.initialState = initialState; self.regime = regime
        self.options = options
    }
}
