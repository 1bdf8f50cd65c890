import Domain
import Foundation

/// Interprets a `StructureSpec` (an ordered list of steps) over one path's daily pool cash flows.
///
/// Periods: fixed `periodDays`-day periods (default 30) from path day 1; the last period may be shorter; the number of
/// periods is `P = ⌈days / periodDays⌉`. Period k collects `C_k = poolTokens · max(0, Σ_{d∈k} netPayoutUSD_d)` (a negative
/// period sum is the operator's deficit, not the pool's).
///
/// Per period, before the steps: reserve target `R* = max(targetUSD, m · B_senior · r_senior · periodDays/365)`;
/// fees due `F = s·C + fixed + fee arrears`; for each debt tranche the interest due
/// `I = B·r·n_k/365 (+ arrears)` (USD coupon) or `(B·r·n_k/365 / S_ref) · S_end` (BTC coupon: fixed in BTC at the reference
/// price `S_ref` = price on day 1, paid at the period-end price `S_end`), and scheduled principal
/// `P = max(0, B − B*_k)` with the scheduled balance `B*_k` (level: `B_0·max(0, 1 − (k+1)/M)`, bullet: `B_0` until period M,
/// custom: `B_0·max(0, 1 − Σ_{j≤k} f_j)`; 0 from period M and in the last period).
/// `DSCR = (C − F) / Σ_debt (I + P)`; the trigger is active when `DSCR < dscrBelow` or (if enabled) the reserve is below target.
/// While the trigger is inactive, trapped cash is released into available cash; in the last period the reserve and the trap
/// are released in full.
///
/// Steps (any order): `payFees` and `payInterest` of the senior (first) tranche may draw on the reserve for a shortfall;
/// unpaid interest and fees become arrears (no interest on arrears); `fillReserve` deposits up to the target;
/// `payResidual` pays what is left to the equity tranche — unless the trigger is active (and it is not the last period): then
/// `turbo` pays it as extra senior principal (the rest to equity), `cashTrap` moves it to the trap account.
/// Cash left after the last step is carried in the trap account.
///
/// Ledger, every period: `C + reserveDraw + trapRelease = fees + interest + principal + reserveDeposit + residual + trapDeposit`.
public struct WaterfallEngine: Sendable {
    public let spec: StructureSpec
    public let poolTokens: Double
    /// Tranche index of each step's target (−1 for steps without a tranche).
    let stepTranche: [Int]
    public let seniorIndex: Int
    public let equityIndex: Int?

    public init(spec: StructureSpec, deal: Deal) throws {
        guard spec.periodDays >= 1 else { throw StructuresError.invalidStructure("period_days must be ≥ 1") }
        guard !spec.tranches.isEmpty else { throw StructuresError.invalidStructure("no tranches") }
        var names = Set<String>()
        for t in spec.tranches {
            guard names.insert(t.name).inserted else { throw StructuresError.invalidStructure("duplicate tranche '\(t.name)'") }
            guard t.balanceUSD.isFinite, t.balanceUSD >= 0 else { throw StructuresError.invalidStructure("tranche '\(t.name)': balance must be ≥ 0") }
            guard t.annualRate.isFinite, t.annualRate >= 0 else { throw StructuresError.invalidStructure("tranche '\(t.name)': rate must be ≥ 0") }
        }
        var idx: [Int] = []
        for s in spec.steps {
            let name: String?
            switch s {
            case .payFees, .fillReserve: name = nil
            case .payInterest(let n), .payPrincipal(let n), .payResidual(let n): name = n
            }
            if let n = name {
                guard let i = spec.tranches.firstIndex(where: { $0.name == n }) else {
                    throw StructuresError.invalidStructure("step refers to unknown tranche '\(n)'")
                }
                idx.append(i)
            } else { idx.append(-1) }
        }
        self.spec = spec
        self.stepTranche = idx
        self.poolTokens = Double(spec.poolTokens ?? deal.token.count)
        guard let senior = spec.tranches.firstIndex(where: { !$0.isEquity }) else {
            throw StructuresError.invalidStructure("at least one debt (non-equity) tranche is required")
        }
        self.seniorIndex = senior
        self.equityIndex = spec.tranches.firstIndex(where: { $0.isEquity })
    }

    /// Number of `Double`s per path result: 6 per tranche + 4 globals (see `WaterfallPathLayout`).
    public var resultWidth: Int { WaterfallPathLayout.width(tranches: spec.tranches.count) }

    public func periods(days: Int) -> Int { (days + spec.periodDays - 1) / spec.periodDays }

