import CKernels
import Domain
import Foundation

/// Per-path results of one token (SPEC §6).
public struct PathOutcome: Equatable, Sendable {
    public var pvUSD: Double
    public var btcTotal: Double
    public var usdTotal: Double
    /// Annual IRR against the issue price: −1 (−100 %) when the path pays nothing or its IRR is below −99.9 %; NaN
    /// (written as missing, never as NaN) above 100,000 % a year.
    public var irr: Double
    /// First token day when cumulative USD payouts ≥ price; 0 = never.
    public var paybackDay: Int
    public var daysCurtailed: Int
    public var terminated: Bool
    public init(pvUSD: Double, btcTotal: Double, usdTotal: Double, irr: Double, paybackDay: Int, daysCurtailed: Int, terminated: Bool) {
        self.pvUSD = pvUSD; self.btcTotal = btcTotal; self.usdTotal = usdTotal; self.irr = irr
        self.paybackDay = paybackDay; self.daysCurtailed = daysCurtailed; self.terminated = terminated
    }
}

/// A stress scenario's changes to the token's own cash flows, in token days (0-based indices, `lo ..< hi`): what the
/// pricer applies (the path generator applies the rest of a `StressOverlay`).
public struct PricerOverlay: Equatable, Sendable {
    /// Power price `usdPerKWh` from token index `from` on.
    public var power: (from: Int, usdPerKWh: Double)?
    /// Share `fraction` of the token's machines down on token indices `from ..< to`.
    public var outage: (from: Int, to: Int, fraction: Double)?
    /// Payouts withheld on token indices `from ..< to`, released with the payout of index `release` (nil: forfeited, or
    /// beyond the simulated days) or, unless `forfeited`, of the day the token terminates if that comes first.
    public var suspension: (from: Int, to: Int, release: Int?, forfeited: Bool)?

    public init(power: (from: Int, usdPerKWh: Double)? = nil, outage: (from: Int, to: Int, fraction: Double)? = nil,
                suspension: (from: Int, to: Int, release: Int?, forfeited: Bool)? = nil) {
        self.power = power; self.outage = outage; self.suspension = suspension
    }

    /// The pricer's part of `overlay` for the deal's `schedule` (scenario days are 1-based simulated days; token day
    /// `t` is simulated day `offset + t`, a shock before the token starts applies from its first day). A withheld payout
    /// is released on the day after the suspension or, when the token's term ends first, on its last day; a release beyond
    /// the simulated days (a truncated run) is not simulated.
    public init(_ overlay: StressOverlay?, schedule: DealSchedule) {
        let off = schedule.offset, n = schedule.tokenDays
        func index(_ simulatedDay: Int) -> Int { max(0, simulatedDay - off - 1) }
        power = overlay?.powerPriceFromDay.map { (from: index($0.day), usdPerKWh: $0.usdPerKWh) }
        outage = overlay?.fleetOutage.flatMap { o in
            let lo = index(o.day), hi = min(n, max(0, o.day + o.days - off - 1))
            return lo < hi ? (from: lo, to: hi, fraction: o.fraction) : nil
        }
        suspension = overlay?.payoutSuspension.flatMap { o in
            let lo = index(o.day), hiAll = max(0, o.day + o.days - off - 1), hi = min(n, hiAll)
            guard lo < hi else { return nil }
            let r = min(hiAll, schedule.termDays - 1)
            return (from: lo, to: hi, release: o.forfeited || r >= n ? nil : r, forfeited: o.forfeited)
        }
    }

    public static func == (a: PricerOverlay, b: PricerOverlay) -> Bool {
        a.power?.from == b.power?.from && a.power?.usdPerKWh == b.power?.usdPerKWh && a.outage?.from == b.outage?.from
            && a.outage?.to == b.outage?.to && a.outage?.fraction == b.outage?.fraction && a.suspension?.from == b.suspension?.from
            && a.suspension?.to == b.suspension?.to && a.suspension?.release == b.suspension?.release
            && a.suspension?.forfeited == b.suspension?.forfeited
    }
    public var isEmpty: Bool { power == nil && outage == nil && suspension == nil }
}

