import Domain

/// One scored forecast: a model's simulated hashprice (and the deal's cumulative payout) at one origin and horizon
/// against what happened (a row of `backtest.csv`).
public struct ForecastRecord: Equatable, Sendable {
    public var model: String
    /// The day the forecast starts from (the calibration's initial-state day).
    public var origin: Day
    public var horizon: Int
    /// `origin + horizon`.
    public var target: Day { origin + horizon }
    /// Realized hashprice index on the target day, USD/PH/day.
    public var realized: Double
    /// Simulated hashprice quantiles at the target day.
    public var quantiles: ForecastQuantiles
    public var pit: Double
    public var in50: Bool
    public var in90: Bool
    /// Mean log pinball loss of the model (`PinballLoss.logLoss`).
    public var pinball: Double
    /// The same loss of the naive baseline (nil when the baseline has too little history).
    public var naivePinball: Double?
    /// The deal's realized cumulative net payout per token to the target day, USD (nil when the realized history does not
    /// cover every day to the target), with the simulated distribution's quantiles and its PIT.
    public var payout: PayoutScore?

    public init(model: String, origin: Day, horizon: Int, realized: Double, quantiles: ForecastQuantiles, pit: Double, in50: Bool,
                in90: Bool, pinball: Double, naivePinball: Double?, payout: PayoutScore?) {
        self.model = model; self.origin = origin; self.horizon = horizon; self.realized = realized; self.quantiles = quantiles
        self.pit = pit; self.in50 = in50; self.in90 = in90; self.pinball = pinball; self.naivePinball = naivePinball; self.payout = payout
    }

    /// Scores the simulated hashprices `simulated` (one per path, USD/PH/day, all > 0) against `realized` (> 0).
    /// `u` and `payoutU` are the PIT randomisations (see `EmpiricalForecast.pit`).
    public static func score(model: String, origin: Day, horizon: Int, simulated: [Double], realized: Double, u: Double,
                             naive: NaiveBaseline?, payout: (simulated: [Double], realized: Double, u: Double)?) -> ForecastRecord {
        let f = EmpiricalForecast(simulated)
        let q = f.quantiles
        let pay = payout.map { p -> PayoutScore in
            let pf = EmpiricalForecast(p.simulated)
            let pq = pf.quantiles
            return PayoutScore(realized: p.realized, quantiles: pq, pit: pf.pit(p.realized, u: p.u), in50: pq.in50(p.realized), in90: pq.in90(p.realized))
        }
        return ForecastRecord(model: model, origin: origin, horizon: horizon, realized: realized, quantiles: q, pit: f.pit(realized, u: u),
                              in50: q.in50(realized), in90: q.in90(realized), pinball: PinballLoss.logLoss(realized: realized, q),
                              naivePinball: naive.map { PinballLoss.logLoss(realized: realized, $0.quantiles(horizon: horizon)) }, payout: pay)
    }
}

/// The deal's realized payout to date against its simulated distribution.
public struct PayoutScore: Equatable, Sendable {
    public var realized: Double
    public var quantiles: ForecastQuantiles
    public var pit: Double
    public var in50: Bool
    public var in90: Bool
    public init(realized: Double, quantiles: ForecastQuantiles, pit: Double, in50: Bool, in90: Bool) {
        self.realized = realized; self.quantiles = quantiles; self.pit = pit; self.in50 = in50; self.in90 = in90
    }
}
