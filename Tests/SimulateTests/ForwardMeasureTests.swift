import Domain
import Foundation
import Models
@testable import Simulate
import Statistics
import XCTest

/// `--measure forward` (SPEC §13): the simulated mean hashprice of each curve month equals the curve's.
final class ForwardMeasureTests: XCTestCase {
    /// Volatile price with jumps, hash rate answering the lagged hashprice (the nonlinear feedback), noisy fees; the
    /// fixture's height crosses a halving in the curve's second month.
    let cal = Fixture.calibration(sigma: 0.035, lambda: 0.03, muJ: -0.03, sigmaJ: 0.08, mu: 0.0004, hashA: -0.006, hashB: 0.002,
                                  hashSigma: 0.01, feeKappa: 0.05, feeSigma: 0.1)
    var asOf: Day { cal.initialState.date }   // 2027-01-01

    func curve(_ levels: [Double] = [38, 24, 25, 23, 26, 27], first: YearMonth = YearMonth(year: 2027, month: 2)!) -> ForwardCurve {
        var m = first, months: [YearMonth] = []
        for _ in levels { months.append(m); m = YearMonth(containing: m.lastDay + 1) }
        return ForwardCurve(quoteDate: asOf, unit: .usd, months: months, levels: levels)
    }

    func monthlyMeans(_ r: PartialResult, _ plan: CurvePlan) -> [(mean: Double, stderr: Double)] {
        plan.months.indices.map { k in Moments.meanStderr(CurveOutputs.column(r, k, .meanUSD), antithetic: true) }
    }

    /// Acceptance: with at most `pilotPaths` paths (the pilot is the run's own first paths) every month's simulated mean
    /// equals the curve to the solver's tolerance; with more paths within 1 % and within 4 standard errors.
    func testSimulatedMonthlyMeanHashpriceMatchesTheCurve() throws {
        let deal = Fixture.deal(term: 300, curtailment: .economic, power: 0.05)
        var s = SimulationSettings(paths: 600, seed: 11, threads: 2, measure: .forward, blockSize: 8)
        let c = curve()
        s.forward = try ForwardMeasure.solve(deal: deal, calibration: cal, settings: s, curve: c, pilotPaths: 8192)
        XCTAssertEqual(s.forward!.pilotPaths, 600)
        let schedule = DealSchedule(deal: deal, asOf: asOf, horizon: nil)
        let plan = try CurvePlan(curve: c, schedule: schedule, discountRate: 0.1)
        let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, curve: plan)
        for (k, m) in monthlyMeans(r, plan).enumerated() {
            XCTAssertEqual(m.mean / c.levels[k], 1, accuracy: 1e-8, "month \(plan.months[k].month)")
        }
        // Without the adjustment the real-world means are far from this curve (so the match is not a coincidence).
        var real = s; real.measure = .real; real.forward = nil
        let r0 = try MonteCarlo.run(deal: deal, calibration: cal, settings: real, curve: plan)
        XCTAssertGreaterThan(monthlyMeans(r0, plan).enumerated().map { abs($0.element.mean / c.levels[$0.offset] - 1) }.max()!, 0.05)

