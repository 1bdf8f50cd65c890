import Domain
import Foundation

/// The **intrinsic** (frozen-state) collateral mark, `mark: intrinsic`: the present value of the token's remaining net
/// payouts if today's hashprice and BTC price held for the rest of the term, with the pricer's own daily cash flow
/// (`Domain.TokenCashFlow`: uptime in revenue and power, fees, hosting, degradation):
///
///     V_t = Σ_{u=1}^{T−t} δ^u · max(0, a_t · g^{t+u} − C)
///
/// with `a_t = revenuePerHashprice · HP_btc,t · S_t` (USD/day before degradation; `revenuePerHashprice =
/// h·uptime/1000·(1−pool)(1−mgmt)`), `C = energyKWhPerDay·power + hosting` (USD/day; `energyKWhPerDay = h·e·24/1000·uptime`),
/// `g = (1−deg)^{1/365}`, `δ = (1+r)^{−1/365}` (r = `valuation.discount_rate`) and T the token's remaining term. Each day
/// pays `max(0, ·)`: under `floor_zero` that is the pricer's payout, with or without economic curtailment (a day that does
/// not cover power and hosting pays nothing either way); under `carry_forward` too, because with a frozen state the
/// unprofitable days form a suffix (degradation only lowers output), so no later payout repays a deficit.
/// Because `g ≤ 1` the profitable days are a prefix `u ≤ m`, `m = min(T−t, ⌊ln(C/a_t)/ln g⌋ − t)`, so
///
///     V_t = a_t · g^t · Σ_{u=1}^{m} (gδ)^u − C · Σ_{u=1}^{m} δ^u
///
/// is O(1) per day from the prefix sums `GD[m] = Σ_{u≤m}(gδ)^u`, `D[m] = Σ_{u≤m} δ^u` precomputed once. It has no option
/// value (it is 0 as soon as today's hashprice is below breakeven) and no coming halving: `ConditionalMark` is the
/// model-consistent mark that has both.
public struct TokenValueModel: Sendable {
    public let termDays: Int
    /// USD/day per unit of `HP·S` (before degradation): `TokenCashFlow.revenuePerHashprice`.
    public let revenueCoefficient: Double
    /// Power and hosting, USD/day: `TokenCashFlow.runningCostUSDPerDay`.
    public let dailyCostUSD: Double
    let lnG: Double
    let gPow: [Double]   // g^t, t = 0…T
    let gdSum: [Double]  // Σ_{u=1}^{m} (gδ)^u, m = 0…T
    let dSum: [Double]   // Σ_{u=1}^{m} δ^u

    public init(deal: Deal, termDays: Int? = nil) {
        let cf = deal.cashFlow
        let T = max(0, termDays ?? deal.token.termDays)
        self.termDays = T
        revenueCoefficient = cf.revenuePerHashprice
        dailyCostUSD = cf.runningCostUSDPerDay
        let g = pow(1 - cf.degradationPerYear, 1.0 / 365), d = pow(1 + deal.valuation.discountRate, -1.0 / 365)
        lnG = log(g)
        var gp = [Double](repeating: 1, count: T + 1), gd = [Double](repeating: 0, count: T + 1), ds = gd
        var x = 1.0, y = 1.0
        for m in 0...T {
            gp[m] = pow(g, Double(m))
            if m > 0 { x *= g * d; y *= d; gd[m] = gd[m - 1] + x; ds[m] = ds[m - 1] + y }
        }
        gPow = gp; gdSum = gd; dSum = ds
    }

    /// Value on day `t` (0 ≤ t ≤ T) given that day's hashprice (BTC/PH/day) and price (USD).
    @inline(__always) public func value(day t: Int, hashpriceBTC: Double, priceUSD: Double) -> Double {
        let rem = termDays - t
        guard rem > 0 else { return 0 }
        let a = revenueCoefficient * hashpriceBTC * priceUSD
        if a <= 0 { return 0 }
        var m = rem
        if dailyCostUSD > 0 {
            if lnG < 0 {
                // a·g^{t+u} ≥ C  ⇔  t+u ≤ ln(C/a)/ln g
                let lim = (log(dailyCostUSD / a) / lnG).rounded(.down) - Double(t)
                m = lim < 0 ? 0 : (lim < Double(rem) ? Int(lim) : rem)
            } else if a < dailyCostUSD { m = 0 }
        }
        let v = a * gPow[t] * gdSum[m] - dailyCostUSD * dSum[m]
        return v > 0 ? v : 0
    }

    /// The marks of days 0…`into.count − 1` on `path` (day t ≥ 1 at the path's index t − 1; day 0 at `day0` = (hashprice
    /// BTC/PH/day, price USD) of the state the position opens in, or the path's first day when nil).
    public func marks(_ path: TokenPathView, day0: (hashpriceBTC: Double, priceUSD: Double)?, into out: UnsafeMutableBufferPointer<Double>) {
        guard out.count > 0 else { return }
        let d0 = day0 ?? (path.days > 0 ? (path.hashpriceBTCPerPHDay[0], path.priceUSD[0]) : (0, 0))
        out[0] = value(day: 0, hashpriceBTC: d0.hashpriceBTC, priceUSD: d0.priceUSD)
        for t in 1..<out.count { out[t] = value(day: t, hashpriceBTC: path.hashpriceBTCPerPHDay[t - 1], priceUSD: path.priceUSD[t - 1]) }
    }
}
