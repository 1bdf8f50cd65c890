import CKernels
import Domain
import Foundation

/// How the paths' leading random dimensions are sampled (`simulate --sampling`, recorded in the manifest).
///
/// - `pseudo` (the default): every number from the path's own pseudo-random streams (`PathGenerator.ShockStreams`).
/// - `sobol`: randomized quasi-Monte Carlo on the first dimensions of each sampling unit (an antithetic pair, or a path
///   without antithetic variates): the parameter draw's normals, with Merton jumps the horizon's jump count and size sum
///   (`RQMCSampler.jumps`), then the first `bridgeDimensions` inputs of a Brownian bridge over the horizon that builds the
///   price driver's daily normals Z₁ and optionally `hashBridgeDimensions` of one for the hash-rate normals Z₂
///   (`RQMCSampler`). Everything else (the rest of the bridges' inputs, Z₃, the jump days and the split of their sizes,
///   the regime chain, Poisson blocks) stays pseudo-random. Unit u belongs to
///   replicate `u mod R` and takes Sobol point `u / R` of that replicate's own scrambling, so the R replicate means are
///   independent and unbiased and the PV mean's standard error is theirs (`Moments.replicateStderr`).
public struct Sampling: Sendable, Equatable, CustomStringConvertible {
    public enum Method: String, Sendable, CaseIterable { case pseudo, sobol }
    public var method: Method
    /// Leading Brownian-bridge inputs of the price driver taken from the Sobol points (capped at the horizon).
    public var bridgeDimensions: Int
    /// Independent randomizations (replicates) of the Sobol points.
    public var replicates: Int
    /// Leading Brownian-bridge inputs of the hash-rate driver Z₂ taken from the Sobol points (after the price's; 0: none).
    public var hashBridgeDimensions: Int = Sampling.defaultHashBridgeDimensions
    /// With Merton jumps: the horizon's jump count and size sum from the Sobol points (`RQMCSampler.jumps`).
    public var jumps: Bool = true

    public init(method: Method = .pseudo, bridgeDimensions: Int = Sampling.defaultBridgeDimensions,
                replicates: Int = Sampling.defaultReplicates) {
        self.method = method; self.bridgeDimensions = bridgeDimensions; self.replicates = replicates
    }

    public static let pseudo = Sampling()
    public static let defaultBridgeDimensions = 32, defaultHashBridgeDimensions = 16, defaultReplicates = 16
    public static func sobol(bridgeDimensions: Int = defaultBridgeDimensions, hashBridgeDimensions: Int = defaultHashBridgeDimensions,
                             replicates: Int = defaultReplicates) -> Sampling {
        var s = Sampling(method: .sobol, bridgeDimensions: bridgeDimensions, replicates: replicates)
        s.hashBridgeDimensions = hashBridgeDimensions
        return s
    }

    /// Checks the settings (a Sobol dimension the table lacks, no replicate, a replicate without two units).
    public func validate(drawDimension: Int, units: Int) throws {
        guard method == .sobol else { return }
        guard replicates >= 2 else { throw SimulateError.invalidSettings("--sobol-replicates must be ≥ 2 (an honest standard error needs them)") }
        guard bridgeDimensions >= 1 else { throw SimulateError.invalidSettings("--sobol-dimensions must be ≥ 1") }
        guard hashBridgeDimensions >= 0 else { throw SimulateError.invalidSettings("--sobol-hash-dimensions must be ≥ 0") }
        let total = drawDimension + 2 + bridgeDimensions + hashBridgeDimensions
        guard total <= SobolSequence.maxDimensions else {
            throw SimulateError.invalidSettings("--sobol-dimensions \(bridgeDimensions) and --sobol-hash-dimensions \(hashBridgeDimensions) plus the \(drawDimension) parameter-draw and 2 jump dimensions exceed the \(SobolSequence.maxDimensions) Sobol dimensions of the table")
        }
        guard units >= 2 * replicates else {
            throw SimulateError.invalidSettings("--sampling sobol needs at least 2 sampling units per replicate (\(units) units for \(replicates) replicates)")
        }
    }

    /// `pseudo`, or e.g. `sobol (16 replicates, parameter draw + 32 Brownian-bridge dimensions)`.
    public var description: String {
        method == .pseudo ? "pseudo" : "sobol (\(replicates) replicates, parameter draw + \(bridgeDimensions) price"
            + (hashBridgeDimensions > 0 ? " + \(hashBridgeDimensions) hash-rate" : "") + " Brownian-bridge dimensions" + (jumps ? ", jump totals" : "") + ")"
    }

