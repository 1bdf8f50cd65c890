import Bitcoin
import CKernels
import Domain
import Foundation
import LinearAlgebra
import Models

/// Generates blocks of paths: normals from each path's own stream, correlated by Lᵀ as they are drawn
/// (`hashsec_counter_normals_correlated`: the bits of a `dgemm` with Lᵀ on FMA machines) → daily state evolution (price,
/// hash rate, fees, blocks, retargets, halvings, stress overlay).
///
/// Random streams (`ShockStreams`): path `p` draws its shocks from counter-based streams `CounterStream(seed, p, ·)`
/// (Z₁,Z₂,Z₃ of day t are normals 3t…3t+2; the day's jump or bootstrap uniforms; jump sizes; the regime chain's
/// uniforms, stream 21: its start then one per day), generated a whole path at a time by the CKernels vector kernels, its
/// Poisson block counts from `PathRandom(seed, p, stream: 1)` and its parameter draw (parameter uncertainty) from
/// `PathRandom(seed, p, stream: 2)`. With antithetic variates path `2k+1` reuses the draws of path `2k` negated (normals)
/// or reflected (`1−u`) and shares its parameter draw, so every path's numbers depend only on (seed, path index).
///
/// Lanes: each path of a block has its own parameters (`PriceLane`, `NetworkLane`: the point estimates, or its draw),
/// stored as arrays the day kernel reads per path; a regime lane's day drift and volatility follow its chain's state.
public struct PathGenerator {
    public let process: ModelProcess
    public let initial: InitialState
    public let settings: SimulationSettings
    public let overlay: StressOverlay?
    public let days: Int
    let lnHistory: [Double]
    /// `--measure forward`: the log-price drift added on each simulated step (`ForwardAdjustment.shift`); nil otherwise.
    let driftShift: [Double]?
    /// `--sampling sobol`: the run's RQMC points (nil: pseudo-random). Hooks: `setLane`, `fillShocks` (SAMPLING HOOK).
    let sampler: RQMCSampler?

    public init(process: ModelProcess, initial: InitialState, settings: SimulationSettings, days: Int, overlay: StressOverlay? = nil) {
        self.process = process; self.initial = initial; self.settings = settings; self.days = days
        // An overlay that changes only the token's own cash flows (power price, own-fleet outage, payout suspension) leaves
        // the paths alone: the pricer applies it.
        self.overlay = (overlay?.changesPaths ?? false) ? overlay : nil
        var h = initial.lnHashpriceHistory.filter { $0.isFinite }
        if h.isEmpty {
            let sub = ChainClock.subsidyBTC(block: initial.height + 1, shift: 0)
            let hpBTC = 1e15 * 86400 / (initial.difficulty * Consensus.hashesPerDifficulty) * (sub + initial.feePerBlockBTC)
            h = [Foundation.log(hpBTC * initial.priceUSD)]
        }
        lnHistory = h
        driftShift = settings.forward.map { f in (0..<days).map { f.shift(step: $0) } }
        sampler = settings.sampling.method == .sobol
            ? RQMCSampler(sampling: settings.sampling, seed: settings.seed, drawDimension: process.drawDimension, days: days,
                          antithetic: settings.antithetic,
                          jumps: process.price.step != .bootstrap && process.price.base.lambda > 0 && settings.sampling.jumps) : nil
    }

