import Domain
import FileIO
import Foundation
import Results
@testable import Simulate
import Statistics
import XCTest

/// The engine's accumulation options, against independent calculations on the same paths.
final class EngineTests: XCTestCase {
    let cal = Fixture.calibration(sigma: 0.03, lambda: 0.02, muJ: -0.02, sigmaJ: 0.08, mu: 0.0003, hashSigma: 0.02, feeKappa: 0.05, feeSigma: 0.1)

    /// The capture (`PathCapture`): the hashprice at a captured day is the generator's value for that path and day; the
    /// payout captured at the token's last day equals the path's undiscounted total; before a forward start nothing is
    /// paid; captures split over shards concatenate to the whole run's; without the per-day statistics they are the same.
    func testCaptureAgainstTheGeneratorAndThePathTotals() throws {
        var deal = Fixture.deal(term: 80, curtailment: .economic, power: 0.06)
        deal.token.start = .date(cal.initialState.date + 10)   // token days 1…80 are simulated days 11…90
        let s = SimulationSettings(paths: 24, seed: 3, threads: 2, blockSize: 8)
        let days = [1, 10, 11, 45, 90]
        let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, capture: days)
        let cap = try XCTUnwrap(r.capture)
        XCTAssertEqual(cap.hashpriceUSD.count, 24 * days.count)
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s, days: 90)
        let sc = gen.makeScratch()
        for first in stride(from: 0, to: 24, by: 8) {
            gen.generate(first: first, count: 8, into: sc)
            for p in 0..<8 {
                for (j, d) in days.enumerated() {
                    XCTAssertEqual(cap.hashprice(day: j)[first + p], sc.hashpriceUSD[p * 90 + d - 1], "path \(first + p) day \(d)")
                }
            }
        }
        for p in 0..<24 {
            XCTAssertEqual(cap.payout(day: 0)[p], 0); XCTAssertEqual(cap.payout(day: 1)[p], 0, "day 10: before the start")
            XCTAssertEqual(cap.payout(day: 4)[p], r.usdTotal[p], accuracy: 1e-12 * max(1, r.usdTotal[p]))
            XCTAssertLessThanOrEqual(cap.payout(day: 3)[p], cap.payout(day: 4)[p])
        }
        var merged: PartialResult? = nil
        for i in 0..<3 {
            let part = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, range: MonteCarlo.shardRange(index: i, of: 3, total: 24),
                                          capture: days)
            if merged == nil { merged = part } else { try merged!.append(part) }
        }
        XCTAssertEqual(merged!.capture, cap)
        // Without the per-day statistics (the engine then reuses one path's buffers) the captures are the same.
        let lean = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, scenarios: [nil], accumulate: [], capture: days)[0]
        XCTAssertEqual(lean.capture, cap); XCTAssertEqual(lean.pvUSD, r.pvUSD)
        XCTAssertThrowsError(try MonteCarlo.run(deal: deal, calibration: cal, settings: s, capture: [91]))
        XCTAssertThrowsError(try MonteCarlo.run(deal: deal, calibration: cal, settings: s, capture: [5, 3]))
    }

    /// Scenarios run together give each scenario the paths it gets alone (common random numbers), for any thread count.
    func testScenariosTogetherEqualScenariosAlone() throws {
        let deal = Fixture.deal(term: 120, curtailment: .economic, power: 0.06)
        let s = SimulationSettings(paths: 30, seed: 8, threads: 2, blockSize: 4)
        let crash = try StressOverlayBuilder.overlay(for: Scenario(name: "c", kind: .priceCrash(pct: 0.4, day: 5)), horizonDays: 120)
        let fee = try StressOverlayBuilder.overlay(for: Scenario(name: "f", kind: .feeMultiplier(multiplier: 3, start: 1, days: 20)), horizonDays: 120)
        let together = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, scenarios: [nil, crash, fee], accumulate: [.daily])
        var one = s; one.threads = 1
        for (k, ov) in [nil, crash, fee].enumerated() {
            let alone = try MonteCarlo.run(deal: deal, calibration: cal, settings: one, overlay: ov)
            XCTAssertEqual(together[k].encoded(), alone.encoded(), "scenario \(k)")
        }
    }
}

/// Issue 12 item 14: `prob_loss` is P(undiscounted payouts < price) and `prob_pv_below_price` P(PV < price).
final class LossProbabilityTests: XCTestCase {
    func testLossAndPaybackPartitionThePathsAndBothProbabilitiesMatchADirectCount() throws {
        let cal = Fixture.calibration(sigma: 0.035, lambda: 0.02, muJ: -0.02, sigmaJ: 0.08, mu: 0.0004, hashSigma: 0.02)
        var deal = Fixture.deal(term: 900, curtailment: .economic, power: 0.05, efficiency: 18)
        deal.valuation.discountRate = 0.3
        let s = SimulationSettings(paths: 400, seed: 21, threads: 2)
        // Payouts do not depend on the price: put it at the 40 % quantile of the undiscounted totals, so some paths pay
        // back while their PV misses the 30 % hurdle.
        let price = Quantiles.of(sorted: try MonteCarlo.run(deal: deal, calibration: cal, settings: s).usdTotal.sorted(), 0.4)!
        deal.token.priceUSD = price
        let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: s)
        let ctx = SimulationOutputs.Context(dealName: "t", identity: RunIdentity(dealSHA256: "d", calibrationSHA256: "c", seed: 21, paths: 400,
                                            model: "merton", measure: "real", rate: 0.04, antithetic: true, poissonBlocks: false, horizonDays: 900,
                                            shardCount: 1), schedule: DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: nil),
                                            priceUSD: price, pathsCSV: false)
        let sum = SimulationOutputs.summary(r, ctx)
        var loss = 0, pvBelow = 0, slowPayback = 0
        for i in 0..<r.count {
            // A path either pays the price back (undiscounted) or loses: never both, never neither.
            XCTAssertEqual(r.paybackDay[i] > 0, r.usdTotal[i] >= price, "path \(i)")
            if r.usdTotal[i] < price { loss += 1 }
            if r.pvUSD[i] < price { pvBelow += 1 }
            if r.pvUSD[i] < price && r.paybackDay[i] > 0 { slowPayback += 1 }
        }
        XCTAssertEqual(sum.probLoss, Double(loss) / 400)
        XCTAssertEqual(sum.probPVBelowPrice, Double(pvBelow) / 400)
        XCTAssertEqual(sum.probLoss + sum.probPayback, 1, accuracy: 1e-15)
        XCTAssertGreaterThan(slowPayback, 0, "the fixture has paths that pay back but miss the 30 % hurdle")
        XCTAssertGreaterThan(sum.probPVBelowPrice, sum.probLoss)
        let back = try JSONDecoder().decode(RunSummary.self, from: Data(try JSONText.encode(sum).utf8))
        XCTAssertEqual(back.probLoss, sum.probLoss); XCTAssertEqual(back.probPVBelowPrice, sum.probPVBelowPrice)
    }
}
