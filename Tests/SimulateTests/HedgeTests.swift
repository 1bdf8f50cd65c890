import Domain
import Foundation
@testable import Simulate
import Statistics
import XCTest

/// The NDF hedge overlay and the curve value (SPEC §13), against independent calculations on the same paths.
final class HedgeTests: XCTestCase {
    let cal = Fixture.calibration(sigma: 0.035, lambda: 0.03, muJ: -0.03, sigmaJ: 0.08, mu: 0.0004, hashA: -0.006, hashB: 0.002,
                                  hashSigma: 0.01, feeKappa: 0.05, feeSigma: 0.1)
    var asOf: Day { cal.initialState.date }   // 2027-01-01
    let months = (2...7).map { YearMonth(year: 2027, month: $0)! }
    var usdCurve: ForwardCurve { ForwardCurve(quoteDate: asOf, unit: .usd, months: months, levels: [30, 24, 25, 23, 26, 27]) }
    var btcCurve: ForwardCurve { ForwardCurve(quoteDate: asOf, unit: .btc, months: months, levels: [3.6e-4, 3e-4, 3.1e-4, 2.9e-4, 3.2e-4, 3.3e-4]) }

    /// A token whose days are exactly the curve's months (2027-02-01 … 2027-07-31).
    func curveDeal(power: Double = 0, hosting: Double = 0, curtailment: Operations.Curtailment = .never) -> Deal {
        var d = Fixture.deal(term: months.last!.lastDay - months.first!.firstDay + 1, curtailment: curtailment, power: power, hosting: hosting)
        d.token.start = .date(months.first!.firstDay - 1)   // token day 1 = 2027-02-01
        return d
    }

    func run(_ deal: Deal, _ plan: CurvePlan, paths: Int = 400, seed: UInt64 = 4, threads: Int = 2) throws -> PartialResult {
        try MonteCarlo.run(deal: deal, calibration: cal, settings: SimulationSettings(paths: paths, seed: seed, threads: threads, blockSize: 8), curve: plan)
    }

    /// Acceptance: a gross token (no power, no hosting) hedged with USD NDFs on its own PH/s each month keeps under 1 % of
    /// its unhedged PV variance (the hedge settles on the monthly mean of the same daily hashprice the token earns).
    func testGrossTokenHedgedOnItsOwnHashrateKeepsUnderOnePercentOfItsVariance() throws {
        let deal = curveDeal()
        let schedule = DealSchedule(deal: deal, asOf: asOf, horizon: nil)
        var plan = try CurvePlan(curve: usdCurve, schedule: schedule, discountRate: deal.valuation.discountRate)
        XCTAssertEqual(plan.hedgedMonths.count, 6)
        XCTAssertEqual(plan.months.map(\.hedgeDays).reduce(0, +), schedule.tokenDays, "every token day is in a hedge window")
        let own = plan.ownHashrate(deal: deal, offset: schedule.offset)
        try plan.setHedge(HedgeSpec(notional: own, settlement: .usd, label: "own"))
        let r = try run(deal, plan, paths: 1000)
        let hedge = CurveOutputs.hedgePV(r, plan, notional: own, settlement: .usd)
        let hedged = zip(r.pvUSD, hedge).map(+)
        let ratio = Moments.sd(hedged) * Moments.sd(hedged) / (Moments.sd(r.pvUSD) * Moments.sd(r.pvUSD))
        XCTAssertLessThan(ratio, 0.01, "hedged variance / unhedged variance")
        XCTAssertGreaterThan(Moments.sd(r.pvUSD), 0.05 * Moments.mean(r.pvUSD), "the unhedged PV does vary")
        // The locked value: about Σ_k N_k·n_k·F_k discounted.
        let locked = plan.months.enumerated().reduce(0.0) { $0 + own[$1.offset] * Double($1.element.hedgeDays) * $1.element.level * $1.element.settlementDiscount }
        XCTAssertEqual(Moments.mean(hedged), locked, accuracy: 0.01 * locked)
        // The engine's strategies table agrees (the "own" row is this hedge).
        let ctx = CurveContext(plan: plan, source: "test", forward: nil, value: CurveValue.outcome(deal: deal, schedule: schedule, curve: usdCurve,
                                                                                                initialPriceUSD: cal.initialState.priceUSD),
                               ownHashrate: own, initialPriceUSD: cal.initialState.priceUSD)
        let st = CurveOutputs.strategies(r, ctx, antithetic: true)
        XCTAssertEqual(st.first { $0.name == "own" }!.pv, hedged)
        XCTAssertEqual(st[1].pv, hedged)
        // A net token (power paid) hedged on its gross hash rate keeps more of its variance: the cost is not hedged.
        let net = curveDeal(power: 0.06, curtailment: .economic)
        var planNet = try CurvePlan(curve: usdCurve, schedule: schedule, discountRate: 0.1)
        try planNet.setHedge(HedgeSpec(notional: own, settlement: .usd, label: "own"))
        let rn = try run(net, planNet, paths: 1000)
        let hn = zip(rn.pvUSD, CurveOutputs.hedgePV(rn, planNet, notional: own, settlement: .usd)).map(+)
        XCTAssertGreaterThan(Moments.sd(hn) * Moments.sd(hn) / (Moments.sd(rn.pvUSD) * Moments.sd(rn.pvUSD)), ratio)
    }

