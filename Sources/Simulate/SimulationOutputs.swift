import Domain
import Foundation
import Statistics
import Structures

/// Renders a complete `PartialResult` (all paths of a run) into the files of docs/outputs.md (manifest aside).
/// Pure function of the result and the run description, so a merge of shards writes the same bytes as a single run.
public enum SimulationOutputs {
    public struct Context {
        public var dealName: String
        public var identity: RunIdentity
        public var schedule: DealSchedule
        public var priceUSD: Double
        public var pathsCSV: Bool
        /// The deal's structures (their outputs are written when the result carries their per-path records).
        public var structure: StructureSpec?
        public var leverage: LeverageSpec?
        /// The run's forward curve (its outputs are written when the result carries the curve records).
        public var curve: CurveContext?
        public init(dealName: String, identity: RunIdentity, schedule: DealSchedule, priceUSD: Double, pathsCSV: Bool,
                    structure: StructureSpec? = nil, leverage: LeverageSpec? = nil, curve: CurveContext? = nil) {
            self.dealName = dealName; self.identity = identity; self.schedule = schedule; self.priceUSD = priceUSD; self.pathsCSV = pathsCSV
            self.structure = structure; self.leverage = leverage; self.curve = curve
        }
        /// Token day 1 (the date of the first leverage/waterfall day).
        var firstTokenDay: Day { schedule.asOf + schedule.offset + 1 }
    }

    static func num(_ x: Double) -> String { x.isFinite ? x.description : "" }

    /// `pv_histogram.csv` / `irr_histogram.csv` (`SampleHistogram`, 40 bins).
    static func histogram(_ v: [Double]) -> String {
        var out = "bin_low,bin_high,count\n"
        for b in SampleHistogram(sample: v).bins { out += "\(b.low.description),\(b.high.description),\(b.count)\n" }
        return out
    }

    static func dailyCSV(_ h: DayHistograms, _ ctx: Context) -> String {
        var out = "day,date," + Quantiles.band.map(\.name).joined(separator: ",") + "\n"
        for d in 0..<h.days {
            out += "\(d + 1),\((ctx.schedule.asOf + d + 1).iso)"
            for q in Quantiles.band { out += "," + num(h.quantile(day: d, q.p)) }
            out += "\n"
        }
        return out
    }

    /// Everything a run writes, computed once: the files (manifest.json excluded), the summary object (for the human
    /// summary line) and the leverage sweep rows (for its table).
    public struct Rendered {
        public var files: [(String, String)]
        public var summary: RunSummary
        public var sweep: [LeverageSweep.Row]?
    }

    /// The structure reductions of a result (nil where the deal or the result has none).
    public typealias StructureSummaries = (tranches: [TrancheSummary]?, leverage: LeverageSummary?, sweep: [LeverageSweep.Row]?)

    /// The summary (`summary.json`, the human summary line, the stress table's rows).
    public static func summary(_ r: PartialResult, _ ctx: Context) -> RunSummary {
        summary(r, ctx, structureSummaries(r, ctx))
    }

    static func summary(_ r: PartialResult, _ ctx: Context, _ st: StructureSummaries) -> RunSummary {
        let id = ctx.identity
        let run = RunSummary.Run(deal: ctx.dealName, model: id.model, measure: id.measure, antithetic: id.antithetic, seed: id.seed,
                                 asOf: ctx.schedule.asOf.iso, startDate: ctx.schedule.startDate.iso, horizonDays: id.horizonDays,
                                 termDays: ctx.schedule.termDays, truncated: ctx.schedule.truncated)
        let halving = RunSummary.Halving(counts: r.halvingDayCounts, paths: r.count) { (ctx.schedule.asOf + $0).iso }
        var s = RunSummary(run: run, outcomes: r.columns, priceUSD: ctx.priceUSD, halving: halving, tranches: st.tranches,
                           leverage: st.leverage.map { RunSummary.Leverage($0, best: st.sweep.flatMap { LeverageSweep.best($0) }, spec: ctx.leverage,
                                                                           markFit: r.markFit) })
        if let c = ctx.curve, r.curveWidth == c.plan.recordWidth, r.curveWidth > 0 {
            s.curve = CurveOutputs.summary(r, c, priceUSD: ctx.priceUSD, antithetic: id.antithetic)
        }
        return s
    }

