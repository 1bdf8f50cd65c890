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

/// Lagged network hash-rate response with a technology trend (SPEC §5):
///
///     ln H_{t+1} − ln H_t = a + b·ln(hashprice_usd_{t−L}) + c·t + σ_H·Z₂
///
/// `H` in H/s, hashprice in USD/PH/day, `t` in days since `trendOrigin`, one step = one day.
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
    /// The unconstrained `b̂` when it had the wrong sign and the fit was redone at the bound `b = 0` (else nil).
    public var bUnconstrained: Estimate?
    public init(a: Estimate, b: Estimate, c: Estimate, sigma: Estimate, lag: Int, trendOrigin: Day,
                rSquared: Double, residualAutocorrelation: Double, lagCriteria: [String: Double], bUnconstrained: Estimate? = nil) {
        self.a = a; self.b = b; self.c = c; self.sigma = sigma; self.lag = lag; self.trendOrigin = trendOrigin
        self.rSquared = rSquared; self.residualAutocorrelation = residualAutocorrelation; self.lagCriteria = lagCriteria
        self.bUnconstrained = bUnconstrained
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

    public init(asOf: Day, windowStart: Day, windowEnd: Day, merton: MertonParameters, gbm: GBMParameters,
                hashRate: HashRateParameters, fees: FeeParameters, correlation: [[Double]],
                historicalLogReturns: [Double], initialState: InitialState, regime: RegimeParameters? = nil) {
        self.asOf = asOf; self.windowStart = windowStart; self.windowEnd = windowEnd; self.merton = merton; self.gbm = gbm
        self.hashRate = hashRate; self.fees = fees; self.correlation = correlation
        self.historicalLogReturns = historicalLogReturns; self.initialState = initialState; self.regime = regime
    }
}
