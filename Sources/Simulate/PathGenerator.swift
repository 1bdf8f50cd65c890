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
    }

    /// Per-worker buffers, reused across blocks (no allocation per path).
    public final class Scratch {
        public let block: Int, days: Int
        // Day-major (`[day][path]`), so one day of the whole block is contiguous for the lockstep evolution.
        /// Rows of normals per day: with antithetic variates pair u (paths 2u, 2u+1) shares row u (the odd path negates it).
        let rows: Int
        let zc: UnsafeMutablePointer<Double>       // [day][row][3] correlated normals
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

        init(block: Int, days: Int, history h: [Double], antithetic: Bool, record: Bool = false) {
            self.block = block; self.days = days
            recorded = record ? (.allocate(capacity: block * days), .allocate(capacity: block * days),
                                 .allocate(capacity: block * days), .allocate(capacity: block * days)) : nil
            rows = antithetic ? (block + 1) / 2 : block
            let n = block * days
            zc = .allocate(capacity: 3 * rows * days)
            zc.initialize(repeating: 0, count: 3 * rows * days)
            jump = .allocate(capacity: n); aux = .allocate(capacity: n); draws = .allocate(capacity: 2 * max(days, 1))
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
        Scratch(block: settings.blockSize, days: days, history: lnHistory, antithetic: settings.antithetic, record: record)
    }

    /// Generates paths `first ..< first+count` (count ≤ block size) into `s.price/hashpriceBTC/hashpriceUSD`.
    public func generate(first: Int, count: Int, into s: Scratch) {
        precondition(count <= s.block && (!settings.antithetic || first % 2 == 0), "a block holds whole antithetic pairs")
        process.choleskyT.withUnsafeBufferPointer { lt in fillShocks(first: first, count: count, lt: lt.baseAddress!, s) }
        evolve(first: first, count: count, s)
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

    func fillShocks(first: Int, count: Int, lt: UnsafePointer<Double>, _ s: Scratch) {
        let d = days, xs = Ziggurat.xs, rs = Ziggurat.rs
        let law = process.price
        let boot = law.step == .bootstrap, regime = law.step == .regime
        let jumps = !boot && law.base.lambda > 0
        let bs = s.block, tmp = s.draws, zs = 3 * s.rows   // day strides of jump/aux and of z
        var p = 0
        while p < count {
            let path = first + p
            let pair = settings.antithetic && path % 2 == 0 && p + 1 < count
            setLane(p, path: path, s)
            if pair { setLane(p + 1, path: path + 1, s) }
            let st = ShockStreams(seed: settings.seed, path: UInt64(path))
            // The path's 3·days normals in one vectorised call: Z₁, Z₂, Z₃ of day t are draws 3t, 3t+1, 3t+2, stored
            // correlated (the row z·Lᵀ). An antithetic partner reads the same row negated (L·(−z) = −(L·z)).
            hashsec_counter_normals_correlated(st.normals.key, st.normals.gamma, st.fallback.key, st.fallback.gamma, 0, 3 * d,
                                               s.zc + 3 * (settings.antithetic ? p / 2 : p), zs, xs, rs, Ziggurat.fs, lt)
            let j = s.jump + p, x = s.aux + p
            if boot {
                // Two uniforms per day: block restart test and restart index.
                hashsec_counter_uniforms(st.uniforms.key, st.uniforms.gamma, 0, 2 * d, tmp)
                for t in 0..<d { j[t * bs] = tmp[2 * t]; x[t * bs] = tmp[2 * t + 1] }
                if pair { for t in 0..<d { j[t * bs + 1] = 1 - j[t * bs]; x[t * bs + 1] = 1 - x[t * bs] } }
            } else if jumps {
                // The day's jump count by inversion of uniform t (MertonModel.jumpCount); a jump's size uses normal t of the
                // jump stream. The partner's jump (count from 1 − u, the same normal negated) goes straight to its own slot.
                let lam = s.lambda[p], p0 = s.p0[p], muJ = s.muJ[p], sJ = s.sigmaJ[p]
                hashsec_counter_uniforms(st.uniforms.key, st.uniforms.gamma, 0, d, tmp)
                for t in 0..<d {
                    let u = tmp[t]
                    let n1 = MertonModel.jumpCount(u, lambda: lam, p0: p0)
                    let n2 = pair ? MertonModel.jumpCount(1 - u, lambda: lam, p0: p0) : 0
                    if n1 > 0 || n2 > 0 {
                        var z4 = 0.0
                        hashsec_counter_normals(st.jumpNormals.key, st.jumpNormals.gamma, st.jumpFallback.key, st.jumpFallback.gamma,
                                                UInt64(t), 1, &z4, 3, xs, rs, Ziggurat.fs)
                        j[t * bs] = n1 * muJ + n1.squareRoot() * sJ * z4
                        if pair { j[t * bs + 1] = n2 * muJ - n2.squareRoot() * sJ * z4 }
                    } else {
                        j[t * bs] = 0
                        if pair { j[t * bs + 1] = 0 }
                    }
                }
            } else {
                for t in 0..<d { j[t * bs] = 0 }
                if pair { for t in 0..<d { j[t * bs + 1] = 0 } }
            }
            if regime {
                // The chain's uniforms: the start state, then day t's transition in aux[t] (the partner reflects them).
                hashsec_counter_uniforms(st.regime.key, st.regime.gamma, 0, d + 1, tmp)
                s.regimeState[p] = RegimeModel.startState(u: tmp[0], calmStart: law.base.calmStart)
                for t in 0..<d { x[t * bs] = tmp[t + 1] }
                if pair {
                    s.regimeState[p + 1] = RegimeModel.startState(u: 1 - tmp[0], calmStart: law.base.calmStart)
                    for t in 0..<d { x[t * bs + 1] = 1 - tmp[t + 1] }
                }
            }
            p += pair ? 2 : 1
        }
    }

    /// Advances the block's paths together, one day at a time: the day's update and its three exponentials (S, H, F) for
    /// the whole block are one vectorised call (`hashsec_evolve_day`; the bootstrap and stress overlays take the generic
    /// loop below, which gives the same bits), the chain clocks' no-boundary days another (`hashsec_clock_day`), and the
    /// ln hashprices one vector `log`. Every path's numbers still depend only on its own shocks.
    ///
    /// Chain clock fast path: on a day that reaches no boundary (no retarget, epoch start or halving) the blocks found
    /// are `H·86400/(D·2³²)` and the hashprice is `10¹⁵·86400/(D·2³²)·(subsidy + F)` BTC/PH/day (H cancels), so the day
    /// costs two multiplications; days with a boundary (≈ 1 in 14) go through `ChainClock.advanceDay`.
    func evolve(first: Int, count n: Int, _ s: Scratch) {
        let d = days, pr = process, bs = s.block, zs = 3 * s.rows
        let pairs = settings.antithetic
        let hist = s.history, hc = s.histCount, sim = s.simLnHP
        let lnS = s.lnS, lnH = s.lnH, lnF = s.lnF, e = s.expArg, lg = s.logArg
        let eS = e, eH = e + bs, eF = e + 2 * bs
        let clocks = s.clocks, bIdx = s.bootIndex, prng = s.poissonRNG
        let zc = s.zc, jump = s.jump, aux = s.aux
        let outS = s.price, outB = s.hashpriceBTC, outU = s.hashpriceUSD
        // Per-path fast-path state of the chain clock (kept in step with `clocks` on boundary days).
        let perHash = s.perHash, subsidy = s.subsidy
        let boot = pr.price.step == .bootstrap, regime = pr.price.step == .regime
        let ret = pr.price.bootstrapReturns
        let nRet = ret.count
        let poisson = settings.poissonBlocks
        let needLnHP = pr.network.hashB != 0
        let lastLnHPDay = d - 1 - pr.lag
        let d1 = s.drift1, s1 = s.sigma1, d2 = s.drift2, s2 = s.sigma2, q11 = s.p11, q22 = s.p22, state = s.regimeState
        let dayDrift = s.dayDrift, daySigma = s.daySigma
        let hashA = s.hashA, hashB = s.hashB, hashC = s.hashC, hashSigma = s.hashSigma
        let kappa = s.kappa, feeM = s.feeM, feeSigma = s.feeSigma
        var lanes = hashsec_day_lanes(drift: dayDrift, sigma: daySigma, hashA: hashA, hashB: hashB, hashC: hashC, hashSigma: hashSigma,
                                      kappa: kappa, feeM: feeM, feeSigma: feeSigma)
        let s0 = Foundation.log(initial.priceUSD), h0 = Foundation.log(initial.hashRateHs), f0 = Foundation.log(initial.feePerBlockBTC)
        let clock0 = ChainClock(height: initial.height, difficulty: initial.difficulty, epochElapsedDays: initial.epochElapsedDays,
                                halvingShift: overlay?.halvingShiftBlocks ?? 0)
        let height = s.height, boundary = s.boundary, hpB = s.hpB, hpU = s.hpU, slow = s.slow
        @inline(__always) func sync(_ p: Int) {
            perHash[p] = clocks[p].blocksPerDayPerHash; subsidy[p] = clocks[p].currentSubsidy
            height[p] = clocks[p].height; boundary[p] = clocks[p].nextBoundary
        }
        for p in 0..<n {
            let path = first + p
            lnS[p] = s0; lnH[p] = h0; lnF[p] = f0
            clocks[p] = clock0
            sync(p)
            s.halvingDay[p] = -1
            if boot { bIdx[p] = BootstrapModel.startIndex(aux[p], count: nRet) }
            if poisson { prng[p] = PathRandom(seed: settings.seed, path: UInt64(settings.antithetic ? path & ~1 : path), stream: 1) }
        }
        // Overlay series hoisted out of the day loop (empty when there is no overlay).
        let hasOverlay = overlay != nil
        let fastDay = !boot && !hasOverlay
        let o = overlay ?? StressOverlay(name: "")
        let rS = o.replayLnPrice, rH = o.replayLnHashRate, rX = o.replayLnFee
        let kS = o.lnPriceShock, kH = o.lnHashRateShock, kX = o.lnFeeShock
        // Forward measure: the day's drift shift, applied to each lane's drift when it changes (lanes were set unshifted).
        let shifts = driftShift
        var applied = 0.0
        for t in 0..<d {
            let shift = shifts?[t] ?? 0
            if shifts != nil, !regime, shift != applied {
                for p in 0..<n { dayDrift[p] = d1[p] + shift }
                applied = shift
            }
            // The day's overlay terms and lagged-history term are common to every path.
            let repS: Double? = t < rS.count ? rS[t] : nil, repH: Double? = t < rH.count ? rH[t] : nil
            let repX: Double? = t < rX.count ? rX[t] : nil
            let shS = t < kS.count ? kS[t] : 0, shH = t < kH.count ? kH[t] : 0, shX = t < kX.count ? kX[t] : 0
            // Lagged ln hashprice for the step from day t (0 = as-of) to t+1: index of day t−L (history below hc).
            let li = max(0, hc - 1 + t - pr.lag)
            let fromHistory = li < hc
            let histTerm = needLnHP && fromHistory ? hist[li] : 0
            let simRow = sim + (fromHistory ? 0 : (li &- hc) &* bs)
            let trendDay = Double(pr.trendDay0 + t)
            let zRow = zc + t &* zs, jRow = jump + t &* bs, aRow = aux + t &* bs
            if regime {
                // The regime chain's step (RegimeModel.nextState), then the state's drift and volatility for today.
                for p in 0..<n {
                    let st = RegimeModel.nextState(state[p], u: aRow[p], p11: q11[p], p22: q22[p])
                    state[p] = st
                    dayDrift[p] = st == 0 ? d1[p] : d2[p]; daySigma[p] = st == 0 ? s1[p] : s2[p]
                    if shifts != nil { dayDrift[p] += shift }
                }
            }
            if fastDay {
                // Diffusion/regime without overlay: the day's update and its three exponentials in one vectorised C loop.
                hashsec_evolve_day(n, pairs ? 1 : 0, zRow, jRow, needLnHP && !fromHistory ? UnsafePointer(simRow) : nil, histTerm, needLnHP ? 1 : 0,
                                   trendDay, &lanes, lnS, lnH, lnF, eS, eH, eF)
            } else {
                for p in 0..<n {
                    let row = zRow + 3 &* (pairs ? p >> 1 : p), sg = pairs && p & 1 == 1 ? -1.0 : 1.0
                    let z1 = sg * row[0], z2 = sg * row[1], z3 = sg * row[2]
                    var dS: Double
                    if boot {
                        if t > 0 { bIdx[p] = BootstrapModel.nextIndex(bIdx[p], restartU: jRow[p], indexU: aRow[p], count: nRet) }
                        dS = ret[bIdx[p]] + d1[p]
                        if shifts != nil { dS += shift }
                    } else {
                        dS = dayDrift[p] + daySigma[p] * z1 + jRow[p]
                    }
                    let lagged = needLnHP ? (fromHistory ? histTerm : simRow[p]) : 0
                    var dH = hashA[p] + (needLnHP ? hashB[p] * lagged : 0) + hashC[p] * trendDay + hashSigma[p] * z2
                    var dX = kappa[p] * (feeM[p] - lnF[p]) + feeSigma[p] * z3
                    if hasOverlay {
                        if let r = repS { dS = r }
                        if let r = repH { dH = r }
                        if let r = repX { dX = r }
                        dS += shS; dH += shH; dX += shX
                    }
                    let a = lnS[p] + dS, b = lnH[p] + dH, c = lnF[p] + dX
                    lnS[p] = a; lnH[p] = b; lnF[p] = c
                    eS[p] = a; eH[p] = b; eF[p] = c
                }
                VectorMath.exp(eS, eS, count: n); VectorMath.exp(eH, eH, count: n); VectorMath.exp(eF, eF, count: n)
            }
            if let r = s.recorded { for p in 0..<n { r.difficulty[p &* d &+ t] = clocks[p].difficulty } }
            // Chain clocks: the vectorised fast path for days without a boundary, then each flagged path on its own.
            let slowCount = poisson ? n : hashsec_clock_day(n, eS, eH, eF, perHash, subsidy, height, boundary, hpB, hpU, slow)
            if slowCount > 0 {
                for p in 0..<n where poisson || slow[p] != 0 {
                    let S = eS[p], H = eH[p], F = eF[p]
                    var blocks: Double? = nil
                    if poisson {
                        var u = prng[p].uniform()
                        if settings.antithetic && (first + p) % 2 == 1 { u = 1 - u }
                        blocks = PathGenerator.poisson(mean: H * perHash[p], u: u)
                    }
                    clocks[p].height = height[p]
                    let before = subsidy[p]
                    let rev = clocks[p].advanceDay(dayStart: Double(t) * 86400, hashRate: H, fee: F, blocksOverride: blocks)
                    sync(p)
                    // Halvings are crossed only here (a day with a boundary): note the first one.
                    if subsidy[p] < before && s.halvingDay[p] < 0 { s.halvingDay[p] = Int32(t) }
                    let hp = 1e15 / H * rev
                    hpB[p] = hp; hpU[p] = hp * S
                }
            }
            for p in 0..<n {
                let o = p &* d &+ t
                outS[o] = eS[p]; outB[o] = hpB[p]; outU[o] = hpU[p]
            }
            if let r = s.recorded {
                for p in 0..<n { let o = p &* d &+ t; r.hashRate[o] = eH[p]; r.fee[o] = eF[p]; r.height[o] = height[p] }
            }
            // ln hashprice of day t is read at step t + 1 + L only: skip the logs when no later step reads them.
            if needLnHP && t < lastLnHPDay {
                VectorMath.log(hpU, lg, count: n)
                let out = sim + t &* bs, prev = sim + (t &- 1) &* bs
                for p in 0..<n { out[p] = hpU[p] > 0 ? lg[p] : (t == 0 ? hist[hc - 1] : prev[p]) }
            }
        }
    }

    /// How the random numbers are made (recorded in every manifest).
    public static let rngDescription = "shocks: \(CounterStream.algorithm), streams 16-21 per path; normals by 128-layer "
        + "ziggurat (accept test vectorised; a rejected draw n continues from mix64(fallback key + (n+1)·γ)); "
        + "Poisson block counts: \(PathRandom.algorithm), stream 1; parameter draws: stream 2 of the pair's even path; "
        + "antithetic pairs (2k, 2k+1)"

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
