import Domain
import Foundation
import LinearAlgebra
import Statistics
import Structures

/// The Monte Carlo engine: one loop over blocks of paths that runs a set of path scenarios (the base case, stress
/// overlays, later bumped inputs) on common random numbers and accumulates what the caller asks for.
///
/// QuantLib-like pieces: the process (`ModelProcess`), one path generator per scenario (`PathGenerator`, the scenario's
/// overlay inside it), the path pricers (`TokenPricer` for the token's cash flows, `StructurePricer` for its waterfall and
/// staking leverage), the statistics accumulators (`ScenarioSink`: per-path outcomes by path index, `HistogramBatch`
/// per-day histograms, halving-day counts, `PathCapture` values) and the instrument (`Deal` + `DealSchedule`).
///
/// Blocks of `settings.blockSize` paths are dealt to `settings.threads` workers over `DispatchQueue.concurrentPerform`;
/// each worker generates a block once per scenario (every path's shocks are a function of (seed, path) only, so each
/// scenario sees the same random numbers) and prices it. Outcomes are stored by path index and the histograms are integer
/// counts, so every reduction is in path order and the result does not depend on threads or shards.
public enum MonteCarlo {
    /// What the engine accumulates besides the per-path outcomes (PV, BTC, USD, IRR, payback, curtailment, termination),
    /// which it always keeps.
    public struct Accumulation: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Per-day histograms of hashprice, price, payout and cumulative BTC (`DailyQuantileSet`) and the per-day counts
        /// of the first simulated halving (the simulate outputs).
        public static let daily = Accumulation(rawValue: 1 << 0)
        /// The deal's waterfall and staking-leverage records per path (and the leverage sweep when `sweepMaxLoops` is set).
        public static let structures = Accumulation(rawValue: 1 << 1)
    }

    /// Path range of shard `i` of `n` for `total` paths, with boundaries on even paths (antithetic pairs stay together).
    public static func shardRange(index i: Int, of n: Int, total: Int) -> Range<Int> {
        func edge(_ k: Int) -> Int { k >= n ? total : min(total, ((k * (total / 2)) / n) * 2) }
        return edge(i)..<edge(i + 1)
    }

    /// Paths per histogram batch: a whole number of generator blocks, about 1,024 paths (`HistogramBatch`).
    static func histogramBatch(blockSize bs: Int) -> Int { max(1, 1024 / bs) * bs }

    /// One scenario (`overlay`, nil = base) with the per-day statistics and, when `structures`, the deal's structures:
    /// the simulate run. `settings.paths` is the total path count of the whole run; `range` selects a shard of it.
    /// With `capture` (simulated days, 1-based, ascending, ≤ the horizon) the result's `capture` holds every path's
    /// hashprice and cumulative payout on those days (`PathCapture`: what a backtest compares with the realized history).
    public static func run(deal: Deal, calibration: Calibration, settings: SimulationSettings, range: Range<Int>? = nil,
                           overlay: StressOverlay? = nil, structures: Bool = true, sweepMaxLoops: Int? = nil,
                           capture: [Int]? = nil, curve: CurvePlan? = nil, memory: MemoryBudget? = nil) throws -> PartialResult {
        try run(deal: deal, calibration: calibration, settings: settings, range: range, scenarios: [overlay],
                accumulate: structures ? [.daily, .structures] : [.daily], sweepMaxLoops: sweepMaxLoops, capture: capture, curve: curve,
                memory: memory)[0]
    }

    /// Runs paths `range` (default: all `settings.paths`) of every scenario in `scenarios` (nil = no overlay) on common
    /// random numbers; returns one result per scenario, in order. With `curve` every path's `CurvePlan` record is kept
    /// (`PartialResult.curve`: monthly mean hashprices and, with the plan's hedge, its IRR and margin path; `CurvePricer`).
    public static func run(deal: Deal, calibration: Calibration, settings: SimulationSettings, range: Range<Int>? = nil,
                           scenarios: [StressOverlay?], accumulate: Accumulation, sweepMaxLoops: Int? = nil,
                           capture: [Int]? = nil, curve: CurvePlan? = nil, memory: MemoryBudget? = nil) throws -> [PartialResult] {
        try run(deal: deal, calibration: calibration, settings: settings, range: range, paths: scenarios.map { PathScenario(overlay: $0) },
                accumulate: accumulate, sweepMaxLoops: sweepMaxLoops, capture: capture, curve: curve, memory: memory)
    }

    /// Runs paths `range` of every scenario in `paths` (overlays and input variants: `PathScenario`) on common random
    /// numbers; returns one result per scenario, in order. Each scenario gets exactly the bytes it gets alone. `curve`
    /// records are kept for the scenarios without an input variant (the base and stress overlays).
    public static func run(deal: Deal, calibration: Calibration, settings: SimulationSettings, range: Range<Int>? = nil,
                           paths scenarios: [PathScenario], accumulate: Accumulation, sweepMaxLoops: Int? = nil,
                           capture: [Int]? = nil, curve: CurvePlan? = nil, memory: MemoryBudget? = nil) throws -> [PartialResult] {
        guard settings.paths >= 1 else { throw SimulateError.invalidSettings("--paths must be ≥ 1") }
        try KernelVariant.checkEnvironment()   // HASHSEC_KERNEL naming a variant this CPU lacks is refused, not replaced
        guard settings.blockSize >= 2, settings.blockSize % 2 == 0 else { throw SimulateError.invalidSettings("block size must be even") }
        guard !scenarios.isEmpty else { throw SimulateError.invalidSettings("no scenario to run") }
        let r = range ?? 0..<settings.paths
        guard r.lowerBound >= 0, r.upperBound <= settings.paths else {
            throw SimulateError.invalidSettings("paths \(r) outside the run's 0..<\(settings.paths)")
        }
        if settings.antithetic, r.lowerBound % 2 != 0 { throw SimulateError.invalidSettings("a shard must start on an even path") }
        if settings.sampling.method != .pseudo {
            try settings.sampling.validate(drawDimension: try ModelProcess(calibration: calibration, settings: settings).drawDimension,
                                           units: settings.antithetic ? settings.paths / 2 : settings.paths)
        }
        let schedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: settings.horizonDays)
        let days = schedule.horizonDays
        if let c = capture, !(c.allSatisfy { (1...days).contains($0) } && zip(c, c.dropFirst()).allSatisfy { $0 < $1 }) {
            throw SimulateError.invalidSettings("capture days must be ascending within 1…\(days), got \(c)")
        }
        let deals = scenarios.map { $0.deal ?? deal }, calibrations = scenarios.map { $0.calibration ?? calibration }
        let accumulations = scenarios.map { $0.accumulate ?? accumulate }
        for (d, c) in zip(deals, calibrations) where DealSchedule(deal: d, asOf: c.initialState.date, horizon: settings.horizonDays) != schedule {
            throw SimulateError.invalidSettings("a scenario's deal or calibration moves the token's start, term or as-of day")
        }
        if let c = curve, c.asOf != schedule.asOf || c.months.contains(where: { $0.last >= days }) {
            throw SimulateError.invalidSettings("the curve plan was built for another as-of date or horizon")
        }
        let union = accumulations.reduce(Accumulation()) { $0.union($1) }
        try checkMemory(deal: deal, calibration: calibration, settings: settings, range: r, scenarios: scenarios.count, accumulate: union,
                        sweepMaxLoops: sweepMaxLoops, captureDays: capture?.count ?? 0, dailyScenarios: accumulations.filter { $0.contains(.daily) }.count,
                        curveWidth: curve?.recordWidth ?? 0, budget: memory)
        // Pass 1 for a leveraged deal (SPEC §8): the collateral mark, fitted once on its own pilot paths (the model mark;
        // the same in every shard and for every scenario of the call's deal), then pass 2: the paths and their structures
        // with that mark.
        var marker: LeverageMarker? = nil
        if union.contains(.structures), let spec = deal.leverage, schedule.tokenDays > 0 {
            let engine = try LeverageEngine(spec: spec, deal: deal, termDays: schedule.termDays)
            marker = try LeverageMarker.make(deal: deal, spec: spec, engine: engine, calibration: calibration, settings: settings,
                                             schedule: schedule)
        }
        return try engine(deal: deal, calibration: calibration, settings: settings, schedule: schedule, range: r, paths: scenarios,
                          accumulations: accumulations, sweepMaxLoops: sweepMaxLoops, capture: capture, curve: curve, marker: marker, pilot: nil)
    }

    /// The engine's loop over blocks of paths `r` of every scenario (see `run(…, paths:)`, which checks the inputs).
    /// `marker`: the leveraged deal's collateral mark (for the scenarios of the call's deal and calibration); `pilot`: the
    /// mark's pilot pass (record every path's mark state and realized remaining PV on the fit days).
    static func engine(deal: Deal, calibration: Calibration, settings: SimulationSettings, schedule: DealSchedule, range r: Range<Int>,
                       paths scenarios: [PathScenario], accumulations: [Accumulation], sweepMaxLoops: Int?, capture: [Int]?,
                       curve: CurvePlan?, marker: LeverageMarker?, pilot: (plan: MarkPlan, samples: MarkSamples)?) throws -> [PartialResult] {
        let days = schedule.horizonDays
        let deals = scenarios.map { $0.deal ?? deal }, calibrations = scenarios.map { $0.calibration ?? calibration }
        // One process per distinct calibration; consecutive scenarios with the same calibration and overlay share paths.
        var processes: [ModelProcess] = []
        for (s, c) in calibrations.enumerated() {
            processes.append(s > 0 && c == calibrations[s - 1] ? processes[s - 1] : try ModelProcess(calibration: c, settings: settings))
        }
        let generators = scenarios.indices.map {
            PathGenerator(process: processes[$0], initial: calibrations[$0].initialState, settings: settings, days: days, overlay: scenarios[$0].overlay)
        }
        let sharesPaths = scenarios.indices.map { s in s > 0 && calibrations[s] == calibrations[s - 1] && scenarios[s].overlay == scenarios[s - 1].overlay }
        let pricers = deals.map { TokenPricer(deal: $0, offset: schedule.offset, tokenDays: schedule.tokenDays) }
        defer { for p in pricers { p.deallocate() } }
        let structures = try scenarios.indices.map {
            try StructurePricer(deal: deals[$0], schedule: schedule, seed: settings.seed, sweepMaxLoops: sweepMaxLoops,
                                enabled: accumulations[$0].contains(.structures),
                                marker: scenarios[$0].deal == nil && scenarios[$0].calibration == nil ? marker : nil)
        }
        let daily = accumulations.map { $0.contains(.daily) }
        let curvePricer = curve.map { CurvePricer(plan: $0, schedule: schedule, tokenPriceUSD: deal.token.priceUSD,
                                                  initialPriceUSD: calibration.initialState.priceUSD) }
        // The only owner of the scenarios' buffers: each is released once copied into its result (below), so the copies
        // never all coexist.
        var sinks: [ScenarioSink?] = scenarios.indices.map { s in
            ScenarioSink(count: r.count, structures: structures[s], captureDays: capture,
                         curveWidth: scenarios[s].deal == nil && scenarios[s].calibration == nil ? curvePricer?.width ?? 0 : 0,
                         overlay: PricerOverlay(scenarios[s].overlay, schedule: schedule))
        }
        let k = sinks.count
        Ziggurat.prepare()
        let bs = settings.blockSize
        let nBlocks = (r.count + bs - 1) / bs
        let threads = max(1, min(settings.threads, max(nBlocks, 1)))
        // Per worker and scenario: histograms and halving counts, gathered after the loop (added: exact, order-free).
        var workerDaily = [[DailyQuantileSet?]](repeating: [], count: threads)
        var workerHalvings = [[[UInt32]?]](repeating: [], count: threads)
        let lock = NSLock()
        func loop(_ sinks: [ScenarioSink]) {
            DispatchQueue.concurrentPerform(iterations: threads) { w in
                let worker = Worker(generators: generators, sharesPaths: sharesPaths, pricers: pricers, structures: structures, schedule: schedule,
                                    blockSize: bs, daily: daily, captureDays: capture ?? [], curve: curvePricer, pilot: pilot)
                var b = w
                while b < nBlocks {
                    let first = r.lowerBound + b * bs
                    let count = min(bs, r.upperBound - first)
                    for s in 0..<k { worker.run(scenario: s, first: first, count: count, index: first - r.lowerBound, into: sinks[s]) }
                    b += threads
                }
                let (d, h) = worker.finish()
                lock.lock(); workerDaily[w] = d; workerHalvings[w] = h; lock.unlock()
            }
        }
        loop(sinks.map { $0! })
        return (0..<k).map { s in
            var result = sinks[s]!.result(firstPath: r.lowerBound, days: daily[s] ? days : 0)
            if structures[s].marker != nil { result.markFit = marker?.fitRows ?? [] }
            sinks[s] = nil
            if daily[s] {
                for d in workerDaily where d.count == k { if let q = d[s] { result.daily.add(q) } }
                for hv in workerHalvings where hv.count == k { if let c = hv[s] { for t in 0..<days { result.halvingDayCounts[t] &+= c[t] } } }
            }
            return result
        }
    }
}

