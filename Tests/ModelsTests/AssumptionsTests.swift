import Domain
import Foundation
import Models
@testable import Simulate
import TestSupport
import XCTest

/// Stated drift, parameter draws, the registry and old calibrations.
final class AssumptionsTests: XCTestCase {
    func calibration() -> Calibration {
        var c = SyntheticHistory.referenceCalibration
        c.gbm = GBMParameters(mu: Estimate(0.002, stderr: 0.001), sigma: Estimate(0.04, stderr: 0.001), logLikelihood: 0)
        c.merton.observations = 1600
        return c
    }

    /// shrunk = the normal–normal posterior mean, by hand: se = σ/√n, w = τ²/(τ² + se²).
    func testShrunkDriftIsThePosteriorMean() throws {
        let c = calibration()
        let m = 0.002 - 0.04 * 0.04 / 2, se = 0.04 / 40.0, tau = 0.5 / 365
        let w = tau * tau / (tau * tau + se * se)
        for (drift, expected) in [(Drift.historical, m), (.shrunk, w * m), (.zero, 0), (.perYear(0.365), 0.001)] {
            let s = SimulationSettings(model: .gbm, drift: drift, parameterUncertainty: false)
            let law = try ModelProcess(calibration: c, settings: s).price
            XCTAssertEqual(law.base.drift, expected, accuracy: 1e-15, "\(drift)")
        }
        // A prior centred elsewhere: w·m̂ + (1 − w)·m₀.
        var s = SimulationSettings(model: .gbm, drift: .shrunk, parameterUncertainty: false)
        s.driftPrior = DriftPrior(meanPerYear: 0.2, sdPerYear: 0.3)
        let t = 0.3 / 365, w2 = t * t / (t * t + se * se)
        XCTAssertEqual(try ModelProcess(calibration: c, settings: s).price.base.drift, w2 * m + (1 - w2) * 0.2 / 365, accuracy: 1e-15)
        // Every model implies the stated mean daily log return (merton: drift + λμ_J; regime: stationary mean).
        var u = c
        u.regime = RegimeParameters(m1: Estimate(0.002, stderr: 0), sigma1: Estimate(0.02, stderr: 0), m2: Estimate(-0.004, stderr: 0),
                                    sigma2: Estimate(0.06, stderr: 0), p11: Estimate(0.97, stderr: 0), p22: Estimate(0.9, stderr: 0),
                                    covariance: nil, filteredCalm: 0.5, logLikelihood: 0, observations: 0)
        let z = SimulationSettings(drift: .perYear(0.1), parameterUncertainty: false)
        var zm = z; zm.model = .merton
        let l = try ModelProcess(calibration: u, settings: zm).price.base
        XCTAssertEqual(l.drift + l.lambda * l.muJ, 0.1 / 365, accuracy: 1e-15)
        var zr = z; zr.model = .regime
        let r = try ModelProcess(calibration: u, settings: zr).price.base
        let pi = RegimeModel.stationaryCalm(p11: r.p11, p22: r.p22)
        XCTAssertEqual(pi * r.drift + (1 - pi) * r.drift2, 0.1 / 365, accuracy: 1e-15)
        XCTAssertEqual(Drift("shrunk"), .shrunk); XCTAssertEqual(Drift("-0.2"), .perYear(-0.2)); XCTAssertNil(Drift("bull")); XCTAssertNil(Drift("nan"))
    }

    /// Draws: in the domain whatever the standard error, clamped at ±3 SE, and with the right covariance when small.
    func testParameterDrawStaysInDomainWithTheFittedCovariance() {
        let cov = [[4e-6, 1e-6], [1e-6, 1e-6]]
        let d = ParameterDraw(estimate: [0.3, 0.02], stderr: [0.002, 0.001], covariance: cov, transforms: [.identity, .log])!
        var rng = PathRandom(seed: 1, path: 0)
        var xs: [[Double]] = []
        for _ in 0..<20000 {
            var z = [Ziggurat.normal(&rng), Ziggurat.normal(&rng)]
            xs.append(z.withUnsafeMutableBufferPointer { d.sample($0.baseAddress!) })
        }
        let m0 = xs.map { $0[0] }.reduce(0, +) / 20000, m1 = xs.map { $0[1] }.reduce(0, +) / 20000
        var c00 = 0.0, c01 = 0.0, c11 = 0.0
        for x in xs { c00 += (x[0] - m0) * (x[0] - m0); c01 += (x[0] - m0) * (x[1] - m1); c11 += (x[1] - m1) * (x[1] - m1) }
        XCTAssertEqual(c00 / 20000, 4e-6, accuracy: 0.1 * 4e-6)
        XCTAssertEqual(c01 / 20000, 1e-6, accuracy: 0.15 * 1e-6)
        XCTAssertEqual(c11 / 20000, 1e-6, accuracy: 0.1 * 1e-6)
        // A huge standard error: σ stays > 0, p in (0, 1), the transformed sd is capped at 0.5 and no draw goes beyond 3 of it.
        let w = ParameterDraw(estimate: [0.01, 0.9], stderr: [0.05, 0.5], covariance: nil, transforms: [.log, .logit])!
        var big = [10.0, -10.0]
        let x = big.withUnsafeMutableBufferPointer { w.sample($0.baseAddress!) }
        XCTAssertEqual(x[0], 0.01 * exp(3 * 0.5), accuracy: 1e-12 * x[0])
        XCTAssertEqual(log(x[1] / (1 - x[1])), log(9.0) - 3 * 0.5, accuracy: 1e-9)
        XCTAssertGreaterThan(x[1], 0)
        XCTAssertNil(ParameterDraw(estimate: [1], stderr: [0], covariance: nil, transforms: [.identity]))
    }

