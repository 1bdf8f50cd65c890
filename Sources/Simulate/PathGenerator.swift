import Domain
import Foundation
import LinearAlgebra

/// Generates blocks of paths: iid normals from each path's own stream → one `cblas_dgemm` with Lᵀ → daily state
/// evolution (price, hash rate, fees, blocks, retargets, halvings, stress overlay).
///
/// Random streams: path `p` draws from `PathRandom(seed, p)` (stream 0: Z₁,Z₂,Z₃, the jump uniform and jump normal;
/// stream 1: Poisson block counts). With antithetic variates path `2k+1` reuses the draws of path `2k` negated
/// (normals) or reflected (`1−u`), so every path's numbers depend only on (seed, path index).
public struct PathGenerator {
    public let process: ModelProcess
    public let initial: InitialState
    public let settings: SimulationSettings
    public let overlay: StressOverlay?
    public let days: Int
    let lnHistory: [Double]

    public init(process: ModelProcess, initial: InitialState, settings: SimulationSettings, days: Int, overlay: StressOverlay? = nil) {
        self.process = process; self.initial = initial; self.settings = settings; self.days = days
        self.overlay = (overlay?.isEmpty ?? true) && (overlay?.replayLnHashRate.isEmpty ?? true) && (overlay?.replayLnFee.isEmpty ?? true) ? nil : overlay
        var h = initial.lnHashpriceHistory.filter { $0.isFinite }
        if h.isEmpty {
            let sub = ChainClock.subsidyBTC(block: initial.height + 1, shift: 0)
            let hpBTC = 1e15 * 86400 / (initial.difficulty * 4294967296.0) * (sub + initial.feePerBlockBTC)
            h = [Foundation.log(hpBTC * initial.priceUSD)]
        }
        lnHistory = h
    }

    /// Per-worker buffers, reused across blocks (no allocation per path).
    public final class Scratch {
        public let block: Int, days: Int
        let z: UnsafeMutablePointer<Double>        // block·days × 3 iid normals
        let zc: UnsafeMutablePointer<Double>       // correlated
        let jump: UnsafeMutablePointer<Double>     // block·days: jump log sum or bootstrap uniform pair
        let aux: UnsafeMutablePointer<Double>      // block·days: second uniform (bootstrap restart index)
        let lnHP: UnsafeMutablePointer<Double>     // history + days
        let histCount: Int
        /// Outputs of the last generated block, path-major (`[path·days + day]`).
        public let price: UnsafeMutablePointer<Double>
        public let hashpriceBTC: UnsafeMutablePointer<Double>
        public let hashpriceUSD: UnsafeMutablePointer<Double>

        public init(block: Int, days: Int, history: [Double]) {
            self.block = block; self.days = days
            let n = block * days
            z = .allocate(capacity: 3 * n); zc = .allocate(capacity: 3 * n)
            jump = .allocate(capacity: n); aux = .allocate(capacity: n)
            histCount = history.count
            lnHP = .allocate(capacity: history.count + days)
            for i in 0..<history.count { lnHP[i] = history[i] }
            // Days not written by a path (only those read later are) must still hold a number: b·x with x NaN is NaN.
            (lnHP + history.count).initialize(repeating: history.last ?? 0, count: days)
            price = .allocate(capacity: n); hashpriceBTC = .allocate(capacity: n); hashpriceUSD = .allocate(capacity: n)
        }
        deinit {
            z.deallocate(); zc.deallocate(); jump.deallocate(); aux.deallocate(); lnHP.deallocate()
            price.deallocate(); hashpriceBTC.deallocate(); hashpriceUSD.deallocate()
        }
    }

    public func makeScratch() -> Scratch { Scratch(block: settings.blockSize, days: days, history: lnHistory) }