    /// The manifest's statement of the sampling (how the leading dimensions were made).
    public func statement(drawDimension: Int, days: Int) -> String {
        guard method == .sobol else { return "pseudo-random" }
        return "randomized QMC: Sobol (Joe-Kuo directions, natural order) with a random linear matrix scramble and digital shift per replicate "
            + "and dimension (\(RQMCSampler.scrambleAlgorithm)); \(replicates) replicates (unit u: replicate u mod \(replicates), point u / \(replicates)); "
            + "dimensions 0..<\(drawDimension): parameter draw, then \(min(bridgeDimensions, days)) leading Brownian-bridge inputs of the price normals Z1"
            + (hashBridgeDimensions > 0 ? ", then \(min(hashBridgeDimensions, days)) of the hash-rate normals Z2" : "") + " over \(days) days"
    }
}

/// The RQMC numbers of one run (`Sampling.sobol`): scrambled Sobol points for the sampling units and the Brownian bridge.
///
/// Scrambling (Matoušek's random linear scramble plus a digital shift), replicate r, dimension j: a random lower-
/// triangular binary matrix M (unit diagonal) and a shift e, from `PathRandom(seed, r, stream: 40)`;
/// the scrambled coordinate of point n is `M·x_n ⊕ e`, computed as `⊕_k M·V_k ⊕ e` (M is linear, so the directions are
/// scrambled once). The uniform is `(y + ½)/2^32` and the normal its quantile (Acklam's approximation refined by one
/// Halley step on `erfc`). Each point is a function of (seed, unit) only: no thread or shard dependence.
///
/// Brownian bridge over days 1…d (unit steps; QuantLib's construction): input 0 sets W_d = √d·ξ₀, each later input
/// fills the middle of the widest empty interval (level by level),
///
///     W_l = ((t_k − t_l)·W_j + (t_l − t_j)·W_k)/(t_k − t_j) + √((t_l − t_j)(t_k − t_l)/(t_k − t_j))·ξ_i,
///
/// and the daily normals are the increments `W_t − W_{t−1}`, iid N(0,1) for iid N(0,1) inputs, so the law of the paths is
/// unchanged; only the first inputs (the coarse shape of the price path over the horizon) come from the Sobol points.
public struct RQMCSampler: Sendable {
    public static let scrambleStream: UInt64 = 40
    public static let scrambleAlgorithm = "matrix and shift from \(PathRandom.algorithm), path = replicate, stream 40"
    public let sampling: Sampling
    public let drawDimension: Int, bridgeDimension: Int, hashBridgeDimension: Int, days: Int
    /// 2 with Merton jumps (the horizon's jump count and the sum of its sizes), else 0; Sobol dimensions after the draw's.
    public let jumpDimension: Int
    public let antithetic: Bool
    /// `[r][dim][32]` scrambled direction integers and `[r][dim]` shifts.
    let directions: [UInt32], shifts: [UInt32]
    let dims: Int
    let seed: UInt64
    public static let jumpStream: UInt64 = 41
    // Bridge tables (QuantLib's names).
    let bridgeIndex: [Int], leftIndex: [Int], rightIndex: [Int]
    let leftWeight: [Double], rightWeight: [Double], stdDev: [Double]

    public init(sampling: Sampling, seed: UInt64, drawDimension: Int, days: Int, antithetic: Bool, jumps: Bool = false) {
        precondition(sampling.method == .sobol)
        self.sampling = sampling; self.drawDimension = drawDimension; self.days = days; self.antithetic = antithetic
        self.seed = seed
        jumpDimension = jumps ? 2 : 0
        bridgeDimension = min(sampling.bridgeDimensions, days)
        hashBridgeDimension = min(sampling.hashBridgeDimensions, days)
        dims = drawDimension + jumpDimension + bridgeDimension + hashBridgeDimension
        let sobol = SobolSequence(dimensions: max(dims, 1))
        let r = sampling.replicates
        var dir = [UInt32](repeating: 0, count: r * dims * 32), sh = [UInt32](repeating: 0, count: r * dims)
        for rep in 0..<r {
            var rng = PathRandom(seed: seed, path: UInt64(rep), stream: RQMCSampler.scrambleStream)
            for j in 0..<dims {
                // Column c of M: bit (31 − c) set, random bits below it.
                var col = [UInt32](repeating: 0, count: 32)
                for c in 0..<32 {
                    let diag: UInt32 = 1 << UInt32(31 - c)
                    col[c] = diag | (UInt32(truncatingIfNeeded: rng.next() >> 32) & (diag &- 1))
                }
                for k in 0..<32 {
                    let v = sobol.directions[j * 32 + k]
                    var y: UInt32 = 0
                    for c in 0..<32 where (v >> UInt32(31 - c)) & 1 == 1 { y ^= col[c] }
                    dir[(rep * dims + j) * 32 + k] = y
                }
                sh[rep * dims + j] = UInt32(truncatingIfNeeded: rng.next() >> 32)
            }
        }
        directions = dir; shifts = sh
        // Brownian bridge on t_i = i + 1, i = 0..<d.
        let d = max(days, 1)
        var map = [Int](repeating: 0, count: d)
        var bi = [Int](repeating: 0, count: d), li = bi, ri = bi
        var lw = [Double](repeating: 0, count: d), rw = lw, sd = lw
        func t(_ i: Int) -> Double { Double(i + 1) }
        map[d - 1] = 1; bi[0] = d - 1; sd[0] = t(d - 1).squareRoot()
        var j = 0
        for i in 1..<max(d, 1) {
            while map[j] != 0 { j += 1 }
            var k = j
            while map[k] == 0 { k += 1 }
            let l = j + (k - 1 - j) / 2
            map[l] = i; bi[i] = l; li[i] = j; ri[i] = k
            if j != 0 {
                lw[i] = (t(k) - t(l)) / (t(k) - t(j - 1)); rw[i] = (t(l) - t(j - 1)) / (t(k) - t(j - 1))
                sd[i] = ((t(l) - t(j - 1)) * (t(k) - t(l)) / (t(k) - t(j - 1))).squareRoot()
            } else {
                lw[i] = (t(k) - t(l)) / t(k); rw[i] = t(l) / t(k); sd[i] = (t(l) * (t(k) - t(l)) / t(k)).squareRoot()
            }
            j = k + 1
            if j >= d { j = 0 }
        }
        bridgeIndex = bi; leftIndex = li; rightIndex = ri; leftWeight = lw; rightWeight = rw; stdDev = sd
    }

