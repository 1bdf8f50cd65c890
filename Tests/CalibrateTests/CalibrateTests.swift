import Domain
import Models
import Foundation
import Ingest
import LinearAlgebra
import TestSupport
import XCTest
@testable import Hashprice
@testable import Calibrate

/// A small generator of the SPEC §5 model written here, independently of the production code.
private struct SyntheticTruth {
    var mu = 0.0008, sigma = 0.025, lambda = 0.04, muJ = -0.04, sigmaJ = 0.08
    var a = -0.0206, b = 0.006, c = 2e-6, sigmaH = 0.01, lag = 30
    var kappa = 0.06, m = Foundation.log(0.1), sigmaF = 0.25
    var rho12 = 0.3, rho13 = 0.2, rho23 = -0.1
}

private func synthesize(_ t: SyntheticTruth, days: Int, seed: UInt64) -> [DailyObservation] {
    var rng = PathRandom(seed: seed, path: 0)
    func poisson(_ l: Double) -> Int { var k = 0; var p = Foundation.exp(-l); var s = p; let u = rng.uniform(); while u > s { k += 1; p *= l / Double(k); s += p }; return k }
    // Cholesky of the correlation by hand (3×3).
    let l11 = 1.0, l21 = t.rho12, l31 = t.rho13
    let l22 = (1 - l21 * l21).squareRoot()
    let l32 = (t.rho23 - l31 * l21) / l22
    let l33 = (1 - l31 * l31 - l32 * l32).squareRoot()
    let start = Day(iso: "2015-01-01")!
    let originOffset = days - 1460  // the calibration window starts here (trend origin)
    var lnS = Foundation.log(20000.0), lnH = Foundation.log(3e20), x = t.m
    var lnHP: [Double] = []
    var out: [DailyObservation] = []
    var height = 700_000
    for i in 0..<days {
        let S = Foundation.exp(lnS), H = Foundation.exp(lnH), F = Foundation.exp(x)
        let D = H * 600 / 4_294_967_296.0  // 144 blocks a day exactly
        // Blocks arrive as a Poisson process (expected 144 a day at this difficulty), as on the real chain: the
        // calibrator must see through that measurement noise.
        let n = Double(poisson(144))
        height += Int(n)
        out.append(DailyObservation(date: start + i, priceUSD: S, blockCount: n, difficulty: D, hashRateHs: H,
                                    feesBTC: n * F, issuanceBTC: n * 3.125, heightEnd: height))
        lnHP.append(Foundation.log(86400e15 / (D * 4_294_967_296.0) * (3.125 + F) * S))
        let z1 = rng.normal(), z2 = rng.normal(), z3 = rng.normal()
        let e1 = l11 * z1, e2 = l21 * z1 + l22 * z2, e3 = l31 * z1 + l32 * z2 + l33 * z3
        var jump = 0.0
        for _ in 0..<poisson(t.lambda) { jump += t.muJ + t.sigmaJ * rng.normal() }
        lnS += t.mu - t.sigma * t.sigma / 2 + t.sigma * e1 + jump
        let lagged = lnHP[max(0, i - t.lag)]
        lnH += t.a + t.b * lagged + t.c * Double(i - originOffset) + t.sigmaH * e2
        x += t.kappa * (t.m - x) + t.sigmaF * e3
    }
    return out
}

final class CalibrateTests: XCTestCase {
    private func within3(_ e: Estimate, _ truth: Double, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThan(e.stderr, 0, name, file: file, line: line)
        XCTAssertLessThanOrEqual(abs(e.value - truth), 3 * e.stderr, "\(name): \(e.value) ± \(e.stderr) vs \(truth)", file: file, line: line)
    }