/// Token cash flows on one path (the "path pricer"). Token day `t` (1-based) is simulated day `offset + t`.
///
/// The day's terms are `Domain.TokenCashFlow` (one definition, shared with the collateral marks), evaluated for all days
/// at once by the vectorised kernel `hashsec_token_terms`:
///
///     gross_BTC = h·(1−deg)^{t/365}·uptime·hp_btc_ph_day/1000·(1−pool_fee)(1−mgmt)
///     power_USD = h·e·24/1000·p·uptime,   hosting_USD = hosting_usd_th_day·h
///     net_BTC   = gross − (power + hosting)/S_t
///
/// `curtailment: economic`: on days with gross·S < power the machines are off (no revenue, no power; hosting due).
/// `floor_zero`: payout = max(net, 0); `carry_forward`: deficits are owed from later payouts.
/// `terminate_after_deficit_days: N` ends the token after N consecutive deficit days, as a cloud-mining contract ends
/// after N days of output below its maintenance cost (Genesis: 60, HashFlare: 28). A deficit day is a day whose output
/// does not cover the running cost: net < 0, or — with `curtailment: economic` — a day on which the machines are
/// switched off because running them would lose money (gross·S < power). Curtailed days therefore count towards
/// termination; without that a curtailed contract (no revenue, no cost: net = 0) could never end.
///
/// Stress overlays on the token's own cash flows (`PricerOverlay`): a power price from a day on; an **own-fleet outage**
/// — share x of the machines down: gross and power × (1 − x) (power is billed by consumption: machines that are down draw
/// none, so it is not owed), hosting owed in full (a capacity fee); a day of a whole-fleet outage is a deficit day only
/// when net < 0 (hosting owed), not because its gross is 0 (the machines are down, not switched off for economics);
/// a **payout suspension** — the day's payout (after the deficit rule) is withheld, and the withheld BTC is paid with the
/// payout of the release day (or the day the token terminates, if earlier), or never when forfeited.
///
/// PV = Σ payout_USD·(1+r)^{−t/365}. IRR: the annual i with Σ payout_USD·(1+i)^{−t/365} = price (safeguarded Newton on
/// v = (1+i)^{−1/365}, monotone for non-negative payouts).
public struct TokenPricer {
    public let deal: Deal
    public let offset: Int
    public let tokenDays: Int
    public let cashFlow: TokenCashFlow
    /// (1−deg)^{t/365} and (1+r)^{−t/365} for t = 0…tokenDays (allocated once per run, shared read-only).
    let degradation: UnsafeMutablePointer<Double>
    let discount: UnsafeMutablePointer<Double>

    public init(deal: Deal, offset: Int, tokenDays: Int) {
        self.deal = deal; self.offset = offset; self.tokenDays = tokenDays
        cashFlow = deal.cashFlow
        let r = deal.valuation.discountRate
        let n = max(tokenDays, 0) + 1
        degradation = .allocate(capacity: n); discount = .allocate(capacity: n)
        for t in 0..<n { degradation[t] = cashFlow.degradation(day: t); discount[t] = Foundation.pow(1 + r, -Double(t) / 365) }
    }

    /// Frees the factor tables (call once when the run is over).
    public func deallocate() { degradation.deallocate(); discount.deallocate() }

    /// `(1+r)^{−t/365}`, t = 0…tokenDays (the PV's discount factors).
    public func discountFactor(day t: Int) -> Double { discount[t] }

    /// Daily series for the structure engines / quantiles, indexed by token day − 1 (length ≥ tokenDays).
    public struct DailyBuffers {
        public let grossBTC: UnsafeMutablePointer<Double>
        public let costUSD: UnsafeMutablePointer<Double>
        public let netBTC: UnsafeMutablePointer<Double>
        public let netUSD: UnsafeMutablePointer<Double>
        public let capacity: Int
        public init(capacity: Int) {
            self.capacity = capacity
            grossBTC = .allocate(capacity: max(capacity, 1)); costUSD = .allocate(capacity: max(capacity, 1))
            netBTC = .allocate(capacity: max(capacity, 1)); netUSD = .allocate(capacity: max(capacity, 1))
        }
        public func deallocate() { grossBTC.deallocate(); costUSD.deallocate(); netBTC.deallocate(); netUSD.deallocate() }
    }

