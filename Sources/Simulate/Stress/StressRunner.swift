import Domain
import Foundation
import Structures

/// Runs the paths of one stress scenario (or the base case, `overlay == nil`) with the deal's structures.
///
/// Same generator, pricer and path-indexed random streams as `MonteCarlo.run`, so the base and every scenario use common
/// random numbers; per-path outcomes and structure records are stored by path index (thread-count independent).
/// No daily histograms are built (the stress table does not need them).
public enum StressRunner {
    public struct PathResults {
        public var outcomes: [PathOutcome]
        /// `paths × WaterfallPathLayout.width` (empty without `structure:`).
        public var waterfall: [Double]
        /// `paths × LeveragePathLayout.width` (empty without `leverage:`).
        public var leverage: [Double]
        /// `paths × LeverageSweep.width(maxLoops:)` when a sweep was requested (else empty).
        public var sweep: [Double]
    }

    /// `range`: only these paths of the run (a shard); results are indexed from `range.lowerBound`.
    public static func run(deal: Deal, calibration: Calibration, settings: SimulationSettings, overlay: StressOverlay?,
                           structures: Bool = true, sweepMaxLoops: Int? = nil, range: Range<Int>? = nil) throws -> PathResults {
        guard settings.paths >= 1 else { throw SimulateError.invalidSettings("--paths must be ≥ 1") }
        guard settings.blockSize >= 2, settings.blockSize % 2 == 0 else { throw SimulateError.invalidSettings("block size must be even") }
        let schedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: settings.horizonDays)
        let days = schedule.horizonDays, tokenDays = schedule.tokenDays
        let process = try ModelProcess(calibration: calibration, settings: settings)
        let gen = PathGenerator(process: process, initial: calibration.initialState, settings: settings, days: days, overlay: overlay)
        let pricer = TokenPricer(deal: deal, offset: schedule.offset, tokenDays: tokenDays)
        defer { pricer.deallocate() }
        let pass = try StructurePass(deal: deal, schedule: schedule, seed: settings.seed, sweepMaxLoops: sweepMaxLoops, enabled: structures)
        Ziggurat.prepare()
        let r = range ?? 0..<settings.paths
        if settings.antithetic, r.lowerBound % 2 != 0 { throw SimulateError.invalidSettings("a shard must start on an even path") }
        let n = r.count
        let dummy = PathOutcome(pvUSD: 0, btcTotal: 0, usdTotal: 0, irr: 0, paybackDay: 0, daysCurtailed: 0, terminated: false)
        var res = PathResults(outcomes: [PathOutcome](repeating: dummy, count: n),
                              waterfall: [Double](repeating: 0, count: pass.waterfallWidth * n),
                              leverage: [Double](repeating: 0, count: pass.leverageWidth * n),
                              sweep: [Double](repeating: 0, count: pass.sweepWidth * n))
        let bs = settings.blockSize
        let nBlocks = (n + bs - 1) / bs
        let threads = max(1, min(settings.threads, nBlocks))
        let powerOverride = overlay?.powerPriceFromDay.map { (day: max(1, $0.day - schedule.offset), usdPerKWh: $0.usdPerKWh) }
        let (ww, lw, sw) = (pass.waterfallWidth, pass.leverageWidth, pass.sweepWidth)
        res.outcomes.withUnsafeMutableBufferPointer { oc in
        res.waterfall.withUnsafeMutableBufferPointer { wo in
        res.leverage.withUnsafeMutableBufferPointer { lo in
        res.sweep.withUnsafeMutableBufferPointer { so in
            let ocB = oc, woB = wo.baseAddress, loB = lo.baseAddress, soB = so.baseAddress
            DispatchQueue.concurrentPerform(iterations: threads) { w in
                let scratch = gen.makeScratch()
                let buf = TokenPricer.DailyBuffers(capacity: max(tokenDays, 1))
                defer { buf.deallocate() }
                var wScratch = pass.makeScratch()
                var b = w
                while b < nBlocks {
                    let first = r.lowerBound + b * bs, count = min(bs, r.upperBound - first)
                    gen.generate(first: first, count: count, into: scratch)
                    for p in 0..<count {
                        let idx = first - r.lowerBound + p
                        let sp = scratch.price + p * days, sh = scratch.hashpriceBTC + p * days
                        ocB[idx] = pricer.price(priceUSD: sp, hashpriceBTC: sh, into: buf, powerOverride: powerOverride)
                        pass.run(index: first + p, price: sp, hashprice: sh, grossBTC: buf.grossBTC, costUSD: buf.costUSD, netBTC: buf.netBTC,
                                 netUSD: buf.netUSD, scratch: &wScratch, waterfallOut: woB.map { $0 + idx * ww },
                                 leverageOut: loB.map { $0 + idx * lw }, sweepOut: soB.map { $0 + idx * sw })
                    }
                    b += threads
                }
            }
        }}}}
        return res
    }
}

extension StressRunner.PathResults {
    /// As a `PartialResult` (no daily histograms) for the shard file format.
    public func partial(firstPath: Int) -> PartialResult {
        let n = outcomes.count
        func width(_ a: [Double]) -> Int { n > 0 ? a.count / n : 0 }
        var p = PartialResult(firstPath: firstPath, count: n, days: 0, waterfallWidth: width(waterfall), leverageWidth: width(leverage),
                              sweepWidth: width(sweep))
        for (i, o) in outcomes.enumerated() {
            p.pvUSD[i] = o.pvUSD; p.btcTotal[i] = o.btcTotal; p.usdTotal[i] = o.usdTotal; p.irr[i] = o.irr
            p.paybackDay[i] = Int32(o.paybackDay); p.daysCurtailed[i] = Int32(o.daysCurtailed); p.terminated[i] = o.terminated ? 1 : 0
        }
        p.waterfall = waterfall; p.leverage = leverage; p.sweep = sweep
        return p
    }

    /// Back from a (merged) `PartialResult`.
    public init(_ p: PartialResult) {
        self.init(outcomes: (0..<p.count).map { p.outcome($0) }, waterfall: p.waterfall, leverage: p.leverage, sweep: p.sweep)
    }
}