    /// Scratch sized for `days`; reuse it across paths on one thread (no allocation per path).
    public func makeScratch(days: Int) -> WaterfallScratch {
        WaterfallScratch(tranches: spec.tranches.count, periods: periods(days: days))
    }

    /// Convenience (allocates): runs one path and returns its fixed-length result.
    public func run(_ path: TokenPathView) -> [Double] {
        var scratch = makeScratch(days: path.days)
        var out = [Double](repeating: 0, count: resultWidth)
        out.withUnsafeMutableBufferPointer { run(path, scratch: &scratch, into: $0) }
        return out
    }

    /// Runs one path; writes `resultWidth` values into `out` (layout: `WaterfallPathLayout`) and the per-period ledger
    /// and flows into `scratch`. Per period: the dues and the trigger (`dues`), the opening cash (`open`), each step in
    /// order (`apply`), the ledger row (`close`); then the per-tranche results (`results`).
    public func run(_ path: TokenPathView, scratch s: inout WaterfallScratch, into out: UnsafeMutableBufferPointer<Double>) {
        let P = periods(days: path.days)
        if s.periods < P { s = makeScratch(days: path.days) }
        reset(&s, periods: P)
        var acc = Accounts(reserve: spec.reserve.initialUSD)
        var totals = Totals()
        let sRef = path.days > 0 ? path.priceUSD[0] : 0
        for k in 0..<P {
            let terms = dues(period: k, of: P, path: path, sRef: sRef, accounts: acc, scratch: &s)
            if terms.trigger { totals.triggerPeriods += 1 }
            var cash = open(terms, accounts: &acc)
            for j in spec.steps.indices { apply(j, terms, cash: &cash, accounts: &acc, scratch: &s) }
            close(terms, cash: &cash, accounts: &acc, totals: &totals, scratch: &s)
        }
        results(path: path, periods: P, totals: totals, scratch: &s, into: out)
    }

    /// The reserve, the trap account and the fee arrears, carried from period to period.
    struct Accounts {
        var reserve: Double, trap = 0.0, feeArrears = 0.0
    }

    /// One period's terms, fixed before its steps run.
    struct PeriodTerms {
        var k: Int, periods: Int, last: Bool
        /// `C_k`, the reserve target `R*`, the fees due `F`, the period end in years, the trigger.
        var collections: Double, target: Double, feesDue: Double, tEnd: Double, trigger: Bool
    }

    /// One period's cash as the steps move it (the ledger's columns).
    struct PeriodCash {
        var available: Double, draw = 0.0, trapRelease = 0.0
        var fees = 0.0, interest = 0.0, principal = 0.0, deposit = 0.0, residual = 0.0, trapDeposit = 0.0
    }

    /// The path's globals (`WaterfallPathLayout`).
    struct Totals {
        var maxLedgerError = 0.0, drawTotal = 0.0, triggerPeriods = 0.0, feesTotal = 0.0
    }

    /// Every tranche at its opening balance, nothing paid, no flows.
    func reset(_ s: inout WaterfallScratch, periods P: Int) {
        let tr = spec.tranches
        for i in 0..<tr.count {
            s.balance[i] = tr[i].balanceUSD; s.interestArrears[i] = 0; s.interestPaid[i] = 0; s.principalPaid[i] = 0
            s.shortfall[i] = 0; s.walNumerator[i] = 0
        }
        for i in 0..<(tr.count * P) { s.flows[i] = 0 }
        s.usedPeriods = P
    }

    /// Period k's collections `C_k`, reserve target `R*`, fees due `F`, each debt tranche's interest and principal due
    /// (into `scratch`), and the trigger (`DSCR = (C − F) / Σ_debt (I + P) < dscrBelow`, or the reserve below target).
    @inline(__always)
    func dues(period k: Int, of P: Int, path: TokenPathView, sRef: Double, accounts acc: Accounts, scratch s: inout WaterfallScratch) -> PeriodTerms {
        let tr = spec.tranches, pd = spec.periodDays
        let d0 = k * pd, d1 = min(d0 + pd, path.days), nk = Double(d1 - d0)
        let last = k == P - 1
        var sum = 0.0
        for d in d0..<d1 { sum += path.netPayoutUSD[d] }
        let collections = poolTokens * max(0, sum)
        let sEnd = path.priceUSD[d1 - 1]
        let sen = tr[seniorIndex]
        let target = last ? 0 : max(spec.reserve.targetUSD ?? 0,
                                    (spec.reserve.targetMonthsSeniorInterest ?? 0) * s.balance[seniorIndex] * sen.annualRate * Double(pd) / 365)
        let feesDue = spec.fees.servicerShare * collections + spec.fees.fixedUSDPerPeriod + acc.feeArrears
        var debtService = 0.0
        for i in 0..<tr.count where !tr[i].isEquity {
            var coupon = s.balance[i] * tr[i].annualRate * nk / 365
            if tr[i].interestCurrency == .btc { coupon = sRef > 0 ? coupon / sRef * sEnd : 0 }
            s.interestDue[i] = coupon + s.interestArrears[i]
            s.principalDue[i] = max(0, s.balance[i] - scheduledBalance(tr[i], period: k, periods: P))
            debtService += s.interestDue[i] + s.principalDue[i]
        }
        var trigger = false
        if !last {
            if let th = spec.triggers.dscrBelow, debtService > 0, (collections - feesDue) / debtService < th { trigger = true }
            if spec.triggers.reserveBelowTarget, acc.reserve < target - 1e-9 { trigger = true }
        }
        return PeriodTerms(k: k, periods: P, last: last, collections: collections, target: target, feesDue: feesDue,
                           tEnd: Double(d1) / 365, trigger: trigger)
    }

