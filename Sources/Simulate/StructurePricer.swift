import Domain
import Structures

/// The path pricer of a deal's structures: its securitization waterfall, staking leverage and leverage sweep
/// (`Structures` engines) run on the token cash flows `TokenPricer` just wrote for one path. Records are fixed-width
/// `[Double]` rows stored by path index (`WaterfallPathLayout`, `LeveragePathLayout`, `LeverageSweep.width`), hence
/// thread- and shard-independent. The staking leverage marks its collateral with the run's `LeverageMarker` (the marks of
/// the path's days 0…horizon, computed by the worker from the path's state).
struct StructurePricer {
    let waterfall: WaterfallEngine?
    let leverage: LeverageEngine?
    let marker: LeverageMarker?
    let sweepLoops: Int?
    let offset: Int, tokenDays: Int
    let seed: UInt64

    init(deal: Deal, schedule: DealSchedule, seed: UInt64, sweepMaxLoops: Int?, enabled: Bool = true, marker: LeverageMarker? = nil) throws {
        offset = schedule.offset; tokenDays = schedule.tokenDays; self.seed = seed
        waterfall = try (enabled ? deal.structure : nil).map { try WaterfallEngine(spec: $0, deal: deal) }
        // The mark values the whole remaining term, also when the run is truncated.
        leverage = try (enabled ? deal.leverage : nil).map { try LeverageEngine(spec: $0, deal: deal, termDays: schedule.termDays) }
        self.marker = leverage == nil ? nil : marker
        if let m = sweepMaxLoops, leverage != nil {
            guard m >= 0, m <= 50 else { throw SimulateError.invalidSettings("--sweep-leverage must be in 0…50") }
            sweepLoops = m
        } else { sweepLoops = nil }
    }

    var active: Bool { tokenDays > 0 && (waterfall != nil || leverage != nil) }
    var waterfallWidth: Int { waterfall?.resultWidth ?? 0 }
    var leverageWidth: Int { leverage == nil ? 0 : LeveragePathLayout.width }
    var sweepWidth: Int { sweepLoops.flatMap { m in leverage.map { LeverageSweep.width(maxLoops: m, ltv: $0.spec.ltvInitial) } } ?? 0 }

    func makeScratch() -> WaterfallScratch? { waterfall?.makeScratch(days: max(tokenDays, 1)) }

    /// Runs the engines on path `index` (global path index: it seeds the leverage premium stream). `price`/`hashprice`
    /// are the path's simulated series (simulated day − 1); the four token series start at token day 1.
    /// Outputs: the path's rows (each nil when that engine is absent).
    @inline(__always)
    func run(index: Int, price: UnsafePointer<Double>, hashprice: UnsafePointer<Double>,
             grossBTC: UnsafePointer<Double>, costUSD: UnsafePointer<Double>, netBTC: UnsafePointer<Double>, netUSD: UnsafePointer<Double>,
             marks: UnsafeMutablePointer<Double>?, scratch: inout WaterfallScratch?, waterfallOut: UnsafeMutablePointer<Double>?, leverageOut: UnsafeMutablePointer<Double>?,
             sweepOut: UnsafeMutablePointer<Double>?) {
        guard active else { return }
        let view = TokenPathView(
            priceUSD: UnsafeBufferPointer(start: price + offset, count: tokenDays),
            hashpriceBTCPerPHDay: UnsafeBufferPointer(start: hashprice + offset, count: tokenDays),
            grossRevenueBTC: UnsafeBufferPointer(start: grossBTC, count: tokenDays),
            costUSD: UnsafeBufferPointer(start: costUSD, count: tokenDays),
            netPayoutBTC: UnsafeBufferPointer(start: netBTC, count: tokenDays),
            netPayoutUSD: UnsafeBufferPointer(start: netUSD, count: tokenDays), days: tokenDays)
        if let wf = waterfall, let out = waterfallOut {
            wf.run(view, scratch: &scratch!, into: UnsafeMutableBufferPointer(start: out, count: wf.resultWidth))
        }
        if let lev = leverage, let out = leverageOut, let mk = marks, let marker {
            let mv = UnsafeBufferPointer(start: UnsafePointer(mk), count: marker.plan.horizon + 1)
            var rng = PathRandom(seed: seed, path: UInt64(index), stream: LeverageEngine.premiumStream)
            lev.run(view, marks: mv, random: &rng, loops: lev.spec.loops, into: UnsafeMutableBufferPointer(start: out, count: LeveragePathLayout.width))
            if let m = sweepLoops, let so = sweepOut {
                LeverageSweep.run(engine: lev, path: view, marks: mv, seed: seed, pathIndex: UInt64(index), maxLoops: m,
                                  into: UnsafeMutableBufferPointer(start: so, count: LeverageSweep.width(maxLoops: m, ltv: lev.spec.ltvInitial)))
            }
        }
    }
}
