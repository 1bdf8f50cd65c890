import Domain
import Foundation
import Results
import Statistics
@testable import Simulate
import XCTest

/// Randomized QMC (`Sampling.sobol`): the hand-written Sobol sequence against an independent implementation's points,
/// the net property (unscrambled and scrambled), the Brownian bridge's orthogonality, the quantile, and that a Sobol
/// run is thread- and shard-independent and estimates the same mean as the pseudo-random one.
final class SamplingTests: XCTestCase {
    /// Points of scipy 1.17 `qmc.Sobol(d, scramble=False, bits=32)` (Joe–Kuo new-joe-kuo-6.21201), as numerators over
    /// 2^32. scipy enumerates in Gray-code order: its point i is natural point `i ^ (i >> 1)`.
    func testUnscrambledPointsEqualScipysJoeKuoSobol() {
        let first8: [[UInt32]] = [
            [0, 0, 0, 0, 0, 0, 0, 0],
            [2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648],
            [3221225472, 1073741824, 1073741824, 1073741824, 3221225472, 3221225472, 1073741824, 3221225472],
            [1073741824, 3221225472, 3221225472, 3221225472, 1073741824, 1073741824, 3221225472, 1073741824],
            [1610612736, 1610612736, 2684354560, 3758096384, 1610612736, 536870912, 1610612736, 3758096384],
            [3758096384, 3758096384, 536870912, 1610612736, 3758096384, 2684354560, 3758096384, 1610612736],
            [2684354560, 536870912, 3758096384, 2684354560, 2684354560, 3758096384, 536870912, 536870912],
            [536870912, 2684354560, 1610612736, 536870912, 536870912, 1610612736, 2684354560, 2684354560]]
        let s = SobolSequence(dimensions: 128)
        for i in 0..<8 { for j in 0..<8 { XCTAssertEqual(s.point(UInt32(i ^ (i >> 1)), dimension: j), first8[i][j], "point \(i) dim \(j)") } }
        // Points 5, 11, 15 at dimensions 20, 63, 127.
        let far: [(Int, [UInt32])] = [(5, [2684354560, 2684354560, 536870912]), (11, [4026531840, 4026531840, 3489660928]),
                                      (15, [3489660928, 3489660928, 1879048192])]
        for (i, row) in far { for (k, j) in [20, 63, 127].enumerated() { XCTAssertEqual(s.point(UInt32(i ^ (i >> 1)), dimension: j), row[k]) } }
    }

    /// Every dimension's first 2^m points: one in each interval [k/2^m, (k+1)/2^m) — unscrambled, and after each
    /// replicate's linear scramble and digital shift (which keep the net property).
    func testEveryDimensionIsANetUnscrambledAndScrambled() {
        let m = 10, n = 1 << m
        let s = SobolSequence(dimensions: 128)
        for j in 0..<128 {
            var seen = Set<UInt32>()
            for i in 0..<n { seen.insert(s.point(UInt32(i), dimension: j) >> UInt32(32 - m)) }
            XCTAssertEqual(seen.count, n, "dimension \(j)")
        }
        let q = RQMCSampler(sampling: .sobol(bridgeDimensions: 40, replicates: 3), seed: 7, drawDimension: 5, days: 365, antithetic: false, jumps: true)
        for r in 0..<3 {
            for j in 0..<q.dims {
                var seen = Set<Int>()
                for i in 0..<n { seen.insert(Int(q.uniform(path: i * 3 + r, dimension: j) * Double(n))) }
                XCTAssertEqual(seen.count, n, "replicate \(r) dimension \(j)")
            }
        }
        // Different replicates are different randomizations.
        XCTAssertNotEqual(q.uniform(path: 0, dimension: 0), q.uniform(path: 1, dimension: 0))
    }

    /// Dimensions 0 and 1 form a (0, m, 2)-net: each elementary box 2^−a × 2^−(m−a) holds exactly one of the first 2^m
    /// points (also scrambled).
    func testFirstTwoDimensionsAreAZeroMTwoNet() {
        let m = 8, n = 1 << m
        let q = RQMCSampler(sampling: .sobol(bridgeDimensions: 2, replicates: 2), seed: 11, drawDimension: 0, days: 10, antithetic: false)
        for a in 0...m {
            var boxes = Set<Int>()
            for i in 0..<n {
                let x = Int(q.uniform(path: 2 * i, dimension: 0) * Double(1 << a)), y = Int(q.uniform(path: 2 * i, dimension: 1) * Double(1 << (m - a)))
                boxes.insert(x << m | y)
            }
            XCTAssertEqual(boxes.count, n, "a = \(a)")
        }
    }

