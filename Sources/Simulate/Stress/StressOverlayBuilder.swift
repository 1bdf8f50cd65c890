import Domain
import Foundation

/// Turns a `Domain.Scenario` into the `StressOverlay` the path generator applies (see `StressOverlay` for the rules).
///
/// * price_crash −X% on day d: `lnPriceShock[d−1] = ln(1−X)` (a permanent level shift).
/// * hashrate_surge +X% over k days from day s: `lnHashRateShock[s−1 … s+k−2] = ln(1+X)/k`.
/// * hashrate_outage −X% for k days from day s: `ln(1−X)` at `s−1`, `−ln(1−X)` at `s+k−1`.
/// * fee_collapse / fee_spike ×m from day s for k days: `ln m` at `s−1`, `−ln m` at `s+k−1` (no end when k is absent).
/// * power_price: `powerPriceFromDay = (d, usd/kWh)`.
/// * halving_shift ±d days: `halvingShiftBlocks = +144·d` (positive = later, as the generator's `subsidy(n − shift)`).
/// * fleet_outage X% for k days from day s: `fleetOutage = (s, k, X)` (the pricer: no output, no power, hosting owed).
/// * payout_suspension k days from day s: `payoutSuspension = (s, k, forfeited)` (the pricer withholds, then pays or not).
/// * historical_replay from…to: the realized daily log increments over the window replace the model's increments:
///   `Δln S_t = ln(S_{from+t+1}/S_{from+t})`, hash rate smoothed by a trailing 7-day mean `H̄`, `Δln H̄`, and fees per block
///   `F = fees_btc/block_count`, `Δln F` (t = 0 … to−from−1, truncated to the horizon). A missing day is an error.
public enum StressOverlayBuilder {
    public static let blocksPerDay = 144

    public static func overlay(for scenario: Scenario, horizonDays: Int, history: [DailyObservation] = []) throws -> StressOverlay {
        var o = StressOverlay(name: scenario.name)
        let n = max(0, horizonDays)
        func arr() -> [Double] { [Double](repeating: 0, count: n) }
        func add(_ a: inout [Double], _ i: Int, _ v: Double) { if i >= 0 && i < a.count { a[i] += v } }
        switch scenario.kind {
        case let .priceCrash(pct, day):
            var a = arr(); add(&a, day - 1, log(1 - pct)); o.lnPriceShock = a
        case let .hashrateSurge(pct, days, start):
            var a = arr(); let step = log(1 + pct) / Double(days)
            for i in 0..<days { add(&a, start - 1 + i, step) }
            o.lnHashRateShock = a
        case let .hashrateOutage(pct, days, start):
            var a = arr(); add(&a, start - 1, log(1 - pct)); add(&a, start - 1 + days, -log(1 - pct)); o.lnHashRateShock = a
        case let .feeMultiplier(m, start, days):
            var a = arr(); add(&a, start - 1, log(m)); if let k = days { add(&a, start - 1 + k, -log(m)) }; o.lnFeeShock = a
        case let .powerPrice(usd, from):
            o.powerPriceFromDay = (day: from, usdPerKWh: usd)
        case let .halvingShift(days):
            o.halvingShiftBlocks = blocksPerDay * days
        case let .fleetOutage(pct, days, start):
            o.fleetOutage = (day: start, days: days, fraction: pct)
        case let .payoutSuspension(days, start, forfeited):
            o.payoutSuspension = (day: start, days: days, forfeited: forfeited)
        case let .historicalReplay(from, to):
            let r = try replayIncrements(scenario: scenario.name, history: history, from: from, to: to)
            let k = min(n, r.price.count)
            o.replayLnPrice = Array(r.price.prefix(k)); o.replayLnHashRate = Array(r.hashRate.prefix(k)); o.replayLnFee = Array(r.fee.prefix(k))
        }
        return o
    }

    /// The realized daily log increments over `from…to` (count `to − from`); `history` must cover `from − 6 … to`.
    public static func replayIncrements(scenario: String, history: [DailyObservation], from: Day, to: Day) throws
        -> (price: [Double], hashRate: [Double], fee: [Double]) {
        var byDay: [Int: DailyObservation] = [:]
        for h in history { byDay[h.date.ordinal] = h }
        func series(_ field: String, _ first: Day, _ f: (DailyObservation) -> Double?) throws -> [Double] {
            var out: [Double] = [], missing = 0, firstMissing: Day?
            var d = first
            while d <= to {
                if let v = byDay[d.ordinal].flatMap(f), v > 0, v.isFinite { out.append(v) } else {
                    missing += 1; if firstMissing == nil { firstMissing = d }; out.append(.nan)
                }
                d = d + 1
            }
            if let m = firstMissing { throw StressError.replayDataMissing(scenario: scenario, field: field, missingDays: missing, first: m) }
            return out
        }
        let price = try series("price_usd", from) { $0.priceUSD }
        let hash = try series("hash_rate_hs", from - 6) { $0.hashRateHs }
        let fee = try series("fees_btc/block_count", from) { o in
            guard let f = o.feesBTC, let b = o.blockCount, b > 0 else { return nil }
            return f / b
        }
        var smooth: [Double] = []
        for i in 6..<hash.count {
            var s = 0.0
            for j in (i - 6)...i { s += hash[j] }
            smooth.append(s / 7)
        }
        func diffs(_ x: [Double]) -> [Double] { (1..<x.count).map { log(x[$0] / x[$0 - 1]) } }
        return (diffs(price), diffs(smooth), diffs(fee))
    }
}
