import Domain
import Foundation

/// How the paths' leading random dimensions are sampled (`simulate --sampling`, recorded in the manifest).
///
/// - `pseudo` (the default): every number from the path's own pseudo-random streams (`PathGenerator.ShockStreams`).
/// - `sobol`: randomized quasi-Monte Carlo on the first dimensions of each sampling unit (an antithetic pair, or a path
///   without antithetic variates): the parameter draw's normals, then the first `bridgeDimensions` inputs of a Brownian
///   bridge over the horizon that builds the price driver's daily normals Z₁ (`RQMCSampler`). Everything else (the rest
///   of the bridge's inputs, Z₂, Z₃, jumps, regime chain, Poisson blocks) stays pseudo-random. Unit u belongs to
///   replicate `u mod R` and takes Sobol point `u / R` of that replicate's own scrambling, so the R replicate means are
///   independent and unbiased and the PV mean's standard error is theirs (`Moments.replicateStderr`).
public struct Sampling: Sendable, Equatable, CustomStringConvertible {
    public enum Method: String, Sendable, CaseIterable { case pseudo, sobol }
    public var method: Method
    /// Leading Brownian-bridge inputs of the price driver taken from the Sobol points (capped at the horizon).
    public var bridgeDimensions: Int
    /// Independent randomizations (replicates) of the Sobol points.
    public var replicates: Int

    public init(method: Method = .pseudo, bridgeDimensions: Int = Sampling.defaultBridgeDimensions,
                replicates: Int = Sampling.defaultReplicates) {
        self.method = method; self.bridgeDimensions = bridgeDimensions; self.replicates = replicates
    }

    public static let pseudo = Sampling()
    public static let defaultBridgeDimensions = 32, defaultReplicates = 16
    public static func sobol(bridgeDimensions: Int = defaultBridgeDimensions, replicates: Int = defaultReplicates) -> Sampling {
        Sampling(method: .sobol, bridgeDimensions: bridgeDimensions, replicates: replicates)
    }

    /// Checks the settings (a Sobol dimension the table lacks, no replicate, a replicate without two units).
    public func validate(drawDimension: Int, units: Int) throws {
        guard method == .sobol else { return }
        guard replicates >= 2 else { throw SimulateError.invalidSettings("--sobol-replicates must be ≥ 2 (an honest standard error needs them)") }
        guard bridgeDimensions >= 1 else { throw SimulateError.invalidSettings("--sobol-dimensions must be ≥ 1") }
        let total = drawDimension + bridgeDimensions
        guard total <= SobolSequence.maxDimensions else {
            throw SimulateError.invalidSettings("--sobol-dimensions \(bridgeDimensions) plus the \(drawDimension) parameter-draw dimensions exceed the \(SobolSequence.maxDimensions) Sobol dimensions of the table")
        }
        guard units >= 2 * replicates else {
            throw SimulateError.invalidSettings("--sampling sobol needs at least 2 sampling units per replicate (\(units) units for \(replicates) replicates)")
        }
    }

    /// `pseudo`, or e.g. `sobol (16 replicates, parameter draw + 32 Brownian-bridge dimensions)`.
    public var description: String {
        method == .pseudo ? "pseudo" : "sobol (\(replicates) replicates, parameter draw + \(bridgeDimensions) Brownian-bridge dimensions)"
    }

    /// The manifest's statement of the sampling (how the leading dimensions were made).
    public func statement(drawDimension: Int, days: Int) -> String {
        guard method == .sobol else { return "pseudo-random" }
        return "randomized QMC: Sobol (Joe-Kuo directions, natural order) with a random linear matrix scramble and digital shift per replicate "
            + "and dimension (\(RQMCSampler.scrambleAlgorithm)); \(replicates) replicates (unit u: replicate u mod \(replicates), point u / \(replicates)); "
            + "dimensions 0..<\(drawDimension): parameter draw, then \(min(bridgeDimensions, days)) leading Brownian-bridge inputs of the price normals over \(days) days"
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
    public let drawDimension: Int, bridgeDimension: Int, days: Int
    public let antithetic: Bool
    /// `[r][dim][32]` scrambled direction integers and `[r][dim]` shifts.
    let directions: [UInt32], shifts: [UInt32]
    let dims: Int
    // Bridge tables (QuantLib's names).
    let bridgeIndex: [Int], leftIndex: [Int], rightIndex: [Int]
    let leftWeight: [Double], rightWeight: [Double], stdDev: [Double]

    public init(sampling: Sampling, seed: UInt64, drawDimension: Int, days: Int, antithetic: Bool) {
        precondition(sampling.method == .sobol)
        self.sampling = sampling; self.drawDimension = drawDimension; self.days = days; self.antithetic = antithetic
        bridgeDimension = min(sampling.bridgeDimensions, days)
        dims = drawDimension + bridgeDimension
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
        let (r, n) = unit(path: path)
        directions.withUnsafeBufferPointer { dir in
            for j in 0..<count {
                let dim = first + j
                let y = SobolSequence.point(n, dir.baseAddress! + (r * dims + dim) * 32) ^ shifts[r * dims + dim]
                out[j] = RQMCSampler.normalQuantile((Double(y) + 0.5) * 0x1.0p-32)
            }
        }
    }

    /// Hook for the parameter draw (`PathGenerator.setLane`): the unit's `drawDimension` normals.
    public func drawNormals(path: Int, into z: UnsafeMutablePointer<Double>) {
        normals(path: path, first: 0, count: drawDimension, into: z)
    }

    /// Hook for the price driver (`PathGenerator.fillShocks`): replaces the `days` normals at `z[t·stride]` (the unit's
    /// pseudo-random Z₁ row) by the bridge's increments, inputs 0..<bridgeDimension from the Sobol points and the rest the
    /// row's own pseudo-random normals. `scratch`: 2·days doubles.
    public func bridgePrice(path: Int, z: UnsafeMutablePointer<Double>, stride: Int, scratch: UnsafeMutablePointer<Double>) {
        let d = days
        guard d > 0 else { return }
        let xi = scratch, w = scratch + d
        for i in bridgeDimension..<d { xi[i] = z[i &* stride] }
        normals(path: path, first: drawDimension, count: bridgeDimension, into: xi)
        w[d - 1] = stdDev[0] * xi[0]
        for i in 1..<d {
            let j = leftIndex[i], k = rightIndex[i], l = bridgeIndex[i]
            w[l] = (j != 0 ? leftWeight[i] * w[j - 1] : 0) + rightWeight[i] * w[k] + stdDev[i] * xi[i]
        }
        z[0] = w[0]
        for t in 1..<d { z[t &* stride] = w[t] - w[t - 1] }
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
