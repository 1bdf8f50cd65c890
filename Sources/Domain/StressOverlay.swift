/// Deterministic shocks laid over the simulated paths for one stress scenario (SPEC §7).
///
/// Arrays are indexed by simulated day − 1 (index 0 = the first simulated day); an empty array or an index
/// past its end means "no shock that day". The path generator applies, for every path and day `t`:
///
///     ln S_t  += lnPriceShock[t]          (e.g. price_crash −X% on day d: ln(1−X) at index d−1)
///     ln H_t  += lnHashRateShock[t]       (surge: ln(1+X)/k on k days; outage: ln(1−X) on day d, −ln(1−X) on day d+k)
///     ln F_t  += lnFeeShock[t]            (fee_collapse / fee_spike: ln m on the first day, −ln m when it ends)
///
/// and, for `t < replayLnPrice.count` (historical replay), *replaces* the model's increment of ln S / ln H / ln F
/// by the realized historical increment (the model's random shocks are still drawn, so streams stay aligned).
/// `powerPriceFromDay` switches the deal's power price from that day (1-based) on; `halvingShiftBlocks` moves every
/// future halving height by that many blocks (negative = earlier; `halving_shift ±d days` uses ∓144·d).
///
/// Two overlays change the token's own cash flows, not the paths (the pricer applies them; every path is the base's):
/// `fleetOutage` — share `fraction` of the token's machines down on simulated days `day ..< day + days` (no output, no
/// power drawn, hosting still owed); `payoutSuspension` — payouts withheld on simulated days `day ..< day + days`, then
/// paid with the payout of day `day + days` (or on the token's last day if it ends first) unless `forfeited`.
public struct StressOverlay: Equatable, Sendable {
    public var name: String
    public var lnPriceShock: [Double]
    public var lnHashRateShock: [Double]
    public var lnFeeShock: [Double]
    public var replayLnPrice: [Double]
    public var replayLnHashRate: [Double]
    public var replayLnFee: [Double]
    public var powerPriceFromDay: (day: Int, usdPerKWh: Double)?
    public var halvingShiftBlocks: Int
    public var fleetOutage: (day: Int, days: Int, fraction: Double)?
    public var payoutSuspension: (day: Int, days: Int, forfeited: Bool)?

    public init(name: String, lnPriceShock: [Double] = [], lnHashRateShock: [Double] = [], lnFeeShock: [Double] = [],
                replayLnPrice: [Double] = [], replayLnHashRate: [Double] = [], replayLnFee: [Double] = [],
                powerPriceFromDay: (day: Int, usdPerKWh: Double)? = nil, halvingShiftBlocks: Int = 0,
                fleetOutage: (day: Int, days: Int, fraction: Double)? = nil, payoutSuspension: (day: Int, days: Int, forfeited: Bool)? = nil) {
        self.name = name; self.lnPriceShock = lnPriceShock; self.lnHashRateShock = lnHashRateShock; self.lnFeeShock = lnFeeShock
        self.replayLnPrice = replayLnPrice; self.replayLnHashRate = replayLnHashRate; self.replayLnFee = replayLnFee
        self.powerPriceFromDay = powerPriceFromDay; self.halvingShiftBlocks = halvingShiftBlocks
        self.fleetOutage = fleetOutage; self.payoutSuspension = payoutSuspension
    }

    public static func == (a: StressOverlay, b: StressOverlay) -> Bool {
        a.name == b.name && a.lnPriceShock == b.lnPriceShock && a.lnHashRateShock == b.lnHashRateShock
            && a.lnFeeShock == b.lnFeeShock && a.replayLnPrice == b.replayLnPrice && a.replayLnHashRate == b.replayLnHashRate
            && a.replayLnFee == b.replayLnFee && a.powerPriceFromDay?.day == b.powerPriceFromDay?.day
            && a.powerPriceFromDay?.usdPerKWh == b.powerPriceFromDay?.usdPerKWh && a.halvingShiftBlocks == b.halvingShiftBlocks
            && a.fleetOutage?.day == b.fleetOutage?.day && a.fleetOutage?.days == b.fleetOutage?.days
            && a.fleetOutage?.fraction == b.fleetOutage?.fraction && a.payoutSuspension?.day == b.payoutSuspension?.day
            && a.payoutSuspension?.days == b.payoutSuspension?.days && a.payoutSuspension?.forfeited == b.payoutSuspension?.forfeited
    }

    /// True when nothing is shocked (the base scenario).
    public var isEmpty: Bool {
        !changesPaths && powerPriceFromDay == nil && fleetOutage == nil && payoutSuspension == nil
    }

    /// True when the overlay changes the simulated paths (price, hash rate, fees, halvings); false when it changes only the
    /// token's own cash flows (power price, own-fleet outage, payout suspension), which the pricer applies.
    public var changesPaths: Bool {
        !(lnPriceShock.isEmpty && lnHashRateShock.isEmpty && lnFeeShock.isEmpty && replayLnPrice.isEmpty && replayLnHashRate.isEmpty
          && replayLnFee.isEmpty && halvingShiftBlocks == 0)
    }
}
