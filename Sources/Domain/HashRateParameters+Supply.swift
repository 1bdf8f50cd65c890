/// The miner-supply hash-rate model of SPEC §5, as fitted (the parameters the engine reads stay `a`, `b`, `c` of
/// `HashRateParameters`; this block says where they came from):
///
///     ln H_{t+1} − ln H_t = α + κ·(ln hp_{t−L} + δ·t) + σ_H·Z₂ = κ·(ln hp_{t−L} − ln hp*_t) + σ_H·Z₂
///     hp*_t = hp*_0·e^{−δt},   hp*_0 = e^{−α/κ}   (USD/PH/day at the as-of, t = days since the as-of)
///
/// so `a = α`, `b = κ`, `c = κ·δ`, `trendOrigin` = as-of. `δ` comes from the ASIC catalog's efficiency frontier (or an
/// override), never from the hash-rate history; `κ > 0`.
public struct SupplyResponse: Equatable, Sendable, Codable {
    /// α per day.
    public var alpha: Estimate
    /// κ per day (speed of the supply response; half-life of a hashprice gap `ln 2/κ` days).
    public var kappa: Estimate
    /// Cov(α̂, κ̂) of the fit's HAC sandwich (with `alpha.stderr²`, `kappa.stderr²`: the full 2×2), for parameter draws.
    public var covarianceAlphaKappa: Double
    /// δ per day, with its origin.
    public var efficiencyTrend: EfficiencyTrend
    /// `hp*_0 = e^{−α/κ}` (USD/PH/day) with its delta-method standard error (δ held fixed).
    public var breakevenUSDPerPHDay: Estimate
    /// The implied breakeven against `24·e·p` of the catalog's machines in service at the as-of (nil without a catalog).
    public var breakevenCheck: BreakevenCheck?
    /// False when the lag criteria of the best and the second-best lag differ by less than 2.
    public var lagIdentified: Bool
    /// How the weekly regression was estimated (e.g. `huber-mle c=1.345`).
    public var estimator: String
    /// First and last grid day of the weekly regression actually used, and its number of weekly steps.
    public var windowStart: Day
    public var windowEnd: Day
    public var weeks: Int
    /// Days requested (`--hashrate-window`) and whether the window was cut at the start of the ASIC era (the first
    /// catalog release) or by the start of the history.
    public var requestedWindowDays: Int
    public var windowNote: String?
    /// Human-readable warnings (not significant κ, unidentified lag, breakeven outside the catalog's range…).
    public var warnings: [String]

    public init(alpha: Estimate, kappa: Estimate, covarianceAlphaKappa: Double, efficiencyTrend: EfficiencyTrend, breakevenUSDPerPHDay: Estimate,
                breakevenCheck: BreakevenCheck?, lagIdentified: Bool, estimator: String, windowStart: Day, windowEnd: Day,
                weeks: Int, requestedWindowDays: Int, windowNote: String?, warnings: [String]) {
        self.alpha = alpha; self.kappa = kappa; self.covarianceAlphaKappa = covarianceAlphaKappa; self.efficiencyTrend = efficiencyTrend
        self.breakevenUSDPerPHDay = breakevenUSDPerPHDay; self.breakevenCheck = breakevenCheck
        self.lagIdentified = lagIdentified; self.estimator = estimator; self.windowStart = windowStart
        self.windowEnd = windowEnd; self.weeks = weeks; self.requestedWindowDays = requestedWindowDays
        self.windowNote = windowNote; self.warnings = warnings
    }

    /// `κ / SE(κ)` (0 when the standard error is 0).
    public var kappaTStatistic: Double { kappa.stderr > 0 ? kappa.value / kappa.stderr : 0 }
}

/// The hardware efficiency trend `δ` (per day): the best available J/TH falls as `e^{−δt}`.
public struct EfficiencyTrend: Equatable, Sendable, Codable {
    public enum Source: String, Sendable, Codable { case catalogFrontier = "catalog-frontier", override }
    /// δ per day and its standard error (0 for an override).
    public var delta: Estimate
    public var source: Source
    /// Trailing window (years) of frontier points used by the fit (nil for an override).
    public var windowYears: Double?
    /// Fitted `ln J/TH` of the frontier at the as-of (`c0` of `ln e = c0 − δ·t`, t = days since the as-of; nil for an override).
    public var lnFrontierAtAsOf: Double?
    /// The frontier points used by the fit, oldest first (empty for an override).
    public var points: [FrontierPoint]

    public init(delta: Estimate, source: Source, windowYears: Double?, lnFrontierAtAsOf: Double?, points: [FrontierPoint]) {
        self.delta = delta; self.source = source; self.windowYears = windowYears
        self.lnFrontierAtAsOf = lnFrontierAtAsOf; self.points = points
    }

    /// δ as a continuously compounded rate per year (`δ·365.25`).
    public var perYear: Double { delta.value * 365.25 }
}

/// One machine on the efficiency frontier: when it was released, it was the most efficient released so far.
public struct FrontierPoint: Equatable, Sendable, Codable {
    public var model: String
    public var releaseDate: Day
    public var efficiencyJTH: Double
    public init(model: String, releaseDate: Day, efficiencyJTH: Double) {
        self.model = model; self.releaseDate = releaseDate; self.efficiencyJTH = efficiencyJTH
    }
}