    /// Per-worker buffers, reused across blocks (no allocation per path).
    public final class Scratch {
        public let block: Int, days: Int
        /// Days per shock chunk: `zc`, `jump` and `aux` hold days `t0 ..< t0 + chunkDays` of the block (row `t − t0`).
        let chunkDays: Int
        static let defaultChunkDays = 64
        // Day-major (`[day][path]`), so one day of the whole block is contiguous for the lockstep evolution.
        /// The correlated shocks, `[day][component][path]` (`3·block` per day); an antithetic partner's are stored negated.
        let zc: UnsafeMutablePointer<Double>
        let draws: UnsafeMutablePointer<Double>    // 2·days: one path's uniforms
        let jump: UnsafeMutablePointer<Double>     // [day][block]: jump log sum or bootstrap uniform pair
        let aux: UnsafeMutablePointer<Double>      // [day][block]: second uniform (bootstrap restart index)
        let history: UnsafeMutablePointer<Double>  // ln hashprice history (shared by all paths)
        let histCount: Int
        let simLnHP: UnsafeMutablePointer<Double>  // [day][block]: each path's simulated ln hashprice
        // Lockstep state of the block's paths, and the day's exp/log arguments.
        let lnS: UnsafeMutablePointer<Double>, lnH: UnsafeMutablePointer<Double>, lnF: UnsafeMutablePointer<Double>
        let expArg: UnsafeMutablePointer<Double>   // 3·block: ln S | ln H | x, then their exponentials
        let logArg: UnsafeMutablePointer<Double>   // block: the day's ln hashprice USD
        let clocks: UnsafeMutablePointer<ChainClock>
        let perHash: UnsafeMutablePointer<Double>, subsidy: UnsafeMutablePointer<Double>
        let height: UnsafeMutablePointer<Double>, boundary: UnsafeMutablePointer<Double>   // clock fast-path state (SoA)
        let hpB: UnsafeMutablePointer<Double>, hpU: UnsafeMutablePointer<Double>, slow: UnsafeMutablePointer<UInt8>
        let bootIndex: UnsafeMutablePointer<Int>
        // Per-path parameters (lanes), `block` each: price state 1/2, jumps, regime chain, network; the day's drift and σ.
        let laneBuf: UnsafeMutablePointer<Double>
        let drift1: UnsafeMutablePointer<Double>, sigma1: UnsafeMutablePointer<Double>
        let drift2: UnsafeMutablePointer<Double>, sigma2: UnsafeMutablePointer<Double>
        let p11: UnsafeMutablePointer<Double>, p22: UnsafeMutablePointer<Double>
        let lambda: UnsafeMutablePointer<Double>, p0: UnsafeMutablePointer<Double>
        let muJ: UnsafeMutablePointer<Double>, sigmaJ: UnsafeMutablePointer<Double>
        let hashA: UnsafeMutablePointer<Double>, hashB: UnsafeMutablePointer<Double>, hashC: UnsafeMutablePointer<Double>
        let hashSigma: UnsafeMutablePointer<Double>, kappa: UnsafeMutablePointer<Double>, feeM: UnsafeMutablePointer<Double>
        let feeSigma: UnsafeMutablePointer<Double>
        let dayDrift: UnsafeMutablePointer<Double>, daySigma: UnsafeMutablePointer<Double>
        let regimeState: UnsafeMutablePointer<UInt8>
        let drawZ: UnsafeMutablePointer<Double>
        /// `--sampling sobol`: one unit's raw and correlated shock rows and the bridge's scratch (8·days); nil otherwise.
        let samplingRow: UnsafeMutablePointer<Double>?
        static let laneArrays = 19
        let poissonRNG: UnsafeMutablePointer<PathRandom>
        /// Outputs of the last generated block, path-major (`[path·days + day]`).
        public let price: UnsafeMutablePointer<Double>
        public let hashpriceBTC: UnsafeMutablePointer<Double>
        public let hashpriceUSD: UnsafeMutablePointer<Double>
        /// Per path of the last block: the simulated day (0-based) of its first halving, −1 when none within the horizon.
        public let halvingDay: UnsafeMutablePointer<Int32>

        /// With `record` (SyntheticHistory), path-major per day: hash rate H, fee per block F, difficulty in force at the
        /// day's start, and the chain height after the day; nil otherwise.
        public let recorded: (hashRate: UnsafeMutablePointer<Double>, fee: UnsafeMutablePointer<Double>,
                              difficulty: UnsafeMutablePointer<Double>, height: UnsafeMutablePointer<Double>)?

