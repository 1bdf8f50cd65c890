import Domain

/// The deal's timing relative to the simulation (token day t = simulated day offset + t).
public struct DealSchedule: Equatable, Sendable {
    public var asOf: Day
    public var offset: Int
    public var tokenDays: Int
    public var horizonDays: Int
    public init(deal: Deal, asOf: Day, horizon: Int?) {
        self.asOf = asOf
        var off = 0, term = deal.token.termDays
        if case .date(let d) = deal.token.start {
            if d >= asOf { off = d - asOf } else { term = max(0, term - (asOf - d)) }
        }
        let hz = horizon ?? (off + term)
        offset = min(off, hz); horizonDays = max(hz, 1); tokenDays = max(0, min(term, hz - offset))
    }
    /// A schedule from its recorded parts (a shard's `shard.json`).
    public init(asOf: Day, offset: Int, tokenDays: Int, horizonDays: Int) {
        self.asOf = asOf; self.offset = offset; self.tokenDays = tokenDays; self.horizonDays = horizonDays
    }
    public var startDate: Day { asOf + offset }
}