/// `hp*_0` against the power cost `24·e·p` (USD/PH/day) of the catalog's machines in service at the as-of (released on
/// or before it, and within `serviceLifeYears` of it; the frontier machine always counts): the range runs from the best
/// machine at the low power price to the worst at the high one.
public struct BreakevenCheck: Equatable, Sendable, Codable {
    public var powerPriceLowUSDPerKWh: Double
    public var powerPriceHighUSDPerKWh: Double
    public var serviceLifeYears: Double
    public var machines: Int
    public var bestModel: String
    public var bestJTH: Double
    public var worstModel: String
    public var worstJTH: Double
    /// `24·bestJTH·powerPriceLow` and `24·worstJTH·powerPriceHigh`.
    public var lowUSDPerPHDay: Double
    public var highUSDPerPHDay: Double
    public var breakevenUSDPerPHDay: Double
    public var passed: Bool
    /// Power price (USD/kWh) at which the best machine's cost equals `hp*_0` (`hp*_0/(24·bestJTH)`).
    public var impliedPowerPriceBestUSDPerKWh: Double

    public init(powerPriceLowUSDPerKWh: Double, powerPriceHighUSDPerKWh: Double, serviceLifeYears: Double, machines: Int,
                bestModel: String, bestJTH: Double, worstModel: String, worstJTH: Double, breakevenUSDPerPHDay: Double) {
        self.powerPriceLowUSDPerKWh = powerPriceLowUSDPerKWh; self.powerPriceHighUSDPerKWh = powerPriceHighUSDPerKWh
        self.serviceLifeYears = serviceLifeYears; self.machines = machines
        self.bestModel = bestModel; self.bestJTH = bestJTH; self.worstModel = worstModel; self.worstJTH = worstJTH
        self.breakevenUSDPerPHDay = breakevenUSDPerPHDay
        lowUSDPerPHDay = 24 * bestJTH * powerPriceLowUSDPerKWh
        highUSDPerPHDay = 24 * worstJTH * powerPriceHighUSDPerKWh
        passed = breakevenUSDPerPHDay.isFinite && breakevenUSDPerPHDay >= lowUSDPerPHDay && breakevenUSDPerPHDay <= highUSDPerPHDay
        impliedPowerPriceBestUSDPerKWh = breakevenUSDPerPHDay / (24 * bestJTH)
    }

    /// One line, e.g. `implied breakeven 21.9 USD/PH/day within 5.8…91.2 (Antminer S21 XP Hydro 12 J/TH at 0.02 … …)`.
    public var summary: String {
        func f(_ v: Double) -> String {
            let r = (v * 10).rounded() / 10
            return r == r.rounded() ? String(Int(r)) : String(r)
        }
        let verdict = passed ? "within" : (breakevenUSDPerPHDay < lowUSDPerPHDay ? "BELOW" : "ABOVE")
        return "implied breakeven \(f(breakevenUSDPerPHDay)) USD/PH/day \(verdict) \(f(lowUSDPerPHDay))…\(f(highUSDPerPHDay)) "
            + "(\(bestModel) \(f(bestJTH)) J/TH at \(powerPriceLowUSDPerKWh) USD/kWh … \(worstModel) \(f(worstJTH)) J/TH at "
            + "\(powerPriceHighUSDPerKWh) USD/kWh, \(machines) machines in service)"
    }
}

/// Every option a calibration depends on besides the data and the as-of, recorded in the calibration so that two fits
/// with different options can be told apart (and a store can key on them). Absent from calibrations written before it.
public struct CalibrationOptions: Equatable, Sendable, Codable {
    /// The price models' window (`--window`).
    public var priceWindowDays: Int
    /// The hash-rate fit's window (`--hashrate-window`).
    public var hashRateWindowDays: Int
    /// The fee model's window (`--fee-window`).
    public var feeWindowDays: Int
    /// `--efficiency-trend`: nil = from the catalog's frontier; else δ per year (continuously compounded).
    public var efficiencyTrendPerYear: Double?
    /// Trailing window of frontier points for δ (`--efficiency-window`, years).
    public var efficiencyWindowYears: Double
    /// Power prices of the breakeven check (USD/kWh) and the service life that decides which machines count.
    public var powerPriceLowUSDPerKWh: Double
    public var powerPriceHighUSDPerKWh: Double
    public var serviceLifeYears: Double
    /// SHA-256 (hex) of the ASIC catalog text the frontier came from (nil when none was read).
    public var catalogSHA256: String?

    public init(priceWindowDays: Int, hashRateWindowDays: Int, feeWindowDays: Int, efficiencyTrendPerYear: Double?,
                efficiencyWindowYears: Double, powerPriceLowUSDPerKWh: Double, powerPriceHighUSDPerKWh: Double,
                serviceLifeYears: Double, catalogSHA256: String?) {
        self.priceWindowDays = priceWindowDays; self.hashRateWindowDays = hashRateWindowDays; self.feeWindowDays = feeWindowDays
        self.efficiencyTrendPerYear = efficiencyTrendPerYear; self.efficiencyWindowYears = efficiencyWindowYears
        self.powerPriceLowUSDPerKWh = powerPriceLowUSDPerKWh; self.powerPriceHighUSDPerKWh = powerPriceHighUSDPerKWh
        self.serviceLifeYears = serviceLifeYears; self.catalogSHA256 = catalogSHA256
    }
}