/// One scenario's per-path outputs, written by path index from every worker (disjoint indices, no locking), then copied
/// into a `PartialResult` once the loop is over.
final class ScenarioSink: @unchecked Sendable {
    let count: Int
    /// The scenario's changes to the token's own cash flows (power price, own-fleet outage, payout suspension).
    let overlay: PricerOverlay
    let waterfallWidth: Int, leverageWidth: Int, sweepWidth: Int
    /// nil without a capture.
    let captureDays: [Int]?
    let pv: UnsafeMutablePointer<Double>, btc: UnsafeMutablePointer<Double>, usd: UnsafeMutablePointer<Double>, irr: UnsafeMutablePointer<Double>
    let payback: UnsafeMutablePointer<Int32>, curtailed: UnsafeMutablePointer<Int32>, terminated: UnsafeMutablePointer<UInt8>
    let waterfall: UnsafeMutablePointer<Double>, leverage: UnsafeMutablePointer<Double>, sweep: UnsafeMutablePointer<Double>
    let captureHashprice: UnsafeMutablePointer<Double>, capturePayout: UnsafeMutablePointer<Double>
    /// `CurvePlan` records, `count × curveWidth`.
    let curveWidth: Int
    let curve: UnsafeMutablePointer<Double>

    init(count n: Int, structures s: StructurePricer, captureDays: [Int]?, curveWidth: Int = 0, overlay: PricerOverlay) {
        count = n; self.overlay = overlay; self.captureDays = captureDays; self.curveWidth = curveWidth
        waterfallWidth = s.waterfallWidth; leverageWidth = s.leverageWidth; sweepWidth = s.sweepWidth
        func doubles(_ k: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(k, 1)); p.initialize(repeating: 0, count: max(k, 1)); return p
        }
        pv = doubles(n); btc = doubles(n); usd = doubles(n); irr = doubles(n)
        payback = .allocate(capacity: max(n, 1)); payback.initialize(repeating: 0, count: max(n, 1))
        curtailed = .allocate(capacity: max(n, 1)); curtailed.initialize(repeating: 0, count: max(n, 1))
        terminated = .allocate(capacity: max(n, 1)); terminated.initialize(repeating: 0, count: max(n, 1))
        waterfall = doubles(n * waterfallWidth); leverage = doubles(n * leverageWidth); sweep = doubles(n * sweepWidth)
        let k = n * (captureDays?.count ?? 0)
        captureHashprice = doubles(k); capturePayout = doubles(k)
        curve = doubles(n * curveWidth)
    }

    deinit {
        for p in [pv, btc, usd, irr, waterfall, leverage, sweep, captureHashprice, capturePayout, curve] { p.deallocate() }
        payback.deallocate(); curtailed.deallocate(); terminated.deallocate()
    }

    func result(firstPath: Int, days: Int) -> PartialResult {
        var r = PartialResult(firstPath: firstPath, count: 0, days: days, waterfallWidth: waterfallWidth, leverageWidth: leverageWidth,
                              sweepWidth: sweepWidth)
        func a<T>(_ p: UnsafeMutablePointer<T>, _ n: Int) -> [T] { Array(UnsafeBufferPointer(start: p, count: n)) }
        let n = count
        r.pvUSD = a(pv, n); r.btcTotal = a(btc, n); r.usdTotal = a(usd, n); r.irr = a(irr, n)
        r.paybackDay = a(payback, n); r.daysCurtailed = a(curtailed, n); r.terminated = a(terminated, n)
        r.waterfall = a(waterfall, n * waterfallWidth); r.leverage = a(leverage, n * leverageWidth); r.sweep = a(sweep, n * sweepWidth)
        r.curveWidth = curveWidth; r.curve = a(curve, n * curveWidth)
        if let days = captureDays {
            var c = PathCapture(days: days, paths: 0)
            c.hashpriceUSD = a(captureHashprice, n * days.count); c.payoutUSD = a(capturePayout, n * days.count)
            r.capture = c
        }
        return r
    }
}

