import Domain
import Foundation
import Models
@testable import Simulate
import XCTest

/// σ > 0: E[S_T] against the closed forms, standard errors from antithetic pair means.
final class MomentTests: XCTestCase {
    func terminalPrices(_ cal: Calibration, _ s: SimulationSettings, days: Int) throws -> [Double] {
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s, days: days)
        let sc = gen.makeScratch()
        var out: [Double] = []
        var first = 0
        while first < s.paths {
            let c = min(s.blockSize, s.paths - first)
            gen.generate(first: first, count: c, into: sc)
            for p in 0..<c { out.append(sc.price[p * days + days - 1]) }
            first += c
        }
        return out
    }

    func check(_ v: [Double], expected: Double, _ msg: String) {
        let pairs = stride(from: 0, to: v.count - 1, by: 2).map { (v[$0] + v[$0 + 1]) / 2 }
        let m = pairs.reduce(0, +) / Double(pairs.count)
        let sd = sqrt(pairs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(pairs.count - 1))
        let se = sd / sqrt(Double(pairs.count))
        XCTAssertLessThan(abs(m - expected), 3 * se, "\(msg): mean \(m) expected \(expected) se \(se)")
        XCTAssertGreaterThan(se, 0)
    }

    func testMertonAndGBMMeanMatchClosedForm() throws {
        let T = 60
        let mu = 0.001, sigma = 0.03, lam = 0.05, muJ = -0.04, sJ = 0.1
        let cal = Fixture.calibration(sigma: sigma, lambda: lam, muJ: muJ, sigmaJ: sJ, mu: mu, hashSigma: 0.02, feeSigma: 0.1,
                                      correlation: [[1, 0.3, 0.2], [0.3, 1, 0.1], [0.2, 0.1, 1]])
        let s = SimulationSettings(paths: 4000, seed: 11, threads: 1, model: .merton, drift: .historical, parameterUncertainty: false,
                                   horizonDays: T, blockSize: 32)
        let v = try terminalPrices(cal, s, days: T)
        check(v, expected: 80_000 * exp(Double(T) * (mu + lam * (exp(muJ + sJ * sJ / 2) - 1))), "merton real")
        var g = s; g.model = .gbm
        check(try terminalPrices(cal, g, days: T), expected: 80_000 * exp(Double(T) * mu), "gbm real")
        var rn = s; rn.measure = .riskNeutral; rn.rate = 0.05
        check(try terminalPrices(cal, rn, days: T), expected: 80_000 * exp(0.05 * Double(T) / 365), "merton risk-neutral")
    }

    func testZigguratMoments() {
        var rng = PathRandom(seed: 5, path: 0)
        var s1 = 0.0, s2 = 0.0, s4 = 0.0, tail = 0
        let n = 400_000
        for _ in 0..<n {
            let z = Ziggurat.normal(&rng)
            s1 += z; s2 += z * z; s4 += z * z * z * z
            if z > 1.959964 { tail += 1 }
        }
        XCTAssertEqual(s1 / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(s2 / Double(n), 1, accuracy: 0.01)
        XCTAssertEqual(s4 / Double(n), 3, accuracy: 0.06)
        XCTAssertEqual(Double(tail) / Double(n), 0.025, accuracy: 0.0015)
    }
}
