import Diagnostics
import XCTest
@testable import LinearAlgebra

final class LinearAlgebraTests: XCTestCase {
    /// A = L·Lᵀ with L = [[2,0,0],[6,1,0],[-8,5,3]] worked by hand:
    /// A = [[4,12,-16],[12,37,-43],[-16,-43,98]] (the classic textbook example).
    func testCholesky3x3ByHand() throws {
        let a = Matrix([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])
        let l = try cholesky(a)
        let expected: [[Double]] = [[2, 0, 0], [6, 1, 0], [-8, 5, 3]]
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(l[i, j], expected[i][j], accuracy: 1e-12) } }
        // L·Lᵀ reproduces A (product computed by hand loop, not gemm).
        for i in 0..<3 { for j in 0..<3 {
            var s = 0.0
            for k in 0..<3 { s += l[i, k] * l[j, k] }
            XCTAssertEqual(s, a[i, j], accuracy: 1e-12)
        } }
    }

    func testCholeskyRejectsIndefinite() {
        let a = Matrix([[1, 2], [2, 1]])  // eigenvalues 3, -1
        XCTAssertThrowsError(try cholesky(a)) { err in
            XCTAssertEqual(err as? LinearAlgebraError, .notPositiveDefinite(minor: 2))
        }
        XCTAssertThrowsError(try cholesky(Matrix([[1, 2, 3], [4, 5, 6]])))
    }

    /// Inverse of [[4,2],[2,3]] is 1/8·[[3,-2],[-2,4]].
    func testInverseSPD() throws {
        let inv = try inverseSPD(Matrix([[4, 2], [2, 3]]))
        XCTAssertEqual(inv[0, 0], 3.0 / 8, accuracy: 1e-14)
        XCTAssertEqual(inv[0, 1], -2.0 / 8, accuracy: 1e-14)
        XCTAssertEqual(inv[1, 0], -2.0 / 8, accuracy: 1e-14)
        XCTAssertEqual(inv[1, 1], 4.0 / 8, accuracy: 1e-14)
    }

    /// Exactly solvable: y = 1 + 2x at x = 0, 1, 2 → β = (1, 2), residuals 0.
    func testLeastSquaresExact() throws {
        let x = Matrix([[1, 0], [1, 1], [1, 2]])
        let fit = try leastSquares(x, [1, 3, 5])
        XCTAssertEqual(fit.coefficients[0], 1, accuracy: 1e-12)
        XCTAssertEqual(fit.coefficients[1], 2, accuracy: 1e-12)
        for r in fit.residuals { XCTAssertEqual(r, 0, accuracy: 1e-12) }
        XCTAssertEqual(fit.rss, 0, accuracy: 1e-20)
    }

    /// Overdetermined: points (0,1),(1,2),(2,2),(3,4).
    /// By hand: x̄ = 1.5, ȳ = 2.25, Sxy = 1.875 + 0.125 − 0.125 + 2.625 = 4.5, Sxx = 5 → slope 0.9, intercept 2.25 − 1.35 = 0.9.
    /// Residuals: 1−0.9 = 0.1, 2−1.8 = 0.2, 2−2.7 = −0.7, 4−3.6 = 0.4; RSS = 0.01+0.04+0.49+0.16 = 0.7;
    /// σ̂² = 0.7/2 = 0.35; SE(slope) = √(0.35/5) = √0.07; SE(intercept) = √(0.35·(1/4 + 2.25/5)) = √0.245.
    func testLeastSquaresOverdetermined() throws {
        let x = Matrix([[1, 0], [1, 1], [1, 2], [1, 3]])
        let fit = try leastSquares(x, [1, 2, 2, 4])
        XCTAssertEqual(fit.coefficients[0], 0.9, accuracy: 1e-12)
        XCTAssertEqual(fit.coefficients[1], 0.9, accuracy: 1e-12)
        let expectedResiduals = [0.1, 0.2, -0.7, 0.4]
        for (r, e) in zip(fit.residuals, expectedResiduals) { XCTAssertEqual(r, e, accuracy: 1e-12) }
        XCTAssertEqual(fit.rss, 0.7, accuracy: 1e-12)
        XCTAssertEqual(fit.sigma2, 0.35, accuracy: 1e-12)
        XCTAssertEqual(fit.standardErrors[1], 0.07.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(fit.standardErrors[0], 0.245.squareRoot(), accuracy: 1e-12)
    }

    func testLeastSquaresRankDeficient() {
        let x = Matrix([[1, 2], [2, 4], [3, 6]])
        XCTAssertThrowsError(try leastSquares(x, [1, 2, 3])) { err in
            // A degenerate regression is data that cannot identify the model (exit 67), not a bug (70): issue 12 item 16.
            XCTAssertEqual(ErrorCategory.of(err), .insufficientData, "\(err)")
            XCTAssertEqual(ErrorCategory.of(err).exitCode, 67)
        }
        XCTAssertThrowsError(try cholesky(Matrix([[1, 2], [2, 1]]))) { XCTAssertEqual(ErrorCategory.of($0), .insufficientData) }
        XCTAssertThrowsError(try cholesky(Matrix([[1, 2, 3], [4, 5, 6]]))) { XCTAssertEqual(ErrorCategory.of($0), .internalError) }
    }

    /// [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]] = [[58,64],[139,154]].
    func testGemm() throws {
        let a = Matrix([[1, 2, 3], [4, 5, 6]])
        let b = Matrix([[7, 8], [9, 10], [11, 12]])
        let c = try gemm(a, b)
        XCTAssertEqual(c, Matrix([[58, 64], [139, 154]]))
        XCTAssertThrowsError(try gemm(a, a))
    }

    /// Raw-pointer variant on a block of "shocks" (n × 3) · Lᵀ (3 × 3), compared with a hand loop; beta accumulates.
    func testGemmRawPointer() {
        let n = 50
        let z = (0..<(n * 3)).map { Double(($0 * 37) % 11) - 5 }
        let lt: [Double] = [2, 6, -8, 0, 1, 5, 0, 0, 3]
        var out = [Double](repeating: 1, count: n * 3)
        z.withUnsafeBufferPointer { pz in
            lt.withUnsafeBufferPointer { pl in
                out.withUnsafeMutableBufferPointer { po in
                    gemm(rowsA: n, colsA: 3, colsB: 3, a: pz.baseAddress!, b: pl.baseAddress!, c: po.baseAddress!, alpha: 1, beta: 1)
                }
            }
        }
        for i in 0..<n { for j in 0..<3 {
            var s = 1.0
            for k in 0..<3 { s += z[i * 3 + k] * lt[k * 3 + j] }
            XCTAssertEqual(out[i * 3 + j], s, accuracy: 1e-12)
        } }
    }
}
