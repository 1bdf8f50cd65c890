import Domain
import Foundation

/// Identity of a run: shards must agree on it to be merged.
public struct RunIdentity: Codable, Equatable, Sendable {
    public var dealSHA256: String
    public var calibrationSHA256: String
    public var seed: UInt64
    public var paths: Int
    public var model: String
    public var measure: String
    public var rate: Double
    public var antithetic: Bool
    public var poissonBlocks: Bool
    public var horizonDays: Int
    public var shardCount: Int
    /// `--sweep-leverage N` (nil: no sweep).
    public var sweepMaxLoops: Int?
    enum CodingKeys: String, CodingKey {
        case seed, paths, model, measure, rate, antithetic
        case dealSHA256 = "deal_sha256", calibrationSHA256 = "calibration_sha256", poissonBlocks = "poisson_blocks"
        case horizonDays = "horizon_days", shardCount = "shard_count", sweepMaxLoops = "sweep_max_loops"
    }
    public init(dealSHA256: String, calibrationSHA256: String, seed: UInt64, paths: Int, model: String, measure: String,
                rate: Double, antithetic: Bool, poissonBlocks: Bool, horizonDays: Int, shardCount: Int, sweepMaxLoops: Int? = nil) {
        self.dealSHA256 = dealSHA256; self.calibrationSHA256 = calibrationSHA256; self.seed = seed; self.paths = paths
        self.model = model; self.measure = measure; self.rate = rate; self.antithetic = antithetic
        self.poissonBlocks = poissonBlocks; self.horizonDays = horizonDays; self.shardCount = shardCount
        self.sweepMaxLoops = sweepMaxLoops
    }
}

/// Results for a contiguous range of paths (a whole run or a shard): per-path outcomes in path order plus
/// per-day histograms. Merging shards concatenates outcomes and adds histograms, which is exact.
public struct PartialResult: Equatable {
    public var firstPath: Int
    public var pvUSD: [Double], btcTotal: [Double], usdTotal: [Double], irr: [Double]
    public var paybackDay: [Int32], daysCurtailed: [Int32], terminated: [UInt8]
    public var daily: DailyQuantileSet
    /// Per-path structure records, `count × width` each (width 0 when the deal has no such structure).
    public var waterfallWidth: Int, leverageWidth: Int, sweepWidth: Int
    public var waterfall: [Double], leverage: [Double], sweep: [Double]
    public var count: Int { pvUSD.count }

    public init(firstPath: Int, count: Int, days: Int, waterfallWidth: Int = 0, leverageWidth: Int = 0, sweepWidth: Int = 0) {
        self.firstPath = firstPath
        pvUSD = .init(repeating: 0, count: count); btcTotal = pvUSD; usdTotal = pvUSD; irr = pvUSD
        paybackDay = .init(repeating: 0, count: count); daysCurtailed = paybackDay; terminated = .init(repeating: 0, count: count)
        daily = DailyQuantileSet(days: days)
        self.waterfallWidth = waterfallWidth; self.leverageWidth = leverageWidth; self.sweepWidth = sweepWidth
        waterfall = .init(repeating: 0, count: count * waterfallWidth)
        leverage = .init(repeating: 0, count: count * leverageWidth)
        sweep = .init(repeating: 0, count: count * sweepWidth)
    }

    public func outcome(_ i: Int) -> PathOutcome {
        PathOutcome(pvUSD: pvUSD[i], btcTotal: btcTotal[i], usdTotal: usdTotal[i], irr: irr[i], paybackDay: Int(paybackDay[i]),
                    daysCurtailed: Int(daysCurtailed[i]), terminated: terminated[i] != 0)
    }

    /// Appends `other` (the next range of paths).
    public mutating func append(_ o: PartialResult) throws {
        guard o.firstPath == firstPath + count else { throw SimulateError.badShard("paths not contiguous at \(o.firstPath)") }
        guard o.waterfallWidth == waterfallWidth, o.leverageWidth == leverageWidth, o.sweepWidth == sweepWidth else {
            throw SimulateError.badShard("structure records differ at path \(o.firstPath)")
        }
        waterfall += o.waterfall; leverage += o.leverage; sweep += o.sweep
        pvUSD += o.pvUSD; btcTotal += o.btcTotal; usdTotal += o.usdTotal; irr += o.irr
        paybackDay += o.paybackDay; daysCurtailed += o.daysCurtailed; terminated += o.terminated
        daily.add(o.daily)
    }
}

