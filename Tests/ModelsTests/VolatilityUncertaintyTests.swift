import Domain
import Foundation
import Models
@testable import Simulate
import XCTest

/// `VolatilityUncertainty`: the between-period spread of volatility, net of sampling noise, and the per-path scale it
/// puts on a price lane.
final class VolatilityUncertaintyTests: XCTestCase {
    /// 1,460 daily returns; `sigmaOfBlock(k)` the volatility of 91-day block k (counted from the oldest), Merton jumps
    /// with rate `lambda` (size N(−0.02, 0.08²)) on top. Normals from the simulator's own generator (PathRandom + Ziggurat).
    func returns(seed: UInt64, lambda: Double = 0, sigmaOfBlock: (Int) -> Double) -> [Double] {
        var rng = PathRandom(seed: seed, path: 0)
        let n = 1460, start = n - (n / 91) * 91
        return (0..<n).map { t in
            let s = sigmaOfBlock(max(0, (t - start) / 91))
            var r = 0.0003 + s * Ziggurat.normal(&rng)
            if lambda > 0, rng.uniform() < lambda { r += -0.02 + 0.08 * Ziggurat.normal(&rng) }
            return r
        }
    }

    func meanDispersion(_ make: (UInt64) -> [Double], seeds: Int = 60) -> Double {
        (0..<seeds).map { VolatilityUncertainty.dispersion(make(UInt64(100 + $0))) }.reduce(0, +) / Double(seeds)
    }

    /// Constant volatility, Gaussian or with fat-tailed jumps: `s_v ≈ 0` (its only bias is the truncation at 0 of a noisy
    /// variance difference). Volatility alternating 2 % / 4 % by quarter: ln σ_k = ln 0.02√2 ± ln 2 / 2, whose sample
    /// variance over the 16 blocks is (16/15)·(ln 2 / 2)² → s_v ≈ 0.358.
    func testDispersionSeparatesMovingVolatilityFromFatTails() {
        let gaussian = meanDispersion { self.returns(seed: $0) { _ in 0.03 } }
        let jumps = meanDispersion { self.returns(seed: $0, lambda: 0.02) { _ in 0.03 } }
        let moving = meanDispersion { self.returns(seed: $0) { $0 % 2 == 0 ? 0.02 : 0.04 } }
        print(String(format: "s_v: constant gaussian %.3f, constant with jumps %.3f, alternating 2/4 %% %.3f", gaussian, jumps, moving))
        XCTAssertLessThan(gaussian, 0.05)
        XCTAssertLessThan(jumps, 0.07)
        XCTAssertEqual(moving, (16.0 / 15).squareRoot() * Foundation.log(2) / 2, accuracy: 0.03)
        // Too few blocks, a non-finite or a constant return: no dispersion.
        XCTAssertEqual(VolatilityUncertainty.dispersion(Array(returns(seed: 1) { _ in 0.03 }.prefix(300))), 0)
        XCTAssertEqual(VolatilityUncertainty.dispersion([Double](repeating: 0.01, count: 1460)), 0)
        XCTAssertEqual(VolatilityUncertainty.dispersion(returns(seed: 1) { _ in 0.03 } + [.nan]), 0)
    }

    /// The lane's scale: one more normal of the draw; every volatility times k = exp(s_v·z − s_v²) with E[k²] = 1 (up to
    /// the ±3 clamp), the mean daily log return kept exactly; none without parameter uncertainty, under risk-neutral, or
    /// for a calibration without window returns (so older calibrations simulate exactly as before).
    func testLanesAreAVolatilityScaleMixtureWithTheMeanKept() throws {
        var c = SyntheticHistory.referenceCalibration
        c.merton = MertonParameters(mu: Estimate(0.002, stderr: 0.0005), sigma: Estimate(0.03, stderr: 0.001),
                                    lambda: Estimate(0.05, stderr: 0.01), muJ: Estimate(-0.02, stderr: 0.005),
                                    sigmaJ: Estimate(0.06, stderr: 0.01), logLikelihood: 0, observations: 1460)
        let without = try ModelProcess(calibration: c, settings: SimulationSettings(model: .merton)).price
        XCTAssertEqual(without.volatilityDispersion, 0, "no window returns: no volatility draw")
        c.historicalLogReturns = returns(seed: 7) { $0 % 2 == 0 ? 0.02 : 0.04 }
        let sv = VolatilityUncertainty.dispersion(c.historicalLogReturns)
        XCTAssertGreaterThan(sv, 0.2)
        let law = try ModelProcess(calibration: c, settings: SimulationSettings(model: .merton)).price
        XCTAssertEqual(law.volatilityDispersion, sv)
        XCTAssertEqual(law.drawDimension, without.drawDimension + 1)
        XCTAssertEqual(try ModelProcess(calibration: c, settings: SimulationSettings(model: .merton, parameterUncertainty: false)).price.drawDimension, 0)
        XCTAssertEqual(try ModelProcess(calibration: c, settings: SimulationSettings(model: .merton, measure: .riskNeutral)).price.volatilityDispersion, 0)
        XCTAssertEqual(try ModelProcess(calibration: c, settings: SimulationSettings(model: .bootstrap)).price.volatilityDispersion, 0)
        XCTAssertGreaterThan(try ModelProcess(calibration: c, settings: SimulationSettings(model: .gbm)).price.volatilityDispersion, 0)
        if c.regime != nil {
            XCTAssertEqual(try ModelProcess(calibration: c, settings: SimulationSettings(model: .regime)).price.volatilityDispersion, 0)
        }

        // Only the scale normal moves: z = 0 for the model's own draw, z_v = x.
        let d = law.drawDimension
        func lane(_ zv: Double) -> PriceLane {
            var z = [Double](repeating: 0, count: d); z[d - 1] = zv
            return z.withUnsafeBufferPointer { law.lane($0.baseAddress!) }
        }
        let l0 = lane(0), l1 = lane(1.3)
        let k = Foundation.exp(sv * 1.3 - sv * sv), k0 = Foundation.exp(-sv * sv)
        XCTAssertEqual(l1.sigma / l0.sigma, k / k0, accuracy: 1e-12)
        XCTAssertEqual(l1.sigmaJ / l0.sigmaJ, k / k0, accuracy: 1e-12)
        XCTAssertEqual(l1.muJ / l0.muJ, k / k0, accuracy: 1e-12)
        XCTAssertEqual(l1.drift + l1.lambda * l1.muJ, l0.drift + l0.lambda * l0.muJ, accuracy: 1e-15)
        XCTAssertEqual(l0.drift + l0.lambda * l0.muJ, law.base.drift + law.base.lambda * law.base.muJ, accuracy: 1e-15)
        XCTAssertEqual(lane(10).sigma, lane(3).sigma, "the scale normal is clamped at ±3")
        // E[k²] = 1 over the draws (a Gauss–Hermite-free check: 200,000 normals of the simulator's generator).
        var rng = PathRandom(seed: 3, path: 1)
        var m2 = 0.0
        let n = 200_000
        for _ in 0..<n { let s = lane(Ziggurat.normal(&rng)).sigma / (law.base.sigma * 1); m2 += s * s }
        XCTAssertEqual(m2 / Double(n), 1, accuracy: 0.01)
    }
}