    /// Values of the pricer's sequential state after each token day, `stateWidth` per day (`state[i·3 + k]`): the BTC owed
    /// under `carry_forward` (k = 0), the current run of consecutive deficit days (k = 1; `terminate_after_deficit_days` or
    /// more once terminated) and the BTC withheld by a payout suspension (k = 2).
    public static let stateWidth = 3

    /// Prices one path given its simulated price and hashprice (BTC/PH/day) series, indexed by simulated day − 1.
    @inline(__always)
    public func price(priceUSD: UnsafePointer<Double>, hashpriceBTC: UnsafePointer<Double>, into b: DailyBuffers,
                      overlay: PricerOverlay = PricerOverlay()) -> PathOutcome {
        price(priceUSD: priceUSD, hashpriceBTC: hashpriceBTC, grossBTC: b.grossBTC, costUSD: b.costUSD, netBTC: b.netBTC, netUSD: b.netUSD,
              overlay: overlay)
    }

    /// Same, writing the daily series at the given pointers (length ≥ tokenDays); `cumulativeBTC`, when given, gets the
    /// running total of paid BTC after each token day, and `state` (`stateWidth` per day) the sequential state.
    @inline(__always)
    public func price(priceUSD: UnsafePointer<Double>, hashpriceBTC: UnsafePointer<Double>, grossBTC: UnsafeMutablePointer<Double>,
                      costUSD: UnsafeMutablePointer<Double>, netBTC: UnsafeMutablePointer<Double>, netUSD: UnsafeMutablePointer<Double>,
                      cumulativeBTC: UnsafeMutablePointer<Double>? = nil, state: UnsafeMutablePointer<Double>? = nil,
                      overlay: PricerOverlay = PricerOverlay()) -> PathOutcome {
        let b = (grossBTC: grossBTC, costUSD: costUSD, netBTC: netBTC, netUSD: netUSD)
        let degradation = self.degradation, discount = self.discount, offset = self.offset, tokenDays = self.tokenDays
        let o = deal.operations, cf = cashFlow
        let feeFactor = cf.revenuePerHashprice
        let basePower = cf.energyKWhPerDay
        let hosting = cf.hostingUSDPerDay
        let economic = cf.economic, carry = o.deficit == .carryForward
        let termN = o.terminateAfterDeficitDays ?? Int.max
        var pv = 0.0, btc = 0.0, usd = 0.0, owed = 0.0
        var payback = 0, curtailed = 0, terminated = false
        let priceToken = deal.token.priceUSD
        var last = tokenDays
        let overrideFrom = overlay.power?.from ?? Int.max, overridePrice = overlay.power?.usdPerKWh ?? 0
        let normalPower = cf.powerUSDPerDay, overridePower = basePower * overridePrice
        let canPayBack = priceToken > 0
        // Element-wise terms (gross, cost, net = gross − cost/S after curtailment) in one vectorised pass
        // (`hashsec_token_terms`); `netBTC` holds `net` until the sequential pass below overwrites it with the payout.
        guard tokenDays > 0 else {
            return PathOutcome(pvUSD: 0, btcTotal: 0, usdTotal: 0, irr: .nan, paybackDay: 0, daysCurtailed: 0, terminated: false)
        }
        // Token days i ≥ from (0-based): the terms and the number of curtailed days among them.
        func terms(from i: Int) -> Int {
            hashsec_token_terms(tokenDays - i, priceUSD + offset + i, hashpriceBTC + offset + i, degradation + 1 + i, feeFactor, normalPower,
                                overridePower, overrideFrom == Int.max ? Int.max : overrideFrom - i, hosting, economic ? 1 : 0,
                                b.grossBTC + i, b.costUSD + i, b.netBTC + i)
        }
        curtailed = terms(from: 0)
        // Own-fleet outage: those days again with the running share 1 − x of output and power (hosting in full).
        var fullOutage = (lo: 0, hi: 0)
        if let out = overlay.outage {
            if out.fraction >= 1 { fullOutage = (out.from, out.to) }
            curtailed += outageTerms(out, days: out.from..<out.to, priceUSD: priceUSD, hashpriceBTC: hashpriceBTC, overlay: overlay,
                                     grossBTC: b.grossBTC, costUSD: b.costUSD, netBTC: b.netBTC)
        }
        let susLo = overlay.suspension?.from ?? 0, susHi = overlay.suspension?.to ?? 0, release = overlay.suspension?.release ?? -1
        let releaseOnEnd = overlay.suspension.map { !$0.forfeited } ?? false
        // Sequential pass (`hashsec_token_pass`, CKernels): carry or floor, deficit run and termination, suspension and
        // release, totals, PV and payback, in day order (branch-free selects: near breakeven the deficit test flips
        // unpredictably).
        var pin = hashsec_token_pass_in(days: tokenDays, terminateAfter: termN, fullOutageFrom: fullOutage.lo, fullOutageTo: fullOutage.hi,
                                        suspendFrom: susLo, suspendTo: susHi, release: release, carry: carry ? 1 : 0,
                                        economic: economic ? 1 : 0, releaseOnEnd: releaseOnEnd ? 1 : 0, canPayBack: canPayBack ? 1 : 0,
                                        priceToken: priceToken)
        var pout = hashsec_token_pass_out()
        hashsec_token_pass(&pin, priceUSD + offset, b.grossBTC, b.netBTC, b.netUSD, discount + 1, cumulativeBTC, state, &pout)
        pv = pout.pv; btc = pout.btc; usd = pout.usd; owed = pout.owed
        payback = pout.payback; last = pout.last; terminated = pout.terminated != 0
        // After termination nothing more is paid, and later days do not count as curtailed (the same kernel counts them).
        if terminated {
            curtailed -= terms(from: last)
            if let out = overlay.outage, out.to > last {
                // Outage days after the end were recounted by the kernel without the outage: undo the adjustment above.
                curtailed -= outageTerms(out, days: max(last, out.from)..<out.to, priceUSD: priceUSD, hashpriceBTC: hashpriceBTC,
                                         overlay: overlay, grossBTC: nil, costUSD: nil, netBTC: nil)
            }
            for i in last..<tokenDays {
                b.grossBTC[i] = 0; b.costUSD[i] = 0; b.netBTC[i] = 0; b.netUSD[i] = 0; cumulativeBTC?[i] = btc
                if let st = state { st[3 * i] = owed; st[3 * i + 1] = Double(termN); st[3 * i + 2] = 0 }
            }
        }
        // The pass's running sums are irr's Σ flows and Σ t·flows (same additions, same order).
        let irr = TokenPricer.irr(flows: b.netUSD, count: last, price: priceToken, total: usd, weighted: pout.weightedUSD)
        return PathOutcome(pvUSD: pv, btcTotal: btc, usdTotal: usd, irr: irr, paybackDay: payback,
                           daysCurtailed: curtailed, terminated: terminated)
    }

