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
        let wf = try (structures ? deal.structure : nil).map { try WaterfallEngine(spec: $0, deal: deal) }
        let lev = try (structures ? deal.leverage : nil).map { try LeverageEngine(spec: $0, deal: deal, termDays: tokenDays) }
        Ziggurat.prepare()
        let n = settings.paths
        let dummy = PathOutcome(pvUSD: 0, btcTotal: 0, usdTotal: 0, irr: 0, paybackDay: 0, daysCurtailed: 0, terminated: false)
        var res = PathResults(outcomes: [PathOutcome](repeating: dummy, count: n),
                              waterfall: [Double](repeating: 0, count: wf.map { $0.resultWidth * n } ?? 0),
                              leverage: [Double](repeating: 0, count: lev == nil ? 0 : LeveragePathLayout.width * n),
                              sweep: [])
        let sweepLoops = lev == nil ? nil : sweepMaxLoops
        if let m = sweepLoops {
            guard m >= 0, m <= 50 else { throw SimulateError.invalidSettings("--sweep-leverage must be in 0…50") }
            res.sweep = [Double](repeating: 0, count: LeverageSweep.width(maxLoops: m) * n)
        }
        let bs = settings.blockSize
        let nBlocks = (n + bs - 1) / bs
        let threads = max(1, min(settings.threads, nBlocks))
        let powerOverride = overlay?.powerPriceFromDay.map { (day: max(1, $0.day - schedule.offset), usdPerKWh: $0.usdPerKWh) }
        let seed = settings.seed
        res.outcomes.withUnsafeMutableBufferPointer { oc in
        res.waterfall.withUnsafeMutableBufferPointer { wo in
        res.leverage.withUnsafeMutableBufferPointer { lo in
        res.sweep.withUnsafeMutableBufferPointer { so in
            let ocB = oc, woB = wo, loB = lo, soB = so
            DispatchQueue.concurrentPerform(iterations: threads) { w in
                let scratch = gen.makeScratch()
                let buf = TokenPricer.DailyBuffers(capacity: max(tokenDays, 1))
                defer { buf.deallocate() }
                var wScratch = wf?.makeScratch(days: max(tokenDays, 1))
                var b = w
                while b < nBlocks {
                    let first = b * bs, count = min(bs, n - first)
                    gen.generate(first: first, count: count, into: scratch)
                    for p in 0..<count {
                        let idx = first + p
                        let sp = scratch.price + p * days, sh = scratch.hashpriceBTC + p * days
                        ocB[idx] = pricer.price(priceUSD: sp, hashpriceBTC: sh, into: buf, powerOverride: powerOverride)
                        guard tokenDays > 0, wf != nil || lev != nil else { continue }
                        let view = TokenPathView(
                            priceUSD: UnsafeBufferPointer(start: sp + schedule.offset, count: tokenDays),
                            hashpriceBTCPerPHDay: UnsafeBufferPointer(start: sh + schedule.offset, count: tokenDays),
                            grossRevenueBTC: UnsafeBufferPointer(start: buf.grossBTC, count: tokenDays),
                            costUSD: UnsafeBufferPointer(start: buf.costUSD, count: tokenDays),
                            netPayoutBTC: UnsafeBufferPointer(start: buf.netBTC, count: tokenDays),
                            netPayoutUSD: UnsafeBufferPointer(start: buf.netUSD, count: tokenDays), days: tokenDays)
                        if let wf {
                            let wdt = wf.resultWidth
                            wf.run(view, scratch: &wScratch!, into: UnsafeMutableBufferPointer(rebasing: woB[(idx * wdt)..<((idx + 1) * wdt)]))
                        }
                        if let lev {
                            var rng = PathRandom(seed: seed, path: UInt64(idx), stream: LeverageEngine.premiumStream)
                            let lw = LeveragePathLayout.width
                            lev.run(view, random: &rng, loops: lev.spec.loops,
                                    into: UnsafeMutableBufferPointer(rebasing: loB[(idx * lw)..<((idx + 1) * lw)]))
                            if let m = sweepLoops {
                                let sw = LeverageSweep.width(maxLoops: m)
                                LeverageSweep.run(engine: lev, path: view, seed: seed, pathIndex: UInt64(idx), maxLoops: m,
                                                  into: UnsafeMutableBufferPointer(rebasing: soB[(idx * sw)..<((idx + 1) * sw)]))
                            }
                        }
                    }
                    b += threads
                }
            }
        }}}}
        return res
    }
}