    /// The engine's curve record, hedge PV, hedged IRR and BTC settlement against a re-computation from the generator's
    /// own series (same paths, same streams), path by path.
    func testRecordsAgainstTheGeneratorSeries() throws {
        var deal = curveDeal(power: 0.05, curtailment: .economic)
        deal.token.priceUSD = 2   // about what six months of a 1 TH/s token pay: IRRs that are neither censored nor huge
        let schedule = DealSchedule(deal: deal, asOf: asOf, horizon: nil)
        var plan = try CurvePlan(curve: usdCurve, btcCurve: btcCurve, schedule: schedule, discountRate: 0.1)
        let notional = plan.months.indices.map { 0.0004 + 0.0001 * Double($0) }
        let s = SimulationSettings(paths: 16, seed: 9, threads: 1, blockSize: 8)
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s, days: schedule.horizonDays)
        let sc = gen.makeScratch()
        let pricer = TokenPricer(deal: deal, offset: schedule.offset, tokenDays: schedule.tokenDays)
        defer { pricer.deallocate() }
        let buf = TokenPricer.DailyBuffers(capacity: schedule.tokenDays)
        defer { buf.deallocate() }
        var irrChecked = 0
        for settlement in HedgeSpec.Settlement.allCases {
            try plan.setHedge(HedgeSpec(notional: notional, settlement: settlement, label: "test"))
            let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, curve: plan)
            let hedgePV = CurveOutputs.hedgePV(r, plan, notional: notional, settlement: settlement)
            for first in stride(from: 0, to: 16, by: 8) {
                gen.generate(first: first, count: 8, into: sc)
                for p in 0..<8 {
                    let d = schedule.horizonDays, base = p * d
                    let out = pricer.price(priceUSD: sc.price + base, hashpriceBTC: sc.hashpriceBTC + base, into: buf)
                    XCTAssertEqual(out.pvUSD, r.pvUSD[first + p])
                    var flows = (0..<schedule.tokenDays).map { buf.netUSD[$0] }
                    var pv = 0.0
                    for (k, m) in plan.months.enumerated() {
                        // Token days of month k: the dates of the month (the token covers whole months here).
                        let idx = (m.month.firstDay - asOf - 1)...(m.month.lastDay - asOf - 1)
                        let meanUSD = idx.map { sc.hashpriceUSD[base + $0] }.reduce(0, +) / Double(idx.count)
                        let meanBTC = idx.map { sc.hashpriceBTC[base + $0] }.reduce(0, +) / Double(idx.count)
                        let rec = r.curve[(first + p) * r.curveWidth + CurvePlan.index(month: k, .hedgeMeanUSD)]
                        XCTAssertEqual(rec, meanUSD, accuracy: 1e-12 * meanUSD)
                        let cash = settlement == .usd
                            ? notional[k] * Double(idx.count) * (usdCurve.levels[k] - meanUSD)
                            : notional[k] * Double(idx.count) * (btcCurve.levels[k] - meanBTC) * sc.price[base + idx.upperBound]
                        let t = idx.upperBound - schedule.offset + 1   // token day of settlement
                        pv += cash * Foundation.pow(1.1, -Double(t) / 365)
                        flows[t - 1] += cash
                    }
                    XCTAssertEqual(hedgePV[first + p], pv, accuracy: 1e-9 * max(1, abs(pv)), "\(settlement) path \(first + p)")
                    XCTAssertNotEqual(pv, 0)
                    // The hedged IRR solves Σ flows·(1+i)^{−t/365} = price (or is missing: not unique).
                    let irr = r.curve[(first + p) * r.curveWidth + plan.index(.irr)]
                    if irr.isFinite, irr > -0.999 {   // −1: censored (the payouts are worth less than the price at −99.9 %/yr)
                        let npv = flows.enumerated().reduce(0.0) { $0 + $1.element * Foundation.pow(1 + irr, -Double($1.offset + 1) / 365) }
                        XCTAssertEqual(npv, deal.token.priceUSD, accuracy: 1e-6 * deal.token.priceUSD, "\(settlement) path \(first + p)")
                        irrChecked += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(irrChecked, 24, "hedged IRRs checked")
    }

    /// The margin path by hand: a curve far above every path's hashprice keeps the seller in the money, so the requirement
    /// is the initial margin on the notional still to come (peak at inception, never a call); the engine's peak, its day
    /// and its largest call equal an independent day-by-day valuation of each open month on every path.
    func testMarginAgainstAnIndependentValuation() throws {
        let deal = curveDeal()
        let schedule = DealSchedule(deal: deal, asOf: asOf, horizon: nil)
        let high = ForwardCurve(quoteDate: asOf, unit: .usd, months: months, levels: usdCurve.levels.map { $0 * 20 })
        var plan = try CurvePlan(curve: high, schedule: schedule, discountRate: 0.1)
        let n = [Double](repeating: 0.001, count: 6)
        try plan.setHedge(HedgeSpec(notional: n, settlement: .usd, initialMargin: 0.35, label: "high"))
        let r = try run(deal, plan, paths: 64)
        let im = 0.35 * plan.notionalAtInception(n, settlement: .usd)
        for p in 0..<64 {
            XCTAssertEqual(r.curve[p * r.curveWidth + plan.index(.peakMargin)], im, accuracy: 1e-9 * im, "path \(p)")
            XCTAssertEqual(r.curve[p * r.curveWidth + plan.index(.peakMarginDay)], 0, "path \(p)")
            XCTAssertEqual(r.curve[p * r.curveWidth + plan.index(.maxDailyCall)], 0, "path \(p)")
        }
        XCTAssertTrue(CurveOutputs.hedgePV(r, plan, notional: n, settlement: .usd).allSatisfy { $0 > 0 })

        // A rising, volatile world: the engine's margin against a direct valuation.
        let s2 = SimulationSettings(paths: 8, seed: 3, threads: 1, blockSize: 8)
        var plan2 = try CurvePlan(curve: usdCurve, schedule: schedule, discountRate: 0.1)
        let n2 = [0.002, 0.001, 0.003, 0.0015, 0.001, 0.002]
        try plan2.setHedge(HedgeSpec(notional: n2, settlement: .usd, initialMargin: 0.35, label: "t"))
        let r2 = try MonteCarlo.run(deal: deal, calibration: cal, settings: s2, curve: plan2)
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: s2), initial: cal.initialState, settings: s2, days: schedule.horizonDays)
        let sc = gen.makeScratch()
        gen.generate(first: 0, count: 8, into: sc)
        var called = 0
        for p in 0..<8 {
            let hp = (0..<schedule.horizonDays).map { sc.hashpriceUSD[p * schedule.horizonDays + $0] }
            // Month k's window as dates; the mark's reference level is the curve's level for the day's month.
            let windows = months.map { ($0.firstDay - asOf - 1, $0.lastDay - asOf - 1) }
            func reference(_ i: Int) -> Double { usdCurve.levelHeld(on: asOf + i + 1) }
            var peak = 0.35 * zip(n2, zip(windows, usdCurve.levels)).reduce(0.0) { $0 + $1.0 * Double($1.1.0.1 - $1.1.0.0 + 1) * $1.1.1 }
            var day = 0, previous = peak, maxCall = 0.0
            for i in 0...windows.last!.1 {
                var value = 0.0, openNotional = 0.0
                for (k, w) in windows.enumerated() where i < w.1 {   // months still open after day i
                    let accrued = i >= w.0 ? hp[w.0...i].reduce(0, +) : 0
                    let remaining = Double(w.1 - max(i, w.0 - 1))
                    value += n2[k] * (Double(w.1 - w.0 + 1) * usdCurve.levels[k] - accrued - remaining * usdCurve.levels[k] * hp[i] / reference(i))
                    openNotional += n2[k] * usdCurve.levels[k] * remaining
                }
                let m = 0.35 * openNotional + max(0, -value)
                maxCall = max(maxCall, m - previous); previous = m
                if m > peak { peak = m; day = i + 1 }
            }
            XCTAssertEqual(r2.curve[p * r2.curveWidth + plan2.index(.peakMargin)], peak, accuracy: 1e-9 * peak, "path \(p)")
            XCTAssertEqual(r2.curve[p * r2.curveWidth + plan2.index(.peakMarginDay)], Double(day), "path \(p)")
            XCTAssertEqual(r2.curve[p * r2.curveWidth + plan2.index(.maxDailyCall)], maxCall, accuracy: 1e-9 * peak, "path \(p)")
            if day > 0 { called += 1 }
        }
        XCTAssertGreaterThan(called, 0, "some path's margin peaks after inception (variation margin)")
    }