        init(block: Int, days: Int, history h: [Double], antithetic: Bool, record: Bool = false, sampling: Bool = false) {
            self.block = block; self.days = days
            samplingRow = sampling ? .allocate(capacity: 8 * max(days, 1)) : nil
            recorded = record ? (.allocate(capacity: block * days), .allocate(capacity: block * days),
                                 .allocate(capacity: block * days), .allocate(capacity: block * days)) : nil
            let n = block * days
            // Under RQMC sampling a path's Brownian bridges span the whole horizon: one chunk.
            chunkDays = sampling ? max(days, 1) : min(max(days, 1), Scratch.defaultChunkDays)
            let c = block * chunkDays
            zc = .allocate(capacity: 3 * c)
            zc.initialize(repeating: 0, count: 3 * c)
            jump = .allocate(capacity: c); aux = .allocate(capacity: c); draws = .allocate(capacity: 2 * max(days, 1))
            histCount = h.count
            history = .allocate(capacity: max(h.count, 1))
            for i in 0..<h.count { history[i] = h[i] }
            simLnHP = .allocate(capacity: n)
            lnS = .allocate(capacity: block); lnH = .allocate(capacity: block); lnF = .allocate(capacity: block)
            expArg = .allocate(capacity: 3 * block); logArg = .allocate(capacity: block)
            clocks = .allocate(capacity: block)
            clocks.initialize(repeating: ChainClock(height: 0, difficulty: 1, epochElapsedDays: 0), count: block)
            perHash = .allocate(capacity: block); subsidy = .allocate(capacity: block)
            height = .allocate(capacity: block); boundary = .allocate(capacity: block)
            hpB = .allocate(capacity: block); hpU = .allocate(capacity: block); slow = .allocate(capacity: block)
            bootIndex = .allocate(capacity: block)
            laneBuf = .allocate(capacity: Scratch.laneArrays * block)
            laneBuf.initialize(repeating: 0, count: Scratch.laneArrays * block)
            let lb = laneBuf
            drift1 = lb; sigma1 = lb + block; drift2 = lb + 2 * block; sigma2 = lb + 3 * block
            p11 = lb + 4 * block; p22 = lb + 5 * block; lambda = lb + 6 * block; p0 = lb + 7 * block
            muJ = lb + 8 * block; sigmaJ = lb + 9 * block; hashA = lb + 10 * block; hashB = lb + 11 * block; hashC = lb + 12 * block
            hashSigma = lb + 13 * block; kappa = lb + 14 * block; feeM = lb + 15 * block; feeSigma = lb + 16 * block
            dayDrift = lb + 17 * block; daySigma = lb + 18 * block
            regimeState = .allocate(capacity: block)
            regimeState.initialize(repeating: 0, count: block)
            drawZ = .allocate(capacity: 64)
            poissonRNG = .allocate(capacity: block)
            poissonRNG.initialize(repeating: PathRandom(seed: 0, path: 0), count: block)
            price = .allocate(capacity: n); hashpriceBTC = .allocate(capacity: n); hashpriceUSD = .allocate(capacity: n)
            halvingDay = .allocate(capacity: block)
        }
        deinit {
            samplingRow?.deallocate()
            zc.deallocate(); jump.deallocate(); aux.deallocate()
            history.deallocate(); simLnHP.deallocate(); lnS.deallocate(); lnH.deallocate(); lnF.deallocate()
            expArg.deallocate(); logArg.deallocate(); clocks.deallocate(); bootIndex.deallocate(); poissonRNG.deallocate()
            laneBuf.deallocate(); regimeState.deallocate(); drawZ.deallocate()
            if let r = recorded { r.hashRate.deallocate(); r.fee.deallocate(); r.difficulty.deallocate(); r.height.deallocate() }
            perHash.deallocate(); subsidy.deallocate(); height.deallocate(); boundary.deallocate()
            hpB.deallocate(); hpU.deallocate(); slow.deallocate()
            price.deallocate(); hashpriceBTC.deallocate(); hashpriceUSD.deallocate(); halvingDay.deallocate()
        }
    }

    public func makeScratch(record: Bool = false) -> Scratch {
        Scratch(block: settings.blockSize, days: days, history: lnHistory, antithetic: settings.antithetic, record: record,
                sampling: sampler != nil)
    }

    /// Generates paths `first ..< first+count` (count ≤ block size) into `s.price/hashpriceBTC/hashpriceUSD`.
    public func generate(first: Int, count: Int, into s: Scratch) {
        precondition(count <= s.block && (!settings.antithetic || first % 2 == 0), "a block holds whole antithetic pairs")
        setLanes(first: first, count: count, s)
        if days == 0 { startPaths(first: first, count: count, s) }
        // Day chunks: the chunk's shocks, then its days (the shock buffers stay in L1/L2 instead of a block's whole horizon).
        var applied = 0.0
        process.choleskyT.withUnsafeBufferPointer { lt in
            var t0 = 0
            while t0 < days {
                let span = t0..<min(days, t0 + s.chunkDays)
                fillShocks(first: first, count: count, days: span, lt: lt.baseAddress!, s)
                if t0 == 0 { startPaths(first: first, count: count, s) }   // the bootstrap's start index reads day 0's uniform
                evolve(first: first, count: count, days: span, applied: &applied, s)
                t0 = span.upperBound
            }
        }
    }