    /// An antithetic pair shares its parameter draw; different pairs differ; off = the point estimates.
    func testAntitheticPairSharesItsDraw() throws {
        var c = calibration()
        c.merton.sigma.stderr = 0.003
        c.hashRate.sigma.stderr = 0.002
        let s = SimulationSettings(paths: 4, seed: 8, model: .gbm, drift: .historical, parameterUncertainty: true, horizonDays: 20, blockSize: 4)
        let gen = PathGenerator(process: try ModelProcess(calibration: c, settings: s), initial: c.initialState, settings: s, days: 20)
        let sc = gen.makeScratch()
        gen.generate(first: 0, count: 4, into: sc)
        XCTAssertEqual(sc.drift1[0], sc.drift1[1]); XCTAssertEqual(sc.sigma1[0], sc.sigma1[1])
        XCTAssertNotEqual(sc.sigma1[0], sc.sigma1[2])
        XCTAssertEqual(sc.hashSigma[2], sc.hashSigma[3]); XCTAssertNotEqual(sc.hashSigma[0], sc.hashSigma[2])
        XCTAssertEqual(sc.hashA[0], c.hashRate.a.value)   // the reference supply fit has no standard errors: a, b, c not drawn
        // Path 2 alone (a different block split) gets the same lane.
        let sc2 = gen.makeScratch()
        gen.generate(first: 2, count: 2, into: sc2)
        XCTAssertEqual(sc2.sigma1[0], sc.sigma1[2]); XCTAssertEqual(sc2.price[19], sc.price[2 * 20 + 19])
    }

