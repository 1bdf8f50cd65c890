import Foundation
import Statistics
import XCTest

/// `HedgeRatio`: the closed form, its standard error against the spread of repeated estimates, the tail-mean optimum.
final class HedgeRatioTests: XCTestCase {
    /// SplitMix64 and Box–Muller: the test's own random numbers.
    struct RNG {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9e3779b97f4a7c15
            var z = s
            z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9; z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9007199254740992 }
        mutating func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
    }

    /// A position y = 3 − 2u + (1 + |u|)·ε (heteroskedastic), hedged by u: N* = 2 in the population. With antithetic
    /// pairs the pair's u and ε are negated together (as the engine's paths are).
    func sample(_ n: Int, antithetic: Bool, rng: inout RNG) -> (y: [Double], u: [Double]) {
        var y: [Double] = [], u: [Double] = []
        while y.count < n {
            let a = rng.normal(), e = rng.normal()
            for sign in antithetic ? [1.0, -1.0] : [1.0] {
                let x = sign * a + 0.5 * a * a
                u.append(x); y.append(3 - 2 * x + (1 + abs(x)) * sign * e)
            }
        }
        return (Array(y.prefix(n)), Array(u.prefix(n)))
    }

    func testVarianceMinimizingRatioAndItsStandardError() throws {
        for antithetic in [false, true] {
            var rng = RNG(s: antithetic ? 7 : 3)
            var estimates: [Double] = [], ses: [Double] = []
            for _ in 0..<400 {
                let (y, u) = sample(400, antithetic: antithetic, rng: &rng)
                let r = try XCTUnwrap(HedgeRatio.varianceMinimizing(position: y, perUnit: u, antithetic: antithetic))
                // The closed form is the minimum of the hedged variance.
                func v(_ n: Double) -> Double { let h = zip(y, u).map { $0 + n * $1 }; return Moments.sd(h) * Moments.sd(h) }
                XCTAssertLessThanOrEqual(v(r.ratio), v(r.ratio + 1e-3)); XCTAssertLessThanOrEqual(v(r.ratio), v(r.ratio - 1e-3))
                estimates.append(r.ratio); ses.append(r.stderr)
            }
            let spread = Moments.sd(estimates), meanSE = Moments.mean(ses)
            XCTAssertEqual(Moments.mean(estimates), 2, accuracy: 4 * spread / 20, "antithetic \(antithetic)")
            XCTAssertEqual(meanSE / spread, 1, accuracy: 0.15, "antithetic \(antithetic): mean SE \(meanSE) vs spread \(spread)")
        }
        XCTAssertNil(HedgeRatio.varianceMinimizing(position: [1, 2, 3], perUnit: [1, 1, 1], antithetic: false))
    }

    func testTailMeanMaximizingBeatsAFineGrid() {
        var rng = RNG(s: 11)
        let (y, u) = sample(2000, antithetic: false, rng: &rng)
        let best = HedgeRatio.tailMeanMaximizing(position: y, perUnit: u, upper: 6)
        XCTAssertEqual(best.tailMean, HedgeRatio.tailMean(zip(y, u).map { $0 + best.ratio * $1 }), accuracy: 1e-12)
        for g in 0...600 {
            let n = 6 * Double(g) / 600
            XCTAssertLessThanOrEqual(HedgeRatio.tailMean(zip(y, u).map { $0 + n * $1 }), best.tailMean + 1e-12, "N = \(n)")
        }
        // The tail mean is the mean of the values at or below the 5 % quantile.
        XCTAssertEqual(HedgeRatio.tailMean((1...100).map(Double.init)), 3, accuracy: 1e-12)
    }
}
