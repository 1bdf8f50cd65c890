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

    public static func run(deal: Deal, calibration: Calibration, settings: SimulationSettings, overlay: StressOverlay?,
                           structures: Bool = true, sweepMaxLoops: Int? = nil) throws -> PathResults {
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
        let n = settings.paths
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
                    let first = b * bs, count = min(bs, n - first)
                    gen.generate(first: first, count: count, into: scratch)
                    for p in 0..<count {
                        let idx = first + p
                        let sp = scratch.price + p * days, sh = scratch.hashpriceBTC + p * days
                        ocB[idx] = pricer.price(priceUSD: sp, hashpriceBTC: sh, into: buf, powerOverride: powerOverride)
                        pass.run(index: idx, price: sp, hashprice: sh, grossBTC: buf.grossBTC, costUSD: buf.costUSD, netBTC: buf.netBTC,
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