    /// Generates paths `first ..< first+count` (count ≤ block size) into `s.price/hashpriceBTC/hashpriceUSD`.
    public func generate(first: Int, count: Int, into s: Scratch) {
        let d = days
        fillShocks(first: first, count: count, s)
        // Correlate: (count·days × 3) · Lᵀ(3 × 3), one dgemm for the block.
        process.choleskyT.withUnsafeBufferPointer { lt in
            gemm(rowsA: count * d, colsA: 3, colsB: 3, a: s.z, b: lt.baseAddress!, c: s.zc)
        }
        for p in 0..<count { evolve(path: first + p, local: p, s) }
    }

    func fillShocks(first: Int, count: Int, _ s: Scratch) {
        let d = days, xs = Ziggurat.xs, rs = Ziggurat.rs
        let lam = process.lambda, muJ = process.muJ, sJ = process.sigmaJ
        let p0 = lam > 0 ? Foundation.exp(-lam) : 1.0
        let boot = process.model == .bootstrap
        @inline(__always) func poissonCount(_ u: Double) -> Double {
            // Inversion: smallest n with F(n) ≥ u.
            if u <= p0 { return 0 }
            var n = 0.0, p = p0, cdf = p0
            while cdf < u && n < 50 { n += 1; p *= lam / n; cdf += p }
            return n
        }
        var p = 0
        while p < count {
            let path = first + p
            let pair = settings.antithetic && path % 2 == 0 && p + 1 < count
            var rng = PathRandom(seed: settings.seed, path: UInt64(path))
            let a = s.z + 3 * p * d, j = s.jump + p * d, x = s.aux + p * d
            for i in 0..<(3 * d) { a[i] = Ziggurat.normal(&rng, x: xs, ratio: rs) }
            if boot {
                for t in 0..<d { j[t] = rng.uniform(); x[t] = rng.uniform() }
            } else if lam > 0 {
                for t in 0..<d {
                    let u = rng.uniform()
                    let n1 = poissonCount(u)
                    let n2 = pair ? poissonCount(1 - u) : 0
                    if n1 > 0 || n2 > 0 {
                        let z4 = Ziggurat.normal(&rng, x: xs, ratio: rs)
                        j[t] = n1 * muJ + n1.squareRoot() * sJ * z4
                        x[t] = n2 * muJ - n2.squareRoot() * sJ * z4
                    } else { j[t] = 0; x[t] = 0 }
                }
            } else {
                for t in 0..<d { j[t] = 0; x[t] = 0 }
            }
            if pair {
                let b = s.z + 3 * (p + 1) * d, jb = s.jump + (p + 1) * d, xb = s.aux + (p + 1) * d
                for i in 0..<(3 * d) { b[i] = -a[i] }
                if boot {
                    for t in 0..<d { jb[t] = 1 - j[t]; xb[t] = 1 - x[t] }
                } else {
                    for t in 0..<d { jb[t] = x[t]; xb[t] = 0 }
                }
                p += 2
            } else {
                if !boot { for t in 0..<d { x[t] = 0 } }
                p += 1
            }
        }
    }