/// The deal's timing relative to the simulation (token day t = simulated day offset + t).
public struct DealSchedule: Equatable, Sendable {
    public var asOf: Day
    public var offset: Int
    public var tokenDays: Int
    public var horizonDays: Int
    public init(deal: Deal, asOf: Day, horizon: Int?) {
        self.asOf = asOf
        var off = 0, term = deal.token.termDays
        if case .date(let d) = deal.token.start {
            if d >= asOf { off = d - asOf } else { term = max(0, term - (asOf - d)) }
        }
        let hz = horizon ?? (off + term)
        offset = min(off, hz); horizonDays = max(hz, 1); tokenDays = max(0, min(term, hz - offset))
    }
    public var startDate: Day { asOf + offset }
}

/// The Monte Carlo driver: blocks of paths over `DispatchQueue.concurrentPerform`, per-worker buffers,
/// outcomes stored by path index (so every reduction is in path order, independent of threads and shards).
public enum MonteCarlo {
    /// Path range of shard `i` of `n` for `total` paths, with boundaries on even paths (antithetic pairs stay together).
    public static func shardRange(index i: Int, of n: Int, total: Int) -> Range<Int> {
        func edge(_ k: Int) -> Int { k >= n ? total : min(total, ((k * (total / 2)) / n) * 2) }
        return edge(i)..<edge(i + 1)
    }