/// A worker's buffers (reused across blocks and scenarios) and its per-scenario accumulators.
final class Worker {
    let generators: [PathGenerator]
    /// Scenario s prices the block scenario s − 1 generated (same calibration and overlay: `PathScenario`).
    let sharesPaths: [Bool]
    let pricers: [TokenPricer]
    let structures: [StructurePricer]
    let days: Int, offset: Int, tokenDays: Int, blockSize: Int
    /// The generator scratch of each scenario: one per distinct ln-hashprice history (normally one for all).
    let scratches: [PathGenerator.Scratch]
    var scratch: PathGenerator.Scratch
    var structureScratch: [WaterfallScratch?]
    /// The token's daily series of a block, path-major (`p·td + t`), and its cumulative paid BTC.
    let buffers: TokenPricer.DailyBuffers
    let cumulative: UnsafeMutablePointer<Double>
    /// One simulated path's payout and cumulative BTC by simulated day (for tokens not spanning the whole horizon).
    let daySeries: UnsafeMutablePointer<Double>
    /// Per scenario (nil: the scenario does not accumulate `.daily`).
    let histograms: [HistogramBatch?]
    var halvings: [[UInt32]?]
    let captureDays: [Int]
    let curve: CurvePricer?
    let curveScratch: CurvePricer.Scratch?
    /// The mark's pilot pass (nil otherwise).
    let pilot: (plan: MarkPlan, samples: MarkSamples)?
    /// One path's pricer state (`TokenPricer.stateWidth` per token day) and collateral marks (days 0…horizon), when a
    /// scenario's leverage or the pilot reads them.
    let pricerState: UnsafeMutablePointer<Double>?
    let marks: UnsafeMutablePointer<Double>?

