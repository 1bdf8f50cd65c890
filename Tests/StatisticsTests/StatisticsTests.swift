import Foundation
import FileIO
import Results
@testable import Statistics
import XCTest

/// The statistics module against independent calculations.
final class StatisticsTests: XCTestCase {
    func testType7QuantileAgainstHandComputedValues() {
        // x = 1…5: h = 4q; q = 0.1 → h = 0.4 → 1.4; q = 0.5 → 3; q = 0.99 → h = 3.96 → 4.96.
        let x: [Double] = [1, 2, 3, 4, 5]
        XCTAssertEqual(Quantiles.of(sorted: x, 0.1)!, 1.4, accuracy: 1e-12)
        XCTAssertEqual(Quantiles.of(sorted: x, 0.5), 3)
        XCTAssertEqual(Quantiles.of(sorted: x, 0.99)!, 4.96, accuracy: 1e-12)
        XCTAssertEqual(Quantiles.of(sorted: x, 0), 1); XCTAssertEqual(Quantiles.of(sorted: x, 1), 5)
        XCTAssertNil(Quantiles.of(sorted: [], 0.5))
        XCTAssertEqual(Quantiles.of(sorted: [7], 0.3), 7)
    }

    func testLevelListsAreOneList() {
        XCTAssertEqual(Quantiles.levels.map(\.name), ["p01", "p05", "p25", "p50", "p75", "p95", "p99"])
        XCTAssertEqual(Quantiles.band.map(\.name), ["p05", "p25", "p50", "p75", "p95"])
        XCTAssertEqual(Quantiles.interval90.map(\.name), ["p05", "p50", "p95"])
    }

    func testCountQuantileIsTheInverseEmpiricalCDF() {
        // Values 0,0,1,3,3,3 (counts 2,1,0,3): the median (q = 0.5 → 3 of 6) is 1; p05 is 0; p95 is 3.
        let c: [UInt32] = [2, 1, 0, 3]
        XCTAssertEqual(Quantiles.of(counts: c, 0.5), 1)
        XCTAssertEqual(Quantiles.of(counts: c, 0.05), 0)
        XCTAssertEqual(Quantiles.of(counts: c, 0.95), 3)
        XCTAssertNil(Quantiles.of(counts: [0, 0], 0.5))
    }

    func testAntitheticStandardErrorUsesPairAverages() {
        // Perfectly anti-correlated pairs around 10: the pair averages are all 10, so the error is 0, while the plain
        // estimate of a ±1 sample is √(Σ(x−10)²/(n−1)/n).
        let v: [Double] = [9, 11, 8, 12, 10.5, 9.5]
        let (m, se) = Moments.meanStderr(v, antithetic: true)
        XCTAssertEqual(m, 10, accuracy: 1e-12); XCTAssertEqual(se, 0, accuracy: 1e-12)
        let plain = Moments.meanStderr(v, antithetic: false).stderr
        let direct = (v.map { ($0 - 10) * ($0 - 10) }.reduce(0, +) / 5 / 6).squareRoot()
        XCTAssertEqual(plain, direct, accuracy: 1e-12)
    }

    func testTailRiskAgainstADirectCount() {
        let r = (0..<100).map { Double($0) / 100 - 0.5 }   // −0.50 … 0.49, shuffled order irrelevant
        let s = ReturnStatistics(sample: r.reversed())
        // Q_0.05 = x(4.95) = −0.4505 → VaR95 = 0.4505; CVaR95 = −mean of the 5 values ≤ Q (−0.50 … −0.46) = 0.48.
        XCTAssertEqual(s.var95, 0.4505, accuracy: 1e-12)
        XCTAssertEqual(s.cvar95, 0.48, accuracy: 1e-12)
        XCTAssertEqual(s.mean, -0.005, accuracy: 1e-12)
    }

    func testSummaryProbabilitiesAgainstADirectCount() throws {
        let pv: [Double] = [5, 25, 15, 30, 19.99, 20], usd: [Double] = [6, 30, 18, 35, 24, 21]
        let o = OutcomeColumns(pvUSD: pv, btcTotal: [1, 2, 3, 4, 5, 6], usdTotal: usd, irr: [0.1, .nan, -1, 0.2, 0.3, 0.4],
                               paybackDay: [0, 100, 0, 90, 0, 400], daysCurtailed: [1, 2, 3, 4, 5, 6], terminated: [0, 0, 1, 0, 0, 1])
        let run = RunSummary.Run(deal: "t", model: "merton", measure: "real", antithetic: false, seed: 1, asOf: "2026-01-01",
                                 startDate: "2026-01-01", horizonDays: 10, termDays: 10, truncated: false)
        let s = RunSummary(run: run, outcomes: o, priceUSD: 20, halving: .init(counts: [0, 2, 1], paths: 6) { "day\($0)" })
        XCTAssertEqual(s.probLoss, Double(usd.filter { $0 < 20 }.count) / 6)   // undiscounted: 2 of 6
        XCTAssertEqual(s.probLoss, 2.0 / 6)
        XCTAssertEqual(s.probPVBelowPrice, Double(pv.filter { $0 < 20 }.count) / 6)   // at the discount rate: 3 of 6
        XCTAssertEqual(s.probPVBelowPrice, 3.0 / 6)
        XCTAssertEqual(s.probPayback, 3.0 / 6); XCTAssertEqual(s.probTerminated, 2.0 / 6)
        XCTAssertEqual(s.irrPathsMissing, 1)
        XCTAssertEqual(s.halving.probWithinHorizon, 0.5)
        XCTAssertEqual(s.halving.days.map(\.day), [2, 2, 3])
        // JSON round trip, and no NaN in the text.
        let text = try JSONText.encode(s)
        XCTAssertFalse(text.contains("nan"))
        let back = try JSONDecoder().decode(RunSummary.self, from: Data(text.utf8))
        XCTAssertEqual(back, s)
    }
}

extension StatisticsTests {
    func testWeibullQuantileAgainstHandComputedValues() {
        // x = 1…5: h = 6q on 1-based order statistics; q = 0.5 → 3; q = 0.25 → h = 1.5 → 1.5; q = 0.05 → h = 0.3 → clamp 1;
        // q = 0.95 → h = 5.7 → clamp 5.
        let x: [Double] = [1, 2, 3, 4, 5]
        XCTAssertEqual(Quantiles.of(sorted: x, 0.5, definition: .weibull), 3)
        XCTAssertEqual(Quantiles.of(sorted: x, 0.25, definition: .weibull), 1.5)
        XCTAssertEqual(Quantiles.of(sorted: x, 0.05, definition: .weibull), 1)
        XCTAssertEqual(Quantiles.of(sorted: x, 0.95, definition: .weibull), 5)
        XCTAssertNil(Quantiles.of(sorted: [], 0.5, definition: .weibull))
    }
}