    /// Path p's lane: its parameter draw from `PathRandom(seed, path, stream: 2)` (an antithetic pair draws once, from its
    /// even path), or the point estimates.
    func setLane(_ p: Int, path: Int, _ s: Scratch) {
        let dim = process.drawDimension
        let (pl, nl): (PriceLane, NetworkLane)
        if dim > 0 {
            precondition(dim <= 64)
            var rng = PathRandom(seed: settings.seed, path: UInt64(settings.antithetic ? path & ~1 : path), stream: 2)
            for i in 0..<dim { s.drawZ[i] = Ziggurat.normal(&rng) }
            sampler?.drawNormals(path: path, into: s.drawZ)   // SAMPLING HOOK (qmc): RQMC parameter draw
            (pl, nl) = process.lanes(UnsafePointer(s.drawZ))
        } else {
            (pl, nl) = process.lanes(nil)
        }
        s.drift1[p] = pl.drift; s.sigma1[p] = pl.sigma; s.drift2[p] = pl.drift2; s.sigma2[p] = pl.sigma2
        s.p11[p] = pl.p11; s.p22[p] = pl.p22
        s.lambda[p] = pl.lambda; s.p0[p] = pl.lambda > 0 ? Foundation.exp(-pl.lambda) : 1; s.muJ[p] = pl.muJ; s.sigmaJ[p] = pl.sigmaJ
        s.hashA[p] = nl.hashA; s.hashB[p] = nl.hashB; s.hashC[p] = nl.hashC; s.hashSigma[p] = nl.hashSigma
        s.kappa[p] = nl.feeKappa; s.feeM[p] = nl.feeM; s.feeSigma[p] = nl.feeSigma
        s.dayDrift[p] = pl.drift; s.daySigma[p] = pl.sigma
    }

    /// The block's parameter lanes (`setLane`; an antithetic pair's partner shares its even path's draw).
    func setLanes(first: Int, count: Int, _ s: Scratch) {
        var p = 0
        while p < count {
            let path = first + p
            let pair = settings.antithetic && path % 2 == 0 && p + 1 < count
            setLane(p, path: path, s)
            if pair { setLane(p + 1, path: path + 1, s) }
            p += pair ? 2 : 1
        }
    }

    /// The shocks of days `span` (a chunk of `Scratch.chunkDays`) into the chunk buffers, row `t − span.lowerBound`. Every
    /// draw is a function of its own index in its path's stream (counter mode), so the chunking does not change a bit.
    func fillShocks(first: Int, count: Int, days span: Range<Int>, lt: UnsafePointer<Double>, _ s: Scratch) {
        let t0 = span.lowerBound, m = span.count, xs = Ziggurat.xs, rs = Ziggurat.rs
        let law = process.price
        let boot = law.step == .bootstrap, regime = law.step == .regime
        let jumps = !boot && law.base.lambda > 0
        let bs = s.block, tmp = s.draws, zs = 3 * s.block   // day strides of jump/aux and of z
        var p = 0
        while p < count {
            let path = first + p
            let pair = settings.antithetic && path % 2 == 0 && p + 1 < count
            let st = ShockStreams(seed: settings.seed, path: UInt64(path))
            // The path's 3·m normals in one vectorised call: Z₁, Z₂, Z₃ of day t are draws 3t, 3t+1, 3t+2, stored
            // correlated (the row z·Lᵀ) at [t][k][p]; an antithetic partner's slot p + 1 gets them negated (L·(−z) = −(L·z)).
            if let q = sampler {
                // SAMPLING HOOK (qmc): RQMC Brownian bridges of the iid normals, then the same correlation (Sampling/).
                q.shocks(normals: st.normals, fallback: st.fallback, path: path, lt: lt, out: s.zc + p, rowStride: zs,
                         componentStride: bs, mirror: pair, scratch: s.samplingRow!)
            } else {
                hashsec_counter_normals_correlated(st.normals.key, st.normals.gamma, st.fallback.key, st.fallback.gamma, UInt64(3 * t0),
                                                   3 * m, s.zc + p, zs, xs, rs, Ziggurat.fs, lt, bs, pair ? 1 : 0)
            }
            let j = s.jump + p, x = s.aux + p
            if boot {
                // Two uniforms per day: block restart test and restart index.
                hashsec_counter_uniforms(st.uniforms.key, st.uniforms.gamma, UInt64(2 * t0), 2 * m, tmp)
                for t in 0..<m { j[t * bs] = tmp[2 * t]; x[t * bs] = tmp[2 * t + 1] }
                if pair { for t in 0..<m { j[t * bs + 1] = 1 - j[t * bs]; x[t * bs + 1] = 1 - x[t * bs] } }
            } else if jumps {
                fillJumps(p, path: path, pair: pair, days: span, st, s)
            } else {
                for t in 0..<m { j[t * bs] = 0 }
                if pair { for t in 0..<m { j[t * bs + 1] = 0 } }
            }
            if regime {
                // The chain's uniforms: the start state (uniform 0), then day t's transition (uniform t + 1) in aux (the
                // partner reflects them).
                if t0 == 0 {
                    hashsec_counter_uniforms(st.regime.key, st.regime.gamma, 0, 1, tmp)
                    s.regimeState[p] = RegimeModel.startState(u: tmp[0], calmStart: law.base.calmStart)
                    if pair { s.regimeState[p + 1] = RegimeModel.startState(u: 1 - tmp[0], calmStart: law.base.calmStart) }
                }
                hashsec_counter_uniforms(st.regime.key, st.regime.gamma, UInt64(t0 + 1), m, tmp)
                for t in 0..<m { x[t * bs] = tmp[t] }
                if pair { for t in 0..<m { x[t * bs + 1] = 1 - tmp[t] } }
            }
            p += pair ? 2 : 1
        }
    }

