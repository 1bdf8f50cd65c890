import CKernels
import Domain
import FileIO
import Foundation
import Results
import LinearAlgebra
import Models
@testable import Simulate
import Statistics
import XCTest

/// The CKernels Monte Carlo kernels against independent Swift calculations, across their CPU variants, and the
/// generator's vectorised day step against its generic loop.
final class KernelTests: XCTestCase {
    let stream = CounterStream(seed: 42, path: 7, stream: 16)
    let fallback = CounterStream(seed: 42, path: 7, stream: 17)

    func normals(first: UInt64, count: Int, variant: Int? = nil) -> [Double] {
        var out = [Double](repeating: .nan, count: count)
        out.withUnsafeMutableBufferPointer { o in
            if let v = variant {
                let rc = hashsec_counter_normals_variant(Int32(v), stream.key, stream.gamma, fallback.key, fallback.gamma, first, count,
                                                         o.baseAddress!, 3, Ziggurat.xs, Ziggurat.rs, Ziggurat.fs)
                if rc != 0 { o[0] = .infinity }   // variant not on this CPU
            } else {
                hashsec_counter_normals(stream.key, stream.gamma, fallback.key, fallback.gamma, first, count, o.baseAddress!, 3,
                                        Ziggurat.xs, Ziggurat.rs, Ziggurat.fs)
            }
        }
        return out
    }

    func testCounterUniformsMatchSwiftReference() {
        var out = [Double](repeating: 0, count: 1000)
        hashsec_counter_uniforms(stream.key, stream.gamma, 12345, 1000, &out)
        for i in 0..<1000 { XCTAssertEqual(out[i].bitPattern, stream.uniform(12345 + UInt64(i)).bitPattern) }
        // The Swift reference is SplitMix64: mix64 of the counter, with SplitMix64's published output function.
        XCTAssertEqual(CounterStream.mix64(0), 0)
        XCTAssertEqual(splitMix64(0), CounterStream.mix64(0x9E37_79B9_7F4A_7C15))
    }

    func testCounterNormalsAreRandomAccessDeterministicAndVariantIdentical() {
        let all = normals(first: 0, count: 3000)
        let slice = normals(first: 1000, count: 300)
        XCTAssertEqual(Array(all[1000..<1300]).map(\.bitPattern), slice.map(\.bitPattern))
        XCTAssertEqual(all.map(\.bitPattern), normals(first: 0, count: 3000).map(\.bitPattern))
        let portable = normals(first: 0, count: 3000, variant: 0)
        XCTAssertEqual(all.map(\.bitPattern), portable.map(\.bitPattern))
        for v in 1...2 {
            let r = normals(first: 0, count: 3000, variant: v)
            if r[0].isInfinite { continue }
            XCTAssertEqual(r.map(\.bitPattern), portable.map(\.bitPattern), "variant \(v)")
        }
        // Draws that pass the ziggurat's fast test are u·x[i], computed here from the Swift stream.
        var accepted = 0
        for n in 0..<3000 {
            let bits = stream.output(UInt64(n))
            let i = Int(bits & 0x7F)
            let u = 2 * ((Double(bits >> 11) + 0.5) * 0x1.0p-53) - 1
            if abs(u) < Ziggurat.rs[i] { XCTAssertEqual(all[n], u * Ziggurat.xs[i]); accepted += 1 }
        }
        XCTAssertGreaterThan(accepted, 2900)
        XCTAssertLessThan(accepted, 3000, "some draws must take the scalar rejection path")
    }

