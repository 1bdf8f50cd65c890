import Domain

/// The deal's timing relative to the simulation (token day t = simulated day offset + t).
///
/// A simulation covers the deal's whole term unless a horizon is given (SPEC §9): `horizonDays = offset + termDays` by
/// default. A horizon that ends before the term does is a truncation (`truncated`), stated in every output.
public struct DealSchedule: Equatable, Sendable {
    public var asOf: Day
    /// Days from the as-of date to the token's start (0 when it has started).
    public var offset: Int
    /// Token days simulated (the term, cut by the horizon).
    public var tokenDays: Int
    public var horizonDays: Int
    /// Token days left in the deal's term from its start (or from the as-of date when it started before).
    public var termDays: Int
    /// The horizon ends before the term does: the token's last `termDays − tokenDays` days are not simulated.
    public var truncated: Bool { tokenDays < termDays }

    public init(deal: Deal, asOf: Day, horizon: Int?) {
        self.asOf = asOf
        var off = 0, term = deal.token.termDays
        if case .date(let d) = deal.token.start {
            if d >= asOf { off = d - asOf } else { term = max(0, term - (asOf - d)) }
        }
        let hz = horizon ?? (off + term)
        offset = min(off, hz); horizonDays = max(hz, 1); tokenDays = max(0, min(term, hz - offset)); termDays = term
    }
    /// A schedule from its recorded parts (a shard's `shard.json`).
    public init(asOf: Day, offset: Int, tokenDays: Int, horizonDays: Int, termDays: Int) {
        self.asOf = asOf; self.offset = offset; self.tokenDays = tokenDays; self.horizonDays = horizonDays; self.termDays = termDays
    }
    public var startDate: Day { asOf + offset }
}
