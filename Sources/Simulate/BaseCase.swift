import Domain
import FileIO
import Foundation
import Statistics

/// The flat-hashprice base case (issue 14): the one deterministic path on which today's hashprice — the USD/PH/day of
/// the as-of day, `exp(lnHashpriceHistory.last)` — is held flat over the run's days and BTC/USD is held at the as-of
/// price, priced through the one cash-flow function (`TokenPricer`, as every simulated path and the curve value).
///
///     hashprice_btc(day) = H₀ / S₀  (H₀: today's USD hashprice per PH/day, S₀: BTC/USD on the as-of day)
///     payout_usd(t) = TokenPricer's payout on token day t (BTC × S₀),  cumulative_usd(t) = Σ_{u≤t} payout_usd(u)
///     pv_usd(t) = Σ_{u≤t} payout_usd(u)·(1+r)^{−u/365}  (r: the deal's discount rate; the last row's is the outcome's PV)
///
/// `base_case.csv` has one row per token day; `summary.json`'s `base_case` gives the outcome (PV, totals, IRR, payback).
public struct BaseCase: Sendable {
    public static let rule = "today's hashprice (USD/PH/day on the as-of day) held flat over the run's days; BTC/USD held at the as-of price"

    /// Today's hashprice, USD/PH/day.
    public var hashpriceUSD: Double
    public var outcome: PathOutcome
    /// Per token day: BTC paid, USD paid, cumulative USD, cumulative PV.
    public var payoutBTC: [Double], payoutUSD: [Double], cumulativeUSD: [Double], cumulativePV: [Double]
    /// Date of token day 1.
    public var firstTokenDay: Day

    /// The base case of `deal` over `schedule` from `state` (nil when the state has no hashprice history).
    public init?(deal: Deal, schedule: DealSchedule, state: InitialState) {
        guard let ln = state.lnHashpriceHistory.last, ln.isFinite, state.priceUSD > 0, state.priceUSD.isFinite else { return nil }
        let h0 = Foundation.exp(ln), s0 = state.priceUSD
        let days = schedule.horizonDays
        let price = [Double](repeating: s0, count: max(days, 1))
        let hashpriceBTC = [Double](repeating: h0 / s0, count: max(days, 1))
        let n = schedule.tokenDays
        let pricer = TokenPricer(deal: deal, offset: schedule.offset, tokenDays: n)
        defer { pricer.deallocate() }
        let buffers = TokenPricer.DailyBuffers(capacity: max(n, 1))
        defer { buffers.deallocate() }
        outcome = price.withUnsafeBufferPointer { p in
            hashpriceBTC.withUnsafeBufferPointer { h in pricer.price(priceUSD: p.baseAddress!, hashpriceBTC: h.baseAddress!, into: buffers) }
        }
        hashpriceUSD = h0
        firstTokenDay = schedule.asOf + schedule.offset + 1
        payoutBTC = (0..<n).map { buffers.netBTC[$0] }
        payoutUSD = (0..<n).map { buffers.netUSD[$0] }
        let r = deal.valuation.discountRate
        var usd = 0.0, pv = 0.0
        cumulativeUSD = []; cumulativePV = []
        for t in 1...max(n, 1) where t <= n {
            usd += payoutUSD[t - 1]; pv += payoutUSD[t - 1] * Foundation.pow(1 + r, -Double(t) / 365)
            cumulativeUSD.append(usd); cumulativePV.append(pv)
        }
    }

    /// `base_case.csv`: `token_day,date,hashprice_usd_ph_day,payout_btc,payout_usd,cumulative_usd,pv_usd` (full precision).
    public var csv: String {
        var t = CSVText(header: ["token_day", "date", "hashprice_usd_ph_day", "payout_btc", "payout_usd", "cumulative_usd", "pv_usd"])
        for i in payoutUSD.indices {
            t.append([.integer(i + 1), .text((firstTokenDay + i).iso), .number(hashpriceUSD), .number(payoutBTC[i]), .number(payoutUSD[i]),
                      .number(cumulativeUSD[i]), .number(cumulativePV[i])])
        }
        return t.text
    }

    /// `summary.json`'s `base_case` (the same shape as the curve value's).
    public var summary: CurveSummary.Value {
        let o = outcome
        return CurveSummary.Value(rule: Self.rule + " (\(hashpriceUSD.description) USD/PH/day)", pvUSD: o.pvUSD, usdTotal: o.usdTotal,
                                  btcTotal: o.btcTotal, irr: o.irr, paybackDay: o.paybackDay, daysCurtailed: o.daysCurtailed,
                                  terminated: o.terminated)
    }
}