    /// The sampling unit of `path` (its antithetic pair, or the path) and its replicate and Sobol point index.
    @inline(__always) public func unit(path: Int) -> (replicate: Int, point: UInt32) {
        let u = antithetic ? path >> 1 : path
        return (u % sampling.replicates, UInt32(truncatingIfNeeded: u / sampling.replicates))
    }

    /// Normal `count` coordinates from `first` of the unit of `path` into `out`.
    func normals(path: Int, first: Int, count: Int, into out: UnsafeMutablePointer<Double>) {
        for j in 0..<count { out[j] = RQMCSampler.normalQuantile(uniform(path: path, dimension: first + j)) }
    }

    /// The scrambled coordinate `dim` of the unit of `path`, as a uniform `(y + ½)/2^32` in (0, 1).
    func uniform(path: Int, dimension dim: Int) -> Double {
        let (r, n) = unit(path: path)
        let y = directions.withUnsafeBufferPointer { SobolSequence.point(n, $0.baseAddress! + (r * dims + dim) * 32) } ^ shifts[r * dims + dim]
        return (Double(y) + 0.5) * 0x1.0p-32
    }

    /// Hook for the parameter draw (`PathGenerator.setLane`): the unit's `drawDimension` normals.
    public func drawNormals(path: Int, into z: UnsafeMutablePointer<Double>) {
        normals(path: path, first: 0, count: drawDimension, into: z)
    }

    /// Hook for the shocks (`PathGenerator.fillShocks`): the unit's 3·days iid normals from its counter streams (as the
    /// pseudo-random path draws them), the bridges (`bridgeShocks`), then correlated by Lᵀ (`hashsec_correlate3`: the
    /// bits of the fused pseudo-random kernel) into `out[t·rowStride + k·componentStride]` (PathGenerator's layout; with `mirror` the partner's negated copy at +1). `scratch`: 8·days doubles.
    public func shocks(normals: CounterStream, fallback: CounterStream, path: Int, lt: UnsafePointer<Double>, out: UnsafeMutablePointer<Double>,
                       rowStride: Int, componentStride: Int, mirror: Bool, scratch: UnsafeMutablePointer<Double>) {
        let d = days
        guard d > 0 else { return }
        let raw = scratch, bridgeScratch = scratch + 3 * d
        hashsec_counter_normals(normals.key, normals.gamma, fallback.key, fallback.gamma, 0, 3 * d, raw, 3,
                                Ziggurat.xs, Ziggurat.rs, Ziggurat.fs)
        bridgeShocks(path: path, z: raw, stride: 3, scratch: bridgeScratch)
        // The fused pseudo-random path's layout: day t's component k at out[t·rowStride + k·componentStride], the
        // antithetic partner's negated copy beside it (same bits as hashsec_counter_normals_correlated).
        hashsec_correlate3(d, raw, lt, out, rowStride, componentStride, mirror ? 1 : 0)
    }

