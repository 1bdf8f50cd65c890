import Domain
import Foundation

/// The token's curve value (SPEC §13 base case): its payouts on the one deterministic path whose hashprice follows the
/// forward curve, through the one cash-flow function (`TokenPricer`, as every simulated path).
public enum CurveValue {
    public static let rule = "hashprice on each simulated day = the curve's level for its month (the stub before the first month "
        + "at the first level, an unquoted month at the last level before it, after the last month the last level held flat); "
        + "BTC/USD held at the as-of price (USD payouts do not depend on it, BTC amounts do)"

    /// The outcome of the curve path over the run's schedule; the BTC price is `initialPriceUSD` on every day, so the BTC
    /// hashprice of day `i` is `levelHeld(i)/S₀`.
    public static func outcome(deal: Deal, schedule: DealSchedule, curve: ForwardCurve, initialPriceUSD s0: Double) -> PathOutcome {
        let days = schedule.horizonDays
        let price = [Double](repeating: s0, count: days)
        let hashpriceBTC = (0..<days).map { curve.levelHeld(on: schedule.asOf + $0 + 1) / s0 }
        let pricer = TokenPricer(deal: deal, offset: schedule.offset, tokenDays: schedule.tokenDays)
        defer { pricer.deallocate() }
        let buffers = TokenPricer.DailyBuffers(capacity: max(schedule.tokenDays, 1))
        defer { buffers.deallocate() }
        return price.withUnsafeBufferPointer { p in
            hashpriceBTC.withUnsafeBufferPointer { h in pricer.price(priceUSD: p.baseAddress!, hashpriceBTC: h.baseAddress!, into: buffers) }
        }
    }
}