    func testCounterNormalsAreStandardNormal() {
        let n = 600_000
        let z = normals(first: 0, count: n)
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
        XCTAssertLessThan(abs(mean), 4 / Double(n).squareRoot())
        XCTAssertLessThan(abs(variance - 1), 4 * (2 / Double(n)).squareRoot())
        // Kolmogorov–Smirnov distance to Φ, and the tails (the ziggurat's wedge and tail code paths).
        let sorted = z.sorted()
        var ks = 0.0
        for (k, x) in sorted.enumerated() where k % 7 == 0 {
            let phi = 0.5 * erfc(-x / 2.0.squareRoot())
            ks = max(ks, abs(phi - Double(k) / Double(n)), abs(phi - Double(k + 1) / Double(n)))
        }
        XCTAssertLessThan(ks, 1.63 / Double(n).squareRoot(), "KS distance")
        let beyond3 = Double(z.filter { abs($0) > 3 }.count) / Double(n), want = erfc(3 / 2.0.squareRoot())
        XCTAssertLessThan(abs(beyond3 - want), 4 * (want / Double(n)).squareRoot())
        XCTAssertGreaterThan(z.filter { abs($0) > 3.442619855899 }.count, 100, "the tail beyond the base layer is sampled")
    }

    func testHistogramBinsMatchDayHistograms() {
        var rng = PathRandom(seed: 5, path: 0)
        var x: [Double] = [0, -0.0, -1, .nan, .infinity, -.infinity, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude,
                           0x1p-20, 0x1p30, 0x1p-21, 0x1p29 * 1.999]
        // NaNs with only low payload bits, negative NaN, the largest subnormal, and arbitrary bit patterns (every class).
        x += [Double(bitPattern: 0x7FF0_0000_0000_0001), Double(bitPattern: 0xFFF8_0000_0000_0000), Double(bitPattern: 0x000F_FFFF_FFFF_FFFF),
              Double(bitPattern: 0x7FEF_FFFF_FFFF_FFFF), 0x1p-1022, 0x1p30 * (1 + 0x1p-52), 0x1p-20 * (1 - 0x1p-53)]
        for _ in 0..<2000 { x.append(Double(bitPattern: UInt64(rng.uniform() * 0x1p32) << 32 | UInt64(rng.uniform() * 0x1p32))) }
        while x.count < 9000 { x.append(Foundation.exp2(rng.uniform() * 120 - 60) * (rng.uniform() < 0.05 ? -1 : 1)) }
        let tile = Int(HASHSEC_HIST_TILE), tiles = (x.count + tile - 1) / tile, stride = 3 * tile
        var out = [UInt16](repeating: 0xFFFF, count: tiles * stride)
        // The engine's four grids (DailyQuantileSet) and the extremes; run under HASHSEC_KERNEL=portable|avx2 for the others.
        for (lo, hi) in [(-20, 30), (-10, 40), (-40, 30), (-50, 20), (-1022, 1023), (0, 1)] {
            hashsec_hist_bins(x, x.count, Int32(lo), Int32(hi), &out, stride)
            for t in x.indices where Int(out[(t / tile) * stride + t % tile]) != DayHistograms.bin(x[t], eMin: lo, eMax: hi) {
                XCTFail("grid \(lo)…\(hi): x = \(x[t]) (bits \(String(x[t].bitPattern, radix: 16))): \(out[(t / tile) * stride + t % tile]) vs \(DayHistograms.bin(x[t], eMin: lo, eMax: hi))")
            }
        }
    }

    func testBatchedHistogramsEqualNaiveCounts() {
        let days = 70
        let batch = HistogramBatch(days: days, batch: 48)
        var naive = DailyQuantileSet(days: days)
        var rng = PathRandom(seed: 9, path: 1)
        for _ in 0..<5 {   // more paths than one batch: flushes in between
            let slot = batch.reserve(40)
            for p in 0..<40 {
                var series = [[Double]](repeating: [], count: 4)
                for k in 0..<4 { series[k] = (0..<days).map { _ in rng.uniform() < 0.3 ? 1.0 : Foundation.exp2(rng.uniform() * 40 - 20) } }
                for k in 0..<4 { series[k].withUnsafeBufferPointer { batch.record(series: k, slot: slot + p, values: $0.baseAddress!) } }
                for t in 0..<days {
                    naive.hashpriceUSD.counts[t * naive.hashpriceUSD.bins + DayHistograms.bin(series[0][t], eMin: -20, eMax: 30)] += 1
                    naive.priceUSD.counts[t * naive.priceUSD.bins + DayHistograms.bin(series[1][t], eMin: -10, eMax: 40)] += 1
                    naive.payoutUSD.counts[t * naive.payoutUSD.bins + DayHistograms.bin(series[2][t], eMin: -40, eMax: 30)] += 1
                    naive.cumulativeBTC.counts[t * naive.cumulativeBTC.bins + DayHistograms.bin(series[3][t], eMin: -50, eMax: 20)] += 1
                }
            }
        }
        XCTAssertEqual(batch.result(), naive)
    }