    /// Merton jumps of path slot p (and its antithetic partner p + 1) on days `span`: the day's jump count by inversion of
    /// uniform t (MertonModel.jumpCount); a jump's size uses normal t of the jump stream. The partner's jump (count from
    /// 1 − u, the same normal negated) goes straight to its own slot.
    func fillJumps(_ p: Int, path: Int, pair: Bool, days span: Range<Int>, _ st: ShockStreams, _ s: Scratch) {
        let t0 = span.lowerBound, m = span.count, bs = s.block, j = s.jump + p, tmp = s.draws
        let lam = s.lambda[p], p0 = s.p0[p], muJ = s.muJ[p], sJ = s.sigmaJ[p]
        hashsec_counter_uniforms(st.uniforms.key, st.uniforms.gamma, UInt64(t0), m, tmp)
        for t in 0..<m {
            let u = tmp[t]
            let n1 = MertonModel.jumpCount(u, lambda: lam, p0: p0)
            let n2 = pair ? MertonModel.jumpCount(1 - u, lambda: lam, p0: p0) : 0
            if n1 > 0 || n2 > 0 {
                var z4 = 0.0
                hashsec_counter_normals(st.jumpNormals.key, st.jumpNormals.gamma, st.jumpFallback.key, st.jumpFallback.gamma,
                                        UInt64(t0 + t), 1, &z4, 3, Ziggurat.xs, Ziggurat.rs, Ziggurat.fs)
                j[t * bs] = n1 * muJ + n1.squareRoot() * sJ * z4
                if pair { j[t * bs + 1] = n2 * muJ - n2.squareRoot() * sJ * z4 }
            } else {
                j[t * bs] = 0
                if pair { j[t * bs + 1] = 0 }
            }
        }
        // SAMPLING HOOK (qmc): RQMC jumps from the horizon's totals (Sampling/Sampling.swift; the sampler's chunk is the
        // whole horizon).
        sampler?.jumps(path: path, pair: pair, lambda: lam, muJ: muJ, sigmaJ: sJ, into: j, stride: bs)
    }

