import CKernels

/// Element-wise `exp` and `log` over contiguous doubles (the C kernels of `CKernels`, vectorised with AVX2/AVX-512
/// where the CPU has them). Within 1 ulp of the correctly rounded result, and bit-identical on every CPU whichever
/// variant runs, so Monte Carlo outputs do not depend on the machine a shard ran on. `y` may equal `x`.
public enum VectorMath {
    /// `y[i] = eˣ⁽ⁱ⁾` for `i < n`.
    @inline(__always) public static func exp(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count n: Int) {
        hashsec_vexp(x, y, n)
    }
    /// `y[i] = ln x[i]` for `i < n` (`ln 0 = −∞`, negative → NaN).
    @inline(__always) public static func log(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count n: Int) {
        hashsec_vlog(x, y, n)
    }

    /// The kernel variant in use: `portable`, `avx2` or `avx512`.
    public static var variant: String { ["portable", "avx2", "avx512"][Int(hashsec_vecmath_variant())] }

    /// Runs one variant explicitly (0 portable, 1 AVX2, 2 AVX-512); false when this CPU lacks it. For tests.
    public static func exp(variant: Int, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count n: Int) -> Bool {
        hashsec_vexp_variant(Int32(variant), x, y, n) == 0
    }
    public static func log(variant: Int, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count n: Int) -> Bool {
        hashsec_vlog_variant(Int32(variant), x, y, n) == 0
    }
}