    func testFlowsPolynomialMatchesDirectSums() {
        var rng = PathRandom(seed: 3, path: 2)
        for n in [1, 5, 16, 17, 100, 1095] {
            let c = (0..<n).map { _ in rng.uniform() < 0.2 ? 0 : rng.uniform() * 3 }
            for v in [0.97, 0.9995, 1.0, 1.0004] {
                var f = 0.0, df = 0.0, wantF = 0.0, wantDF = 0.0, vt = 1.0
                for t in 1...n { wantDF += Double(t) * c[t - 1] * vt; vt *= v; wantF += c[t - 1] * vt }
                hashsec_flows_poly(c, n, v, &f, &df)
                XCTAssertEqual(f, wantF, accuracy: 1e-12 * max(1, abs(wantF)), "n \(n) v \(v)")
                XCTAssertEqual(df, wantDF, accuracy: 1e-11 * max(1, abs(wantDF)), "n \(n) v \(v)")
                var f0 = 0.0, d0 = 0.0
                XCTAssertEqual(hashsec_flows_poly_variant(0, c, n, v, &f0, &d0), 0)
                XCTAssertEqual(f.bitPattern, f0.bitPattern); XCTAssertEqual(df.bitPattern, d0.bitPattern)
            }
        }
    }

    /// The vectorised day kernel (no overlay) and the generic Swift loop (forced by an all-zero overlay) give the same bits,
    /// with and without antithetic pairs, with the lagged-hashprice feedback on.
    func testVectorisedDayStepEqualsGenericLoop() throws {
        let cal = Fixture.calibration(sigma: 0.03, lambda: 0.05, muJ: -0.02, sigmaJ: 0.05, mu: 0.0003, hashA: 0.001, hashB: 0.0004,
                                      hashSigma: 0.02, feeKappa: 0.05, feeSigma: 0.1, correlation: [[1, 0.2, 0.1], [0.2, 1, 0], [0.1, 0, 1]])
        let days = 200
        for antithetic in [true, false] {
            let s = SimulationSettings(paths: 16, seed: 11, threads: 1, antithetic: antithetic, horizonDays: days, blockSize: 16)
            let process = try ModelProcess(calibration: cal, settings: s)
            let fast = PathGenerator(process: process, initial: cal.initialState, settings: s, days: days)
            let generic = PathGenerator(process: process, initial: cal.initialState, settings: s, days: days,
                                        overlay: StressOverlay(name: "zero", lnPriceShock: [0]))
            XCTAssertNil(fast.overlay); XCTAssertNotNil(generic.overlay)
            let a = fast.makeScratch(), b = generic.makeScratch()
            fast.generate(first: 0, count: 15, into: a)   // odd count: the pairs kernel's spare lane must not leak
            generic.generate(first: 0, count: 15, into: b)
            for i in 0..<(15 * days) {
                XCTAssertEqual(a.price[i].bitPattern, b.price[i].bitPattern, "price \(i) antithetic \(antithetic)")
                XCTAssertEqual(a.hashpriceUSD[i].bitPattern, b.hashpriceUSD[i].bitPattern, "hashprice \(i) antithetic \(antithetic)")
            }
        }
    }