    /// Advances the block's paths together, one day at a time: the day's update and its three exponentials (S, H, F) for
    /// the whole block are one vectorised call (`hashsec_evolve_day`; the bootstrap and stress overlays take the generic
    /// loop below, which gives the same bits), the chain clocks' no-boundary days another (`hashsec_clock_day`), and the
    /// ln hashprices one vector `log`. Every path's numbers still depend only on its own shocks.
    ///
    /// Chain clock fast path: on a day that reaches no boundary (no retarget, epoch start or halving) the blocks found
    /// are `H·86400/(D·2³²)` and the hashprice is `10¹⁵·86400/(D·2³²)·(subsidy + F)` BTC/PH/day (H cancels), so the day
    /// costs two multiplications; days with a boundary (≈ 1 in 14) go through `ChainClock.advanceDay`.
    func evolve(first: Int, count n: Int, days span: Range<Int>, applied: inout Double, _ s: Scratch) {
        let d = days, pr = process, bs = s.block, zs = 3 * s.block, t0 = span.lowerBound
        let hist = s.history, hc = s.histCount, sim = s.simLnHP
        let eS = s.expArg, eH = s.expArg + bs, eF = s.expArg + 2 * bs
        let poisson = settings.poissonBlocks, regime = pr.price.step == .regime
        let needLnHP = pr.network.hashB != 0
        let lastLnHPDay = d - 1 - pr.lag
        var lanes = hashsec_day_lanes(drift: s.dayDrift, sigma: s.daySigma, hashA: s.hashA, hashB: s.hashB, hashC: s.hashC,
                                      hashSigma: s.hashSigma, kappa: s.kappa, feeM: s.feeM, feeSigma: s.feeSigma)
        let fastDay = pr.price.step != .bootstrap && overlay == nil
        // Forward measure: the day's drift shift, applied to each lane's drift when it changes (lanes were set unshifted).
        let shifts = driftShift
        for t in span {
            let row = t &- t0   // the day's row in the chunk's shock buffers
            let shift = shifts?[t] ?? 0
            if shifts != nil, !regime, shift != applied {
                for p in 0..<n { s.dayDrift[p] = s.drift1[p] + shift }
                applied = shift
            }
            // Lagged ln hashprice for the step from day t (0 = as-of) to t+1: index of day t−L (history below hc).
            let li = max(0, hc - 1 + t - pr.lag)
            let fromHistory = li < hc
            let histTerm = needLnHP && fromHistory ? hist[li] : 0
            let simRow = sim + (fromHistory ? 0 : (li &- hc) &* bs)
            let lagged: UnsafePointer<Double>? = needLnHP && !fromHistory ? UnsafePointer(simRow) : nil
            if regime { stepRegime(row, count: n, shift: shifts != nil ? shift : nil, s) }
            if fastDay {
                // Diffusion/regime without overlay: the day's update and its three exponentials in one vectorised C loop.
                hashsec_evolve_day(n, s.zc + row &* zs, bs, s.jump + row &* bs, lagged, histTerm, needLnHP ? 1 : 0,
                                   Double(pr.trendDay0 + t), &lanes, s.lnS, s.lnH, s.lnF, eS, eH, eF)
            } else {
                genericDay(t, row: row, count: n, shift: shifts != nil ? shift : nil, needLnHP: needLnHP, lagged: lagged, histTerm: histTerm, s)
            }
            if let r = s.recorded { for p in 0..<n { r.difficulty[p &* d &+ t] = s.clocks[p].difficulty } }
            // Chain clocks: the vectorised fast path for days without a boundary, then each flagged path on its own.
            let slowCount = poisson ? n : hashsec_clock_day(n, eS, eH, eF, s.perHash, s.subsidy, s.height, s.boundary, s.hpB, s.hpU, s.slow)
            if slowCount > 0 { boundaryDay(t, first: first, count: n, s) }
            if let r = s.recorded {
                for p in 0..<n { let o = p &* d &+ t; r.hashRate[o] = eH[p]; r.fee[o] = eF[p]; r.height[o] = s.height[p] }
            }
            // The day's outputs (path-major) and, when a later step reads it (step t + 1 + L), the day's ln hashprice:
            // ln hpU, or the previous day's where hpU is not positive (`hashsec_day_outputs`).
            let wantLn = needLnHP && t < lastLnHPDay
            hashsec_day_outputs(n, t, d, eS, s.hpB, s.hpU, s.price, s.hashpriceBTC, s.hashpriceUSD, s.logArg, wantLn ? sim + t &* bs : nil,
                                t == 0 ? nil : UnsafePointer(sim + (t &- 1) &* bs), hist[hc - 1])
        }
    }