    /// The bridge maps iid inputs to increments by an orthogonal matrix (so iid N(0,1) in, iid N(0,1) out): its columns
    /// (the images of the unit vectors) are orthonormal. With every input from the row (no Sobol input it is still the same
    /// map): checked through `bridge` with count 0 for d = 1, 2, 37, 100.
    func testBrownianBridgeIsOrthogonal() {
        for d in [1, 2, 37, 100] {
            let q = RQMCSampler(sampling: .sobol(bridgeDimensions: 1, replicates: 2), seed: 1, drawDimension: 0, days: d, antithetic: false)
            var cols: [[Double]] = []
            let z = UnsafeMutablePointer<Double>.allocate(capacity: d), scratch = UnsafeMutablePointer<Double>.allocate(capacity: 2 * d)
            defer { z.deallocate(); scratch.deallocate() }
            for k in 0..<d {
                for t in 0..<d { z[t] = t == k ? 1 : 0 }
                q.bridge(path: 0, z: z, stride: 1, firstDimension: 0, count: 0, scratch: scratch)
                cols.append((0..<d).map { z[$0] })
            }
            for a in 0..<d { for b in a..<d {
                let dot = zip(cols[a], cols[b]).reduce(0) { $0 + $1.0 * $1.1 }
                XCTAssertEqual(dot, a == b ? 1 : 0, accuracy: 1e-12, "d \(d) columns \(a), \(b)")
            } }
            // Input 0 alone is the terminal value: its increments are all 1/√d (W_d = √d·ξ₀, a straight line).
            for t in 0..<d { z[t] = 0 }
            z[0] = 1
            q.bridge(path: 0, z: z, stride: 1, firstDimension: 0, count: 0, scratch: scratch)
            for t in 0..<d { XCTAssertEqual(z[t], 1 / Double(d).squareRoot(), accuracy: 1e-12) }
        }
    }

    func testNormalQuantileInvertsErfc() {
        for p in [1e-12, 1e-6, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.97575, 0.999, 1 - 1e-9] {
            let x = RQMCSampler.normalQuantile(p)
            XCTAssertEqual(0.5 * erfc(-x / 2.0.squareRoot()), p, accuracy: 4e-16 + 1e-13 * p, "p \(p)")
        }
        XCTAssertEqual(RQMCSampler.normalQuantile(0.5), 0, accuracy: 1e-15)
    }

    func testReplicateStderrByHand() {
        // Units of 2; 2 replicates: replicate 0 = paths 0,1,4,5 = {1,3,5,7} mean 4; replicate 1 = paths 2,3,6,7 = {2,2,8,8} mean 5.
        let v: [Double] = [1, 3, 2, 2, 5, 7, 8, 8]
        let (m, se) = Moments.replicateStderr(v, unitSize: 2, replicates: 2)
        XCTAssertEqual(m, 4.5, accuracy: 1e-15)
        // sd of {4, 5} = 1/√2, over √2: 0.5.
        XCTAssertEqual(se, 0.5, accuracy: 1e-15)
    }

    let cal = Fixture.uncertain(Fixture.calibration(sigma: 0.03, lambda: 0.03, muJ: -0.03, sigmaJ: 0.08, mu: 0.0005, hashB: 0.0, hashSigma: 0.02,
                                                    feeKappa: 0.05, feeSigma: 0.1, correlation: [[1, 0.2, 0.1], [0.2, 1, 0], [0.1, 0, 1]]))
    let deal = Fixture.deal(term: 90, curtailment: .economic, power: 0.07)

    /// A Sobol run (parameter draws, jump totals, price and hash-rate bridges) gives the same bytes on 1 and 2 threads and
    /// for any shard split (the points are functions of (seed, unit)); it differs from the pseudo-random run.
    func testSobolRunIsThreadAndShardIndependent() throws {
        let paths = 67
        var s1 = SimulationSettings(paths: paths, seed: 4, threads: 1, blockSize: 8)
        s1.sampling = .sobol(bridgeDimensions: 8, hashBridgeDimensions: 4, replicates: 4)
        var s2 = s1; s2.threads = 2
        let one = try MonteCarlo.run(deal: deal, calibration: cal, settings: s1)
        let two = try MonteCarlo.run(deal: deal, calibration: cal, settings: s2)
        XCTAssertEqual(one.encoded(), two.encoded())
        var pseudo = s1; pseudo.sampling = .pseudo
        XCTAssertNotEqual(try MonteCarlo.run(deal: deal, calibration: cal, settings: pseudo).pvUSD, one.pvUSD)
        for n in [2, 3, 7] {
            var merged: PartialResult? = nil
            for i in 0..<n {
                let part = try MonteCarlo.run(deal: deal, calibration: cal, settings: s2, range: MonteCarlo.shardRange(index: i, of: n, total: paths))
                let decoded = try PartialResult(encoded: part.encoded())
                if merged == nil { merged = decoded } else { try merged!.append(decoded) }
            }
            XCTAssertEqual(merged!.encoded(), one.encoded(), "n = \(n)")
        }
    }