    @inline(__always)
    func evolve(path: Int, local p: Int, _ s: Scratch) {
        let d = days, pr = process
        let zc = s.zc + 3 * p * d, jump = s.jump + p * d, aux = s.aux + p * d
        let outS = s.price + p * d, outB = s.hashpriceBTC + p * d, outU = s.hashpriceUSD + p * d
        let lnHP = s.lnHP, hc = s.histCount
        var lnS = Foundation.log(initial.priceUSD)
        var lnH = Foundation.log(initial.hashRateHs)
        var x = Foundation.log(initial.feePerBlockBTC)
        var clock = ChainClock(height: initial.height, difficulty: initial.difficulty, epochElapsedDays: initial.epochElapsedDays,
                               halvingShift: overlay?.halvingShiftBlocks ?? 0)
        let boot = pr.model == .bootstrap
        let ret = pr.bootstrapReturns
        let nRet = ret.count
        var bIdx = 0
        if boot { bIdx = min(nRet - 1, Int(aux[0] * Double(nRet))) }
        let restart = 1 / ModelProcess.bootstrapMeanBlock
        var poissonRNG = settings.poissonBlocks ? PathRandom(seed: settings.seed, path: UInt64(settings.antithetic ? path & ~1 : path), stream: 1) : PathRandom(seed: 0, path: 0)
        let reflect = settings.antithetic && path % 2 == 1
        let needLnHP = pr.hashB != 0
        let lastLnHPDay = d - 1 - pr.lag
        let ov = overlay
        for t in 0..<d {
            let z1 = zc[3 * t], z2 = zc[3 * t + 1], z3 = zc[3 * t + 2]
            var dS: Double
            if boot {
                if t > 0 {
                    if jump[t] < restart { bIdx = min(nRet - 1, Int(aux[t] * Double(nRet))) } else { bIdx = (bIdx + 1) % nRet }
                }
                dS = ret[bIdx]
            } else {
                dS = pr.priceDrift + pr.sigma * z1 + jump[t]
            }
            // Lagged ln hashprice for the step from day t (0 = as-of) to t+1: index of day t−L.
            let li = max(0, hc - 1 + t - pr.lag)
            var dH = pr.hashA + (needLnHP ? pr.hashB * lnHP[li] : 0) + pr.hashC * Double(pr.trendDay0 + t) + pr.hashSigma * z2
            var dX = pr.feeKappa * (pr.feeM - x) + pr.feeSigma * z3
            if let o = ov {
                if t < o.replayLnPrice.count { dS = o.replayLnPrice[t] }
                if t < o.replayLnHashRate.count { dH = o.replayLnHashRate[t] }
                if t < o.replayLnFee.count { dX = o.replayLnFee[t] }
                if t < o.lnPriceShock.count { dS += o.lnPriceShock[t] }
                if t < o.lnHashRateShock.count { dH += o.lnHashRateShock[t] }
                if t < o.lnFeeShock.count { dX += o.lnFeeShock[t] }
            }
            lnS += dS; lnH += dH; x += dX
            let S = Foundation.exp(lnS), H = Foundation.exp(lnH), F = Foundation.exp(x)
            var blocks: Double? = nil
            if settings.poissonBlocks {
                var u = poissonRNG.uniform()
                if reflect { u = 1 - u }
                blocks = PathGenerator.poisson(mean: 86400 * H / (clock.difficulty * 4294967296.0), u: u)
            }
            let rev = clock.advanceDay(dayStart: Double(t) * 86400, hashRate: H, fee: F, blocksOverride: blocks)
            let hpBTC = 1e15 / H * rev
            outS[t] = S; outB[t] = hpBTC
            let hpUSD = hpBTC * S
            outU[t] = hpUSD
            // ln hashprice of day t is read at step t + 1 + L only: skip the log when no later step reads it.
            if needLnHP && t < lastLnHPDay { lnHP[hc + t] = hpUSD > 0 ? Foundation.log(hpUSD) : lnHP[hc + t - 1] }
        }
    }

    /// Poisson quantile by inversion (mean ≤ 600), normal approximation beyond.
    static func poisson(mean: Double, u: Double) -> Double {
        guard mean > 0 else { return 0 }
        if mean > 600 {
            // Acklam-free approximation via the Wilson–Hilferty-like normal quantile of u.
            let z = inverseNormal(u)
            return max(0, (mean + z * mean.squareRoot() + 0.5).rounded(.down))
        }
        var n = 0.0, p = Foundation.exp(-mean), cdf = p
        while cdf < u && n < 10 * mean + 100 { n += 1; p *= mean / n; cdf += p }
        return n
    }

    /// Normal quantile (Acklam's rational approximation, |error| < 1.2e-9).
    static func inverseNormal(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let dd = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let pl = 0.02425
        if p < pl {
            let q = (-2 * Foundation.log(p)).squareRoot()
            return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((dd[0]*q+dd[1])*q+dd[2])*q+dd[3])*q+1)
        } else if p <= 1 - pl {
            let q = p - 0.5, r = q * q
            return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1)
        } else {
            let q = (-2 * Foundation.log(1 - p)).squareRoot()
            return -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((dd[0]*q+dd[1])*q+dd[2])*q+dd[3])*q+1)
        }
    }
}
