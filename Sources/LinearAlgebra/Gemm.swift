import CBLAS

/// General matrix product `C = A·B` via `cblas_dgemm` (row-major).
public func gemm(_ a: Matrix, _ b: Matrix) throws -> Matrix {
    guard a.cols == b.rows else { throw LinearAlgebraError.dimensionMismatch("gemm \(a.rows)x\(a.cols) · \(b.rows)x\(b.cols)") }
    var c = Matrix(rows: a.rows, cols: b.cols)
    if a.rows == 0 || b.cols == 0 { return c }
    if a.cols == 0 { return c }
    a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
            c.storage.withUnsafeMutableBufferPointer { pc in
                gemm(rowsA: a.rows, colsA: a.cols, colsB: b.cols, a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!)
            }
        }
    }
    return c
}

/// Raw-pointer `C = alpha·A·B + beta·C` via `cblas_dgemm`, all row-major and contiguous:
/// `A` is `rowsA × colsA`, `B` is `colsA × colsB`, `C` is `rowsA × colsB`.
///
/// Hot-path variant for the Monte Carlo engine (e.g. correlating a block of shocks `(paths·days × 3)·(3 × 3)`);
/// no allocation, no checks beyond preconditions.
@inline(__always)
public func gemm(rowsA: Int, colsA: Int, colsB: Int,
                 a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>,
                 alpha: Double = 1, beta: Double = 0) {
    BLASThreads.ensure()
    precondition(rowsA >= 0 && colsA >= 0 && colsB >= 0)
    if rowsA == 0 || colsB == 0 { return }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                blasint(rowsA), blasint(colsB), blasint(colsA),
                alpha, a, blasint(max(colsA, 1)), b, blasint(max(colsB, 1)), beta, c, blasint(max(colsB, 1)))
}