    /// The block's paths at the as-of state: ln S, ln H, ln F, the chain clock (with the overlay's halving shift), no halving
    /// yet, the bootstrap's start index and the Poisson block-count streams.
    func startPaths(first: Int, count n: Int, _ s: Scratch) {
        let s0 = Foundation.log(initial.priceUSD), h0 = Foundation.log(initial.hashRateHs), f0 = Foundation.log(initial.feePerBlockBTC)
        let clock0 = ChainClock(height: initial.height, difficulty: initial.difficulty, epochElapsedDays: initial.epochElapsedDays,
                                halvingShift: overlay?.halvingShiftBlocks ?? 0)
        let boot = process.price.step == .bootstrap, nRet = process.price.bootstrapReturns.count
        for p in 0..<n {
            let path = first + p
            s.lnS[p] = s0; s.lnH[p] = h0; s.lnF[p] = f0
            s.clocks[p] = clock0
            PathGenerator.syncClock(p, s)
            s.halvingDay[p] = -1
            if boot { s.bootIndex[p] = BootstrapModel.startIndex(s.aux[p], count: nRet) }
            if settings.poissonBlocks {
                s.poissonRNG[p] = PathRandom(seed: settings.seed, path: UInt64(settings.antithetic ? path & ~1 : path), stream: 1)
            }
        }
    }

    /// Path p's chain-clock fast-path state (`perHash`, `subsidy`, `height`, `boundary`) from its `ChainClock`.
    @inline(__always) static func syncClock(_ p: Int, _ s: Scratch) {
        let c = s.clocks[p]
        s.perHash[p] = c.blocksPerDayPerHash; s.subsidy[p] = c.currentSubsidy; s.height[p] = c.height; s.boundary[p] = c.nextBoundary
    }

    /// The regime chain's step on day t (RegimeModel.nextState from the day's uniform in `aux`), then the state's drift
    /// (plus the forward measure's `shift`) and volatility for today.
    func stepRegime(_ row: Int, count n: Int, shift: Double?, _ s: Scratch) {
        let aRow = s.aux + row &* s.block
        for p in 0..<n {
            let st = RegimeModel.nextState(s.regimeState[p], u: aRow[p], p11: s.p11[p], p22: s.p22[p])
            s.regimeState[p] = st
            s.dayDrift[p] = st == 0 ? s.drift1[p] : s.drift2[p]; s.daySigma[p] = st == 0 ? s.sigma1[p] : s.sigma2[p]
            if let sh = shift { s.dayDrift[p] += sh }
        }
    }

    /// Day t of the bootstrap model or under a stress overlay (replayed series and shocks): the same update as
    /// `hashsec_evolve_day` in Swift (same bits), then the three exponentials. `lagged`: the lagged ln hashprices per path
    /// (nil: `histTerm` for every path).
    func genericDay(_ t: Int, row: Int, count n: Int, shift: Double?, needLnHP: Bool, lagged: UnsafePointer<Double>?, histTerm: Double,
                    _ s: Scratch) {
        let bs = s.block, zRow = s.zc + row &* 3 &* bs, jRow = s.jump + row &* bs, aRow = s.aux + row &* bs
        let boot = process.price.step == .bootstrap, ret = process.price.bootstrapReturns, nRet = ret.count
        let trendDay = Double(process.trendDay0 + t)
        let eS = s.expArg, eH = s.expArg + bs, eF = s.expArg + 2 * bs
        // The day's overlay terms are common to every path.
        let o = overlay
        let repS = o.flatMap { t < $0.replayLnPrice.count ? $0.replayLnPrice[t] : nil }
        let repH = o.flatMap { t < $0.replayLnHashRate.count ? $0.replayLnHashRate[t] : nil }
        let repX = o.flatMap { t < $0.replayLnFee.count ? $0.replayLnFee[t] : nil }
        let shS = o.map { t < $0.lnPriceShock.count ? $0.lnPriceShock[t] : 0 } ?? 0
        let shH = o.map { t < $0.lnHashRateShock.count ? $0.lnHashRateShock[t] : 0 } ?? 0
        let shX = o.map { t < $0.lnFeeShock.count ? $0.lnFeeShock[t] : 0 } ?? 0
        for p in 0..<n {
            let z1 = zRow[p], z2 = zRow[bs &+ p], z3 = zRow[2 &* bs &+ p]
            var dS: Double
            if boot {
                if t > 0 { s.bootIndex[p] = BootstrapModel.nextIndex(s.bootIndex[p], restartU: jRow[p], indexU: aRow[p], count: nRet) }
                dS = ret[s.bootIndex[p]] + s.drift1[p]
                if let sh = shift { dS += sh }
            } else {
                dS = s.dayDrift[p] + s.daySigma[p] * z1 + jRow[p]
            }
            let lag = needLnHP ? (lagged?[p] ?? histTerm) : 0
            var dH = s.hashA[p] + (needLnHP ? s.hashB[p] * lag : 0) + s.hashC[p] * trendDay + s.hashSigma[p] * z2
            var dX = s.kappa[p] * (s.feeM[p] - s.lnF[p]) + s.feeSigma[p] * z3
            if o != nil {
                if let r = repS { dS = r }
                if let r = repH { dH = r }
                if let r = repX { dX = r }
                dS += shS; dH += shH; dX += shX
            }
            let a = s.lnS[p] + dS, b = s.lnH[p] + dH, c = s.lnF[p] + dX
            s.lnS[p] = a; s.lnH[p] = b; s.lnF[p] = c
            eS[p] = a; eH[p] = b; eF[p] = c
        }
        VectorMath.exp(eS, eS, count: n); VectorMath.exp(eH, eH, count: n); VectorMath.exp(eF, eF, count: n)
    }

