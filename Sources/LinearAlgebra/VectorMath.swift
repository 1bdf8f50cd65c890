import CKernels
import Foundation

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
    public static var variant: String { KernelVariant.inUse.description }

    /// Runs one variant explicitly (0 portable, 1 AVX2, 2 AVX-512); false when this CPU lacks it. For tests.
    public static func exp(variant: Int, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count n: Int) -> Bool {
        hashsec_vexp_variant(Int32(variant), x, y, n) == 0
    }
    public static func log(variant: Int, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count n: Int) -> Bool {
        hashsec_vlog_variant(Int32(variant), x, y, n) == 0
    }
}

/// The three builds of every CKernels kernel (bit-identical: see `Sources/CKernels/README.md`). The best one this CPU
/// has runs, unless `HASHSEC_KERNEL=portable|avx2|avx512` asks for another this CPU also has (to measure the AVX2 speed
/// on an AVX-512 machine, or to compare variants); an unknown name or a variant the CPU lacks is refused
/// (`checkEnvironment`, exit 64) rather than silently replaced.
public enum KernelVariant: Int, CaseIterable, Sendable, CustomStringConvertible {
    case portable = 0, avx2 = 1, avx512 = 2

    public static let environmentKey = "HASHSEC_KERNEL"

    public var description: String { ["portable", "avx2", "avx512"][rawValue] }

    /// The instructions a variant needs, for messages.
    var requirement: String { ["nothing beyond x86-64 SSE2", "AVX2 and FMA", "AVX-512 (F, DQ, BW, VL)"][rawValue] }

    /// The best variant this CPU supports (cpuid and xgetbv, once per process).
    public static var supported: KernelVariant { KernelVariant(rawValue: Int(hashsec_vecmath_supported())) ?? .portable }

    /// The variant every kernel runs in this process (chosen once, at the first kernel call).
    public static var inUse: KernelVariant { KernelVariant(rawValue: Int(hashsec_vecmath_variant())) ?? .portable }

    /// Every variant this CPU can run, portable first.
    public static var available: [KernelVariant] { allCases.filter { $0.rawValue <= supported.rawValue } }

    /// The variant a request names (nil or empty: the best one, `supported`), or the reason it cannot run here.
    public static func resolve(_ request: String?, supported best: KernelVariant) throws -> KernelVariant {
        let code = request.map { hashsec_kernel_parse($0) } ?? -1
        if code == -1 { return best }
        let names = allCases.map(\.description).joined(separator: ", ")
        guard let v = KernelVariant(rawValue: Int(code)) else {
            throw LinearAlgebraError.unavailableKernel("\(environmentKey)=\(request!): unknown kernel variant; use one of \(names) "
                                                       + "(this CPU runs up to \(best)), or unset \(environmentKey)")
        }
        guard v.rawValue <= best.rawValue else {
            throw LinearAlgebraError.unavailableKernel("\(environmentKey)=\(v): this CPU lacks \(v.requirement); it runs "
                                                       + available(upTo: best).map(\.description).joined(separator: ", ")
                                                       + " (unset \(environmentKey) for the best, \(best))")
        }
        return v
    }

    static func available(upTo best: KernelVariant) -> [KernelVariant] { allCases.filter { $0.rawValue <= best.rawValue } }

    /// Refuses an unknown `HASHSEC_KERNEL` or one naming a variant this CPU lacks (`LinearAlgebraError.unavailableKernel`,
    /// exit 64); returns the variant that runs.
    @discardableResult
    public static func checkEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> KernelVariant {
        try resolve(env[environmentKey], supported: supported)
    }
}
