import Backtest
import Domain
import Foundation
import XCTest

/// The scoring functions against hand-computed and closed-form values.
final class ScoringTests: XCTestCase {
    let e = M_E

    func testPinballOfKnownQuantiles() {
        // All quantiles at 1, realized e: u = 1 for every τ → mean τ = 0.5; realized 1/e: u = −1 → mean (1 − τ) = 0.5.
        let ones = ForecastQuantiles([1, 1, 1, 1, 1])
        XCTAssertEqual(PinballLoss.logLoss(realized: e, ones), 0.5, accuracy: 1e-15)
        XCTAssertEqual(PinballLoss.logLoss(realized: 1 / e, ones), 0.5, accuracy: 1e-15)
        // Quantiles e^−2 … e^2, realized e^0.5: u = 2.5, 1.5, 0.5, −0.5, −1.5 →
        // 2.5·0.05 + 1.5·0.25 + 0.5·0.5 + 0.5·0.25 + 1.5·0.05 = 0.95, mean 0.19.
        let q = ForecastQuantiles([-2.0, -1, 0, 1, 2].map { exp($0) })
        XCTAssertEqual(PinballLoss.logLoss(realized: exp(0.5), q), 0.19, accuracy: 1e-14)
        // Exactly on every quantile: no loss.
        XCTAssertEqual(PinballLoss.logLoss(realized: 3, ForecastQuantiles([3, 3, 3, 3, 3])), 0)
        // Scale-free: multiplying everything by 1000 changes nothing.
        XCTAssertEqual(PinballLoss.logLoss(realized: 1000 * exp(0.5), ForecastQuantiles(q.values.map { $0 * 1000 })), 0.19, accuracy: 1e-13)
    }

    func testQuantilesType6() {
        // n = 9, h = 10p: p05 → h 0.5 → x₁; p25 → 2.5; p50 → 5; p75 → 7.5; p95 → h 9.5 ≥ n → x₉.
        let f = EmpiricalForecast((1...9).map(Double.init).shuffled())
        XCTAssertEqual(f.quantiles.values, [1, 2.5, 5, 7.5, 9])
        // n = 19: h = 20p: p05 → x₁ exactly, p95 → x₁₉.
        let g = EmpiricalForecast((1...19).map { Double($0 * $0) })
        XCTAssertEqual(g.quantile(0.05), 1); XCTAssertEqual(g.quantile(0.95), 361); XCTAssertEqual(g.quantile(0.5), 100)
        XCTAssertEqual(g.quantile(0.25), 25)
    }

    func testPITOfKnownSamples() {
        let f = EmpiricalForecast([4, 1, 3, 2])
        XCTAssertEqual(f.pit(2.5, u: 0.5), 0.5)               // L = 2: (2 + 0.5)/5
        XCTAssertEqual(f.pit(0, u: 0.3), 0.3 / 5, accuracy: 1e-15)
        XCTAssertEqual(f.pit(10, u: 0.3), 4.3 / 5, accuracy: 1e-15)
        let t = EmpiricalForecast([1, 2, 2, 3])
        XCTAssertEqual(t.pit(2, u: 0.5), (1 + 0.5 * 3) / 5)    // L = 1, E = 2
        XCTAssertEqual(t.pit(2, u: 0.0), 1.0 / 5)
        XCTAssertEqual(t.pit(2, u: 1.0), 4.0 / 5)
    }

    /// When the realized value is a draw from the forecast's own law the randomised PIT is uniform — also for a discrete law
    /// with heavy ties (a payout that is often exactly 0), where the plain rank would not be.
    func testPITIsUniformForDrawsFromTheSameLaw() {
        var rng = PathRandom(seed: 11, path: 0)
        for discrete in [false, true] {
            var hist = [Int](repeating: 0, count: 10)
            let trials = 4000
            for _ in 0..<trials {
                func draw() -> Double { discrete ? Double(Int(rng.uniform() * 3)) * (rng.uniform() < 0.5 ? 0 : 1) : rng.normal() }
                let f = EmpiricalForecast((0..<49).map { _ in draw() })
                hist[min(9, Int(f.pit(draw(), u: rng.uniform()) * 10))] += 1
            }
            let ex = Double(trials) / 10
            let x2 = hist.reduce(0.0) { $0 + (Double($1) - ex) * (Double($1) - ex) / ex }
            XCTAssertGreaterThan(ChiSquare.survival(x2, degreesOfFreedom: 9), 0.001, "discrete \(discrete): \(hist)")
        }
    }

    func testNormalQuantileAndCDF() {
        // Reference values (to the last digit of a double).
        XCTAssertEqual(Normal.quantile(0.95), 1.6448536269514722, accuracy: 1e-15)
        XCTAssertEqual(Normal.quantile(0.975), 1.959963984540054, accuracy: 1e-15)
        XCTAssertEqual(Normal.quantile(0.25), -0.6744897501960817, accuracy: 1e-15)
        XCTAssertEqual(Normal.quantile(0.5), 0)
        XCTAssertEqual(Normal.quantile(1e-10), -6.361340902404056, accuracy: 1e-13)
        for p in [1e-300, 1e-12, 0.01, 0.3, 0.7, 0.99, 1 - 1e-12] {
            XCTAssertEqual(Normal.cdf(Normal.quantile(p)), p, accuracy: 1e-13 * max(p, 1e-3), "p = \(p)")
        }
        XCTAssert(Normal.quantile(1.5).isNaN)
    }