        // A larger run than its pilot: Monte Carlo error only.
        var big = s
        big.paths = 4000
        big.forward = try ForwardMeasure.solve(deal: deal, calibration: cal, settings: big, curve: c, pilotPaths: 1000)
        XCTAssertEqual(big.forward!.pilotPaths, 1000)
        let rb = try MonteCarlo.run(deal: deal, calibration: cal, settings: big, curve: plan)
        for (k, m) in monthlyMeans(rb, plan).enumerated() {
            XCTAssertEqual(m.mean / c.levels[k], 1, accuracy: 0.01, "month \(k)")
            XCTAssertLessThan(abs(m.mean - c.levels[k]), 4 * m.stderr, "month \(k): \(m.mean) ± \(m.stderr) vs \(c.levels[k])")
        }
        // The pilot's paths are the run's first paths: their means match exactly.
        var pilotMeans = [Double](repeating: 0, count: plan.months.count)
        for p in 0..<1000 { for k in plan.months.indices { pilotMeans[k] += rb.curve[p * rb.curveWidth + CurvePlan.index(month: k, .meanUSD)] / 1000 } }
        for k in plan.months.indices { XCTAssertEqual(pilotMeans[k] / c.levels[k], 1, accuracy: 1e-8) }
    }

    /// `--forward-beyond flat`: the last level held to the horizon, solved month by month, so every later month's
    /// simulated mean equals it too (the pilot is the run: to the solver's tolerance); `hold` keeps the last shift, and the
    /// hash rate's lagged answer moves the later months off the last level.
    func testFlatBeyondHoldsTheLastLevelToTheHorizon() throws {
        let deal = Fixture.deal(term: 300, curtailment: .economic, power: 0.05)
        var s = SimulationSettings(paths: 300, seed: 3, threads: 2, measure: .forward, blockSize: 8)
        let c = curve([38, 24])
        let schedule = DealSchedule(deal: deal, asOf: asOf, horizon: nil)
        let flat = try ForwardMeasure.solve(deal: deal, calibration: cal, settings: s, curve: c, beyond: .flat, pilotPaths: 300)
        XCTAssertEqual(flat.curve, c, "the quoted curve is recorded as quoted")
        XCTAssertGreaterThan(flat.months.count, 8, "a shift per month to the horizon")
        // Every month to the horizon, at the curve's levels then the last level.
        var months = c.months, levels = c.levels
        while months.last!.lastDay < asOf + schedule.horizonDays { months.append(YearMonth(containing: months.last!.lastDay + 1)); levels.append(24) }
        let plan = try CurvePlan(curve: ForwardCurve(quoteDate: asOf, unit: .usd, months: months, levels: levels), schedule: schedule, discountRate: 0.1)
        s.forward = flat
        let rf = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, curve: plan)
        for (k, m) in monthlyMeans(rf, plan).enumerated() { XCTAssertEqual(m.mean / levels[k], 1, accuracy: 1e-8, "flat, month \(k)") }
        s.forward = try ForwardMeasure.solve(deal: deal, calibration: cal, settings: s, curve: c, beyond: .hold, pilotPaths: 300)
        let rh = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, curve: plan)
        let hold = monthlyMeans(rh, plan)
        for k in 0..<2 { XCTAssertEqual(hold[k].mean / levels[k], 1, accuracy: 1e-8, "hold, quoted month \(k)") }
        let drift = hold.dropFirst(2).map { abs($0.mean / 24 - 1) }.max()!
        print("hold: largest relative distance of a later month's mean from the last level \(drift)")
        XCTAssertGreaterThan(drift, 1e-4, "hold is not flat (else the two choices would be one)")
    }

    /// Independent check of the solve without noise or feedback: with σ = 0, no jumps, fixed hash-rate growth and fees, the
    /// BTC hashprice path does not depend on the price, so `θ` solves `mean_{i∈m} hp_BTC(i)·S₀·e^{A(i)} = F_m` in closed
    /// form month by month (`A(i)` the cumulative log drift): a bisection here, against the Newton solve.
    func testDriftShiftAgainstAClosedFormWithoutNoiseOrFeedback() throws {
        let quiet = Fixture.calibration(mu: 0.0005, hashA: 0.001)
        let deal = Fixture.deal(term: 250, power: 0)
        var s = SimulationSettings(paths: 4, seed: 2, threads: 1, model: .gbm, measure: .forward, parameterUncertainty: false, blockSize: 4)
        let c = curve([44, 21, 20, 19.5])
        s.forward = try ForwardMeasure.solve(deal: deal, calibration: quiet, settings: s, curve: c)
        let days = DealSchedule(deal: deal, asOf: asOf, horizon: nil).horizonDays
        var real = s; real.measure = .real; real.forward = nil
        let gen = PathGenerator(process: try ModelProcess(calibration: quiet, settings: real), initial: quiet.initialState, settings: real, days: days)
        let sc = gen.makeScratch()
        gen.generate(first: 0, count: 4, into: sc)
        let hpBTC = (0..<days).map { sc.hashpriceBTC[$0] }
        let drift = Foundation.log(sc.price[1] / sc.price[0])   // the real-world daily log drift
        let s0 = quiet.initialState.priceUSD
        var theta: [Double] = [], cumulative = [Double](repeating: 0, count: days)  // Σ θ up to and including step i
        let plan = try CurvePlan(curve: c, schedule: DealSchedule(deal: deal, asOf: asOf, horizon: nil), discountRate: 0.1)
        for (k, m) in plan.months.enumerated() {
            let start = k == 0 ? 0 : m.first
            func mean(_ th: Double) -> Double {
                var sum = 0.0
                for i in m.first...m.last {
                    let a = (start > 0 ? cumulative[start - 1] : 0) + th * Double(i - start + 1)
                    sum += hpBTC[i] * s0 * Foundation.exp(drift * Double(i + 1) + a)
                }
                return sum / Double(m.days)
            }
            var lo = -0.2, hi = 0.2
            for _ in 0..<200 { let mid = (lo + hi) / 2; if mean(mid) < m.level { lo = mid } else { hi = mid } }
            let th = (lo + hi) / 2
            theta.append(th)
            let end = k + 1 < plan.months.count ? plan.months[k + 1].first - 1 : days - 1
            for i in start...end { cumulative[i] = (start > 0 ? cumulative[start - 1] : 0) + th * Double(i - start + 1) }
        }
        for k in theta.indices { XCTAssertEqual(s.forward!.theta[k], theta[k], accuracy: 1e-9, "month \(k)") }
        // The generator applies it: the forward path's log price moves by drift + θ on each step, and after the curve by
        // drift + θ_last (beyond: hold) or drift alone (beyond: real).
        let fgen = PathGenerator(process: try ModelProcess(calibration: quiet, settings: s), initial: quiet.initialState, settings: s, days: days)
        let fs = fgen.makeScratch()
        fgen.generate(first: 0, count: 4, into: fs)
        let end = plan.months.last!.last
        for t in [1, 30, 40, end, end + 1, end + 50] {
            XCTAssertEqual(Foundation.log(fs.price[t] / fs.price[t - 1]), drift + s.forward!.shift(step: t), accuracy: 1e-12, "step \(t)")
        }
        let f = s.forward!
        XCTAssertEqual(f.shift(step: end + 1), f.theta.last!)
        XCTAssertEqual(f.shift(step: 0), f.theta[0]); XCTAssertEqual(f.shift(step: plan.months[1].first - 1), f.theta[0])
        XCTAssertEqual(f.shift(step: plan.months[1].first), f.theta[1])
        var r = f; r.beyond = .real
        XCTAssertEqual(r.shift(step: end + 1), 0); XCTAssertEqual(r.shift(step: end), f.theta.last!)
    }

    /// Same bytes whatever the thread count or shard split, for every price model (the solve is on path-ordered sums).
    func testForwardRunsAreThreadAndShardIndependent() throws {
        let deal = Fixture.deal(term: 200, curtailment: .economic, power: 0.05)
        let u = Fixture.uncertain(cal)
        for model in PriceModel.allCases {
            var s = SimulationSettings(paths: 40, seed: 5, threads: 1, model: model, measure: .forward, blockSize: 6)
            let a = try ForwardMeasure.solve(deal: deal, calibration: u, settings: s, curve: curve(), pilotPaths: 24)
            s.threads = 2
            let b = try ForwardMeasure.solve(deal: deal, calibration: u, settings: s, curve: curve(), pilotPaths: 24)
            XCTAssertEqual(a, b, "\(model)")
            s.forward = b
            let plan = try CurvePlan(curve: curve(), schedule: DealSchedule(deal: deal, asOf: asOf, horizon: nil), discountRate: 0.1)
            let whole = try MonteCarlo.run(deal: deal, calibration: u, settings: s, curve: plan)
            var merged: PartialResult? = nil
            for i in 0..<3 {
                let part = try MonteCarlo.run(deal: deal, calibration: u, settings: s, range: MonteCarlo.shardRange(index: i, of: 3, total: 40), curve: plan)
                if merged == nil { merged = part } else { try merged!.append(part) }
            }
            XCTAssertEqual(merged!.curve, whole.curve, "\(model)"); XCTAssertEqual(merged!.pvUSD, whole.pvUSD, "\(model)")
            XCTAssertEqual(try PartialResult(encoded: whole.encoded()), whole, "\(model): partial.bin round trip")
        }
    }

    /// A curve that ends before the as-of date, or months that are not simulated, are refused with the reason.
    func testCurveOutsideTheSimulatedDaysIsRefused() throws {
        let deal = Fixture.deal(term: 20)
        let old = ForwardCurve(quoteDate: asOf - 400, unit: .usd, months: [YearMonth(year: 2026, month: 1)!], levels: [40])
        XCTAssertThrowsError(try CurvePlan(curve: old, schedule: DealSchedule(deal: deal, asOf: asOf, horizon: nil), discountRate: 0.1)) {
            XCTAssertTrue("\($0)".contains("has no month within the simulated days"), "\($0)")
        }
        let s = SimulationSettings(paths: 4, seed: 1, measure: .forward)
        XCTAssertThrowsError(try ForwardMeasure.solve(deal: deal, calibration: cal, settings: s,
                                                      curve: ForwardCurve(quoteDate: asOf, unit: .btc, months: [YearMonth(year: 2027, month: 2)!], levels: [0.0005])))
    }
}
