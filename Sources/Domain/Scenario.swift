/// A named stress scenario (SPEC §7), as read from a scenario YAML file by `Config.ScenarioFile`.
/// `Simulate` turns it into a `StressOverlay` (see `StressOverlayBuilder`).
public struct Scenario: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Price falls by `pct` (0.5 = −50%) on day `day` (1-based simulated day) and stays shifted.
        case priceCrash(pct: Double, day: Int)
        /// Hash rate rises by `pct` in total, spread evenly (in log) over `days` days from day `start`.
        case hashrateSurge(pct: Double, days: Int, start: Int)
        /// Hash rate drops by `pct` on day `start` and recovers after `days` days.
        case hashrateOutage(pct: Double, days: Int, start: Int)
        /// Fees multiplied by `multiplier` from day `start` for `days` days (nil = to the end).
        case feeMultiplier(multiplier: Double, start: Int, days: Int?)
        /// The deal's power price becomes `usdPerKWh` from day `fromDay` on.
        case powerPrice(usdPerKWh: Double, fromDay: Int)
        /// Every future halving moves by `days` days (positive = later).
        case halvingShift(days: Int)
        /// Today's state driven by the realized daily moves of price, 7-day-smoothed hash rate and fees over `from…to`.
        case historicalReplay(from: Day, to: Day)
        /// The token's own machines (share `pct` of them, 1 = all) are down for `days` days from day `start`: no output and
        /// no power drawn (power is billed by consumption, so it is not owed), hosting still owed (a capacity fee). The
        /// network is untouched (unlike `hashrateOutage`, which shocks only the network).
        case fleetOutage(pct: Double, days: Int, start: Int)
        /// The token's payouts are withheld for `days` days from day `start`, then paid in one lump (in BTC, with the payout
        /// of day `start + days`, or on the token's last day if it ends first) or, with `forfeited`, never paid.
        case payoutSuspension(days: Int, start: Int, forfeited: Bool)
    }
    public var name: String
    public var description: String
    public var kind: Kind
    public init(name: String, description: String = "", kind: Kind) { self.name = name; self.description = description; self.kind = kind }

    /// The YAML `kind:` name.
    public var kindName: String {
        switch kind {
        case .priceCrash: return "price_crash"
        case .hashrateSurge: return "hashrate_surge"
        case .hashrateOutage: return "hashrate_outage"
        case .feeMultiplier(let m, _, _): return m < 1 ? "fee_collapse" : "fee_spike"
        case .powerPrice: return "power_price"
        case .halvingShift: return "halving_shift"
        case .historicalReplay: return "historical_replay"
        case .fleetOutage: return "fleet_outage"
        case .payoutSuspension: return "payout_suspension"
        }
    }
}
