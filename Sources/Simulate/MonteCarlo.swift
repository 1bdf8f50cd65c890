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
    /// `halvingDayCounts[t]`: paths whose first halving falls on simulated day t (0-based); merged by addition.
    public var halvingDayCounts: [UInt32]
    /// Per-path structure records, `count × width` each (width 0 when the deal has no such structure).
    public var waterfallWidth: Int, leverageWidth: Int, sweepWidth: Int
    public var waterfall: [Double], leverage: [Double], sweep: [Double]
    /// Per-path values at the days asked for by `MonteCarlo.run(…, capture:)` (nil otherwise; never in shard files).
    public var capture: PathCapture?
    public var count: Int { pvUSD.count }

    /// `quantileDays`: days of the daily histograms (default `days`; 0 when the run does not accumulate them).
    public init(firstPath: Int, count: Int, days: Int, waterfallWidth: Int = 0, leverageWidth: Int = 0, sweepWidth: Int = 0, quantileDays: Int? = nil) {
        self.firstPath = firstPath
        pvUSD = .init(repeating: 0, count: count); btcTotal = pvUSD; usdTotal = pvUSD; irr = pvUSD
        paybackDay = .init(repeating: 0, count: count); daysCurtailed = paybackDay; terminated = .init(repeating: 0, count: count)
        daily = DailyQuantileSet(days: quantileDays ?? days)
        halvingDayCounts = .init(repeating: 0, count: days)
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
        if var c = capture, let oc = o.capture, c.days == oc.days {
            c.hashpriceUSD += oc.hashpriceUSD; c.payoutUSD += oc.payoutUSD; capture = c
        } else { capture = nil }
        pvUSD += o.pvUSD; btcTotal += o.btcTotal; usdTotal += o.usdTotal; irr += o.irr
        paybackDay += o.paybackDay; daysCurtailed += o.daysCurtailed; terminated += o.terminated
        daily.add(o.daily)
        guard o.halvingDayCounts.count == halvingDayCounts.count else { throw SimulateError.badShard("horizons differ at path \(o.firstPath)") }
        for t in halvingDayCounts.indices { halvingDayCounts[t] &+= o.halvingDayCounts[t] }
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

    /// Paths per histogram batch: a whole number of generator blocks, about 1,024 paths (`HistogramBatch`).
    static func histogramBatch(blockSize bs: Int) -> Int { max(1, 1024 / bs) * bs }

    /// Simulates paths `range` of the run. `settings.paths` is the total path count of the whole run.
    /// With `structures`, the deal's waterfall / staking leverage (and the leverage sweep over 0…`sweepMaxLoops` loops)
    /// run on every path too, into the result's per-path records.
    /// With `capture` (simulated days, 1-based, ascending, ≤ the horizon) the result's `capture` holds every path's
    /// hashprice and cumulative payout on those days (`PathCapture`). `dailyQuantiles: false` skips the per-day histograms
    /// (`result.daily` then has 0 days): the backtest reads only the captured values.
    public static func run(deal: Deal, calibration: Calibration, settings: SimulationSettings, range: Range<Int>? = nil,
                           overlay: StressOverlay? = nil, structures: Bool = true, sweepMaxLoops: Int? = nil,
                           capture: [Int]? = nil, dailyQuantiles: Bool = true) throws -> PartialResult {
        guard settings.paths >= 1 else { throw SimulateError.invalidSettings("--paths must be ≥ 1") }
        guard settings.blockSize >= 2, settings.blockSize % 2 == 0 else { throw SimulateError.invalidSettings("block size must be even") }
        let r = range ?? 0..<settings.paths
        if settings.antithetic, r.lowerBound % 2 != 0 { throw SimulateError.invalidSettings("a shard must start on an even path") }
        let schedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: settings.horizonDays)
        let days = schedule.horizonDays
        if let c = capture, !(c.allSatisfy { (1...days).contains($0) } && zip(c, c.dropFirst()).allSatisfy { $0 < $1 }) {
            throw SimulateError.invalidSettings("capture days must be ascending within 1…\(days), got \(c)")
        }
        let process = try ModelProcess(calibration: calibration, settings: settings)
        let gen = PathGenerator(process: process, initial: calibration.initialState, settings: settings, days: days, overlay: overlay)
        let pricer = TokenPricer(deal: deal, offset: schedule.offset, tokenDays: schedule.tokenDays)
        defer { pricer.deallocate() }
        let pass = try StructurePass(deal: deal, schedule: schedule, seed: settings.seed, sweepMaxLoops: sweepMaxLoops, enabled: structures)
        let (ww, lw, sw) = (pass.waterfallWidth, pass.leverageWidth, pass.sweepWidth)
        Ziggurat.prepare()
        let quantileDays = dailyQuantiles ? days : 0
        var result = PartialResult(firstPath: r.lowerBound, count: r.count, days: days, waterfallWidth: ww, leverageWidth: lw, sweepWidth: sw,
                                   quantileDays: quantileDays)
        var cap = capture.map { PathCapture(days: $0, paths: r.count) } ?? PathCapture(days: [], paths: 0)
        let capturing = !(capture?.isEmpty ?? true) && r.count > 0
        let captureDays = capture ?? []
        let bs = settings.blockSize
        let nBlocks = (r.count + bs - 1) / bs
        let threads = max(1, min(settings.threads, max(nBlocks, 1)))
        var workerDaily = [DailyQuantileSet](repeating: DailyQuantileSet(days: 0), count: threads)
        var workerHalvings = [[UInt32]](repeating: [], count: threads)
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
        cap.hashpriceUSD.withUnsafeMutableBufferPointer { capH in
        cap.payoutUSD.withUnsafeMutableBufferPointer { capP in
            let out = (pv.baseAddress!, bt.baseAddress!, ut.baseAddress!, ir.baseAddress!, pb.baseAddress!, dc.baseAddress!, te.baseAddress!)
            let wfB = wfo.baseAddress, lvB = lvo.baseAddress, swB = swo.baseAddress
            let capture = (capH.baseAddress, capP.baseAddress)
            DispatchQueue.concurrentPerform(iterations: threads) { w in
                let scratch = gen.makeScratch()
                var wScratch = pass.makeScratch()
                let td = max(schedule.tokenDays, 1)
                let buf = TokenPricer.DailyBuffers(capacity: td * bs)   // block of paths, path-major
                defer { buf.deallocate() }
                var halvings = [UInt32](repeating: 0, count: days)
                let hist = HistogramBatch(days: quantileDays, batch: histogramBatch(blockSize: bs))
                // Per simulated day, for paths whose token window is not the whole horizon: payout and cumulative BTC.
                let daySeries = UnsafeMutablePointer<Double>.allocate(capacity: 2 * max(days, 1))
                let cumulative = UnsafeMutablePointer<Double>.allocate(capacity: td * bs)
                defer { daySeries.deallocate(); cumulative.deallocate() }
                let wholeHorizon = schedule.offset == 0 && schedule.tokenDays == days
                let off = schedule.offset, tdays = schedule.tokenDays
                var b = w
                while b < nBlocks {
                    let first = r.lowerBound + b * bs
                    let count = min(bs, r.upperBound - first)
                    gen.generate(first: first, count: count, into: scratch)
                    for p in 0..<count where scratch.halvingDay[p] >= 0 { halvings[Int(scratch.halvingDay[p])] &+= 1 }
                    for p in 0..<count {
                        let sp = scratch.price + p * days, sh = scratch.hashpriceBTC + p * days
                        let o = pricer.price(priceUSD: sp, hashpriceBTC: sh, grossBTC: buf.grossBTC + p * td, costUSD: buf.costUSD + p * td,
                                             netBTC: buf.netBTC + p * td, netUSD: buf.netUSD + p * td,
                                             cumulativeBTC: cumulative + p * td, powerOverride: powerOverride)
                        let idx = first - r.lowerBound + p
                        out.0[idx] = o.pvUSD; out.1[idx] = o.btcTotal; out.2[idx] = o.usdTotal; out.3[idx] = o.irr
                        out.4[idx] = Int32(o.paybackDay); out.5[idx] = Int32(o.daysCurtailed); out.6[idx] = o.terminated ? 1 : 0
                        pass.run(index: first + p, price: sp, hashprice: sh, grossBTC: buf.grossBTC + p * td, costUSD: buf.costUSD + p * td,
                                 netBTC: buf.netBTC + p * td, netUSD: buf.netUSD + p * td, scratch: &wScratch,
                                 waterfallOut: wfB.map { $0 + idx * ww }, leverageOut: lvB.map { $0 + idx * lw }, sweepOut: swB.map { $0 + idx * sw })
                        if capturing {
                            PathCapture.record(days: captureDays, into: capture.0!, capture.1!, index: idx, hashpriceUSD: scratch.hashpriceUSD + p * days,
                                             netUSD: buf.netUSD + p * td, offset: off, tokenDays: tdays)
                        }
                    }
                    // Bin indices into the batch (see `HistogramBatch`): hashprice, price, payout, cumulative BTC by simulated day.
                    let slot = hist.reserve(count)
                    for p in 0..<count {
                        let row = p * days
                        hist.record(series: 0, slot: slot + p, values: scratch.hashpriceUSD + row)
                        hist.record(series: 1, slot: slot + p, values: scratch.price + row)
                        let netU = buf.netUSD + p * td, cum = cumulative + p * td
                        if wholeHorizon {
                            hist.record(series: 2, slot: slot + p, values: netU)
                            hist.record(series: 3, slot: slot + p, values: cum)
                        } else {
                            // Zero before the token starts; after it ends no payout and a constant total.
                            let pay = daySeries, tot = daySeries + days
                            let last = tdays > 0 ? cum[tdays - 1] : 0
                            for t in 0..<days {
                                let ti = t - off
                                if ti < 0 { pay[t] = 0; tot[t] = 0 } else if ti < tdays { pay[t] = netU[ti]; tot[t] = cum[ti] } else { pay[t] = 0; tot[t] = last }
                            }
                            hist.record(series: 2, slot: slot + p, values: pay)
                            hist.record(series: 3, slot: slot + p, values: tot)
                        }
                    }
                    b += threads
                }
                let daily = hist.result()
                lock.lock(); workerDaily[w] = daily; workerHalvings[w] = halvings; lock.unlock()
            }
        }}}}}}}}}}}}
        if capture != nil { result.capture = cap }
        for d in workerDaily { result.daily.add(d) }
        for hv in workerHalvings where hv.count == days { for t in 0..<days { result.halvingDayCounts[t] &+= hv[t] } }
        return result
    }
}