    /// Per-path lanes (parameter draws, regime states): the vectorised day kernel still equals the generic loop bit for bit.
    func testVectorisedDayStepEqualsGenericLoopWithLanes() throws {
        let cal = Fixture.uncertain(Fixture.calibration(sigma: 0.03, lambda: 0.05, muJ: -0.02, sigmaJ: 0.05, mu: 0.0003, hashA: 0.001,
                                                        hashB: 0.0004, hashSigma: 0.02, feeKappa: 0.05, feeSigma: 0.1,
                                                        correlation: [[1, 0.2, 0.1], [0.2, 1, 0], [0.1, 0, 1]]))
        let days = 120
        for model in [PriceModel.merton, .regime] {
            for antithetic in [true, false] {
                let s = SimulationSettings(paths: 16, seed: 13, threads: 1, model: model, parameterUncertainty: true, antithetic: antithetic,
                                           horizonDays: days, blockSize: 16)
                let process = try ModelProcess(calibration: cal, settings: s)
                let fast = PathGenerator(process: process, initial: cal.initialState, settings: s, days: days)
                let generic = PathGenerator(process: process, initial: cal.initialState, settings: s, days: days,
                                            overlay: StressOverlay(name: "zero", lnPriceShock: [0]))
                let a = fast.makeScratch(), b = generic.makeScratch()
                fast.generate(first: 0, count: 15, into: a)
                generic.generate(first: 0, count: 15, into: b)
                XCTAssertNotEqual(a.sigma1[0], a.sigma1[2], "lanes differ")
                for i in 0..<(15 * days) {
                    XCTAssertEqual(a.price[i].bitPattern, b.price[i].bitPattern, "\(model) price \(i) antithetic \(antithetic)")
                    XCTAssertEqual(a.hashpriceUSD[i].bitPattern, b.hashpriceUSD[i].bitPattern, "\(model) hashprice \(i)")
                }
            }
        }
    }

    /// The day kernel's portable, AVX2 and AVX-512 builds give the same bits on lanes that differ per path (odd count, shocks
    /// `zStride` apart, with and without per-path lagged terms).
    func testDayKernelVariantsAreBitIdentical() {
        let n = 13
        var rng = PathRandom(seed: 4, path: 0)
        func vec(_ k: Int, _ f: () -> Double) -> [Double] { (0..<k).map { _ in f() } }
        let zStride = n + 3
        let z = vec(3 * zStride) { Ziggurat.normal(&rng) }, jump = vec(n) { 0.01 * Ziggurat.normal(&rng) }, lag = vec(n) { 4 + rng.uniform() }
        let arrays = (0..<9).map { i in vec(n) { i == 1 || i == 5 || i == 8 ? 0.01 + 0.03 * rng.uniform() : 0.002 * (rng.uniform() - 0.5) } }
        var ref: [[UInt64]]? = nil
        for v in 0...2 {
            for pairs in [0] {
                for useLag in [false, true] {
                    rng = PathRandom(seed: 9, path: UInt64(pairs * 2 + (useLag ? 1 : 0)))   // same start state in every variant
                    var lnS = vec(n) { 11 + rng.uniform() }, lnH = vec(n) { 47 + rng.uniform() }, lnF = vec(n) { -3 + rng.uniform() }
                    var S = [Double](repeating: 0, count: n), H = S, F = S
                    let rc: Int32 = arrays[0].withUnsafeBufferPointer { a0 in arrays[1].withUnsafeBufferPointer { a1 in
                        arrays[2].withUnsafeBufferPointer { a2 in arrays[3].withUnsafeBufferPointer { a3 in
                        arrays[4].withUnsafeBufferPointer { a4 in arrays[5].withUnsafeBufferPointer { a5 in
                        arrays[6].withUnsafeBufferPointer { a6 in arrays[7].withUnsafeBufferPointer { a7 in
                        arrays[8].withUnsafeBufferPointer { a8 in
                            var lanes = hashsec_day_lanes(drift: a0.baseAddress, sigma: a1.baseAddress, hashA: a2.baseAddress, hashB: a3.baseAddress,
                                                          hashC: a4.baseAddress, hashSigma: a5.baseAddress, kappa: a6.baseAddress,
                                                          feeM: a7.baseAddress, feeSigma: a8.baseAddress)
                            return hashsec_evolve_day_variant(Int32(v), n, z, zStride, jump, useLag ? lag : nil, 4.5, 1, 1234,
                                                              &lanes, &lnS, &lnH, &lnF, &S, &H, &F)
                        } } } } } } } } }
                    if rc != 0 { continue }   // variant not on this CPU
                    let bits = [lnS, lnH, lnF, S, H, F].map { $0.map(\.bitPattern) }
                    let key = pairs * 2 + (useLag ? 1 : 0)
                    if v == 0 {
                        if ref == nil { ref = [] }
                        ref!.append(bits.flatMap { $0 })
                    } else {
                        XCTAssertEqual(bits.flatMap { $0 }, ref![key], "variant \(v) pairs \(pairs) lagged \(useLag)")
                    }
                    XCTAssertTrue(S.allSatisfy { $0.isFinite && $0 > 0 })
                }
            }
        }
        XCTAssertEqual(ref?.count, 2)
    }