    init(generators: [PathGenerator], sharesPaths: [Bool], pricers: [TokenPricer], structures: [StructurePricer], schedule: DealSchedule,
         blockSize bs: Int, daily: [Bool], captureDays: [Int], curve: CurvePricer? = nil, pilot: (plan: MarkPlan, samples: MarkSamples)? = nil) {
        self.curve = curve; curveScratch = curve?.makeScratch()
        self.pilot = pilot
        let marker = structures.lazy.compactMap(\.marker).first
        let record = pilot != nil || (marker?.needsRecording ?? false)
        pricerState = pilot != nil || marker != nil ? .allocate(capacity: TokenPricer.stateWidth * max(schedule.tokenDays, 1)) : nil
        marks = marker.map { .allocate(capacity: $0.plan.horizon + 1) }
        self.generators = generators; self.sharesPaths = sharesPaths; self.pricers = pricers; self.structures = structures
        days = schedule.horizonDays; offset = schedule.offset; tokenDays = schedule.tokenDays; blockSize = bs
        // Every scenario's generator has the same shape (block, days), so one scratch serves all those with the same history.
        var made: [PathGenerator.Scratch] = []
        for (s, g) in generators.enumerated() {
            made.append(s > 0 && g.lnHistory == generators[s - 1].lnHistory ? made[s - 1] : g.makeScratch(record: record))
        }
        scratches = made; scratch = made[0]
        structureScratch = structures.map { $0.makeScratch() }
        let td = max(tokenDays, 1)
        buffers = TokenPricer.DailyBuffers(capacity: td * bs)
        cumulative = .allocate(capacity: td * bs)
        daySeries = .allocate(capacity: 2 * max(days, 1))
        histograms = daily.map { $0 ? HistogramBatch(days: schedule.horizonDays, batch: MonteCarlo.histogramBatch(blockSize: bs)) : nil }
        halvings = daily.map { $0 ? [UInt32](repeating: 0, count: schedule.horizonDays) : nil }
        self.captureDays = captureDays
    }

