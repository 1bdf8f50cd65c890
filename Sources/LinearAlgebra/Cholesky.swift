import CLAPACKE

/// Cholesky factor of a symmetric positive definite matrix via `LAPACKE_dpotrf`.
///
/// Returns the lower-triangular `L` with `A = L·Lᵀ` (entries above the diagonal are zero).
/// Only the lower triangle of `a` is read. Throws `.notPositiveDefinite` when a leading minor is not positive.
public func cholesky(_ a: Matrix) throws -> Matrix {
    BLASThreads.ensure()
    guard a.rows == a.cols else { throw LinearAlgebraError.dimensionMismatch("cholesky needs a square matrix, got \(a.rows)x\(a.cols)") }
    let n = a.rows
    if n == 0 { return a }
    var s = a.storage
    let info = s.withUnsafeMutableBufferPointer { p in
        LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), p.baseAddress, Int32(n))
    }
    if info > 0 { throw LinearAlgebraError.notPositiveDefinite(minor: Int(info)) }
    if info < 0 { throw LinearAlgebraError.lapack(routine: "dpotrf", info: Int(info)) }
    for i in 0..<n { for j in (i + 1)..<max(i + 1, n) where j < n { s[i * n + j] = 0 } }
    return Matrix(rows: n, cols: n, storage: s)
}

/// Inverse of a symmetric positive definite matrix via `dpotrf` + `dpotri` (the full symmetric inverse is returned).
public func inverseSPD(_ a: Matrix) throws -> Matrix {
    BLASThreads.ensure()
    guard a.rows == a.cols else { throw LinearAlgebraError.dimensionMismatch("inverseSPD needs a square matrix, got \(a.rows)x\(a.cols)") }
    let n = a.rows
    if n == 0 { return a }
    var s = a.storage
    let uplo = Int8(UInt8(ascii: "L"))
    var info = s.withUnsafeMutableBufferPointer { p in
        LAPACKE_dpotrf(LAPACK_ROW_MAJOR, uplo, Int32(n), p.baseAddress, Int32(n))
    }
    if info > 0 { throw LinearAlgebraError.notPositiveDefinite(minor: Int(info)) }
    if info < 0 { throw LinearAlgebraError.lapack(routine: "dpotrf", info: Int(info)) }
    info = s.withUnsafeMutableBufferPointer { p in
        LAPACKE_dpotri(LAPACK_ROW_MAJOR, uplo, Int32(n), p.baseAddress, Int32(n))
    }
    if info != 0 { throw LinearAlgebraError.lapack(routine: "dpotri", info: Int(info)) }
    // dpotri fills the lower triangle; mirror it.
    for i in 0..<n { for j in 0..<i { s[j * n + i] = s[i * n + j] } }
    return Matrix(rows: n, cols: n, storage: s)
}