    /// The unit's pseudo-random row `z` (day t's Z₁, Z₂, Z₃ at
    /// `z[t·stride + 0…2]`) gets the bridge for Z₁ (and for Z₂ with hash-rate dimensions). `scratch`: 2·days doubles.
    public func bridgeShocks(path: Int, z: UnsafeMutablePointer<Double>, stride: Int, scratch: UnsafeMutablePointer<Double>) {
        let first = drawDimension + jumpDimension
        bridge(path: path, z: z, stride: stride, firstDimension: first, count: bridgeDimension, scratch: scratch)
        if hashBridgeDimension > 0 {
            bridge(path: path, z: z + 1, stride: stride, firstDimension: first + bridgeDimension, count: hashBridgeDimension,
                   scratch: scratch)
        }
    }

    /// Replaces the `days` normals at `z[t·stride]` by the bridge's increments, inputs 0..<count from Sobol dimensions
    /// `firstDimension…` and the rest the row's own pseudo-random normals.
    func bridge(path: Int, z: UnsafeMutablePointer<Double>, stride: Int, firstDimension: Int, count: Int, scratch: UnsafeMutablePointer<Double>) {
        let d = days
        guard d > 0 else { return }
        let xi = scratch, w = scratch + d
        for i in count..<d { xi[i] = z[i &* stride] }
        normals(path: path, first: firstDimension, count: count, into: xi)
        w[d - 1] = stdDev[0] * xi[0]
        for i in 1..<d {
            let j = leftIndex[i], k = rightIndex[i], l = bridgeIndex[i]
            w[l] = (j != 0 ? leftWeight[i] * w[j - 1] : 0) + rightWeight[i] * w[k] + stdDev[i] * xi[i]
        }
        z[0] = w[0]
        for t in 1..<d { z[t &* stride] = w[t] - w[t - 1] }
    }

    /// Hook for Merton's jumps (`PathGenerator.fillShocks`): the unit's daily jump log-sums `j[t·stride]` (and the
    /// antithetic partner's at `j[t·stride + 1]` when `pair`), rebuilt from the horizon's totals (exactly Merton's law):
    ///
    ///     N ~ Poisson(λ·d)            by inversion of the Sobol uniform u_N (the partner: 1 − u_N)
    ///     jump days: ⌊u_i·d⌋          u_i iid uniform (given N the daily counts are multinomial(N, 1/d each))
    ///     sizes x_i = μ_J + σ_J·(ξ/√N + η_i − η̄)   ξ the Sobol normal, η_i iid N(0,1), η̄ their mean
    ///
    /// (ξ/√N·1 + (I − 11ᵀ/N)η has covariance I, so the sizes are iid N(μ_J, σ_J²) and their sum `N·μ_J + √N·σ_J·ξ` is
    /// the Sobol coordinate's). u_i, η_i: `PathRandom(seed, unit's even path, stream 41)`; the partner reflects them
    /// (1 − u_i, −η_i, −ξ).
    public func jumps(path: Int, pair: Bool, lambda: Double, muJ: Double, sigmaJ: Double, into j: UnsafeMutablePointer<Double>, stride: Int) {
        let d = days
        guard jumpDimension == 2, d > 0 else { return }
        let uN = uniform(path: path, dimension: drawDimension), xi = RQMCSampler.normalQuantile(uniform(path: path, dimension: drawDimension + 1))
        let mean = lambda * Double(d)
        let n1 = Int(PathGenerator.poisson(mean: mean, u: uN)), n2 = pair ? Int(PathGenerator.poisson(mean: mean, u: 1 - uN)) : 0
        for t in 0..<d { j[t &* stride] = 0; if pair { j[t &* stride + 1] = 0 } }
        let m = max(n1, n2)
        guard m > 0 else { return }
        var rng = PathRandom(seed: seed, path: UInt64(antithetic ? path & ~1 : path), stream: RQMCSampler.jumpStream)
        var u = [Double](repeating: 0, count: m), eta = u
        for i in 0..<m { u[i] = rng.uniform(); eta[i] = Ziggurat.normal(&rng) }
        func place(_ n: Int, sign: Double, offset: Int) {
            guard n > 0 else { return }
            var bar = 0.0
            for i in 0..<n { bar += eta[i] }
            bar /= Double(n)
            let common = xi / Double(n).squareRoot()
            for i in 0..<n {
                let ui = sign > 0 ? u[i] : 1 - u[i]
                let t = min(d - 1, Int(ui * Double(d)))
                j[t &* stride + offset] += muJ + sigmaJ * sign * (common + eta[i] - bar)
            }
        }
        place(n1, sign: 1, offset: 0)
        if pair { place(n2, sign: -1, offset: 1) }
    }

    /// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation (|relative error| < 1.2e-9) and one Halley step,
    ///     e = ½·erfc(−x/√2) − p,  u = e·√(2π)·exp(x²/2),  x ← x − u/(1 + x·u/2).
    public static func normalQuantile(_ p: Double) -> Double {
        let x = PathGenerator.inverseNormal(p)
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * Foundation.exp(0.5 * x * x)
        return x - u / (1 + 0.5 * x * u)
    }
}