    /// An own-fleet outage's token days `days` (0-based) with the running share `1 − x` of output and power (hosting in
    /// full): their terms into the buffers (when given) and the change in the number of curtailed days against the
    /// kernel's terms without the outage.
    private func outageTerms(_ out: (from: Int, to: Int, fraction: Double), days: Range<Int>, priceUSD: UnsafePointer<Double>,
                             hashpriceBTC: UnsafePointer<Double>, overlay: PricerOverlay, grossBTC: UnsafeMutablePointer<Double>?,
                             costUSD: UnsafeMutablePointer<Double>?, netBTC: UnsafeMutablePointer<Double>?) -> Int {
        let cf = cashFlow, economic = cf.economic, feeFactor = cf.revenuePerHashprice, r = 1 - out.fraction
        let overrideFrom = overlay.power?.from ?? Int.max, overridePower = cf.energyKWhPerDay * (overlay.power?.usdPerKWh ?? 0)
        var change = 0
        for i in days {
            let S = priceUSD[offset + i], g0 = feeFactor * degradation[1 + i] * hashpriceBTC[offset + i]
            let p0 = i >= overrideFrom ? overridePower : cf.powerUSDPerDay
            let wasOff = economic && g0 * S < p0
            let d = cf.day(hashpriceBTC: hashpriceBTC[offset + i], priceUSD: S, degradation: degradation[1 + i] * r, powerUSD: p0 * r)
            grossBTC?[i] = d.grossBTC; costUSD?[i] = d.costUSD; netBTC?[i] = d.netBTC
            change += (d.off ? 1 : 0) - (wasOff ? 1 : 0)
        }
        return change
    }