    func testChiSquareSurvival() {
        // Tabulated critical values.
        XCTAssertEqual(ChiSquare.survival(16.918977604620448, degreesOfFreedom: 9), 0.05, accuracy: 1e-12)
        XCTAssertEqual(ChiSquare.survival(21.665994333461924, degreesOfFreedom: 9), 0.01, accuracy: 1e-12)
        XCTAssertEqual(ChiSquare.survival(3.841458820694124, degreesOfFreedom: 1), 0.05, accuracy: 1e-12)
        // df = 2: closed form e^{−x/2}, both sides of the series/continued-fraction switch and far in the tail.
        for x in [0.1, 1.5, 2.5, 10, 300] { XCTAssertEqual(ChiSquare.survival(x, degreesOfFreedom: 2), exp(-x / 2), accuracy: 1e-12 * exp(-x / 2), "x = \(x)") }
        XCTAssertEqual(ChiSquare.survival(0, degreesOfFreedom: 9), 1)
    }

    /// The naive random walk's quantiles against a direct computation: σ₇ from the 52 weekly changes by hand, normal
    /// quantiles from tabulated z values.
    func testNaiveBaselineQuantiles() throws {
        let origin = Day(year: 2020, month: 1, day: 1)!
        var rng = PathRandom(seed: 5, path: 0)
        var ln: [Day: Double] = [:]
        var x = 4.0
        for d in -400...0 { x += 0.03 * rng.normal(); ln[origin + d] = x }
        let b = try XCTUnwrap(NaiveBaseline(lnHashprice: { ln[$0] }, origin: origin))
        var changes: [Double] = []
        for k in 0..<52 { changes.append(ln[origin - 7 * k]! - ln[origin - 7 * k - 7]!) }
        let mean = changes.reduce(0, +) / 52
        let sd = (changes.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 51).squareRoot()
        XCTAssertEqual(b.sigma7, sd, accuracy: 1e-15)
        XCTAssertEqual(b.changes, 52)
        let z = [-1.6448536269514722, -0.6744897501960817, 0, 0.6744897501960817, 1.6448536269514722]
        for h in [7, 30, 365] {
            let q = b.quantiles(horizon: h)
            for (i, zi) in z.enumerated() { XCTAssertEqual(log(q.values[i]), x + sd * (Double(h) / 7).squareRoot() * zi, accuracy: 1e-12) }
        }
        // Too little history → no baseline.
        XCTAssertNil(NaiveBaseline(lnHashprice: { d in d > origin - 100 ? ln[d] : nil }, origin: origin))
    }

    func record(_ y: Double, _ q: [Double], naive: [Double]?, pit: Double = 0.5, model: String = "m", origin: Int = 0) -> ForecastRecord {
        let fq = ForecastQuantiles(q)
        return ForecastRecord(model: model, origin: Day(ordinal: 18000 + origin), horizon: 30, realized: y, quantiles: fq, pit: pit,
                              in50: fq.in50(y), in90: fq.in90(y), pinball: PinballLoss.logLoss(realized: y, fq),
                              naivePinball: naive.map { PinballLoss.logLoss(realized: y, ForecastQuantiles($0)) }, payout: nil)
    }

    /// Skill has the right sign: a sharp forecast centred on the outcome beats a naive one that is off-centre (> 0), and a
    /// forecast worse than the naive one scores < 0; equal forecasts score 0.
    func testSkillSign() {
        let good = [0.9, 0.97, 1, 1.03, 1.1].map { $0 * 100 }, naive = [0.5, 0.8, 1.2, 1.5, 2].map { $0 * 100 }
        let ys = [98.0, 101, 100, 103, 96]
        let better = HorizonScore.aggregate(model: "m", horizon: 30, records: ys.enumerated().map { record($1, good, naive: naive, origin: $0) }, spacingDays: 91)
        XCTAssertGreaterThan(better.skill!, 0)
        let worse = HorizonScore.aggregate(model: "m", horizon: 30, records: ys.enumerated().map { record($1, naive, naive: good, origin: $0) }, spacingDays: 91)
        XCTAssertLessThan(worse.skill!, 0)
        let same = HorizonScore.aggregate(model: "m", horizon: 30, records: ys.enumerated().map { record($1, good, naive: good, origin: $0) }, spacingDays: 91)
        XCTAssertEqual(same.skill!, 0, accuracy: 1e-15)
        // Skill = 1 − Σ loss / Σ naive loss, by hand.
        let l = ys.map { PinballLoss.logLoss(realized: $0, ForecastQuantiles(good)) }.reduce(0, +)
        let n = ys.map { PinballLoss.logLoss(realized: $0, ForecastQuantiles(naive)) }.reduce(0, +)
        XCTAssertEqual(better.skill!, 1 - l / n, accuracy: 1e-15)
    }