    /// The cash available before the steps: the collections, plus in the last period the whole reserve and trap, and
    /// while the trigger is inactive the trapped cash.
    @inline(__always)
    func open(_ t: PeriodTerms, accounts acc: inout Accounts) -> PeriodCash {
        var c = PeriodCash(available: t.collections)
        if t.last {
            c.draw += acc.reserve; c.available += acc.reserve; acc.reserve = 0
            c.trapRelease = acc.trap; c.available += acc.trap; acc.trap = 0
        } else if !t.trigger, acc.trap > 0 {
            c.trapRelease = acc.trap; c.available += acc.trap; acc.trap = 0
        }
        return c
    }

    /// Step j of the structure.
    @inline(__always)
    func apply(_ j: Int, _ t: PeriodTerms, cash c: inout PeriodCash, accounts acc: inout Accounts, scratch s: inout WaterfallScratch) {
        let i = stepTranche[j]
        switch spec.steps[j] {
        case .payFees: payFees(t, cash: &c, accounts: &acc)
        case .payInterest: if !spec.tranches[i].isEquity { payInterest(i, t, cash: &c, accounts: &acc, scratch: &s) }
        case .payPrincipal: if !spec.tranches[i].isEquity { payPrincipal(i, t, cash: &c, scratch: &s) }
        case .fillReserve:
            let x = min(c.available, max(0, t.target - acc.reserve))
            c.available -= x; acc.reserve += x; c.deposit += x
        case .payResidual: payResidual(i, t, cash: &c, accounts: &acc, scratch: &s)
        }
    }

    /// `payFees`: the fees due, a shortfall drawn on the reserve; what is still unpaid becomes fee arrears.
    @inline(__always)
    func payFees(_ t: PeriodTerms, cash c: inout PeriodCash, accounts acc: inout Accounts) {
        var pay = min(c.available, t.feesDue)
        c.available -= pay
        if pay < t.feesDue, acc.reserve > 0 {
            let x = min(acc.reserve, t.feesDue - pay); acc.reserve -= x; c.draw += x; pay += x
        }
        c.fees += pay; acc.feeArrears = t.feesDue - pay
    }

    /// `payInterest` of debt tranche i: the senior tranche's shortfall drawn on the reserve; unpaid interest becomes
    /// arrears (and marks a shortfall).
    @inline(__always)
    func payInterest(_ i: Int, _ t: PeriodTerms, cash c: inout PeriodCash, accounts acc: inout Accounts, scratch s: inout WaterfallScratch) {
        let due = s.interestDue[i]
        var pay = min(c.available, due)
        c.available -= pay
        if pay < due, i == seniorIndex, acc.reserve > 0 {
            let x = min(acc.reserve, due - pay); acc.reserve -= x; c.draw += x; pay += x
        }
        s.interestArrears[i] = due - pay
        if s.interestArrears[i] > 1e-9 { s.shortfall[i] = 1 } else { s.interestArrears[i] = 0 }
        s.interestPaid[i] += pay; c.interest += pay
        s.flows[i * t.periods + t.k] += pay
        s.interestDue[i] = 0
    }

    /// `payPrincipal` of debt tranche i: the scheduled principal, as far as the cash goes (less marks a shortfall).
    @inline(__always)
    func payPrincipal(_ i: Int, _ t: PeriodTerms, cash c: inout PeriodCash, scratch s: inout WaterfallScratch) {
        let due = min(s.principalDue[i], s.balance[i])
        let pay = min(c.available, due)
        c.available -= pay
        if due - pay > 1e-9 { s.shortfall[i] = 1 }
        s.balance[i] -= pay; s.principalPaid[i] += pay; c.principal += pay
        s.walNumerator[i] += pay * t.tEnd
        s.flows[i * t.periods + t.k] += pay
        s.principalDue[i] = 0
    }