    deinit { buffers.deallocate(); cumulative.deallocate(); daySeries.deallocate(); pricerState?.deallocate(); marks?.deallocate() }

    /// Generates (unless it shares the previous scenario's block), prices and accumulates paths `first ..< first + count`
    /// (one block) of scenario `s`; `index` is the block's first path within the run's range (the sink's row).
    func run(scenario s: Int, first: Int, count: Int, index: Int, into sink: ScenarioSink) {
        let days = self.days, buf = buffers, pricer = pricers[s], structures = structures[s]
        let hist = histograms[s]
        // The histograms read the whole block's token series after pricing it; otherwise one path's slot is reused
        // (it stays in cache for the structure pricer that reads it next).
        let td = hist == nil ? 0 : max(tokenDays, 1)
        scratch = scratches[s]
        if !sharesPaths[s] { generators[s].generate(first: first, count: count, into: scratch) }
        if halvings[s] != nil {
            for p in 0..<count where scratch.halvingDay[p] >= 0 { halvings[s]![Int(scratch.halvingDay[p])] &+= 1 }
        }
        for p in 0..<count {
            let sp = scratch.price + p * days, sh = scratch.hashpriceBTC + p * days
            let o = pricer.price(priceUSD: sp, hashpriceBTC: sh, grossBTC: buf.grossBTC + p * td, costUSD: buf.costUSD + p * td,
                                 netBTC: buf.netBTC + p * td, netUSD: buf.netUSD + p * td,
                                 cumulativeBTC: hist == nil ? nil : cumulative + p * td,
                                 state: pricerState, overlay: sink.overlay)
            let idx = index + p
            if let (plan, samples) = pilot {
                LeverageMarker.record(plan, samples: samples, scratch: scratch, path: p, index: idx, netUSD: buf.netUSD + p * td,
                                      state: pricerState!, pricer: pricer)
            }
            if let m = structures.marker, let mk = marks {
                m.marks(scratch, path: p, state: pricerState!, countWithheld: !(sink.overlay.suspension?.forfeited ?? true), into: mk)
            }
            sink.pv[idx] = o.pvUSD; sink.btc[idx] = o.btcTotal; sink.usd[idx] = o.usdTotal; sink.irr[idx] = o.irr
            sink.payback[idx] = Int32(o.paybackDay); sink.curtailed[idx] = Int32(o.daysCurtailed); sink.terminated[idx] = o.terminated ? 1 : 0
            structures.run(index: first + p, price: sp, hashprice: sh, grossBTC: buf.grossBTC + p * td, costUSD: buf.costUSD + p * td,
                           netBTC: buf.netBTC + p * td, netUSD: buf.netUSD + p * td, marks: marks, scratch: &structureScratch[s],
                           waterfallOut: sink.waterfallWidth > 0 ? sink.waterfall + idx * sink.waterfallWidth : nil,
                           leverageOut: sink.leverageWidth > 0 ? sink.leverage + idx * sink.leverageWidth : nil,
                           sweepOut: sink.sweepWidth > 0 ? sink.sweep + idx * sink.sweepWidth : nil)
            if let c = curve, sink.curveWidth > 0 {
                c.record(hashpriceUSD: scratch.hashpriceUSD + p * days, hashpriceBTC: sh, price: sp, netUSD: buf.netUSD + p * td,
                         scratch: curveScratch!, out: sink.curve + idx * sink.curveWidth)
            }
            if !captureDays.isEmpty {
                PathCapture.record(days: captureDays, into: sink.captureHashprice, sink.capturePayout, index: idx,
                                   hashpriceUSD: scratch.hashpriceUSD + p * days, netUSD: buf.netUSD + p * td, offset: offset, tokenDays: tokenDays)
            }
        }
        if let hist { record(count: count, into: hist) }
    }

    /// Bin indices of the block into the batch (see `HistogramBatch`): hashprice, price, payout, cumulative BTC by simulated day.
    func record(count: Int, into hist: HistogramBatch) {
        let days = self.days, td = max(tokenDays, 1), off = offset, tdays = tokenDays
        let wholeHorizon = off == 0 && tdays == days
        let slot = hist.reserve(count)
        for p in 0..<count {
            let row = p * days
            hist.record(series: 0, slot: slot + p, values: scratch.hashpriceUSD + row)
            hist.record(series: 1, slot: slot + p, values: scratch.price + row)
            let netU = buffers.netUSD + p * td, cum = cumulative + p * td
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
    }

    /// The worker's per-scenario histograms and halving counts (nil for a scenario without `.daily`).
    func finish() -> ([DailyQuantileSet?], [[UInt32]?]) { (histograms.map { $0?.result() }, halvings) }
}
