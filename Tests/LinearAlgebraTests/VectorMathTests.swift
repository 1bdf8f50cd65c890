import Foundation
import LinearAlgebra
import XCTest

/// The vector exp/log kernels against glibc (an independent implementation) and each other.
final class VectorMathTests: XCTestCase {
    /// Distance in units in the last place between two finite doubles of the same sign.
    func ulps(_ a: Double, _ b: Double) -> UInt64 {
        if a == b { return 0 }
        let x = Int64(bitPattern: a.bitPattern), y = Int64(bitPattern: b.bitPattern)
        return x > y ? UInt64(x - y) : UInt64(y - x)
    }

    /// Deterministic pseudo-random inputs (splitmix64).
    func inputs(_ n: Int, _ f: (Double) -> Double) -> [Double] {
        var s: UInt64 = 0x9E3779B97F4A7C15
        return (0..<n).map { _ in
            s &+= 0x9E3779B97F4A7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) &* 0x94D049BB133111EB; z ^= z >> 31
            return f(Double(z >> 11) * 0x1.0p-53)
        }
    }

    func testExpWithinOneUlpOfGlibc() {
        // The simulation's range (|x| ≤ 40: log price, log hash rate, log fee) and the full finite range.
        for (lo, hi) in [(-40.0, 40.0), (-745.0, 709.7), (-1e-6, 1e-6)] {
            let x = inputs(200_000) { lo + (hi - lo) * $0 }
            var y = [Double](repeating: 0, count: x.count)
            VectorMath.exp(x, &y, count: x.count)
            var worst: UInt64 = 0
            for i in x.indices where Foundation.exp(x[i]) >= Double.leastNormalMagnitude {
                worst = max(worst, ulps(y[i], Foundation.exp(x[i])))
            }
            XCTAssertLessThanOrEqual(worst, 1, "exp on [\(lo), \(hi)]")
        }
    }

    func testLogWithinOneUlpOfGlibc() {
        for (lo, hi) in [(-30.0, 30.0), (-1070.0, 1023.0), (-1e-9, 1e-9)] {
            // x = 2^u·(1 + small): covers every binade and values next to 1 (where log is most delicate).
            let x = inputs(200_000) { Foundation.exp2(lo + (hi - lo) * $0) }
            var y = [Double](repeating: 0, count: x.count)
            VectorMath.log(x, &y, count: x.count)
            var worst: UInt64 = 0
            for i in x.indices { worst = max(worst, ulps(y[i], Foundation.log(x[i]))) }
            XCTAssertLessThanOrEqual(worst, 1, "log on 2^[\(lo), \(hi)]")
        }
    }

    func testSpecialValues() {
        let ex: [Double] = [0, -0.0, 1, 709.78, 709.79, 710, 1000, -745.1, -745.2, -1000, .infinity, -.infinity, .nan]
        var ey = [Double](repeating: 0, count: ex.count)
        VectorMath.exp(ex, &ey, count: ex.count)
        for i in ex.indices {
            let want = Foundation.exp(ex[i])
            if want.isNaN { XCTAssertTrue(ey[i].isNaN) } else if want.isInfinite || want == 0 { XCTAssertEqual(ey[i], want, "exp(\(ex[i]))") }
            else { XCTAssertLessThanOrEqual(ulps(ey[i], want), 1, "exp(\(ex[i]))") }
        }
        let lx: [Double] = [1, 0, -0.0, -1, .infinity, -.infinity, .nan, Double.leastNonzeroMagnitude, Double.leastNormalMagnitude, Double.greatestFiniteMagnitude, 2, 0.5]
        var ly = [Double](repeating: 0, count: lx.count)
        VectorMath.log(lx, &ly, count: lx.count)
        for i in lx.indices {
            let want = Foundation.log(lx[i])
            if want.isNaN { XCTAssertTrue(ly[i].isNaN, "log(\(lx[i]))") } else if want.isInfinite { XCTAssertEqual(ly[i], want, "log(\(lx[i]))") }
            else { XCTAssertLessThanOrEqual(ulps(ly[i], want), 1, "log(\(lx[i]))") }
        }
    }

    /// Every variant this CPU supports gives the portable variant's bits (so a shard's output does not depend on its CPU).
    func testVariantsAreBitIdentical() {
        // The simulation's range, the whole finite range (subnormal and overflowing results, subnormal inputs) and specials.
        let specials: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, 709.78, 709.79, 710, -745.13, -745.14, -746, -800,
                                  Double.leastNonzeroMagnitude, Double.leastNormalMagnitude, Double.greatestFiniteMagnitude, 0x1.6a09e667f3bcdp0]
        let xe = inputs(100_003) { -50 + 100 * $0 } + inputs(50_000) { -760 + 1475 * $0 } + specials
        let xl = inputs(100_003) { Foundation.exp2(-60 + 120 * $0) } + inputs(50_000) { Foundation.exp2(-1074 + 2098 * $0) } + specials
            + inputs(1_000) { -$0 }
        var refE = [Double](repeating: 0, count: xe.count), refL = [Double](repeating: 0, count: xl.count)
        XCTAssertTrue(VectorMath.exp(variant: 0, xe, &refE, count: xe.count))
        XCTAssertTrue(VectorMath.log(variant: 0, xl, &refL, count: xl.count))
        var tested = 0
        for v in 1...2 {
            var e = [Double](repeating: 0, count: xe.count), l = [Double](repeating: 0, count: xl.count)
            guard VectorMath.exp(variant: v, xe, &e, count: xe.count), VectorMath.log(variant: v, xl, &l, count: xl.count) else { continue }
            // NaNs compare by bits too: the same payload everywhere.
            let badE = xe.indices.filter { e[$0].bitPattern != refE[$0].bitPattern }
            let badL = xl.indices.filter { l[$0].bitPattern != refL[$0].bitPattern }
            XCTAssertTrue(badE.isEmpty, "exp variant \(v): \(badE.count) differ, e.g. " + badE.prefix(3).map { "exp(\(xe[$0])) = \(e[$0]) vs \(refE[$0])" }.joined(separator: "; "))
            XCTAssertTrue(badL.isEmpty, "log variant \(v): \(badL.count) differ, e.g. " + badL.prefix(3).map { "log(\(xl[$0])) = \(l[$0]) vs \(refL[$0])" }.joined(separator: "; "))
            tested += 1
        }
        print("VectorMath: variant in use \(VectorMath.variant); \(tested) vector variant(s) compared with portable")
    }

    /// `HASHSEC_KERNEL`: a variant's name selects it where the CPU has it; an unknown name, or a variant beyond what the
    /// CPU runs, is refused with the reason (checked against every "CPU" from portable-only to AVX-512).
    func testKernelVariantRequestsResolveOrAreRefused() throws {
        for best in KernelVariant.allCases {
            XCTAssertEqual(try KernelVariant.resolve(nil, supported: best), best)
            XCTAssertEqual(try KernelVariant.resolve("", supported: best), best)
            for v in KernelVariant.allCases {
                if v.rawValue <= best.rawValue {
                    XCTAssertEqual(try KernelVariant.resolve(v.description, supported: best), v)
                } else {
                    XCTAssertThrowsError(try KernelVariant.resolve(v.description, supported: best)) { e in
                        let m = "\(e)"
                        XCTAssertTrue(m.contains("HASHSEC_KERNEL=\(v)") && m.contains("this CPU lacks") && m.contains("best, \(best)"), m)
                    }
                }
            }
            for bad in ["AVX2", "sse2", "avx", "avx2 ", "512", "portable,avx2"] {
                XCTAssertThrowsError(try KernelVariant.resolve(bad, supported: best)) { e in
                    XCTAssertEqual(e as? LinearAlgebraError, .unavailableKernel("HASHSEC_KERNEL=\(bad): unknown kernel variant; use one of "
                                                                                + "portable, avx2, avx512 (this CPU runs up to \(best)), or unset HASHSEC_KERNEL"))
                }
            }
        }
        // This process: the variant in use is the one the environment asks for (the best without a request), and no
        // variant beyond what the CPU reports runs.
        let inUse = try KernelVariant.checkEnvironment()
        XCTAssertEqual(KernelVariant.inUse, inUse)
        XCTAssertLessThanOrEqual(inUse.rawValue, KernelVariant.supported.rawValue)
        XCTAssertEqual(KernelVariant.available.first, .portable)
        XCTAssertEqual(KernelVariant.available.last, KernelVariant.supported)
        for v in KernelVariant.allCases {
            var y = [0.0]
            XCTAssertEqual(VectorMath.exp(variant: v.rawValue, [1.0], &y, count: 1), KernelVariant.available.contains(v))
        }
    }

    func testInPlaceAndOddLengths() {
        for n in [0, 1, 3, 7, 17, 33] {
            var x = (0..<n).map { Double($0) * 0.37 - 3 }
            let want = x.map { Foundation.exp($0) }
            x.withUnsafeMutableBufferPointer { p in VectorMath.exp(p.baseAddress!, p.baseAddress!, count: n) }
            for i in 0..<n { XCTAssertLessThanOrEqual(ulps(x[i], want[i]), 1) }
        }
    }
}