    /// The law of the paths is unchanged (the bridge is orthogonal, the jumps are Merton's in law): the Sobol estimate of
    /// the PV mean agrees with the pseudo-random one within their standard errors, and its SE is smaller.
    func testSobolEstimatesTheSameMeanWithASmallerError() throws {
        let d = Fixture.deal(term: 360, curtailment: .economic, power: 0.07)
        var s = SimulationSettings(paths: 4096, seed: 21, threads: 2, horizonDays: 360)
        let p = try MonteCarlo.run(deal: d, calibration: cal, settings: s, structures: false)
        s.sampling = .sobol(bridgeDimensions: 16, hashBridgeDimensions: 8, replicates: 8)
        let q = try MonteCarlo.run(deal: d, calibration: cal, settings: s, structures: false)
        let (mp, sep) = Moments.meanStderr(p.pvUSD, antithetic: true)
        let (mq, seq) = Moments.replicateStderr(q.pvUSD, unitSize: 2, replicates: 8)
        XCTAssertGreaterThan(sep, 0); XCTAssertGreaterThan(seq, 0)
        XCTAssertLessThan(abs(mp - mq), 4 * (sep * sep + seq * seq).squareRoot(), "pseudo \(mp) ± \(sep), sobol \(mq) ± \(seq)")
        XCTAssertLessThan(seq, sep, "pseudo SE \(sep), sobol SE \(seq)")
    }

    /// Jump totals under RQMC: over many units the mean number of jump days and the mean jump log-sum match λ·d and
    /// λ·d·μ_J (Merton's law), for the unit and its antithetic partner.
    func testJumpTotalsHaveMertonsMoments() {
        let d = 200, units = 4096, lambda = 0.05, muJ = -0.03, sigmaJ = 0.08
        let q = RQMCSampler(sampling: .sobol(bridgeDimensions: 4, replicates: 4), seed: 3, drawDimension: 0, days: d, antithetic: true, jumps: true)
        let j = UnsafeMutablePointer<Double>.allocate(capacity: 2 * d)
        defer { j.deallocate() }
        var sum = [0.0, 0.0], sq = [0.0, 0.0]
        for u in 0..<units {
            q.jumps(path: 2 * u, pair: true, lambda: lambda, muJ: muJ, sigmaJ: sigmaJ, into: j, stride: 2)
            for k in 0..<2 {
                var s = 0.0
                for t in 0..<d { s += j[2 * t + k] }
                sum[k] += s; sq[k] += s * s
            }
        }
        // E[Σ] = λd·μ_J, Var[Σ] = λd·(μ_J² + σ_J²).
        let mean = lambda * Double(d) * muJ, variance = lambda * Double(d) * (muJ * muJ + sigmaJ * sigmaJ)
        for k in 0..<2 {
            let m = sum[k] / Double(units), v = sq[k] / Double(units) - m * m
            XCTAssertEqual(m, mean, accuracy: 4 * (variance / Double(units)).squareRoot(), "k \(k)")
            XCTAssertEqual(v, variance, accuracy: 0.1 * variance, "k \(k)")
        }
    }

    func testBadSobolSettingsAreRefused() {
        var s = SimulationSettings(paths: 64, seed: 1, threads: 1, horizonDays: 30)
        s.sampling = .sobol(bridgeDimensions: 8, replicates: 1)
        XCTAssertThrowsError(try MonteCarlo.run(deal: deal, calibration: cal, settings: s)) { XCTAssertTrue("\($0)".contains("replicates")) }
        s.sampling = .sobol(bridgeDimensions: 200, replicates: 4)
        XCTAssertThrowsError(try MonteCarlo.run(deal: deal, calibration: cal, settings: s)) { XCTAssertTrue("\($0)".contains("exceed")) }
        s.sampling = .sobol(bridgeDimensions: 8, replicates: 32)
        XCTAssertThrowsError(try MonteCarlo.run(deal: deal, calibration: cal, settings: s)) { XCTAssertTrue("\($0)".contains("units")) }
    }

    /// Under RQMC the summary's `pv_usd_stderr` is the replicates' (`Moments.replicateStderr`), not the pairs'.
    func testSummaryStandardErrorIsTheReplicates() throws {
        var s = SimulationSettings(paths: 96, seed: 5, threads: 1, horizonDays: 60)
        s.sampling = .sobol(bridgeDimensions: 8, replicates: 6)
        let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, structures: false)
        var run = RunSummary.Run(deal: "t", model: "merton", measure: "real", antithetic: true, seed: 5, asOf: "2027-01-01",
                                 startDate: "2027-01-01", horizonDays: 60, termDays: 90, truncated: true)
        let pairs = RunSummary(run: run, outcomes: r.columns, priceUSD: 20, halving: .init(counts: [], paths: 96) { "\($0)" })
        run.samplingReplicates = 6
        let reps = RunSummary(run: run, outcomes: r.columns, priceUSD: 20, halving: .init(counts: [], paths: 96) { "\($0)" })
        XCTAssertEqual(reps.pvStderr, Moments.replicateStderr(r.pvUSD, unitSize: 2, replicates: 6).stderr)
        XCTAssertEqual(pairs.pvStderr, Moments.meanStderr(r.pvUSD, antithetic: true).stderr)
        XCTAssertNotEqual(reps.pvStderr, pairs.pvStderr)
        XCTAssertEqual(reps.pvMean, pairs.pvMean)
    }
}