    /// (a) Recover known parameters from synthetic history: each within 3 standard errors.
    func testRecoversSyntheticParameters() throws {
        let t = SyntheticTruth()
        let obs = synthesize(t, days: 1460 + 200, seed: 20260322)
        let asOf = obs.last!.date
        let cal = try Calibrator.calibrate(observations: obs, hashprice: HashpriceIndex.compute(obs), asOf: asOf, windowDays: 1460)
        print("synthetic fit:", cal.merton, cal.hashRate, cal.fees, cal.correlation)
        within3(cal.merton.mu, t.mu, "mu")
        within3(cal.merton.sigma, t.sigma, "sigma")
        within3(cal.merton.lambda, t.lambda, "lambda")
        within3(cal.merton.muJ, t.muJ, "muJ")
        within3(cal.merton.sigmaJ, t.sigmaJ, "sigmaJ")
        XCTAssertEqual(cal.merton.observations, 1459)
        // GBM total variance per day σ² + λ(μJ² + σJ²).
        let totalSD = (t.sigma * t.sigma + t.lambda * (t.muJ * t.muJ + t.sigmaJ * t.sigmaJ)).squareRoot()
        XCTAssertEqual(cal.gbm.sigma.value, totalSD, accuracy: 4 * cal.gbm.sigma.stderr)
        XCTAssertGreaterThan(cal.merton.logLikelihood, cal.gbm.logLikelihood)
        XCTAssertEqual(cal.hashRate.lag, t.lag)
        within3(cal.hashRate.b, t.b, "b")
        within3(cal.hashRate.c, t.c, "c")
        within3(cal.hashRate.a, t.a, "a")
        within3(cal.hashRate.sigma, t.sigmaH, "sigmaH (Poisson block noise removed)")
        within3(cal.fees.kappa, t.kappa, "kappa")
        within3(cal.fees.m, t.m, "m")
        within3(cal.fees.sigma, t.sigmaF, "sigmaF")
        XCTAssertEqual(cal.correlation[0][2], t.rho13, accuracy: 0.2)
        XCTAssertEqual(cal.correlation[1][2], t.rho23, accuracy: 0.25)
        // Symmetric, unit diagonal, positive definite.
        for i in 0..<3 { XCTAssertEqual(cal.correlation[i][i], 1); for j in 0..<3 { XCTAssertEqual(cal.correlation[i][j], cal.correlation[j][i]) } }
        XCTAssertNoThrow(try cholesky(Matrix(cal.correlation)))
        // Initial state: last day, exact height/difficulty, 144-block days → epoch position from heights.
        let last = obs.last!
        XCTAssertEqual(cal.initialState.date, asOf)
        XCTAssertEqual(cal.initialState.height, last.heightEnd)
        XCTAssertEqual(cal.initialState.difficulty, last.difficulty)
        // Epoch position, walked back day by day here: whole days after the day holding the epoch's first block, plus
        // the fraction of that day's blocks mined from it on.
        let h = last.heightEnd!, epochStart = 2016 * (h / 2016)
        var elapsed = 0.0
        for o in obs.reversed() {
            let hEnd = o.heightEnd!, b = o.blockCount!
            if hEnd - Int(b) + 1 <= epochStart { elapsed += Double(hEnd - epochStart + 1) / b; break }
            elapsed += 1
        }
        XCTAssertEqual(cal.initialState.epochElapsedDays, elapsed, accuracy: 1e-12)
        XCTAssertEqual(cal.initialState.lnHashpriceHistory.count, 120)
        let feeAvg = obs.suffix(7).reduce(0) { $0 + $1.feesBTC! } / obs.suffix(7).reduce(0) { $0 + $1.blockCount! }
        XCTAssertEqual(cal.initialState.feePerBlockBTC, feeAvg, accuracy: 1e-12 * feeAvg)
        XCTAssertEqual(cal.historicalLogReturns.count, 1459)
    }