    /// Correlated normals (the generator's shocks): every variant gives the bits of the row z·Lᵀ computed here as the fma
    /// chain of OpenBLAS's FMA kernels, components `componentStride` apart, the antithetic mirror exactly negated; the
    /// same as `hashsec_correlate3` of the plain normals; within an ulp of the BLAS dgemm (`gemm`) on any machine.
    func testCorrelatedNormalsAreTheRowTimesLTransposed() {
        let lt: [Double] = [1, 0.3, -0.2, 0, 0.9539392014169456, 0.1, 0, 0, 0.9746794344808963]
        let days = 100, cs = 7, ts = 3 * cs
        let z = normals(first: 0, count: 3 * days)
        var expect = [Double](repeating: 0, count: 3 * days)
        for t in 0..<days {
            for j in 0..<3 {
                expect[3 * t + j] = (z[3 * t] * lt[j]).addingProduct(z[3 * t + 1], lt[3 + j]).addingProduct(z[3 * t + 2], lt[6 + j])
            }
        }
        var viaRows = [Double](repeating: 0, count: 3 * days)
        hashsec_correlate3(days, z, lt, &viaRows, 3, 1, 0)
        XCTAssertEqual(viaRows.map(\.bitPattern), expect.map(\.bitPattern))
        var blas = [Double](repeating: 0, count: 3 * days)
        z.withUnsafeBufferPointer { a in lt.withUnsafeBufferPointer { b in blas.withUnsafeMutableBufferPointer { c in
            gemm(rowsA: days, colsA: 3, colsB: 3, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!)
        } } }
        for i in 0..<(3 * days) { XCTAssertEqual(blas[i], expect[i], accuracy: 4e-16 * max(1, abs(expect[i]))) }
        for v in 0...2 {
            for mirror in [0, 1] {
                var out = [Double](repeating: .nan, count: ts * days)
                let rc = hashsec_counter_normals_correlated_variant(Int32(v), stream.key, stream.gamma, fallback.key, fallback.gamma, 0,
                                                                    3 * days, &out, ts, Ziggurat.xs, Ziggurat.rs, Ziggurat.fs, lt, cs,
                                                                    Int32(mirror))
                if rc != 0 { continue }
                // The same layout from the plain normals (the route of a sampling method that transforms them first).
                var viaPlain = [Double](repeating: .nan, count: ts * days)
                XCTAssertEqual(hashsec_correlate3_variant(Int32(v), days, z, lt, &viaPlain, ts, cs, Int32(mirror)), 0)
                XCTAssertEqual(viaPlain.map(\.bitPattern), out.map(\.bitPattern), "variant \(v) mirror \(mirror)")
                for t in 0..<days {
                    for j in 0..<3 {
                        XCTAssertEqual(out[t * ts + j * cs].bitPattern, expect[3 * t + j].bitPattern, "variant \(v) day \(t) component \(j)")
                        if mirror == 1 { XCTAssertEqual(out[t * ts + j * cs + 1].bitPattern, (-expect[3 * t + j]).bitPattern) }
                        else { XCTAssertTrue(out[t * ts + j * cs + 1].isNaN) }
                    }
                }
            }
        }
    }

