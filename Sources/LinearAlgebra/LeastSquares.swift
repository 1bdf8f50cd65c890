import CLAPACKE

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

/// Least squares via `LAPACKE_dgels` (QR), with OLS standard errors from `(XᵀX)⁻¹` computed by `dpotrf`/`dpotri`.
///
/// `β̂ = argmin ‖y − Xβ‖²`, `σ̂² = Σε̂ᵢ²/(n−k)`, `SE(β̂ⱼ) = √(σ̂² [(XᵀX)⁻¹]ⱼⱼ)`.
/// Requires `n ≥ k`; throws `.rankDeficient` if X lacks full column rank.
public func leastSquares(_ x: Matrix, _ y: [Double]) throws -> LeastSquaresFit {
    BLASThreads.ensure()
    let n = x.rows, k = x.cols
    guard y.count == n else { throw LinearAlgebraError.dimensionMismatch("X has \(n) rows, y has \(y.count)") }
    guard k > 0 else { throw LinearAlgebraError.dimensionMismatch("X has no columns") }
    guard n >= k else { throw LinearAlgebraError.insufficientObservations(needed: k - 1, got: n) }
    var a = x.storage
    var b = y  // n × 1 row-major, ldb = 1
    let info = a.withUnsafeMutableBufferPointer { pa in
        b.withUnsafeMutableBufferPointer { pb in
            LAPACKE_dgels(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "N")), Int32(n), Int32(k), 1,
                          pa.baseAddress, Int32(k), pb.baseAddress, 1)
        }
    }
    if info > 0 { throw LinearAlgebraError.rankDeficient(column: Int(info)) }
    if info < 0 { throw LinearAlgebraError.lapack(routine: "dgels", info: Int(info)) }
    let beta = Array(b[0..<k])
    var residuals = [Double](repeating: 0, count: n)
    var rss = 0.0
    for i in 0..<n {
        var fit = 0.0
        for j in 0..<k { fit += x[i, j] * beta[j] }
        let e = y[i] - fit
        residuals[i] = e
        rss += e * e
    }
    let xtx = try gemm(x.transposed, x)
    let inv: Matrix
    do { inv = try inverseSPD(xtx) } catch LinearAlgebraError.notPositiveDefinite(let m) {
        throw LinearAlgebraError.rankDeficient(column: m)
    }
    let sigma2 = n > k ? rss / Double(n - k) : 0
    let se = (0..<k).map { (sigma2 * max(inv[$0, $0], 0)).squareRoot() }
    return LeastSquaresFit(coefficients: beta, residuals: residuals, standardErrors: se, xtxInverse: inv,
                           rss: rss, sigma2: sigma2, n: n, k: k)
}