    /// The variance-minimizing ratio is the minimum of the hedged PV variance on the run's paths (a parabola in N), and the
    /// CVaR95-minimizing ratio beats every N of a fine grid.
    func testOptimalRatiosAreOptimaOnTheRunsPaths() throws {
        let deal = curveDeal(power: 0.05, curtailment: .economic)
        let schedule = DealSchedule(deal: deal, asOf: asOf, horizon: nil)
        let plan = try CurvePlan(curve: usdCurve, schedule: schedule, discountRate: 0.1)
        let r = try run(deal, plan, paths: 600)
        let own = CurveOutputs.meanOverHedged(plan.ownHashrate(deal: deal, offset: schedule.offset), plan)
        let opt = CurveOutputs.optimalRatios(r, plan, settlement: .usd, own: own, antithetic: true)
        let v = try XCTUnwrap(opt.variance)
        let unit = CurveOutputs.hedgePV(r, plan, notional: CurveOutputs.constant(1, plan), settlement: .usd)
        func variance(_ n: Double) -> Double { let h = zip(r.pvUSD, unit).map { $0 + n * $1 }; return Moments.sd(h) * Moments.sd(h) }
        XCTAssertGreaterThan(v.ratio, 0)
        XCTAssertLessThan(variance(v.ratio), variance(v.ratio * 0.99)); XCTAssertLessThan(variance(v.ratio), variance(v.ratio * 1.01))
        XCTAssertGreaterThan(v.stderr, 0); XCTAssertLessThan(v.stderr, 0.2 * v.ratio)
        func tail(_ n: Double) -> Double { HedgeRatio.tailMean(zip(r.pvUSD, unit).map { $0 + n * $1 }) }
        let best = tail(opt.cvar)
        let upper = 3 * max(own, v.ratio)
        for g in 0...400 { XCTAssertLessThanOrEqual(tail(upper * Double(g) / 400), best + 1e-9 * abs(best), "grid \(g)") }
    }