    /// With the hash-rate feedback (b ≠ 0, the vector log on), results do not depend on threads or on the block size.
    func testFeedbackRunsAreThreadAndBlockIndependent() throws {
        let cal = Fixture.calibration(sigma: 0.03, lambda: 0.03, muJ: -0.03, sigmaJ: 0.08, mu: 0.0005, hashB: 0.0005, hashSigma: 0.02,
                                      feeKappa: 0.05, feeSigma: 0.1)
        let deal = Fixture.deal(term: 120, curtailment: .economic, power: 0.07)
        var base: Data? = nil
        for (threads, block) in [(1, 16), (2, 16), (2, 8), (1, 32)] {
            let s = SimulationSettings(paths: 90, seed: 8, threads: threads, blockSize: block)
            let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: s).encoded()
            if let b = base { XCTAssertEqual(r, b, "threads \(threads) block \(block)") } else { base = r }
        }
    }
}

/// `--poisson-blocks`: every day takes the chain clock's general path (the vectorised fast path is skipped).
final class PoissonBlocksTests: XCTestCase {
    func testDailyBlockCountsAreIntegersWithTheExpectedMean() throws {
        // Constant hash rate and fee: revenue/(subsidy + fee) is the day's block count (no halving within 200 days here).
        let cal = Fixture.calibration(hashA: 0, height: 1_000_000)
        let days = 200
        let s = SimulationSettings(paths: 4, seed: 21, threads: 1, poissonBlocks: true, horizonDays: days, blockSize: 4)
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s, days: days)
        let sc = gen.makeScratch()
        gen.generate(first: 0, count: 4, into: sc)
        let h = cal.initialState.hashRateHs, fee = cal.initialState.feePerBlockBTC
        var total = 0.0
        for p in 0..<4 {
            for t in 0..<days {
                let blocks = sc.hashpriceBTC[p * days + t] * h / 1e15 / (3.125 + fee)
                XCTAssertEqual(blocks, blocks.rounded(), accuracy: 1e-6, "path \(p) day \(t)")
                total += blocks
            }
        }
        // D starts at H·600/2³², so 144 blocks/day on average; retargets keep it there (4 × 200 days: se ≈ 0.4).
        XCTAssertEqual(total / Double(4 * days), 144, accuracy: 2)
    }

    func testPoissonRunsAreThreadIndependent() throws {
        let cal = Fixture.calibration(sigma: 0.03, hashA: 0.001, hashB: 0.0003, hashSigma: 0.02, feeKappa: 0.05, feeSigma: 0.1)
        let deal = Fixture.deal(term: 150, curtailment: .economic, power: 0.07)
        let one = try MonteCarlo.run(deal: deal, calibration: cal, settings: SimulationSettings(paths: 40, seed: 2, threads: 1, poissonBlocks: true, blockSize: 8))
        let two = try MonteCarlo.run(deal: deal, calibration: cal, settings: SimulationSettings(paths: 40, seed: 2, threads: 2, poissonBlocks: true, blockSize: 8))
        XCTAssertEqual(one.encoded(), two.encoded())
    }
}