    /// Day t's paths whose day reaches a boundary (flagged by `hashsec_clock_day`; every path with Poisson block counts):
    /// `ChainClock.advanceDay` splits the day exactly at each retarget, epoch start or halving; the first halving crossed
    /// is noted, and the day's hashprices are `10¹⁵·revenue/H` BTC and that times S in USD.
    func boundaryDay(_ t: Int, first: Int, count n: Int, _ s: Scratch) {
        let poisson = settings.poissonBlocks
        let eS = s.expArg, eH = s.expArg + s.block, eF = s.expArg + 2 * s.block
        for p in 0..<n where poisson || s.slow[p] != 0 {
            let S = eS[p], H = eH[p], F = eF[p]
            var blocks: Double? = nil
            if poisson {
                var u = s.poissonRNG[p].uniform()
                if settings.antithetic && (first + p) % 2 == 1 { u = 1 - u }
                blocks = PathGenerator.poisson(mean: H * s.perHash[p], u: u)
            }
            s.clocks[p].height = s.height[p]
            let before = s.subsidy[p]
            let rev = s.clocks[p].advanceDay(dayStart: Double(t) * 86400, hashRate: H, fee: F, blocksOverride: blocks)
            PathGenerator.syncClock(p, s)
            // Halvings are crossed only here (a day with a boundary): note the first one.
            if s.subsidy[p] < before && s.halvingDay[p] < 0 { s.halvingDay[p] = Int32(t) }
            let hp = 1e15 / H * rev
            s.hpB[p] = hp; s.hpU[p] = hp * S
        }
    }

    /// How the random numbers are made (recorded in every manifest).
    public static let rngDescription = "shocks: \(CounterStream.algorithm), streams 16-21 per path; normals by 128-layer "
        + "ziggurat (accept test vectorised; a rejected draw n continues from mix64(fallback key + (n+1)·γ)); "
        + "Poisson block counts: \(PathRandom.algorithm), stream 1; parameter draws: stream 2 of the pair's even path; "
        + "antithetic pairs (2k, 2k+1)"

    /// `rngDescription`, and under `--sampling sobol` how its leading dimensions are made (`Sampling.statement`).
    public static func rngDescription(sampling: Sampling, drawDimension: Int, days: Int) -> String {
        sampling.method == .pseudo ? rngDescription : rngDescription + "; " + sampling.statement(drawDimension: drawDimension, days: days)
    }

    /// The counter streams of one path's shocks.
    struct ShockStreams {
        static let normalsStream: UInt64 = 16, fallbackStream: UInt64 = 17, uniformsStream: UInt64 = 18
        static let jumpNormalsStream: UInt64 = 19, jumpFallbackStream: UInt64 = 20
        static let regimeStream: UInt64 = 21
        let normals: CounterStream, fallback: CounterStream, uniforms: CounterStream
        let jumpNormals: CounterStream, jumpFallback: CounterStream, regime: CounterStream
        init(seed: UInt64, path: UInt64) {
            normals = CounterStream(seed: seed, path: path, stream: ShockStreams.normalsStream)
            fallback = CounterStream(seed: seed, path: path, stream: ShockStreams.fallbackStream)
            uniforms = CounterStream(seed: seed, path: path, stream: ShockStreams.uniformsStream)
            jumpNormals = CounterStream(seed: seed, path: path, stream: ShockStreams.jumpNormalsStream)
            jumpFallback = CounterStream(seed: seed, path: path, stream: ShockStreams.jumpFallbackStream)
            regime = CounterStream(seed: seed, path: path, stream: ShockStreams.regimeStream)
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
