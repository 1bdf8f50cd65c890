@testable import Domain
import XCTest

/// The fast test and the message builder of the SPEC §2 rules agree on every day (random days around every boundary).
final class PlausibilityRuleTests: XCTestCase {
    func testFastPathAgreesWithTheMessages() {
        var s: UInt64 = 0x12345
        func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s >> 17 }
        func pick<T>(_ xs: [T]) -> T { xs[Int(next() % UInt64(xs.count))] }
        let prices: [Double?] = [nil, 0, -1, .nan, .infinity, 1e-9, 0.0858, 68018.15, 1e8, 1.0000001e8, 1e300]
        let diffs: [Double?] = [nil, 0, 1e-300, 1 - 1e-7, 1 - 1e-5, 1, 5e13, 1.3e14, 1e30, 1e31, .nan, .infinity]
        let blocks: [Double?] = [nil, 0, 1, 144, 144.5, 1000, 1001, -1, .nan]
        let fees: [Double?] = [nil, 0, -0.1, 12.5, 2.1e7, .nan]
        let lim = DailyObservation.PlausibilityLimits.ingest(today: Day(iso: "2026-03-22")!)
        let dates: [Day] = ["2009-01-02", "2009-01-03", "2016-07-09", "2024-04-19", "2026-03-23", "2026-03-24"].map { Day(iso: $0)! }
            + [Day(ordinal: 2_932_897)]
        var disagreements = 0, plausible = 0
        for _ in 0..<100_000 {
            let date = pick(dates)
            let b = pick(blocks)
            let heights: [Int?] = [nil, -1, 0, 94, 143, 144, 420_143, 420_000, 839_990, 840_003, 941_789, 99_999_999]
            let h = pick(heights)
            let issuances: [Double?] = [nil, 0, -1, .nan, 1e300]
            var iss = pick(issuances)
            if next() % 2 == 0, let b, b >= 0, b == b.rounded(), let h, h >= Int(b) {
                let first = h - Int(b) + 1
                var exact = 0.0
                if b > 0 { for k in first...h { exact += 50 / pow(2, Double(k / 210_000)) } }
                let offsets: [Double] = [0, 3.125, 6.25, 12.5, 25, 50, -6.25, -12.5, -50]
                iss = exact + pick(offsets)
            }
            let rates: [Double?] = [nil, 0, -1, .nan, 1e41]
            var hr = pick(rates)
            let diff = pick(diffs)
            if next() % 2 == 0, let b, let d = diff, d.isFinite {
                let factors: [Double] = [1, 9.99, 10.01, 0.1001, 0.0999, 1e6]
                let implied: Double = b * d * 4_294_967_296 / 86_400
                hr = implied * pick(factors)
            }
            let o = DailyObservation(date: date, priceUSD: pick(prices), blockCount: b, difficulty: diff, hashRateHs: hr,
                                     feesBTC: pick(fees), issuanceBTC: iss, heightEnd: h)
            let fast = o.isPlausible(lim), slow = o.describeProblems(lim).isEmpty
            if fast != slow { disagreements += 1; if disagreements < 5 { XCTFail("fast \(fast) vs messages \(o.describeProblems(lim)) for \(o)") } }
            if fast { plausible += 1 }
        }
        XCTAssertEqual(disagreements, 0)
        XCTAssertGreaterThan(plausible, 100, "the sample reaches plausible days too")
        XCTAssertEqual(DailyObservation.genesisDay, Day(iso: "2009-01-03"))
        XCTAssertEqual(Day(ordinal: DailyObservation.lastOrdinal).iso, "9999-12-31")
    }
}
