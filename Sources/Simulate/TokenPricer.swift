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

/// Token cash flows on one path (the "path pricer"). Token day `t` (1-based) is simulated day `offset + t`.
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
/// PV = Σ payout_USD·(1+r)^{−t/365}. IRR: the annual i with Σ payout_USD·(1+i)^{−t/365} = price (safeguarded Newton on
/// v = (1+i)^{−1/365}, monotone for non-negative payouts).
public struct TokenPricer {
    public let deal: Deal
    public let offset: Int
    public let tokenDays: Int
    /// (1−deg)^{t/365} and (1+r)^{−t/365} for t = 0…tokenDays (allocated once per run, shared read-only).
    let degradation: UnsafeMutablePointer<Double>
    let discount: UnsafeMutablePointer<Double>

    public init(deal: Deal, offset: Int, tokenDays: Int) {
        self.deal = deal; self.offset = offset; self.tokenDays = tokenDays
        let deg = deal.miner.degradationPerYear, r = deal.valuation.discountRate
        let n = max(tokenDays, 0) + 1
        degradation = .allocate(capacity: n); discount = .allocate(capacity: n)
        for t in 0..<n { degradation[t] = Foundation.pow(1 - deg, Double(t) / 365); discount[t] = Foundation.pow(1 + r, -Double(t) / 365) }
    }

    /// Frees the factor tables (call once when the run is over).
    public func deallocate() { degradation.deallocate(); discount.deallocate() }

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

    /// Prices one path given its simulated price and hashprice (BTC/PH/day) series, indexed by simulated day − 1.
    /// `powerOverride`: (first token day, USD/kWh) from a stress overlay.
    @inline(__always)
    public func price(priceUSD: UnsafePointer<Double>, hashpriceBTC: UnsafePointer<Double>, into b: DailyBuffers,
                      powerOverride: (day: Int, usdPerKWh: Double)? = nil) -> PathOutcome {
        price(priceUSD: priceUSD, hashpriceBTC: hashpriceBTC, grossBTC: b.grossBTC, costUSD: b.costUSD, netBTC: b.netBTC, netUSD: b.netUSD,
              powerOverride: powerOverride)
    }

    /// Same, writing the daily series at the given pointers (length ≥ tokenDays); `cumulativeBTC`, when given, gets the
    /// running total of paid BTC after each token day.
    @inline(__always)
    public func price(priceUSD: UnsafePointer<Double>, hashpriceBTC: UnsafePointer<Double>, grossBTC: UnsafeMutablePointer<Double>,
                      costUSD: UnsafeMutablePointer<Double>, netBTC: UnsafeMutablePointer<Double>, netUSD: UnsafeMutablePointer<Double>,
                      cumulativeBTC: UnsafeMutablePointer<Double>? = nil,
                      powerOverride: (day: Int, usdPerKWh: Double)? = nil) -> PathOutcome {
        let b = (grossBTC: grossBTC, costUSD: costUSD, netBTC: netBTC, netUSD: netUSD)
        let degradation = self.degradation, discount = self.discount, offset = self.offset, tokenDays = self.tokenDays
        let o = deal.operations, h = deal.token.hashrateTH
        let feeFactor = h * o.uptime / 1000 * (1 - o.poolFee) * (1 - o.managementFee)
        let basePower = h * deal.miner.efficiencyJTH * 24 / 1000 * o.uptime
        let hosting = o.hostingUSDPerTHDay * h
        let economic = o.curtailment == .economic, carry = o.deficit == .carryForward
        let termN = o.terminateAfterDeficitDays ?? Int.max
        var pv = 0.0, btc = 0.0, usd = 0.0, owed = 0.0
        var payback = 0, curtailed = 0, run = 0, terminated = false
        let priceToken = deal.token.priceUSD
        var last = tokenDays
        let overrideDay = powerOverride?.day ?? Int.max, overridePrice = powerOverride?.usdPerKWh ?? 0
        let normalPower = basePower * o.powerUSDPerKWh, overridePower = basePower * overridePrice
        let canPayBack = priceToken > 0
        // Element-wise terms (gross, cost, net = gross − cost/S after curtailment) in one vectorised pass
        // (`hashsec_token_terms`); `netBTC` holds `net` until the sequential pass below overwrites it with the payout.
        guard tokenDays > 0 else {
            return PathOutcome(pvUSD: 0, btcTotal: 0, usdTotal: 0, irr: .nan, paybackDay: 0, daysCurtailed: 0, terminated: false)
        }
        // Token days i ≥ from (0-based): the terms and the number of curtailed days among them.
        func terms(from i: Int) -> Int {
            hashsec_token_terms(tokenDays - i, priceUSD + offset + i, hashpriceBTC + offset + i, degradation + 1 + i, feeFactor, normalPower,
                                overridePower, overrideDay == Int.max ? Int.max : overrideDay - 1 - i, hosting, economic ? 1 : 0,
                                b.grossBTC + i, b.costUSD + i, b.netBTC + i)
        }
        curtailed = terms(from: 0)
        // Sequential pass, branch-free (selects, not jumps): near breakeven the deficit test flips unpredictably.
        var t = 1
        while t <= tokenDays {
            let i = t &- 1
            let S = priceUSD[offset &+ i]
            let net = b.netBTC[i]
            let pay: Double
            if carry {
                let bal = net - owed
                pay = bal >= 0 ? bal : 0
                owed = bal >= 0 ? 0 : -bal
            } else { pay = net > 0 ? net : 0 }
            // Switched off (economic curtailment writes gross = 0) or running at a loss.
            let deficit = net < 0 || (economic && b.grossBTC[i] == 0)
            run = deficit ? run &+ 1 : 0
            let payUSD = pay * S
            b.netBTC[i] = pay; b.netUSD[i] = payUSD
            btc += pay; usd += payUSD; pv += payUSD * discount[t]
            cumulativeBTC?[i] = btc
            payback = payback == 0 && canPayBack && usd >= priceToken ? t : payback
            if run >= termN { terminated = true; last = t; break }
            t &+= 1
        }
        // After termination nothing more is paid, and later days do not count as curtailed (the same kernel counts them).
        if terminated {
            curtailed -= terms(from: last)
            for i in last..<tokenDays { b.grossBTC[i] = 0; b.costUSD[i] = 0; b.netBTC[i] = 0; b.netUSD[i] = 0; cumulativeBTC?[i] = btc }
        }
        let irr = TokenPricer.irr(flows: b.netUSD, count: last, price: priceToken)
        return PathOutcome(pvUSD: pv, btcTotal: btc, usdTotal: usd, irr: irr, paybackDay: payback,
                           daysCurtailed: curtailed, terminated: terminated)
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
        @inline(__always) func f(_ v: Double) -> (Double, Double) {
            var s = 0.0, ds = 0.0
            hashsec_flows_poly(flows, count, v, &s, &ds)
            return (s - price, ds)
        }
        var lo = Foundation.pow(1001.0, -1.0 / 365), hi = Foundation.pow(0.001, -1.0 / 365)
        let loBound = lo, hiBound = hi
        // Start from the IRR of receiving the undiscounted total at the flows' centre of mass.
        var tot = 0.0, tw = 0.0
        for k in 0..<count { tot += flows[k]; tw += Double(k + 1) * flows[k] }
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
