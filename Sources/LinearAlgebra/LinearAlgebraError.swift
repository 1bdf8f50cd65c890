/// Errors from the LAPACK/BLAS wrappers.
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable {
    /// The matrix is not symmetric positive definite (`dpotrf` info > 0: the leading minor of this order is not positive).
    case notPositiveDefinite(minor: Int)
    /// The design matrix is rank deficient (`dgels` info > 0: diagonal element of R is zero).
    case rankDeficient(column: Int)
    /// Shapes do not conform.
    case dimensionMismatch(String)
    /// Too few observations for the requested computation.
    case insufficientObservations(needed: Int, got: Int)
    /// A LAPACK routine reported an illegal argument (info < 0).
    case lapack(routine: String, info: Int)
    /// `HASHSEC_KERNEL` names no kernel variant, or one this CPU cannot run (`KernelVariant`).
    case unavailableKernel(String)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let k): return "matrix is not positive definite (leading minor \(k) is not positive)"
        case .rankDeficient(let c): return "design matrix is rank deficient (column \(c))"
        case .dimensionMismatch(let s): return "dimension mismatch: \(s)"
        case .insufficientObservations(let n, let g): return "need more than \(n) observations, got \(g)"
        case .lapack(let r, let i): return "\(r) failed with info \(i)"
        case .unavailableKernel(let m): return m
        }
    }
}
