/// SplitMix64 (Steele, Lea, Flood 2014): used only to derive independent seeds.
@inlinable public func splitMix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// xoshiro256++ (Blackman & Vigna 2019), seeded from `(seed, path, stream)` only, so a path's random
/// numbers never depend on thread count or sharding. `stream` separates independent uses on one path: 1 = Poisson
/// block counts (`PathGenerator`, and `SyntheticHistory` with 0 for its shocks), 2 = the staking premium
/// (`LeverageEngine.premiumStream`); 16–20 seed the `CounterStream`s of the model shocks (`PathGenerator.ShockStreams`:
/// normals, their ziggurat fallback, uniforms, jump normals, jump fallback).
public struct PathRandom: Sendable {
    public var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public static let algorithm = "xoshiro256++ seeded by splitmix64(seed, path, stream)"

    public init(seed: UInt64, path: UInt64, stream: UInt64 = 0) {
        var x = splitMix64(seed ^ splitMix64(path &* 0xD1B5_4A32_D192_ED03 ^ splitMix64(stream &+ 0x632B_E59B_D9B4_E019)))
        s0 = splitMix64(x); x = x &+ 0x9E37_79B9_7F4A_7C15
        s1 = splitMix64(x); x = x &+ 0x9E37_79B9_7F4A_7C15
        s2 = splitMix64(x); x = x &+ 0x9E37_79B9_7F4A_7C15
        s3 = splitMix64(x)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inlinable @inline(__always) public mutating func next() -> UInt64 {
        let r = ((s0 &+ s3) << 23 | (s0 &+ s3) >> 41) &+ s0
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return r
    }

    /// Uniform in the open interval (0, 1): 53 random bits, offset by half an ulp.
    @inlinable @inline(__always) public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Standard normal by the Marsaglia polar method (simple, exact; the Monte Carlo kernels may use a faster one).
    @inlinable public mutating func normal() -> Double {
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            if s < 1, s > 0 {
                return u * (-2 * _log(s) / s).squareRoot()
            }
        }
    }
}

@usableFromInline func _log(_ x: Double) -> Double {
    // Natural log without Foundation: ln x = log2(x)·ln 2 via the exponent/mantissa split and a series.
    // Precise to ~1e-16 relative; only used by the simple polar normal above.
    let e = x.exponent
    let m = x.significand  // in [1,2)
    let z = (m - 1) / (m + 1), z2 = z * z
    var term = z, sum = 0.0, k = 1.0
    while true {
        let add = term / k
        sum += add
        if abs(add) < 1e-18 * abs(sum) || k > 80 { break }
        term *= z2; k += 2
    }
    return 2 * sum + Double(e) * 0.693_147_180_559_945_309_4
}

/// A counter-based stream: SplitMix64 (Steele, Lea & Flood 2014) addressed by position, so draw `n` of a path can be
/// computed without the draws before it and a path's draws can be generated many at a time (vectorised, CKernels):
///
///     output(n) = mix64(key + (n + 1)·γ),   n = 0, 1, 2, …
///
/// with `mix64` SplitMix64's output function and `key`, odd `γ` derived from `(seed, path, stream)` only, like
/// `PathRandom`. Each path has its own increment γ, so two paths' streams are not shifted copies of one sequence.
/// The Monte Carlo shocks use it: normal `3t + k` of a path is its shock `Z_{k+1}` of day `t`.
public struct CounterStream: Sendable, Equatable {
    public let key: UInt64
    public let gamma: UInt64

    public static let algorithm = "SplitMix64 in counter mode per (seed, path, stream): output(n) = mix64(key + (n+1)·γ)"

    public init(seed: UInt64, path: UInt64, stream: UInt64) {
        let base = PathRandom(seed: seed, path: path, stream: stream)
        key = base.s0
        // Odd, and with enough bit transitions (SplittableRandom's mixGamma rule) for a well-spread sequence.
        var g = base.s1 | 1
        if (g ^ (g >> 1)).nonzeroBitCount < 24 { g ^= 0xAAAA_AAAA_AAAA_AAAA }
        gamma = g
    }

    /// SplitMix64's output function.
    @inlinable public static func mix64(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Output `n`.
    @inlinable public func output(_ n: UInt64) -> UInt64 { CounterStream.mix64(key &+ (n &+ 1) &* gamma) }

    /// Uniform in (0, 1) from output `n` (53 bits, offset by half an ulp, as `PathRandom.uniform`).
    @inlinable public func uniform(_ n: UInt64) -> Double { (Double(output(n) >> 11) + 0.5) * 0x1.0p-53 }
}