    /// Reductions of the structure records (nil where the deal or the result has none).
    public static func structureSummaries(_ r: PartialResult, _ ctx: Context) -> StructureSummaries {
        let tranches = ctx.structure.flatMap { s in r.waterfallWidth > 0 ? WaterfallSummary.reduce(spec: s, results: r.waterfall) : nil }
        let lev = ctx.leverage.flatMap { l in r.leverageWidth > 0 ? LeverageSummary.reduce(results: r.leverage, horizonDays: l.horizonDays) : nil }
        var sweep: [LeverageSweep.Row]? = nil
        if let l = ctx.leverage, let m = ctx.identity.sweepMaxLoops, r.sweepWidth > 0 {
            sweep = LeverageSweep.reduce(results: r.sweep, ltv: l.ltvInitial, maxLoops: m, horizonDays: l.horizonDays)
        }
        return (tranches, lev, sweep)
    }

    /// JSON text (sorted keys); a non-finite number anywhere becomes `null` (never NaN in an output).
    public static func json(_ o: Any) -> String {
        func clean(_ v: Any) -> Any {
            if type(of: v) == Double.self, let d = v as? Double { return d.isFinite ? d : NSNull() }
            if let a = v as? [Any] { return a.map(clean) }
            if let m = v as? [String: Any] { return m.mapValues(clean) }
            return v
        }
        let d = try! JSONSerialization.data(withJSONObject: clean(o), options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: d, as: UTF8.self) + "\n"
    }

    /// All output files (name → content), manifest.json excluded.
    public static func files(_ r: PartialResult, _ ctx: Context) -> [(String, String)] { render(r, ctx).files }

    /// Files, summary and sweep rows of a complete result (each reduction done once).
    /// `sensitivities`: the rows of `simulate --sensitivities` (summary.json `sensitivities`, `sensitivities.csv`).
    public static func render(_ r: PartialResult, _ ctx: Context, sensitivities: [SensitivityRow]? = nil) -> Rendered {
        let st = structureSummaries(r, ctx)
        var summaryObject = summary(r, ctx, st)
        summaryObject.sensitivities = sensitivities
        var f: [(String, String)] = []
        f.append(("summary.json", summaryObject.json()))
        f.append(("hashprice_quantiles.csv", dailyCSV(r.daily.hashpriceUSD, ctx)))
        f.append(("price_quantiles.csv", dailyCSV(r.daily.priceUSD, ctx)))
        f.append(("payout_quantiles.csv", dailyCSV(r.daily.payoutUSD, ctx)))
        f.append(("btc_cumulative_quantiles.csv", dailyCSV(r.daily.cumulativeBTC, ctx)))
        f.append(("pv_histogram.csv", histogram(r.pvUSD)))
        f.append(("irr_histogram.csv", histogram(r.irr)))
        if let t = st.tranches { f.append(("tranches.csv", StructureOutputs.tranchesCSV(t))) }
        if let l = st.leverage {
            f.append(("leverage_liquidation.csv", StructureOutputs.liquidationCSV(l, firstDay: ctx.firstTokenDay)))
            f.append(("leverage_returns.csv", l.returnsCSV))
            if !r.markFit.isEmpty { f.append(("leverage_mark.csv", StructureOutputs.markCSV(r.markFit, startDate: ctx.schedule.startDate))) }
        }
        if let rows = st.sweep { f.append(("leverage_sweep.csv", StructureOutputs.sweepCSV(rows))) }
        if let c = ctx.curve, r.curveWidth == c.plan.recordWidth, r.curveWidth > 0 {
            f += CurveOutputs.files(r, c, priceUSD: ctx.priceUSD, antithetic: ctx.identity.antithetic)
        }
        if let rows = sensitivities { f.append(("sensitivities.csv", SensitivityTable.csv(rows))) }
        if ctx.pathsCSV {
            var s = "path,pv_usd,btc_total,usd_total,irr,payback_day,days_curtailed,terminated\n"
            for i in 0..<r.count {
                s += "\(r.firstPath + i),\(num(r.pvUSD[i])),\(num(r.btcTotal[i])),\(num(r.usdTotal[i])),\(num(r.irr[i])),"
                s += "\(r.paybackDay[i] > 0 ? String(r.paybackDay[i]) : ""),\(r.daysCurtailed[i]),\(r.terminated[i] != 0 ? "true" : "false")\n"
            }
            f.append(("paths.csv", s))
        }
        return Rendered(files: f, summary: summaryObject, sweep: st.sweep)
    }
}