    /// The curve value is the token on the curve path: for a gross token an independent sum Σ_t k·(1−deg)^{t/365}·F(t)·(1+r)^{−t/365}.
    func testCurveValueAgainstAnIndependentSum() throws {
        var deal = Fixture.deal(term: 300, power: 0)
        deal.token.start = .date(asOf + 10)
        let schedule = DealSchedule(deal: deal, asOf: asOf, horizon: nil)
        let v = CurveValue.outcome(deal: deal, schedule: schedule, curve: usdCurve, initialPriceUSD: 80_000)
        let k = 1.0 * 0.95 / 1000 * 0.98 * 0.95
        var pv = 0.0, usd = 0.0
        for t in 1...300 {
            let date = asOf + 10 + t
            let f = date < months[0].firstDay ? usdCurve.levels[0] : (date > months.last!.lastDay ? usdCurve.levels.last! : usdCurve.level(YearMonth(containing: date))!)
            let pay = k * Foundation.pow(0.97, Double(t) / 365) * f
            usd += pay; pv += pay * Foundation.pow(1.1, -Double(t) / 365)
        }
        XCTAssertEqual(v.pvUSD, pv, accuracy: 1e-9 * pv)
        XCTAssertEqual(v.usdTotal, usd, accuracy: 1e-9 * usd)
        XCTAssertEqual(v.btcTotal, usd / 80_000, accuracy: 1e-9 * usd / 80_000)
    }

    /// BTC settlement needs a BTC curve for every hedged month; a hedge's notional must be finite and ≥ 0.
    func testHedgeSpecificationErrors() throws {
        let deal = curveDeal()
        var plan = try CurvePlan(curve: usdCurve, schedule: DealSchedule(deal: deal, asOf: asOf, horizon: nil), discountRate: 0.1)
        XCTAssertThrowsError(try plan.setHedge(HedgeSpec(notional: [Double](repeating: 0.001, count: 6), settlement: .btc, label: "b"))) {
            XCTAssertTrue("\($0)".contains("need a BTC curve"), "\($0)")
        }
        XCTAssertThrowsError(try plan.setHedge(HedgeSpec(notional: [-1, 0, 0, 0, 0, 0], settlement: .usd, label: "n")))
        XCTAssertThrowsError(try plan.setHedge(HedgeSpec(notional: [0.001], settlement: .usd, label: "n")))
        XCTAssertEqual(HedgeSpec.defaultInitialMargin(.usd), 0.35); XCTAssertEqual(HedgeSpec.defaultInitialMargin(.btc), 0.18)
        XCTAssertEqual(HedgeSize("0.5"), .phs(0.5)); XCTAssertEqual(HedgeSize("var"), .varianceMinimizing)
        XCTAssertNil(HedgeSize("-1")); XCTAssertNil(HedgeSize("nan")); XCTAssertNil(HedgeSize("lots"))
    }
}
