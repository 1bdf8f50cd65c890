import Domain
import Foundation
import Models
@testable import Simulate
import TestSupport
import XCTest

/// The regime model: its Hamilton filter against brute-force enumeration, MLE recovery on data it generated, and the
/// simulated volatility clustering against the closed form.
final class RegimeModelTests: XCTestCase {
    func phi(_ x: Double, _ m: Double, _ s: Double) -> Double { exp(-(x - m) * (x - m) / (2 * s * s)) / (s * (2 * Double.pi).squareRoot()) }

    /// Forward recursion == the sum over all 2ⁿ state sequences (an independent computation of the same likelihood and of
    /// P(s_T = 1 | r)), on a small hand example.
    func testFilterMatchesEnumerationOverStatePaths() {
        let r = [0.012, -0.031, 0.002, 0.054, -0.011, 0.004, -0.02]
        let (m1, s1, m2, s2, p11, p22) = (0.001, 0.015, -0.004, 0.045, 0.93, 0.81)
        let pi1 = (1 - p22) / (2 - p11 - p22)
        var total = 0.0, endCalm = 0.0
        for code in 0..<(1 << r.count) {
            var pr = 1.0
            var prev = -1
            for t in 0..<r.count {
                let st = (code >> t) & 1
                let trans = prev < 0 ? (st == 0 ? pi1 : 1 - pi1) : (prev == 0 ? (st == 0 ? p11 : 1 - p11) : (st == 1 ? p22 : 1 - p22))
                pr *= trans * (st == 0 ? phi(r[t], m1, s1) : phi(r[t], m2, s2))
                prev = st
            }
            total += pr
            if (code >> (r.count - 1)) & 1 == 0 { endCalm += pr }
        }
        let f = RegimeModel.filter(r, m1: m1, s1: s1, m2: m2, s2: s2, p11: p11, p22: p22)
        XCTAssertEqual(f.logLikelihood, log(total), accuracy: 1e-11)
        XCTAssertEqual(f.filteredCalm, endCalm / total, accuracy: 1e-12)
        // One observation: a two-component mixture at the stationary weights.
        let one = RegimeModel.filter([0.02], m1: m1, s1: s1, m2: m2, s2: s2, p11: p11, p22: p22)
        XCTAssertEqual(one.logLikelihood, log(pi1 * phi(0.02, m1, s1) + (1 - pi1) * phi(0.02, m2, s2)), accuracy: 1e-13)
    }

    /// Simulated from known parameters (an independent loop: chain by uniforms, Gaussian returns), the MLE recovers each
    /// within 3.5 standard errors, labels calm = lower σ even when the generator's state 1 is the turbulent one.
    func testMLERecoversKnownParameters() throws {
        let truth = [0.0012, 0.018, -0.0025, 0.052, 0.985, 0.95]
        for swapLabels in [false, true] {
            var rng = PathRandom(seed: 99, path: swapLabels ? 1 : 0)
            var s = 0
            var r: [Double] = []
            for _ in 0..<4000 {
                let u = rng.uniform()
                s = s == 0 ? (u < truth[4] ? 0 : 1) : (u < truth[5] ? 1 : 0)
                let z = Ziggurat.normal(&rng)
                r.append(s == 0 ? truth[0] + truth[1] * z : truth[2] + truth[3] * z)
            }
            let g = try RegimeModel.fit(r)
            let est = [g.m1, g.sigma1, g.m2, g.sigma2, g.p11, g.p22]
            for (i, e) in est.enumerated() {
                XCTAssertGreaterThan(e.stderr, 0, "param \(i)")
                XCTAssertLessThan(abs(e.value - truth[i]), 3.5 * e.stderr, "param \(i): \(e.value) ± \(e.stderr) vs \(truth[i])")
            }
            XCTAssertLessThan(g.sigma1.value, g.sigma2.value)
            XCTAssertNotNil(g.covariance)
            // The covariance's diagonal is the squared standard errors.
            for i in 0..<6 { XCTAssertEqual(g.covariance![i][i].squareRoot(), est[i].stderr, accuracy: 1e-12 + 1e-9 * est[i].stderr) }
            // The fit's likelihood is at least that of the truth.
            let llTruth = RegimeModel.filter(r, m1: truth[0], s1: truth[1], m2: truth[2], s2: truth[3], p11: truth[4], p22: truth[5]).logLikelihood
            XCTAssertGreaterThanOrEqual(g.logLikelihood, llTruth - 1e-6)
        }
    }

