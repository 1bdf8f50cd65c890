import CLAPACKE
import XCTest
@testable import LinearAlgebra

/// The hand-written `leastSquares`, `cholesky`, `inverseSPD` (fixed operation order, bit-identical on every CPU) against
/// LAPACK (`dgels`, `dpotrf`, `dpotri` through OpenBLAS), an independent implementation: agreement to ~1e-12 relative
/// on well-conditioned random problems, and on a near-collinear one QR's accuracy (not the normal equations').
final class LAPACKComparisonTests: XCTestCase {
    /// Deterministic uniform(−1, 1) stream (64-bit LCG, top 53 bits).
    struct Stream {
        var s: UInt64
        mutating func next() -> Double {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Double(s >> 11) / Double(1 << 53) * 2 - 1
        }
    }

    static func lapackLeastSquares(_ x: Matrix, _ y: [Double]) -> (beta: [Double], info: Int32) {
        var a = x.storage, b = y
        let info = a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeMutableBufferPointer { pb in
                LAPACKE_dgels(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int32(x.rows), Int32(x.cols), 1,
                              pa.baseAddress, Int32(x.cols), pb.baseAddress, 1)
            }
        }
        return (Array(b[0..<x.cols]), info)
    }

    static func lapackCholesky(_ m: Matrix) -> (l: [Double], info: Int32) {
        var s = m.storage
        let n = Int32(m.rows)
        let info = s.withUnsafeMutableBufferPointer { LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), n, $0.baseAddress, n) }
        for i in 0..<m.rows { for j in (i + 1)..<max(i + 1, m.rows) { s[i * m.rows + j] = 0 } }
        return (s, info)
    }

    static func lapackInverse(_ m: Matrix) -> [Double] {
        var s = m.storage
        let n = Int32(m.rows), uplo = Int8(UInt8(ascii: "L"))
        _ = s.withUnsafeMutableBufferPointer { LAPACKE_dpotrf(LAPACK_ROW_MAJOR, uplo, n, $0.baseAddress, n) }
        _ = s.withUnsafeMutableBufferPointer { LAPACKE_dpotri(LAPACK_ROW_MAJOR, uplo, n, $0.baseAddress, n) }
        for i in 0..<m.rows { for j in 0..<i { s[j * m.rows + i] = s[i * m.rows + j] } }
        return s
    }

    static func maxRelDiff(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map(abs).max() ?? 0, 1e-300)
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    /// Random designs (intercept + k−1 uniform columns, n from 20 to 10 000, k up to 16), noisy y.
    func testLeastSquaresAgreesWithDgels() throws {
        var r = Stream(s: 42)
        for (n, k) in [(20, 1), (20, 3), (50, 5), (400, 8), (2_000, 12), (10_000, 16), (16, 16)] {
            var x = Matrix(rows: n, cols: k)
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                x[i, 0] = 1
                for j in 1..<max(1, k) { x[i, j] = r.next() * Double(j) }
                var v = 0.5 * r.next()
                for j in 0..<k { v += x[i, j] * Double(j + 1) * 0.3 }
                y[i] = v
            }
            let fit = try leastSquares(x, y)
            let ref = Self.lapackLeastSquares(x, y)
            XCTAssertEqual(ref.info, 0)
            let d = Self.maxRelDiff(fit.coefficients, ref.beta)
            XCTAssertLessThan(d, 1e-12, "n=\(n) k=\(k): β differs from dgels by \(d) relative")
            // (XᵀX)⁻¹ against dpotri on the same XᵀX; the standard errors follow.
            let xtx = crossProduct(x)
            // Tolerance 1e-12, or ~κ·ε where XᵀX is less well conditioned (the square 16×16 design: κ ~ 1e4).
            let kappa = Double(k) * xtx.storage.map(abs).max()! * fit.xtxInverse.storage.map(abs).max()!
            let dInv = Self.maxRelDiff(fit.xtxInverse.storage, Self.lapackInverse(xtx))
            XCTAssertLessThan(dInv, max(1e-12, 1e-15 * kappa), "n=\(n) k=\(k): (XᵀX)⁻¹ differs from dpotri by \(dInv) (κ ≈ \(kappa))")
            // Independent: the residuals are orthogonal to every column (normal equations hold at β̂).
            for j in 0..<k {
                var g = 0.0, s = 0.0
                for i in 0..<n { g += x[i, j] * fit.residuals[i]; s += abs(x[i, j] * y[i]) }
                XCTAssertLessThan(abs(g), 1e-12 * s, "n=\(n) k=\(k): Xᵀε̂ column \(j)")
            }
        }
    }

    /// Two columns nearly collinear (x₂ = x₁ + 1e-7·u, condition number ~1e7): y = Xβ exactly up to rounding. QR recovers
    /// β to ~cond·ε like dgels; the normal equations (cond²·ε) would lose about half the digits.
    func testNearCollinearLeastSquaresIsQRAccurate() throws {
        var r = Stream(s: 7)
        let n = 500
        var x = Matrix(rows: n, cols: 3)
        let truth = [1.5, -2.0, 3.0]
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let u = r.next()
            x[i, 0] = 1; x[i, 1] = u; x[i, 2] = u + 1e-7 * r.next()
            y[i] = truth[0] * x[i, 0] + truth[1] * x[i, 1] + truth[2] * x[i, 2]
        }
        let fit = try leastSquares(x, y)
        let ref = Self.lapackLeastSquares(x, y)
        let errQR = Self.maxRelDiff(fit.coefficients, truth)
        let errLAPACK = Self.maxRelDiff(ref.beta, truth)
        // Normal equations with the same Cholesky: β = (XᵀX)⁻¹Xᵀy.
        let inv = try inverseSPD(crossProduct(x))
        var xty = [0.0, 0.0, 0.0]
        for i in 0..<n { for j in 0..<3 { xty[j] += x[i, j] * y[i] } }
        let normal = (0..<3).map { p in (0..<3).reduce(0.0) { $0 + inv[p, $1] * xty[$1] } }
        let errNormal = Self.maxRelDiff(normal, truth)
        XCTAssertLessThan(errQR, 1e-7, "QR β error \(errQR)")
        XCTAssertLessThan(errQR, 10 * max(errLAPACK, 1e-12), "QR \(errQR) vs dgels \(errLAPACK)")
        XCTAssertLessThan(Self.maxRelDiff(fit.coefficients, ref.beta), 1e-7)
        XCTAssertGreaterThan(errNormal, 10 * errQR, "normal equations \(errNormal) should be worse than QR \(errQR) here")
    }

    /// An all-zero column is rank deficiency at that (1-based) column, as dgels' info.
    func testZeroColumnIsRankDeficientAtThatColumnLikeDgels() {
        var x = Matrix(rows: 6, cols: 4)
        var r = Stream(s: 3)
        for i in 0..<6 { x[i, 0] = 1; x[i, 1] = r.next(); x[i, 3] = r.next() }
        let y = (0..<6).map { _ in r.next() }
        XCTAssertEqual(Self.lapackLeastSquares(x, y).info, 3)
        XCTAssertThrowsError(try leastSquares(x, y)) { XCTAssertEqual($0 as? LinearAlgebraError, .rankDeficient(column: 3)) }
    }

    /// Random SPD matrices A = BᵀB + n·I (n ≤ 16): L and A⁻¹ against dpotrf/dpotri; an indefinite one fails at the same
    /// leading minor.
    func testCholeskyAndInverseAgreeWithDpotrfDpotri() throws {
        var r = Stream(s: 99)
        for n in [1, 2, 3, 5, 8, 16] {
            var b = Matrix(rows: n, cols: n)
            for i in 0..<n { for j in 0..<n { b[i, j] = r.next() } }
            var a = crossProduct(b)
            for i in 0..<n { a[i, i] += Double(n) }
            let l = try cholesky(a)
            let ref = Self.lapackCholesky(a)
            XCTAssertEqual(ref.info, 0)
            XCTAssertLessThan(Self.maxRelDiff(l.storage, ref.l), 1e-13, "n=\(n) L")
            XCTAssertLessThan(Self.maxRelDiff(try inverseSPD(a).storage, Self.lapackInverse(a)), 1e-12, "n=\(n) A⁻¹")
        }
        let indefinite = Matrix([[4, 2, 0], [2, 5, 3], [0, 3, 1]])  // leading minors 4, 16, −20
        XCTAssertEqual(Self.lapackCholesky(indefinite).info, 3)
        XCTAssertThrowsError(try cholesky(indefinite)) { XCTAssertEqual($0 as? LinearAlgebraError, .notPositiveDefinite(minor: 3)) }
        XCTAssertThrowsError(try inverseSPD(indefinite)) { XCTAssertEqual($0 as? LinearAlgebraError, .notPositiveDefinite(minor: 3)) }
    }
}
