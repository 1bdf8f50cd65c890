@testable import Backtest
import Domain
import XCTest

final class RequirementTests: XCTestCase {
    func score(_ model: String, _ h: Int, cov50: Double?, cov90: Double?, skill: Double?, n: Int = 37) -> HorizonScore {
        HorizonScore(model: model, horizon: h, n: n, spacingDays: 91, varianceInflation: 1, coverage50: cov50, coverage90: cov90, belowP05: 0,
                     aboveP95: 0, pitHistogram: [Int](repeating: 0, count: 10), chiSquare: nil, chiSquareP: nil, chiSquarePAdjusted: 0.5,
                     pinball: nil, naiveN: 0, pinballOnNaive: nil, naivePinball: nil, skill: skill, payoutN: 0, payoutCoverage50: nil, payoutCoverage90: nil)
    }

    func testParseDefaultAndSyntax() throws {
        let d = try Requirement.parse("default")
        XCTAssertEqual(d.map(\.text), Requirement.defaultSpecification.split(separator: ",").map(String.init))
        XCTAssertEqual(d[0].metric, .cov90); XCTAssertEqual(d[0].horizons, 30...365); XCTAssertEqual(d[0].bound, .between(0.85, 0.95))
        XCTAssertEqual(d[2].metric, .skill); XCTAssertEqual(d[2].bound, .atLeast(0))
        let c = try Requirement.parse("skill:merton@90>=0.05, pit_p<=1,payout_cov90=0.8..1")
        XCTAssertEqual(c[0].model, "merton"); XCTAssertEqual(c[0].horizons, 90...90); XCTAssertEqual(c[0].bound, .atLeast(0.05))
        XCTAssertNil(c[1].model); XCTAssertNil(c[1].horizons); XCTAssertEqual(c[1].bound, .atMost(1))
        XCTAssertEqual(c[2].metric, .payout_cov90)
        for bad in ["", "cov90", "cov80=0.1..0.2", "cov90=0.9..0.8", "cov90=0.9", "cov90@365-30=0..1", "cov90@x>=0", "skill>=abc", "skill:>=0", "cov90=0..1,,skill>=0"] {
            XCTAssertThrowsError(try Requirement.parse(bad), bad) { e in
                guard case BacktestError.invalidSpecification(let m) = e else { return XCTFail("\(e)") }
                XCTAssert(m.contains("--require"), m)
            }
        }
    }

    /// Failed checks name the metric, model, horizon, the value and the bound; a scope without data fails too.
    func testEvaluateNamesFailures() throws {
        let scores = [score("merton", 30, cov50: 0.5, cov90: 0.9, skill: 0.2), score("merton", 365, cov50: 0.3, cov90: 0.65, skill: -0.29),
                      score("merton", 730, cov50: 0.1, cov90: 0.2, skill: -1), score("gbm", 30, cov50: 0.45, cov90: 0.88, skill: nil, n: 0)]
        let (outcomes, failures) = Requirement.evaluate(try Requirement.parse("default"), scores)
        XCTAssertEqual(outcomes.count, 9)        // 3 checks × (merton 30, merton 365, gbm 30); 730 is out of scope
        XCTAssertEqual(failures.count, 4, "\(failures)")
        XCTAssert(failures.contains { $0.hasPrefix("cov90 merton 365 d = 0.650 not in 0.850..0.950") }, "\(failures)")
        XCTAssert(failures.contains { $0.hasPrefix("cov50 merton 365 d = 0.300 not in 0.400..0.600") })
        XCTAssert(failures.contains { $0.hasPrefix("skill merton 365 d = -0.290 not ≥ 0.000") })
        XCTAssert(failures.contains { $0.hasPrefix("skill gbm 30 d: not available (n = 0)") })
        let only = Requirement.evaluate(try Requirement.parse("cov90:merton@30=0.85..0.95"), scores)
        XCTAssertEqual(only.failures, [])
        XCTAssertEqual(only.outcomes.count, 1)
        let none = Requirement.evaluate(try Requirement.parse("cov90:regime>=0"), scores)
        XCTAssertEqual(none.failures.count, 1)
        XCTAssert(none.failures[0].contains("no (model, horizon)"))
    }
}
