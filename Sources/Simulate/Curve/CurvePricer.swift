import Domain
import Foundation

/// The engine's curve accumulation (a path pricer beside `TokenPricer` and `StructurePricer`): for every path, the
/// per-month record of `CurvePlan` — the mean simulated hashprice of each curve month (the forward-measure check), the
/// means over the token's days in it and the BTC/USD price on its settlement day (the hedge's cash flows) — and, with a
/// hedge, the hedged position's IRR and its margin path.
///
/// **Hedged IRR**: the token's daily USD payouts plus, on each month's settlement day, `N_k · settlement_k`
/// (`CurvePlan.settlementPerUnit`). A hedge loss can make a day's flow negative, so the IRR is unique only when the
/// cumulative flows (from −price) change sign once (Norström's criterion); otherwise it is missing (NaN, never written).
///
/// **Margin** (per token, USD): at inception the initial margin `im · Σ_k N_k·F_k·n_k`; at the end of simulated day `i`
///
///     M(i) = im · Σ_{k open} N_k·F_k·r_k(i)  +  max(0, −V(i))
///     V(i) = Σ_{k open} N_k · (n_k·F_k − A_k(i) − r_k(i)·F_k·ρ(i)),   ρ(i) = hp(i) / F(i)
///
/// with `A_k(i)` the hashprice accrued in month k's window so far, `r_k(i)` its window days still to come, `F(i)` the
/// curve's level for day i (`ForwardCurve.levelHeld`) and `V` the seller's mark-to-market: **the mark** moves the whole
/// remaining curve by the ratio of the day's simulated hashprice to the curve's level for that day (a parallel shift in
/// log, the curve keeping its shape). A month leaves the sum on its settlement day (its cash is paid then). The BTC-settled
/// variant runs the same in BTC (`hp = hashprice_BTC`, `F = F^BTC`) and converts at the day's BTC/USD price. Recorded:
/// the peak of `M`, its simulated day (0 = inception) and the largest one-day increase of `M` (a margin call).
struct CurvePricer {
    let plan: CurvePlan
    let width: Int
    let offset: Int, tokenDays: Int
    let priceUSD: Double
    let initialPriceUSD: Double
    /// The curve's level for each simulated day, in the hedge's unit (the mark's reference).
    let reference: [Double]
    let lastHedgeDay: Int

    init(plan: CurvePlan, schedule: DealSchedule, tokenPriceUSD: Double, initialPriceUSD: Double) {
        self.plan = plan; width = plan.recordWidth; offset = schedule.offset; tokenDays = schedule.tokenDays
        priceUSD = tokenPriceUSD; self.initialPriceUSD = initialPriceUSD
        let unit: CurveUnit = plan.hedge?.settlement == .btc ? .btc : .usd
        lastHedgeDay = plan.months.compactMap(\.tokenLast).max() ?? -1
        reference = plan.hedge == nil ? [] : (0..<max(lastHedgeDay + 1, 0)).map { plan.levelHeld(day: $0, unit: unit) }
    }

    /// Per-worker buffers: the hedged flows and each month's accrued hashprice.
    final class Scratch {
        let flows: UnsafeMutablePointer<Double>
        var accrued: [Double]
        init(tokenDays: Int, months: Int) {
            flows = .allocate(capacity: max(tokenDays, 1)); accrued = [Double](repeating: 0, count: months)
        }
        deinit { flows.deallocate() }
    }
    func makeScratch() -> Scratch { Scratch(tokenDays: tokenDays, months: plan.months.count) }

    /// Writes path's record at `out` (`width` values) from its simulated series (by simulated day index) and the token's
    /// USD payouts (`netUSD`, by token day − 1).
    func record(hashpriceUSD hp: UnsafePointer<Double>, hashpriceBTC hb: UnsafePointer<Double>, price s: UnsafePointer<Double>,
                netUSD: UnsafePointer<Double>, scratch: Scratch, out: UnsafeMutablePointer<Double>) {
        for (k, m) in plan.months.enumerated() {
            var sum = 0.0
            for i in m.first...m.last { sum += hp[i] }
            out[CurvePlan.index(month: k, .meanUSD)] = sum / Double(m.days)
            if let a = m.tokenFirst, let b = m.tokenLast {
                var u = 0.0, v = 0.0
                for i in a...b { u += hp[i]; v += hb[i] }
                let n = Double(b - a + 1)
                out[CurvePlan.index(month: k, .hedgeMeanUSD)] = u / n
                out[CurvePlan.index(month: k, .hedgeMeanBTC)] = v / n
                out[CurvePlan.index(month: k, .settlementPrice)] = s[b]
            } else {
                for f in [CurvePlan.Field.hedgeMeanUSD, .hedgeMeanBTC, .settlementPrice] { out[CurvePlan.index(month: k, f)] = .nan }
            }
        }
        guard let h = plan.hedge else { return }
        // Hedged IRR.
        let f = scratch.flows
        for t in 0..<tokenDays { f[t] = netUSD[t] }
        for k in plan.months.indices where h.notional[k] != 0 {
            f[plan.months[k].tokenLast! - offset] += h.notional[k] * plan.settlementPerUnit(month: k, record: UnsafePointer(out), settlement: h.settlement)
        }
        var cumulative = -priceUSD, changes = 0
        for t in 0..<tokenDays {
            let next = cumulative + f[t]
            if (next > 0) != (cumulative > 0) { changes += 1 }
            cumulative = next
        }
        out[plan.index(.irr)] = changes <= 1 ? TokenPricer.irr(flows: UnsafePointer(f), count: tokenDays, price: priceUSD) : .nan
        // Margin path.
        let btc = h.settlement == .btc
        let series = btc ? hb : hp
        let months = plan.months
        let levels = months.map { btc ? ($0.btcLevel ?? 0) : $0.level }
        var open = 0.0   // Σ N_k·F_k·(window days still to come), contract units
        for (k, m) in months.enumerated() { open += h.notional[k] * levels[k] * Double(m.hedgeDays); scratch.accrued[k] = 0 }
        var previous = h.initialMargin * open * (btc ? initialPriceUSD : 1)
        var peak = previous, peakDay = 0.0, maxCall = 0.0
        if lastHedgeDay >= 0 {
            for i in 0...lastHedgeDay {
                let rho = series[i] / reference[i]
                var value = 0.0
                for (k, m) in months.enumerated() where h.notional[k] != 0 {
                    guard let a = m.tokenFirst, let b = m.tokenLast, i <= b else { continue }
                    let n = h.notional[k], fk = levels[k]
                    if i >= a { scratch.accrued[k] += series[i]; open -= n * fk }
                    if i == b { continue }   // settles today: paid, out of the mark
                    let remaining = Double(b - max(i, a - 1))
                    value += n * (Double(b - a + 1) * fk - scratch.accrued[k] - remaining * fk * rho)
                }
                let required = (h.initialMargin * max(open, 0) + max(0, -value)) * (btc ? s[i] : 1)
                maxCall = max(maxCall, required - previous)
                if required > peak { peak = required; peakDay = Double(i + 1) }
                previous = required
            }
        }
        out[plan.index(.peakMargin)] = peak
        out[plan.index(.peakMarginDay)] = peakDay
        out[plan.index(.maxDailyCall)] = maxCall
    }
}