    /// Annual IRR of paying `price` at t = 0 and receiving `flows[t−1]` on day t (flows ≥ 0): −1 when nothing is paid or
    /// the IRR is below −99.9 % a year (censored), NaN above 100,000 % a year or without a price.
    ///
    /// Root of `f(v) = Σ_t c_t v^t − price` (v = (1+i)^{−1/365}), increasing in v > 0 for non-negative flows, by Newton
    /// safeguarded with bisection inside `[1001^{−1/365}, 0.001^{−1/365}]` (annual IRR in [−0.999, 1000]).
    /// `f` and `f′` come from `hashsec_flows_poly` (CKernels): sixteen interleaved Horner chains in `w = v¹⁶`
    /// (t = 16m + r, r = 1…16), vectorised and bit-identical on every CPU:
    ///
    ///     f(v) + price = Σ_r v^r·P_r(w),   P_r(w) = Σ_m c_{16m+r}·w^m
    ///     f′(v)        = Σ_r [r·v^{r−1}·P_r(w) + 16·v^{r+15}·P_r′(w)]
    ///
    /// so the chains run side by side instead of one long dependent chain (the IRR is a per-path hot spot).
    public static func irr(flows: UnsafePointer<Double>, count: Int, price: Double) -> Double {
        guard price > 0, count > 0 else { return .nan }
        var tot = 0.0, tw = 0.0
        for k in 0..<count { tot += flows[k]; tw += Double(k + 1) * flows[k] }
        return irr(flows: flows, count: count, price: price, total: tot, weighted: tw)
    }

    /// The same with `total` = Σ flows[k] and `weighted` = Σ (k+1)·flows[k] (in index order) already summed.
    static func irr(flows: UnsafePointer<Double>, count: Int, price: Double, total tot: Double, weighted tw: Double) -> Double {
        guard price > 0, count > 0 else { return .nan }
        @inline(__always) func f(_ v: Double) -> (Double, Double) {
            var s = 0.0, ds = 0.0
            hashsec_flows_poly(flows, count, v, &s, &ds)
            return (s - price, ds)
        }
        var lo = Foundation.pow(1001.0, -1.0 / 365), hi = Foundation.pow(0.001, -1.0 / 365)
        let loBound = lo, hiBound = hi
        // Start from the IRR of receiving the undiscounted total at the flows' centre of mass.
        guard tot > 0 else { return -1 }   // nothing paid: the whole price is lost
        var v = Foundation.pow(price / tot, 1 / max(1, tw / tot))
        if !(v > lo && v < hi) { v = (lo + hi) / 2 }
        var fEnd = 0.0, converged = false
        for _ in 0..<100 {
            let (fv, dv) = f(v)
            fEnd = fv
            if abs(fv) <= 1e-12 * price { converged = true; break }
            if fv < 0 { lo = v } else { hi = v }
            var nv = dv > 0 ? v - fv / dv : (lo + hi) / 2
            if !(nv > lo && nv < hi) { nv = (lo + hi) / 2 }
            // A vanishing step is a root only where f vanishes too: pinned against a bound of the bracket without a
            // sign change (no IRR in [−0.999, 1000]) the steps vanish while f does not.
            if abs(nv - v) <= 1e-14 * v { v = nv; fEnd = f(v).0; converged = abs(fEnd) <= 1e-8 * price; break }
            v = nv
        }
        // No root inside the bounds. f < 0 at the end means the payouts are worth less than the price even at −99.9 %
        // a year: censored to −100 % (so IRR quantiles count these paths at the bottom instead of dropping them);
        // f > 0 means an IRR above 100,000 % a year: missing.
        if !converged || v <= loBound || v >= hiBound { return fEnd < 0 ? -1 : .nan }
        let r = Foundation.pow(v, -365) - 1
        return r.isFinite ? r : .nan
    }
}
