import Domain
import Foundation
import Statistics
import Structures

/// What the engine accumulated for a contiguous range of paths (a whole run or a shard) of one scenario: per-path
/// outcomes in path order, the optional per-day statistics (histograms and halving-day counts), the per-path structure
/// records and the captured values. Merging shards concatenates the per-path parts and adds the counts, which is exact.
public struct PartialResult: Equatable {
    public var firstPath: Int
    public var pvUSD: [Double], btcTotal: [Double], usdTotal: [Double], irr: [Double]
    public var paybackDay: [Int32], daysCurtailed: [Int32], terminated: [UInt8]
    /// Per-day histograms (0 days when the run did not accumulate them).
    public var daily: DailyQuantileSet
    /// `halvingDayCounts[t]`: paths whose first halving falls on simulated day t (0-based); merged by addition.
    public var halvingDayCounts: [UInt32]
    /// Per-path structure records, `count × width` each (width 0 when the deal has no such structure).
    public var waterfallWidth: Int, leverageWidth: Int, sweepWidth: Int
    public var waterfall: [Double], leverage: [Double], sweep: [Double]
    /// Per-path `CurvePlan` records, `count × curveWidth` (width 0 without a curve plan).
    public var curveWidth: Int = 0
    public var curve: [Double] = []
    /// Per-path values at the days asked for by `MonteCarlo.run(…, capture:)` (nil otherwise; never in shard files).
    public var capture: PathCapture?
    /// The model-consistent collateral mark's fit quality per fit day (empty without one): the same in every shard of a run.
    public var markFit: [MarkFitRow] = []
    public var count: Int { pvUSD.count }

    public init(firstPath: Int, count: Int, days: Int, waterfallWidth: Int = 0, leverageWidth: Int = 0, sweepWidth: Int = 0) {
        self.firstPath = firstPath
        pvUSD = .init(repeating: 0, count: count); btcTotal = pvUSD; usdTotal = pvUSD; irr = pvUSD
        paybackDay = .init(repeating: 0, count: count); daysCurtailed = paybackDay; terminated = .init(repeating: 0, count: count)
        daily = DailyQuantileSet(days: days)
        halvingDayCounts = .init(repeating: 0, count: days)
        self.waterfallWidth = waterfallWidth; self.leverageWidth = leverageWidth; self.sweepWidth = sweepWidth
        waterfall = .init(repeating: 0, count: count * waterfallWidth)
        leverage = .init(repeating: 0, count: count * leverageWidth)
        sweep = .init(repeating: 0, count: count * sweepWidth)
    }

    /// The per-path outcome columns, for the statistics (`RunSummary`).
    public var columns: OutcomeColumns {
        OutcomeColumns(pvUSD: pvUSD, btcTotal: btcTotal, usdTotal: usdTotal, irr: irr, paybackDay: paybackDay, daysCurtailed: daysCurtailed,
                       terminated: terminated)
    }

    /// Path `i` (0-based within this range) as a `PathOutcome`.
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
        guard o.halvingDayCounts.count == halvingDayCounts.count, o.daily.hashpriceUSD.days == daily.hashpriceUSD.days else {
            throw SimulateError.badShard("horizons differ at path \(o.firstPath)")
        }
        // Every shard fits the same mark on the same pilot paths: different fits are different runs.
        guard o.markFit.count == markFit.count, zip(o.markFit.map(\.flat), markFit.map(\.flat)).allSatisfy({ zip($0, $1).allSatisfy { $0.bitPattern == $1.bitPattern } }) else {
            throw SimulateError.badShard("the collateral mark's fit differs at path \(o.firstPath)")
        }
        guard o.curveWidth == curveWidth else { throw SimulateError.badShard("curve records differ at path \(o.firstPath)") }
        curve += o.curve
        waterfall += o.waterfall; leverage += o.leverage; sweep += o.sweep
        pvUSD += o.pvUSD; btcTotal += o.btcTotal; usdTotal += o.usdTotal; irr += o.irr
        paybackDay += o.paybackDay; daysCurtailed += o.daysCurtailed; terminated += o.terminated
        if var c = capture, let oc = o.capture, c.days == oc.days {
            c.hashpriceUSD += oc.hashpriceUSD; c.payoutUSD += oc.payoutUSD; capture = c
        } else { capture = nil }
        daily.add(o.daily)
        for t in halvingDayCounts.indices { halvingDayCounts[t] &+= o.halvingDayCounts[t] }
    }
}