    /// Sign constraint: hash rate that *falls* after high hashprice gives b̂ < 0; the fit is then redone at the bound b = 0.
    /// Data: ln H̄_t = 0.001·t − 0.01·sin(2πt/91), ln hp_t = 3 + cos(2π(t+7)/91): the weekly step ≈ −0.01·(2π·7/91)·cos(2πt/91) moves
    /// against the 7-day-lagged hashprice. Without b the regression is y_k = 7a + 7c·t_k on a trend of exactly 0.001/day plus a 91-day wave whose
    /// weekly differences average out: a ≈ 0.001 and c ≈ 0.
    func testNegativeResponseIsConstrainedToZero() throws {
        let d0 = Day(year: 2020, month: 1, day: 1)!
        var h: [Day: Double] = [:], hp: [Day: Double] = [:]
        for t in -200..<1460 {
            let x = Double(t)
            h[d0 + t] = Foundation.exp(40 + 0.001 * x - 0.01 * Foundation.sin(2 * Double.pi * x / 91))
            hp[d0 + t] = 3 + Foundation.cos(2 * Double.pi * (x + 7) / 91)
        }
        let fit = try HashRateFit.fit(hashRate7d: h, lnHashprice: hp, windowStart: d0, windowEnd: d0 + 1459).parameters
        XCTAssertEqual(fit.b.value, 0)
        XCTAssertEqual(fit.b.stderr, 0)
        let bu = try XCTUnwrap(fit.bUnconstrained)
        XCTAssertLessThan(bu.value, 0)
        XCTAssertEqual(fit.a.value, 0.001, accuracy: 2e-5)
        XCTAssertEqual(fit.c.value, 0, accuracy: 5e-8)
        // A positive response is left alone.
        for t in -200..<1460 { hp[d0 + t] = 3 - Foundation.cos(2 * Double.pi * (Double(t) + 7) / 91) }
        let pos = try HashRateFit.fit(hashRate7d: h, lnHashprice: hp, windowStart: d0, windowEnd: d0 + 1459).parameters
        XCTAssertGreaterThan(pos.b.value, 0)
        XCTAssertNil(pos.bUnconstrained)
    }

    /// (c) As-of honesty: wild data after asOf changes nothing (bit-identical JSON).
    func testIgnoresDataAfterAsOf() throws {
        var obs = synthesize(SyntheticTruth(), days: 1300, seed: 7)
        let asOf = obs[1199].date
        let base = try Calibrator.calibrate(observations: obs, hashprice: HashpriceIndex.compute(obs), asOf: asOf, windowDays: 1000)
        for i in 1200..<1300 { obs[i].priceUSD = 1e9 * Double(i); obs[i].blockCount = 1; obs[i].feesBTC = 1e6 }
        obs.append(DailyObservation(date: obs.last!.date + 5, priceUSD: 1, blockCount: 1, difficulty: 1, feesBTC: 1e9, issuanceBTC: 0, heightEnd: 1))
        let wild = try Calibrator.calibrate(observations: obs, hashprice: HashpriceIndex.compute(obs), asOf: asOf, windowDays: 1000)
        XCTAssertEqual(base, wild)
        XCTAssertEqual(base.windowEnd, asOf)
        XCTAssertEqual(base.initialState.date, asOf)
    }

    /// Missing values inside the window are skipped consistently: the fit still succeeds, stays finite, and the
    /// price sample loses exactly the returns that touch a day without a price.
    func testSkipsMissingValues() throws {
        var obs = synthesize(SyntheticTruth(), days: 1460, seed: 11)
        let full = try Calibrator.calibrate(observations: obs, hashprice: HashpriceIndex.compute(obs), asOf: obs.last!.date)
        for i in stride(from: 100, to: 1400, by: 97) { obs[i].priceUSD = nil }        // 14 days: 28 returns lost
        for i in stride(from: 150, to: 1400, by: 131) { obs[i].feesBTC = nil }         // fee days skipped
        for i in stride(from: 170, to: 1400, by: 211) { obs[i].blockCount = nil }      // breaks 7-day sums
        let gappy = try Calibrator.calibrate(observations: obs, hashprice: HashpriceIndex.compute(obs), asOf: obs.last!.date)
        XCTAssertEqual(gappy.merton.observations, full.merton.observations - 28)
        XCTAssertEqual(gappy.historicalLogReturns.count, full.historicalLogReturns.count - 28)
        let json = try JSONEncoder().encode(gappy)
        XCTAssertFalse(json.isEmpty)
        XCTAssertEqual(gappy.merton.sigma.value, full.merton.sigma.value, accuracy: 3 * full.merton.sigma.stderr)
        XCTAssertEqual(gappy.hashRate.b.value, full.hashRate.b.value, accuracy: 3 * full.hashRate.b.stderr)
    }