    /// `payResidual` to tranche i (the equity) of what is left; under an active trigger `turbo` first pays it as senior
    /// principal, `cashTrap` moves it to the trap account.
    @inline(__always)
    func payResidual(_ i: Int, _ t: PeriodTerms, cash c: inout PeriodCash, accounts acc: inout Accounts, scratch s: inout WaterfallScratch) {
        if t.trigger {
            switch spec.triggers.action {
            case .turbo:
                let x = min(c.available, s.balance[seniorIndex])
                c.available -= x; s.balance[seniorIndex] -= x; s.principalPaid[seniorIndex] += x; c.principal += x
                s.walNumerator[seniorIndex] += x * t.tEnd
                s.flows[seniorIndex * t.periods + t.k] += x
            case .cashTrap:
                acc.trap += c.available; c.trapDeposit += c.available; c.available = 0
            }
        }
        c.residual += c.available
        s.interestPaid[i] += c.available
        s.flows[i * t.periods + t.k] += c.available
        s.walNumerator[i] += c.available * t.tEnd
        c.available = 0
    }

    /// Cash left after the last step goes to the trap account; the ledger row and its relative error
    /// `|in − out| / max(1, in)`, the totals.
    @inline(__always)
    func close(_ t: PeriodTerms, cash c: inout PeriodCash, accounts acc: inout Accounts, totals: inout Totals, scratch s: inout WaterfallScratch) {
        if c.available > 0 { acc.trap += c.available; c.trapDeposit += c.available; c.available = 0 }
        let inflow = t.collections + c.draw + c.trapRelease
        let outflow = c.fees + c.interest + c.principal + c.deposit + c.residual + c.trapDeposit
        let err = abs(inflow - outflow) / max(1, inflow)
        if err > totals.maxLedgerError { totals.maxLedgerError = err }
        let row = t.k * WaterfallScratch.ledgerColumns
        s.ledger[row] = t.collections; s.ledger[row + 1] = c.draw; s.ledger[row + 2] = c.trapRelease
        s.ledger[row + 3] = c.fees; s.ledger[row + 4] = c.interest; s.ledger[row + 5] = c.principal
        s.ledger[row + 6] = c.deposit; s.ledger[row + 7] = c.residual; s.ledger[row + 8] = c.trapDeposit
        s.ledger[row + 9] = acc.reserve; s.ledger[row + 10] = acc.trap; s.ledger[row + 11] = t.trigger ? 1 : 0
        totals.drawTotal += c.draw; totals.feesTotal += c.fees
    }

    /// Per tranche: interest (equity: residual) and principal received, shortfall, loss fraction, WAL in years, IRR;
    /// then the globals.
    func results(path: TokenPathView, periods P: Int, totals: Totals, scratch s: inout WaterfallScratch, into out: UnsafeMutableBufferPointer<Double>) {
        let tr = spec.tranches
        let T = Double(path.days) / 365
        for i in 0..<tr.count {
            let b0 = tr[i].balanceUSD
            let o = WaterfallPathLayout.trancheOffset(i)
            out[o] = s.interestPaid[i]
            out[o + 1] = s.principalPaid[i]
            if tr[i].isEquity {
                let got = s.interestPaid[i]
                out[o + 2] = got < b0 - 1e-9 ? 1 : 0
                out[o + 3] = b0 > 0 ? max(0, 1 - got / b0) : 0
                out[o + 4] = got > 0 ? s.walNumerator[i] / got : 0
            } else {
                let unpaid = s.balance[i] + s.interestArrears[i]
                if unpaid > 1e-9 { s.shortfall[i] = 1 }
                out[o + 2] = s.shortfall[i]
                out[o + 3] = b0 > 0 ? s.balance[i] / b0 : 0
                out[o + 4] = b0 > 0 ? (s.walNumerator[i] + s.balance[i] * T) / b0 : 0
            }
            out[o + 5] = WaterfallEngine.irr(investment: b0, flows: s.flows, offset: i * P, count: P, periodDays: spec.periodDays)
        }
        let g = WaterfallPathLayout.globalOffset(tranches: tr.count)
        out[g] = totals.maxLedgerError; out[g + 1] = totals.drawTotal; out[g + 2] = totals.triggerPeriods; out[g + 3] = totals.feesTotal
    }

