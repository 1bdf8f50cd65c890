import Config
import Domain
import Foundation
import Simulate
import Store
import Structures

/// `hashsec simulate --sweep-leverage N`: the deal's staking leverage with loops 0…N on the same paths and premium draws;
/// writes `leverage_sweep.csv` (docs/outputs.md) and names the highest leverage with P(liquidation) < 5%.
public enum LeverageSweepJob {
    public struct Result {
        public var rows: [LeverageSweep.Row]
        public var best: LeverageSweep.Row?
        public var csv: String
        public var text: String
    }

    public static func run(dealPath: String, settings: SimulationSettings, asOf: Day?, calibrationPath: String?, dbPath: String,
                           maxLoops: Int, out: String?) throws -> Result {
        let deal = try DealFile.load(path: dealPath, catalogPath: RepositoryData.resolve("datasets/asic-catalog.csv"))
        guard let spec = deal.leverage else {
            throw PipelineError.invalidConfiguration("\(dealPath): --sweep-leverage needs a `leverage:` section in the deal")
        }
        let store = try Store(path: dbPath)
        let cal = try StressJob.resolveCalibration(path: calibrationPath, store: store, dbPath: dbPath, asOf: asOf, windowDays: 1460)
        return try run(deal: deal, spec: spec, calibration: cal, settings: settings, maxLoops: maxLoops, out: out)
    }

    public static func run(deal: Deal, spec: LeverageSpec, calibration: Calibration, settings: SimulationSettings, maxLoops: Int,
                           out: String?) throws -> Result {
        let r = try StressRunner.run(deal: deal, calibration: calibration, settings: settings, overlay: nil, sweepMaxLoops: maxLoops)
        let rows = LeverageSweep.reduce(results: r.sweep, ltv: spec.ltvInitial, maxLoops: maxLoops, horizonDays: spec.horizonDays)
        let best = LeverageSweep.best(rows)
        let csv = StructureOutputs.sweepCSV(rows)
        if let out { try StressJob.writeAtomically([("leverage_sweep.csv", csv)], dir: out) }
        var lines = ["loops  leverage  P(liq)  P(bad debt)  mean return  p05 return  VaR95  CVaR95"]
        for row in rows {
            let s = row.summary, l = s.levered
            lines.append(String(format: "%5d  %7.3fx  %5.1f%%  %10.1f%%  %10.1f%%  %9.1f%%  %5.1f%%  %6.1f%%", row.loops, row.leverage,
                                100 * s.probLiquidation, 100 * s.probBadDebt, 100 * l.mean, 100 * l.quantiles[1], 100 * l.var95, 100 * l.cvar95))
        }
        lines.append(best.map { String(format: "highest leverage with P(liquidation) < 5%%: %d loops (%.3fx)", $0.loops, $0.leverage) }
                     ?? "no leverage keeps P(liquidation) below 5%")
        return Result(rows: rows, best: best, csv: csv, text: lines.joined(separator: "\n"))
    }
}