    func testInsufficientDataRefuses() {
        let obs = synthesize(SyntheticTruth(), days: 200, seed: 1)
        XCTAssertThrowsError(try Calibrator.calibrate(observations: obs, hashprice: HashpriceIndex.compute(obs), asOf: obs.last!.date)) { e in
            guard case CalibrateError.insufficientData = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try Calibrator.calibrate(observations: obs, hashprice: [], asOf: obs.last!.date, windowDays: 0))
    }

    /// GBM closed form against a hand calculation on r = (0.01, −0.02, 0.03, 0.00):
    /// m = 0.005, σ² = mean of (0.005², 0.025², 0.025², 0.005²) = 0.000325, μ = 0.005 + 0.0001625.
    func testGBMClosedForm() throws {
        let g = try GBMModel.fit([0.01, -0.02, 0.03, 0.0])
        XCTAssertEqual(g.sigma.value, 0.000325.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(g.mu.value, 0.0051625, accuracy: 1e-15)
        XCTAssertEqual(g.sigma.stderr, 0.000325.squareRoot() / 8.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(g.logLikelihood, -2 * (Foundation.log(2 * Double.pi * 0.000325) + 1), accuracy: 1e-12)
    }

    /// Merton density with λ = 0 is the normal density; with jumps it matches a direct two-term sum when λ is tiny.
    func testMertonDensityReducesToNormal() {
        let r = [0.01, -0.02, 0.035]
        let ll = MertonModel.logLikelihood(r, mu: 0.001, sigma: 0.02, lambda: 0, muJ: 0.1, sigmaJ: 0.1)
        var direct = 0.0
        for x in r { let m = 0.001 - 0.0002; direct += -0.5 * Foundation.log(2 * Double.pi * 0.0004) - (x - m) * (x - m) / 0.0008 }
        XCTAssertEqual(ll, direct, accuracy: 1e-12)
    }

    /// (b) Sane fits on the real history (as-of 2026-03-22 and 2022-06-30).
    func testRealHistorySanity() throws {
        guard let url = TestSupport.sharedDataset("btc_daily_network_market.csv") else {
            throw XCTSkip("btc_daily_network_market.csv absent from ../shared/datasets")
        }
        let obs = try Ingest.parse(path: url.path).observations
        let hp = HashpriceIndex.compute(obs)
        for asOf in ["2026-03-22", "2022-06-30"] {
            let cal = try Calibrator.calibrate(observations: obs, hashprice: hp, asOf: Day(iso: asOf)!)
            let m = cal.merton
            print("real \(asOf): merton mu \(m.mu.value) sigma \(m.sigma.value) lambda \(m.lambda.value) muJ \(m.muJ.value) sigmaJ \(m.sigmaJ.value) ll \(m.logLikelihood); gbm sigma \(cal.gbm.sigma.value); hash lag \(cal.hashRate.lag) a \(cal.hashRate.a.value) b \(cal.hashRate.b.value)±\(cal.hashRate.b.stderr) c \(cal.hashRate.c.value) sigmaH \(cal.hashRate.sigma.value); fees kappa \(cal.fees.kappa.value) m \(cal.fees.m.value) sigma \(cal.fees.sigma.value); corr \(cal.correlation)")
            XCTAssertTrue((0.02...0.05).contains(cal.gbm.sigma.value))
            let total = (m.sigma.value * m.sigma.value + m.lambda.value * (m.muJ.value * m.muJ.value + m.sigmaJ.value * m.sigmaJ.value)).squareRoot()
            XCTAssertTrue((0.02...0.05).contains(total), "Merton total daily sd \(total)")
            XCTAssertGreaterThan(m.logLikelihood, cal.gbm.logLikelihood)
            XCTAssertTrue((0.0...0.5).contains(cal.fees.kappa.value))
            XCTAssertTrue((0.001...0.1).contains(cal.hashRate.sigma.value))
            XCTAssertGreaterThanOrEqual(cal.initialState.lnHashpriceHistory.count, 90)
            XCTAssertNoThrow(try cholesky(Matrix(cal.correlation)))
        }
    }
}
