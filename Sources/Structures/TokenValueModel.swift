import Domain
import Foundation

/// Market value of one token on a path: the present value of its remaining expected net payouts at the *current*
/// hashprice and BTC price (a "frozen-state" PV), floored at 0:
///
///     V_t = Σ_{u=1}^{T−t} δ^u · max(0, a_t · g^{t+u} − C)         (curtailment: economic)
///     V_t = max(0, Σ_{u=1}^{T−t} δ^u · (a_t · g^{t+u} − C))        (curtailment: never)
///
/// with `a_t = h/1000 · uptime · HP_btc,t · (1−pool)(1−mgmt) · S_t` (USD/day before degradation; h in TH/s, HP in
/// BTC/PH/day), `g = (1−deg)^{1/365}`, `δ = (1+r)^{−1/365}` (r = `valuation.discount_rate`),
/// `C = h·eff·24/1000 · power + hosting·h` (USD/day per token) and T = the token term in days.
/// Because `g ≤ 1` the profitable days form a prefix `u ≤ m`, `m = min(T−t, ⌊ln(C/a_t)/ln g⌋ − t)`, so
///
///     V_t = a_t · g^t · Σ_{u=1}^{m} (gδ)^u − C · Σ_{u=1}^{m} δ^u
///
/// is O(1) per day from the prefix sums `GD[m] = Σ_{u≤m}(gδ)^u`, `D[m] = Σ_{u≤m} δ^u` precomputed once.
public struct TokenValueModel: Sendable {
    public let termDays: Int
    /// USD/day per unit of `HP·S` (before degradation).
    public let revenueCoefficient: Double
    public let dailyCostUSD: Double
    public let economic: Bool
    let lnG: Double
    let gPow: [Double]   // g^t, t = 0…T
    let gdSum: [Double]  // Σ_{u=1}^{m} (gδ)^u, m = 0…T
    let dSum: [Double]   // Σ_{u=1}^{m} δ^u

    public init(deal: Deal, termDays: Int? = nil) {
        let h = deal.token.hashrateTH, op = deal.operations
        let T = max(0, termDays ?? deal.token.termDays)
        self.termDays = T
        revenueCoefficient = h / 1000 * op.uptime * (1 - op.poolFee) * (1 - op.managementFee)
        dailyCostUSD = h * deal.miner.efficiencyJTH * 24 / 1000 * op.powerUSDPerKWh + op.hostingUSDPerTHDay * h
        economic = op.curtailment == .economic
        let g = pow(1 - deal.miner.degradationPerYear, 1.0 / 365), d = pow(1 + deal.valuation.discountRate, -1.0 / 365)
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
        var m = rem
        if economic {
            if a <= 0 { return 0 }
            if dailyCostUSD > 0 {
                if lnG < 0 {
                    // a·g^{t+u} ≥ C  ⇔  t+u ≤ ln(C/a)/ln g
                    let lim = (log(dailyCostUSD / a) / lnG).rounded(.down) - Double(t)
                    m = lim < 0 ? 0 : (lim < Double(rem) ? Int(lim) : rem)
                } else if a < dailyCostUSD { m = 0 }
            }
        }
        let v = a * gPow[t] * gdSum[m] - dailyCostUSD * dSum[m]
        return v > 0 ? v : 0
    }
}