    /// Simulates paths `range` of the run. `settings.paths` is the total path count of the whole run.
    /// With `structures`, the deal's waterfall / staking leverage (and the leverage sweep over 0…`sweepMaxLoops` loops)
    /// run on every path too, into the result's per-path records.
    public static func run(deal: Deal, calibration: Calibration, settings: SimulationSettings, range: Range<Int>? = nil,
                           overlay: StressOverlay? = nil, structures: Bool = true, sweepMaxLoops: Int? = nil) throws -> PartialResult {
        guard settings.paths >= 1 else { throw SimulateError.invalidSettings("--paths must be ≥ 1") }
        guard settings.blockSize >= 2, settings.blockSize % 2 == 0 else { throw SimulateError.invalidSettings("block size must be even") }
        let r = range ?? 0..<settings.paths
        if settings.antithetic, r.lowerBound % 2 != 0 { throw SimulateError.invalidSettings("a shard must start on an even path") }
        let schedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: settings.horizonDays)
        let days = schedule.horizonDays
        let process = try ModelProcess(calibration: calibration, settings: settings)
        let gen = PathGenerator(process: process, initial: calibration.initialState, settings: settings, days: days, overlay: overlay)
        let pricer = TokenPricer(deal: deal, offset: schedule.offset, tokenDays: schedule.tokenDays)
        defer { pricer.deallocate() }
        let pass = try StructurePass(deal: deal, schedule: schedule, seed: settings.seed, sweepMaxLoops: sweepMaxLoops, enabled: structures)
        let (ww, lw, sw) = (pass.waterfallWidth, pass.leverageWidth, pass.sweepWidth)
        Ziggurat.prepare()
        var result = PartialResult(firstPath: r.lowerBound, count: r.count, days: days, waterfallWidth: ww, leverageWidth: lw, sweepWidth: sw)
        let bs = settings.blockSize
        let nBlocks = (r.count + bs - 1) / bs
        let threads = max(1, min(settings.threads, max(nBlocks, 1)))
        var workerDaily = [DailyQuantileSet](repeating: DailyQuantileSet(days: 0), count: threads)
        let powerOverride = overlay?.powerPriceFromDay.map { (day: max(1, $0.day - schedule.offset), usdPerKWh: $0.usdPerKWh) }
        let lock = NSLock()
        result.pvUSD.withUnsafeMutableBufferPointer { pv in
        result.btcTotal.withUnsafeMutableBufferPointer { bt in
        result.usdTotal.withUnsafeMutableBufferPointer { ut in
        result.irr.withUnsafeMutableBufferPointer { ir in
        result.paybackDay.withUnsafeMutableBufferPointer { pb in
        result.daysCurtailed.withUnsafeMutableBufferPointer { dc in
        result.terminated.withUnsafeMutableBufferPointer { te in
        result.waterfall.withUnsafeMutableBufferPointer { wfo in
        result.leverage.withUnsafeMutableBufferPointer { lvo in
        result.sweep.withUnsafeMutableBufferPointer { swo in
            let out = (pv.baseAddress!, bt.baseAddress!, ut.baseAddress!, ir.baseAddress!, pb.baseAddress!, dc.baseAddress!, te.baseAddress!)
            let wfB = wfo.baseAddress, lvB = lvo.baseAddress, swB = swo.baseAddress
            DispatchQueue.concurrentPerform(iterations: threads) { w in
                let scratch = gen.makeScratch()
                var wScratch = pass.makeScratch()
                let td = max(schedule.tokenDays, 1)
                let buf = TokenPricer.DailyBuffers(capacity: td * bs)   // block of paths, path-major
                defer { buf.deallocate() }
                var daily = DailyQuantileSet(days: days)
                let hb = [daily.hashpriceUSD, daily.priceUSD, daily.payoutUSD, daily.cumulativeBTC].map { ($0.bins, $0.eMin, $0.eMax) }
                let counts = (0..<4).map { k in UnsafeMutablePointer<UInt32>.allocate(capacity: days * hb[k].0) }
                for k in 0..<4 { counts[k].initialize(repeating: 0, count: days * hb[k].0) }
                let c0 = counts[0], c1 = counts[1], c2 = counts[2], c3 = counts[3]
                let (l0, u0) = (hb[0].1, hb[0].2), (l1, u1) = (hb[1].1, hb[1].2), (l2, u2) = (hb[2].1, hb[2].2), (l3, u3) = (hb[3].1, hb[3].2)
                let off = schedule.offset, tdays = schedule.tokenDays
                var b = w
                while b < nBlocks {
                    let first = r.lowerBound + b * bs
                    let count = min(bs, r.upperBound - first)
                    gen.generate(first: first, count: count, into: scratch)
                    for p in 0..<count {
                        let sp = scratch.price + p * days, sh = scratch.hashpriceBTC + p * days
                        let o = pricer.price(priceUSD: sp, hashpriceBTC: sh, grossBTC: buf.grossBTC + p * td, costUSD: buf.costUSD + p * td,
                                             netBTC: buf.netBTC + p * td, netUSD: buf.netUSD + p * td, powerOverride: powerOverride)
                        let idx = first - r.lowerBound + p
                        out.0[idx] = o.pvUSD; out.1[idx] = o.btcTotal; out.2[idx] = o.usdTotal; out.3[idx] = o.irr
                        out.4[idx] = Int32(o.paybackDay); out.5[idx] = Int32(o.daysCurtailed); out.6[idx] = o.terminated ? 1 : 0
                        pass.run(index: first + p, price: sp, hashprice: sh, grossBTC: buf.grossBTC + p * td, costUSD: buf.costUSD + p * td,
                                 netBTC: buf.netBTC + p * td, netUSD: buf.netUSD + p * td, scratch: &wScratch,
                                 waterfallOut: wfB.map { $0 + idx * ww }, leverageOut: lvB.map { $0 + idx * lw }, sweepOut: swB.map { $0 + idx * sw })
                    }
                    // Histograms, path-major into bin-major counts (`[bin·days + day]`): a path's value moves little from
                    // one day to the next, so consecutive increments hit the same or a neighbouring row, sequentially in
                    // the day (cache- and TLB-friendly; a day-major layout touches a new row per day and per path).
                    for p in 0..<count {
                        let row = p * days
                        let hpU = scratch.hashpriceUSD + row, pr = scratch.price + row
                        for t in 0..<days {
                            c0[DayHistograms.bin(hpU[t], eMin: l0, eMax: u0) * days + t] &+= 1
                            c1[DayHistograms.bin(pr[t], eMin: l1, eMax: u1) * days + t] &+= 1
                        }
                        var c = 0.0
                        let netU = buf.netUSD + p * td, netB = buf.netBTC + p * td
                        for t in 0..<days {
                            let ti = t - off
                            var pay = 0.0
                            if ti >= 0 && ti < tdays { pay = netU[ti]; c += netB[ti] }
                            c2[DayHistograms.bin(pay, eMin: l2, eMax: u2) * days + t] &+= 1
                            c3[DayHistograms.bin(c, eMin: l3, eMax: u3) * days + t] &+= 1
                        }
                    }
                    b += threads
                }
                // Back to the day-major layout of DayHistograms (`[day·bins + bin]`).
                func dayMajor(_ c: UnsafeMutablePointer<UInt32>, bins n: Int) -> [UInt32] {
                    var out = [UInt32](repeating: 0, count: days * n)
                    for bin in 0..<n { let src = c + bin * days; for t in 0..<days where src[t] != 0 { out[t * n + bin] = src[t] } }
                    return out
                }
                daily.hashpriceUSD.counts = dayMajor(counts[0], bins: hb[0].0)
                daily.priceUSD.counts = dayMajor(counts[1], bins: hb[1].0)
                daily.payoutUSD.counts = dayMajor(counts[2], bins: hb[2].0)
                daily.cumulativeBTC.counts = dayMajor(counts[3], bins: hb[3].0)
                for c in counts { c.deallocate() }
                lock.lock(); workerDaily[w] = daily; lock.unlock()
            }
        }}}}}}}}}}
        for d in workerDaily { result.daily.add(d) }
        return result
    }
}