    func testAggregateCountsAndVarianceInflation() {
        let q = [10.0, 20, 30, 40, 50]
        let ys = [5.0, 15, 25, 35, 45, 55, 30, 20, 40, 50, 10, 60]   // below p05: 5; above p95: 55, 60
        let pits = [0.01, 0.12, 0.25, 0.35, 0.45, 0.99, 0.5, 0.3, 0.7, 0.95, 1.0, 0.999]
        let recs = ys.indices.map { record(ys[$0], q, naive: nil, pit: pits[$0], origin: $0 * 91) }
        let s = HorizonScore.aggregate(model: "m", horizon: 30, records: recs.reversed(), spacingDays: 91)
        XCTAssertEqual(s.n, 12)
        XCTAssertEqual(s.belowP05, 1); XCTAssertEqual(s.aboveP95, 2)
        XCTAssertEqual(s.coverage90!, 9.0 / 12)            // 10…50 inclusive: all but 5, 55, 60
        XCTAssertEqual(s.coverage50!, 5.0 / 12)            // 20…40 inclusive: 25, 35, 30, 20, 40
        XCTAssertEqual(s.pitHistogram, [1, 1, 1, 2, 1, 1, 0, 1, 0, 4])
        let x2 = s.pitHistogram.reduce(0.0) { $0 + (Double($1) - 1.2) * (Double($1) - 1.2) / 1.2 }
        XCTAssertEqual(s.chiSquare!, x2, accuracy: 1e-12)
        XCTAssertNil(s.skill)
        // VIF(h, s) = 1 + 2 Σ max(0, 1 − k s/h): h = 365, s = 91 → k = 1…4.
        let v = 1 + 2 * ((1 - 91.0 / 365) + (1 - 182.0 / 365) + (1 - 273.0 / 365) + (1 - 364.0 / 365))
        XCTAssertEqual(HorizonScore.varianceInflation(horizon: 365, spacing: 91), v, accuracy: 1e-12)
        XCTAssertEqual(HorizonScore.varianceInflation(horizon: 30, spacing: 91), 1)
        XCTAssertEqual(HorizonScore.varianceInflation(horizon: 91, spacing: 91), 1)
        XCTAssertEqual(HorizonScore.spacing(of: [Day(ordinal: 0), Day(ordinal: 90), Day(ordinal: 181), Day(ordinal: 273), Day(ordinal: 90)]), 91)
    }

    func testOriginGrid() throws {
        let q = try OriginGrid.origins(from: Day(iso: "2016-01-01")!, to: Day(iso: "2025-01-01")!, every: .quarter)
        XCTAssertEqual(q.count, 37)
        XCTAssertEqual(q.first?.iso, "2016-01-01"); XCTAssertEqual(q[1].iso, "2016-04-01"); XCTAssertEqual(q.last?.iso, "2025-01-01")
        let mid = try OriginGrid.origins(from: Day(iso: "2016-01-01")!, to: Day(iso: "2025-01-01")!, every: .quarter, offsetDays: 45)
        XCTAssertEqual(mid.count, 37); XCTAssertEqual(mid.first?.iso, "2016-02-15"); XCTAssertEqual(mid[1].iso, "2016-05-16")
        let m = try OriginGrid.origins(from: Day(iso: "2020-01-15")!, to: Day(iso: "2020-06-01")!, every: .month)
        XCTAssertEqual(m.map(\.iso), ["2020-02-01", "2020-03-01", "2020-04-01", "2020-05-01", "2020-06-01"])
        let qq = try OriginGrid.origins(from: Day(iso: "2020-02-10")!, to: Day(iso: "2021-01-01")!, every: .quarter)
        XCTAssertEqual(qq.map(\.iso), ["2020-04-01", "2020-07-01", "2020-10-01", "2021-01-01"])
        let d = try OriginGrid.origins(from: Day(iso: "2020-01-01")!, to: Day(iso: "2020-03-01")!, every: try .init(parsing: "30d"))
        XCTAssertEqual(d.map(\.iso), ["2020-01-01", "2020-01-31", "2020-03-01"])
        XCTAssertThrowsError(try OriginGrid.Every(parsing: "weekly"))
        XCTAssertThrowsError(try OriginGrid.Every(parsing: "0d"))
        XCTAssertThrowsError(try OriginGrid.origins(from: Day(iso: "2021-01-01")!, to: Day(iso: "2020-01-01")!, every: .month))
        XCTAssertEqual(try parseHorizons("365, 30,90"), [30, 90, 365])
        XCTAssertThrowsError(try parseHorizons("30,30"))
        XCTAssertThrowsError(try parseHorizons("30,-1"))
        XCTAssertThrowsError(try parseHorizons(""))
    }
}