    /// Scheduled outstanding balance after period `k` (0-based) of `P`.
    func scheduledBalance(_ t: StructureSpec.Tranche, period k: Int, periods P: Int) -> Double {
        let M = min(max(1, t.maturityPeriods ?? P), P)
        if k + 1 >= M { return 0 }
        switch t.amortization {
        case .level: return t.balanceUSD * max(0, 1 - Double(k + 1) / Double(M))
        case .bullet: return t.balanceUSD
        case .custom(let f):
            var c = 0.0
            for j in 0...min(k, f.count - 1) where f.count > 0 { c += f[j] }
            return t.balanceUSD * max(0, 1 - c)
        }
    }

    /// Annual IRR `r` of equal periods: `B = Σ_k f_k x^{k+1}` with `x = (1+r)^{−periodDays/365}`, solved for `x > 0`
    /// (the right side increases in x because every `f_k ≥ 0`) by Newton's method safeguarded with bisection inside a
    /// bracket found by doubling, then `r = x^{−365/periodDays} − 1`. No inflows → −1; no investment → 0. Clamped to
    /// [−1, 1000].
    public static func irr(investment b: Double, flows: [Double], offset: Int, count: Int, periodDays: Int) -> Double {
        guard b > 0 else { return 0 }
        var total = 0.0
        for k in 0..<count { total += flows[offset + k] }
        guard total > 0 else { return -1 }
        /// (pv(x) − b, pv′(x)) by Horner.
        func f(_ x: Double) -> (Double, Double) {
            var acc = 0.0, dacc = 0.0
            var k = count - 1
            while k >= 0 { dacc = dacc * x + acc; acc = acc * x + flows[offset + k]; k -= 1 }
            return (acc * x - b, dacc * x + acc)
        }
        var lo = 0.0, hi = 1.0
        var guardN = 0
        while f(hi).0 < 0, guardN < 200 { lo = hi; hi *= 2; guardN += 1 }
        var x = 0.5 * (lo + hi)
        for _ in 0..<200 {
            let (fx, dfx) = f(x)
            if fx == 0 { break }
            if fx < 0 { lo = x } else { hi = x }
            var nx = dfx > 0 ? x - fx / dfx : 0.5 * (lo + hi)
            if !(nx > lo && nx < hi) { nx = 0.5 * (lo + hi) }
            if abs(nx - x) <= 1e-15 * nx || hi - lo <= 1e-15 * hi { x = nx; break }
            x = nx
        }
        let r = pow(x, -365.0 / Double(periodDays)) - 1
        return r.isFinite ? min(max(r, -1), 1000) : 1000
    }
}

/// Layout of one path's waterfall result: per tranche i at `6·i`:
/// `[interest_paid_usd (equity: residual received), principal_paid_usd, shortfall(0/1), loss_fraction, wal_years, irr]`,
/// then 4 globals: `[max_ledger_error (relative), reserve_draw_usd, trigger_periods, fees_paid_usd]`.
public enum WaterfallPathLayout {
    public static let perTranche = 6
    public static let globals = 4
    public static func width(tranches: Int) -> Int { perTranche * tranches + globals }
    public static func trancheOffset(_ i: Int) -> Int { perTranche * i }
    public static func globalOffset(tranches: Int) -> Int { perTranche * tranches }
}

/// Per-thread working storage for `WaterfallEngine.run` (sized once, reused for every path).
public struct WaterfallScratch {
    /// Ledger columns per period: collections, reserve_draw, trap_release, fees, interest, principal, reserve_deposit,
    /// residual, trap_deposit, reserve_balance_end, trap_balance_end, trigger(0/1).
    public static let ledgerColumns = 12
    public internal(set) var periods: Int
    public internal(set) var usedPeriods = 0
    public internal(set) var ledger: [Double]
    /// Investor flows (interest + principal, or residual) per tranche and period: `flows[i·periods + k]`.
    public internal(set) var flows: [Double]
    var balance, interestArrears, interestDue, principalDue, interestPaid, principalPaid, shortfall, walNumerator: [Double]
    init(tranches n: Int, periods p: Int) {
        periods = p
        ledger = [Double](repeating: 0, count: p * WaterfallScratch.ledgerColumns)
        flows = [Double](repeating: 0, count: n * p)
        let z = [Double](repeating: 0, count: n)
        balance = z; interestArrears = z; interestDue = z; principalDue = z; interestPaid = z; principalPaid = z
        shortfall = z; walNumerator = z
    }
    /// Ledger value of period k (0-based), column c.
    public func ledger(_ k: Int, _ c: Int) -> Double { ledger[k * WaterfallScratch.ledgerColumns + c] }
}
