/// Ordinary least squares fit `y = X·β + ε`.
public struct LeastSquaresFit: Sendable, Equatable {
    /// β̂ minimising ‖y − Xβ‖².
    public let coefficients: [Double]
    /// ε̂ = y − Xβ̂.
    public let residuals: [Double]
    /// OLS standard errors √diag(σ̂²·(XᵀX)⁻¹), σ̂² = ε̂ᵀε̂/(n − k). Zero-filled when n == k.
    public let standardErrors: [Double]
    /// (XᵀX)⁻¹ (k × k), used e.g. for HAC sandwich estimators.
    public let xtxInverse: Matrix
    /// Residual sum of squares ε̂ᵀε̂.
    public let rss: Double
    /// σ̂² = RSS/(n − k) (0 when n == k).
    public let sigma2: Double
    /// Number of observations n and regressors k.
    public let n: Int
    public let k: Int
}

/// Least squares by Householder QR, written out here with a fixed operation order (bit-identical on every CPU,
/// whatever OpenBLAS kernels it would get: see README.md), with OLS standard errors from `(XᵀX)⁻¹` (`inverseSPD`).
///
/// `X = Q·R` by Householder reflections `Hⱼ = I − τⱼ·vⱼ·vⱼᵀ` (LAPACK `dgeqr2`'s convention: `vⱼ₀ = 1`,
/// `Rⱼⱼ = −sign(xⱼⱼ)·‖x_{j:,j}‖`), `Qᵀy` by the same reflections, `β̂ = R⁻¹(Qᵀy)_{0:k}` by back substitution; the normal
/// equations are not used for β̂. `σ̂² = Σε̂ᵢ²/(n−k)`, `SE(β̂ⱼ) = √(σ̂² [(XᵀX)⁻¹]ⱼⱼ)`, `XᵀX` summed in ascending row order.
/// Requires `n ≥ k`; throws `.rankDeficient(column: j)` (1-based) when `Rⱼⱼ` is zero (as `dgels`' info) or when `XᵀX`'s
/// Cholesky pivot of order `j` is not positive (X is numerically rank deficient at column `j`).
public func leastSquares(_ x: Matrix, _ y: [Double]) throws -> LeastSquaresFit {
    let n = x.rows, k = x.cols
    guard y.count == n else { throw LinearAlgebraError.dimensionMismatch("X has \(n) rows, y has \(y.count)") }
    guard k > 0 else { throw LinearAlgebraError.dimensionMismatch("X has no columns") }
    guard n >= k else { throw LinearAlgebraError.insufficientObservations(needed: k - 1, got: n) }
    let beta = try householderSolve(x, y)
    var residuals = [Double](repeating: 0, count: n)
    var rss = 0.0
    for i in 0..<n {
        var fit = 0.0
        for j in 0..<k { fit += x[i, j] * beta[j] }
        let e = y[i] - fit
        residuals[i] = e
        rss += e * e
    }
    let xtx = crossProduct(x)
    let inv: Matrix
    do { inv = try inverseSPD(xtx) } catch LinearAlgebraError.notPositiveDefinite(let m) {
        throw LinearAlgebraError.rankDeficient(column: m)
    }
    let sigma2 = n > k ? rss / Double(n - k) : 0
    let se = (0..<k).map { (sigma2 * max(inv[$0, $0], 0)).squareRoot() }
    return LeastSquaresFit(coefficients: beta, residuals: residuals, standardErrors: se, xtxInverse: inv,
                           rss: rss, sigma2: sigma2, n: n, k: k)
}

/// `XᵀX` (k × k), each entry summed over the rows in ascending order.
func crossProduct(_ x: Matrix) -> Matrix {
    let n = x.rows, k = x.cols
    var c = Matrix(rows: k, cols: k)
    x.storage.withUnsafeBufferPointer { px in
        for p in 0..<k {
            for q in 0...p {
                var s = 0.0
                for i in 0..<n { s += px[i * k + p] * px[i * k + q] }
                c[p, q] = s
                c[q, p] = s
            }
        }
    }
    return c
}

/// β̂ = argmin ‖y − Xβ‖² by Householder QR (`n ≥ k ≥ 1`, checked by the caller). Works on a column-major copy of X.
func householderSolve(_ x: Matrix, _ y: [Double]) throws -> [Double] {
    let n = x.rows, k = x.cols
    var a = [Double](repeating: 0, count: n * k)   // column j at a[j*n ..< (j+1)*n]
    for i in 0..<n { for j in 0..<k { a[j * n + i] = x.storage[i * k + j] } }
    var b = y
    var rdiag = [Double](repeating: 0, count: k)
    try a.withUnsafeMutableBufferPointer { pa in
        try b.withUnsafeMutableBufferPointer { pb in
            for j in 0..<k {
                let cj = j * n
                // ‖x_{j:,j}‖, scaled by the largest magnitude (no overflow or underflow).
                var amax = 0.0
                for i in j..<n { amax = max(amax, abs(pa[cj + i])) }
                if amax == 0 { throw LinearAlgebraError.rankDeficient(column: j + 1) }
                var ss = 0.0
                for i in j..<n { let t = pa[cj + i] / amax; ss += t * t }
                let norm = amax * ss.squareRoot()
                let alpha = pa[cj + j]
                let rjj = alpha >= 0 ? -norm : norm
                // v = (1, x_{j+1:,j}/(α − Rⱼⱼ)), τ = (Rⱼⱼ − α)/Rⱼⱼ.
                let v0 = alpha - rjj
                let tau = (rjj - alpha) / rjj
                let rv = 1 / v0
                for i in (j + 1)..<max(j + 1, n) { pa[cj + i] *= rv }
                pa[cj + j] = rjj
                rdiag[j] = rjj
                // Apply Hⱼ to the remaining columns and to b: w = vᵀc, c −= τ·w·v.
                for c in (j + 1)..<max(j + 1, k) {
                    let cc = c * n
                    var w = pa[cc + j]
                    for i in (j + 1)..<n { w += pa[cj + i] * pa[cc + i] }
                    let tw = tau * w
                    pa[cc + j] -= tw
                    for i in (j + 1)..<n { pa[cc + i] -= tw * pa[cj + i] }
                }
                var w = pb[j]
                for i in (j + 1)..<n { w += pa[cj + i] * pb[i] }
                let tw = tau * w
                pb[j] -= tw
                for i in (j + 1)..<n { pb[i] -= tw * pa[cj + i] }
            }
        }
    }
    // Back substitution R·β = (Qᵀy)_{0:k}; R's strict upper part is a[c*n + j] for c > j.
    var beta = [Double](repeating: 0, count: k)
    for j in stride(from: k - 1, through: 0, by: -1) {
        var s = b[j]
        for c in (j + 1)..<max(j + 1, k) { s -= a[c * n + j] * beta[c] }
        beta[j] = s / rdiag[j]
    }
    return beta
}