    /// Paths from the path generator (regime lanes, stationary start): the autocorrelation of squared daily log returns at
    /// lags 1, 5 and 20 matches `π₁π₂(h₁−h₂)²ρᵏ/Var(r²)`, and their variance matches `Σπ_j(m_j² + σ_j²) − m²`.
    func testSimulatedVolatilityClusteringMatchesClosedForm() throws {
        let theta = [0.001, 0.02, -0.002, 0.05, 0.98, 0.95]
        var cal = SyntheticHistory.referenceCalibration
        let pi1 = RegimeModel.stationaryCalm(p11: theta[4], p22: theta[5])
        cal.regime = RegimeParameters(m1: Estimate(theta[0], stderr: 0), sigma1: Estimate(theta[1], stderr: 0),
                                      m2: Estimate(theta[2], stderr: 0), sigma2: Estimate(theta[3], stderr: 0),
                                      p11: Estimate(theta[4], stderr: 0), p22: Estimate(theta[5], stderr: 0),
                                      covariance: nil, filteredCalm: pi1, logLikelihood: 0, observations: 0)
        let days = 1000, paths = 400
        let s = SimulationSettings(paths: paths, seed: 5, threads: 1, model: .regime, drift: .historical, parameterUncertainty: false,
                                   antithetic: false, horizonDays: days, blockSize: 16)
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s, days: days)
        let sc = gen.makeScratch()
        var series: [[Double]] = []
        var first = 0
        while first < paths {
            let n = min(16, paths - first)
            gen.generate(first: first, count: n, into: sc)
            for p in 0..<n {
                var prev = log(cal.initialState.priceUSD)
                var r: [Double] = []
                for t in 0..<days { let l = log(sc.price[p * days + t]); r.append(l - prev); prev = l }
                series.append(r)
            }
            first += n
        }
        let all = series.flatMap { $0 }
        let mean = all.reduce(0, +) / Double(all.count)
        let q = all.map { $0 * $0 }
        let qm = q.reduce(0, +) / Double(q.count)
        let qv = q.reduce(0) { $0 + ($1 - qm) * ($1 - qm) } / Double(q.count)
        let h1 = theta[0] * theta[0] + theta[1] * theta[1], h2 = theta[2] * theta[2] + theta[3] * theta[3]
        let m = pi1 * theta[0] + (1 - pi1) * theta[2]
        XCTAssertEqual(mean, m, accuracy: 4e-4)
        XCTAssertEqual(qm - mean * mean, pi1 * h1 + (1 - pi1) * h2 - m * m, accuracy: 0.03 * (pi1 * h1 + (1 - pi1) * h2))
        for k in [1, 5, 20] {
            var c = 0.0, n = 0.0
            for r in series { for t in 0..<(days - k) { c += (r[t] * r[t] - qm) * (r[t + k] * r[t + k] - qm); n += 1 } }
            let acf = c / n / qv
            let expected = RegimeModel.squaredReturnAutocorrelation(theta, lag: k)
            XCTAssertEqual(acf, expected, accuracy: 0.03, "lag \(k)")
        }
        XCTAssertGreaterThan(RegimeModel.squaredReturnAutocorrelation(theta, lag: 1), 0.1)   // the test has power
    }

    /// Calm state 1 with certainty and p11 = 1: the regime lane is a GBM with (m₁, σ₁), bit for bit.
    func testDegenerateRegimeIsGBM() throws {
        var cal = SyntheticHistory.referenceCalibration
        cal.regime = RegimeParameters(m1: Estimate(0.0005, stderr: 0), sigma1: Estimate(0.03, stderr: 0), m2: Estimate(-0.01, stderr: 0),
                                      sigma2: Estimate(0.1, stderr: 0), p11: Estimate(1, stderr: 0), p22: Estimate(0.5, stderr: 0),
                                      covariance: nil, filteredCalm: 1, logLikelihood: 0, observations: 0)
        cal.gbm = GBMParameters(mu: Estimate(0.0005 + 0.03 * 0.03 / 2, stderr: 0), sigma: Estimate(0.03, stderr: 0), logLikelihood: 0)
        let s = SimulationSettings(paths: 8, seed: 3, model: .regime, drift: .historical, parameterUncertainty: false, horizonDays: 50, blockSize: 8)
        var g = s; g.model = .gbm
        let a = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s, days: 50)
        let b = PathGenerator(process: try ModelProcess(calibration: cal, settings: g), initial: cal.initialState, settings: g, days: 50)
        let sa = a.makeScratch(), sb = b.makeScratch()
        a.generate(first: 0, count: 8, into: sa); b.generate(first: 0, count: 8, into: sb)
        for i in 0..<(8 * 50) { XCTAssertEqual(log(sa.price[i]), log(sb.price[i]), accuracy: 1e-12) }
    }
}
