// Hand-written (not LAPACK): the operation order is fixed, so the bits do not depend on which OpenBLAS kernels the
// CPU gets (OPENBLAS_CORETYPE Haswell / SkylakeX / Prescott differ in the last bits). See README.md.

/// Cholesky factor of a symmetric positive definite matrix (unblocked, row by row, fixed summation order).
///
/// Returns the lower-triangular `L` with `A = L·Lᵀ` (entries above the diagonal are zero):
/// `Lⱼⱼ = √(Aⱼⱼ − Σ_{p<j} Lⱼₚ²)`, `Lᵢⱼ = (Aᵢⱼ − Σ_{p<j} Lᵢₚ·Lⱼₚ)·(1/Lⱼⱼ)` for `i > j`, sums in ascending `p`
/// (as LAPACK's `dpotf2`, including its multiplication by the reciprocal of the pivot).
/// Only the lower triangle of `a` is read. Throws `.notPositiveDefinite(minor: j+1)` when the pivot of order `j+1` is
/// not positive (or NaN), as `dpotrf`'s info.
public func cholesky(_ a: Matrix) throws -> Matrix {
    guard a.rows == a.cols else { throw LinearAlgebraError.dimensionMismatch("cholesky needs a square matrix, got \(a.rows)x\(a.cols)") }
    let n = a.rows
    if n == 0 { return a }
    var l = [Double](repeating: 0, count: n * n)
    try a.storage.withUnsafeBufferPointer { pa in
        try l.withUnsafeMutableBufferPointer { pl in
            for j in 0..<n {
                var d = pa[j * n + j]
                var s = 0.0
                for p in 0..<j { s += pl[j * n + p] * pl[j * n + p] }
                d -= s
                if !(d > 0) { throw LinearAlgebraError.notPositiveDefinite(minor: j + 1) }
                let ljj = d.squareRoot()
                pl[j * n + j] = ljj
                let r = 1 / ljj
                for i in (j + 1)..<max(j + 1, n) {
                    var t = 0.0
                    for p in 0..<j { t += pl[i * n + p] * pl[j * n + p] }
                    pl[i * n + j] = (pa[i * n + j] - t) * r
                }
            }
        }
    }
    return Matrix(rows: n, cols: n, storage: l)
}

/// Inverse of a symmetric positive definite matrix: `A = L·Lᵀ` (`cholesky`), `A⁻¹ = L⁻ᵀ·L⁻¹`, the full symmetric
/// inverse returned. `L⁻¹` by forward substitution column by column,
/// `(L⁻¹)ᵢⱼ = −(Σ_{j≤p<i} Lᵢₚ·(L⁻¹)ₚⱼ)/Lᵢᵢ`; `(A⁻¹)ᵢⱼ = Σ_{p≥max(i,j)} (L⁻¹)ₚᵢ·(L⁻¹)ₚⱼ`, sums in ascending `p`.
/// Throws `.notPositiveDefinite` as `cholesky`.
public func inverseSPD(_ a: Matrix) throws -> Matrix {
    guard a.rows == a.cols else { throw LinearAlgebraError.dimensionMismatch("inverseSPD needs a square matrix, got \(a.rows)x\(a.cols)") }
    let n = a.rows
    if n == 0 { return a }
    let l = try cholesky(a).storage
    var li = [Double](repeating: 0, count: n * n)
    for j in 0..<n {
        li[j * n + j] = 1 / l[j * n + j]
        for i in (j + 1)..<max(j + 1, n) {
            var s = 0.0
            for p in j..<i { s += l[i * n + p] * li[p * n + j] }
            li[i * n + j] = -s / l[i * n + i]
        }
    }
    var inv = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0...i {
            var s = 0.0
            for p in i..<n { s += li[p * n + i] * li[p * n + j] }
            inv[i * n + j] = s
            inv[j * n + i] = s
        }
    }
    return Matrix(rows: n, cols: n, storage: inv)
}