final class IRRTests: XCTestCase {
    /// The IRR against plain bisection on the directly summed NPV (independent of the Horner-chain kernel).
    func testIRRMatchesBisectionOnDirectSum() {
        var rng = PathRandom(seed: 17, path: 3)
        var checked = 0
        for case_ in 0..<40 {
            let n = [30, 365, 1095][case_ % 3]
            let scale = Foundation.exp(rng.uniform() * 6 - 4)          // total payout from ~0.3× to ~20× the price
            let flows = (0..<n).map { t in rng.uniform() < 0.3 ? 0 : scale * rng.uniform() * (1 + 0.5 * sin(Double(t) / 50)) }
            let price = 20.0
            let got = flows.withUnsafeBufferPointer { TokenPricer.irr(flows: $0.baseAddress!, count: n, price: price) }
            func npv(_ i: Double) -> Double {
                var s = 0.0
                for t in 1...n { s += flows[t - 1] * Foundation.pow(1 + i, -Double(t) / 365) }
                return s - price
            }
            var lo = -0.999, hi = 1000.0
            if npv(lo) < 0 { XCTAssertEqual(got, -1, "below −99.9 %: censored to −100 %"); continue }
            if npv(hi) > 0 { XCTAssertTrue(got.isNaN, "above 100,000 %: missing, got \(got)"); continue }
            for _ in 0..<200 { let mid = (lo + hi) / 2; if npv(mid) > 0 { lo = mid } else { hi = mid } }
            XCTAssertEqual(got, (lo + hi) / 2, accuracy: 1e-7 * max(1, abs(got)), "case \(case_) n \(n) scale \(scale)")
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 10, "enough cases with a root in range")
        let zero = [Double](repeating: 0, count: 10)
        XCTAssertEqual(zero.withUnsafeBufferPointer { TokenPricer.irr(flows: $0.baseAddress!, count: 10, price: 5) }, -1, "nothing paid")
    }
}

/// The simulated halving date in summary.json: counts per day from the generator, exact under sharding.
final class HalvingDateTests: XCTestCase {
    func testHalvingQuantilesFromPathCountsAndShards() throws {
        // 2,000 blocks before the halving at ≈ 144 blocks/day: every path crosses around day 14. (The current epoch's 1,696
        // blocks took 11.8 days, so the retarget on the way keeps the difficulty.)
        let cal = Fixture.calibration(hashA: 0, hashSigma: 0.03, height: 1_048_000, epochElapsedDays: 1696.0 / 144)
        let deal = Fixture.deal(term: 60)
        let s = SimulationSettings(paths: 64, seed: 5, threads: 2, blockSize: 8)
        let whole = try MonteCarlo.run(deal: deal, calibration: cal, settings: s)
        XCTAssertEqual(whole.halvingDayCounts.reduce(0, +), 64, "every path crosses within 60 days")
        var merged: PartialResult? = nil
        for i in 0..<3 {
            let part = try PartialResult(encoded: MonteCarlo.run(deal: deal, calibration: cal, settings: s, range: MonteCarlo.shardRange(index: i, of: 3, total: 64)).encoded())
            if merged == nil { merged = part } else { try merged!.append(part) }
        }
        XCTAssertEqual(merged!.halvingDayCounts, whole.halvingDayCounts)
        // The median from the counts equals the median of the per-path days computed directly.
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s, days: 60)
        let sc = gen.makeScratch()
        var perPath: [Int] = []
        for first in stride(from: 0, to: 64, by: 8) {
            gen.generate(first: first, count: 8, into: sc)
            for p in 0..<8 { perPath.append(Int(sc.halvingDay[p])) }
        }
        perPath.sort()
        let id = RunIdentity(dealSHA256: "d", calibrationSHA256: "c", seed: 5, paths: 64, model: "merton", measure: "real", rate: 0.04,
                             antithetic: true, poissonBlocks: false, horizonDays: 60, shardCount: 1)
        let ctx = SimulationOutputs.Context(dealName: "t", identity: id, schedule: DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: nil),
                                            priceUSD: 20, pathsCSV: false)
        let h = SimulationOutputs.summary(whole, ctx).halving
        XCTAssertEqual(h.probWithinHorizon, 1)
        let p50 = try XCTUnwrap(h.days.first { $0.level == "p50" })
        XCTAssertEqual(p50.day, perPath[31] + 1, "smallest day with ≥ 50 % of the paths (1-based)")
        XCTAssertEqual(p50.date, (cal.initialState.date + perPath[31] + 1).iso)
        XCTAssert((10...20).contains(perPath[31]), "≈ 2,000 blocks at 144/day: day \(perPath[31])")
    }
}