    /// The supply response's drift terms are drawn per path from the fit's covariance: over many paths the drawn
    /// `(a, ln b)` have the delta-method covariance `[[Vαα, Vακ/κ], [Vακ/κ, Vκκ/κ²]]` around `(α̂, ln κ̂)`, `c = b·δ` exactly
    /// (δ stated: exact), an antithetic pair shares its draw, and nothing moves with parameter uncertainty off or for a
    /// free-trend calibration (no covariance of a, b, c).
    func testSupplyDriftTermsAreDrawnFromTheirCovariance() throws {
        var c = calibration()
        let alpha = -0.0068, kappa = 0.002, delta = 0.2 / 365.25
        let va = 0.002 * 0.002, vk = 0.0006 * 0.0006, vak = -0.9 * 0.002 * 0.0006
        var sup = try XCTUnwrap(c.hashRate.supply)
        sup.alpha = Estimate(alpha, stderr: va.squareRoot()); sup.kappa = Estimate(kappa, stderr: vk.squareRoot()); sup.covarianceAlphaKappa = vak
        sup.efficiencyTrend.delta = Estimate(delta, stderr: 0)
        c.hashRate.supply = sup
        c.hashRate.a = sup.alpha; c.hashRate.b = sup.kappa; c.hashRate.c = Estimate(kappa * delta, stderr: 0)
        let n = 20_000
        let s = SimulationSettings(paths: n, seed: 3, model: .gbm, drift: .historical, parameterUncertainty: true, horizonDays: 2, blockSize: 16)
        let gen = PathGenerator(process: try ModelProcess(calibration: c, settings: s), initial: c.initialState, settings: s, days: 2)
        var a: [Double] = [], lb: [Double] = []
        var first = 0
        while first < n {
            let sc = gen.makeScratch()
            gen.generate(first: first, count: 16, into: sc)
            for p in 0..<16 {
                a.append(sc.hashA[p]); lb.append(Foundation.log(sc.hashB[p]))
                XCTAssertEqual(sc.hashC[p], sc.hashB[p] * delta, accuracy: 1e-18)
                if p % 2 == 1 { XCTAssertEqual(sc.hashA[p], sc.hashA[p - 1]); XCTAssertEqual(sc.hashB[p], sc.hashB[p - 1]) }
            }
            first += 16
        }
        // Pairs share draws: the n/2 even paths are the independent draws.
        let ea = stride(from: 0, to: n, by: 2).map { a[$0] }, eb = stride(from: 0, to: n, by: 2).map { lb[$0] }
        let m = Double(ea.count)
        let ma = ea.reduce(0, +) / m, mb = eb.reduce(0, +) / m
        var caa = 0.0, cab = 0.0, cbb = 0.0
        for i in 0..<ea.count { caa += (ea[i] - ma) * (ea[i] - ma); cab += (ea[i] - ma) * (eb[i] - mb); cbb += (eb[i] - mb) * (eb[i] - mb) }
        caa /= m; cab /= m; cbb /= m
        // ±3 clamping shrinks the variance by 1 − 0.0297 (truncated normal at 3 σ), within the tolerances below.
        XCTAssertEqual(ma, alpha, accuracy: 4 * va.squareRoot() / m.squareRoot())
        XCTAssertEqual(mb, Foundation.log(kappa), accuracy: 4 * vk.squareRoot() / kappa / m.squareRoot())
        XCTAssertEqual(caa, va, accuracy: 0.06 * va)
        XCTAssertEqual(cbb, vk / (kappa * kappa), accuracy: 0.06 * vk / (kappa * kappa))
        XCTAssertEqual(cab / (caa * cbb).squareRoot(), -0.9, accuracy: 0.02)
        // Off, or a free-trend calibration: the point estimates.
        let off = SimulationSettings(paths: 4, seed: 3, model: .gbm, drift: .historical, parameterUncertainty: false, horizonDays: 2, blockSize: 4)
        var free = c
        free.hashRate.supply = nil
        for (cal, set) in [(c, off), (free, SimulationSettings(paths: 4, seed: 3, model: .gbm, drift: .historical, parameterUncertainty: true, horizonDays: 2, blockSize: 4))] {
            let g = PathGenerator(process: try ModelProcess(calibration: cal, settings: set), initial: cal.initialState, settings: set, days: 2)
            let sc = g.makeScratch()
            g.generate(first: 0, count: 4, into: sc)
            for p in 0..<4 { XCTAssertEqual(sc.hashA[p], alpha); XCTAssertEqual(sc.hashB[p], kappa); XCTAssertEqual(sc.hashC[p], kappa * delta) }
        }
    }

    /// The registry drives the names; an unknown name is rejected.
    func testRegistry() {
        XCTAssertEqual(PriceModels.names, ["merton", "gbm", "bootstrap", "regime"])
        XCTAssertEqual(PriceModel.allCases.map(\.rawValue), PriceModels.names)
        XCTAssertNil(PriceModel(rawValue: "heston"))
        XCTAssertEqual(PriceModel.regime.definition.name, "regime")
    }

    /// A calibration JSON written before this change (no `regime`, no covariances) still loads and simulates with every
    /// model it has; `regime` fails with a message naming the field.
    func testCalibrationWrittenBeforeStillLoads() throws {
        // The frozen pre-supply, pre-regime reference calibration (datasets/synthetic-calibration.json has moved on).
        let url = TestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/calibration-free-trend.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertFalse(text.contains("\"regime\""), "the fixture must be a pre-regime calibration")
        XCTAssertFalse(text.contains("covariance"))
        let c = try JSONDecoder().decode(Calibration.self, from: Data(text.utf8))
        XCTAssertNil(c.regime); XCTAssertNil(c.merton.covariance)
        for m in [PriceModel.merton, .gbm] {
            XCTAssertNoThrow(try ModelProcess(calibration: c, settings: SimulationSettings(model: m)))
        }
        XCTAssertThrowsError(try ModelProcess(calibration: c, settings: SimulationSettings(model: .regime))) { e in
            XCTAssertTrue("\(e)".contains("`regime`"), "\(e)")
        }
        // And a round trip of a new calibration keeps the new fields.
        var n = c
        n.regime = RegimeParameters(m1: Estimate(0, stderr: 0), sigma1: Estimate(0.02, stderr: 0), m2: Estimate(0, stderr: 0),
                                    sigma2: Estimate(0.05, stderr: 0), p11: Estimate(0.9, stderr: 0), p22: Estimate(0.8, stderr: 0),
                                    covariance: [[1]], filteredCalm: 0.3, logLikelihood: 1, observations: 2)
        XCTAssertEqual(try JSONDecoder().decode(Calibration.self, from: try JSONEncoder().encode(n)), n)
    }
}
