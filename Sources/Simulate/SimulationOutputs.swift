import Domain
import FileIO
import Foundation
import Results
import Statistics
import Structures

/// Renders a complete `PartialResult` (all paths of a run) into the files of docs/outputs.md (manifest aside).
/// Pure function of the result and the run description, so a merge of shards writes the same bytes as a single run.
/// Every file goes through the one JSON writer (`JSONText`) and the one CSV writer (`CSVText`).
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
        /// The flat-hashprice base case (`base_case.csv`, `summary.json` `base_case`).
        public var baseCase: BaseCase?
        /// The deal's terms (`deal.json`, the report's "Terms" table); nil for a stress scenario's context.
        public var terms: DealTerms?
        public init(dealName: String, identity: RunIdentity, schedule: DealSchedule, priceUSD: Double, pathsCSV: Bool,
                    structure: StructureSpec? = nil, leverage: LeverageSpec? = nil, curve: CurveContext? = nil, baseCase: BaseCase? = nil) {
            self.dealName = dealName; self.identity = identity; self.schedule = schedule; self.priceUSD = priceUSD; self.pathsCSV = pathsCSV
            self.structure = structure; self.leverage = leverage; self.curve = curve; self.baseCase = baseCase
        }
        /// The context of a simulation of `deal` from `state` (a single run and a merge of its shards build the same one).
        public init(deal: Deal, identity: RunIdentity, schedule: DealSchedule, state: InitialState, pathsCSV: Bool, curve: CurveContext?) {
            self.init(dealName: deal.name, identity: identity, schedule: schedule, priceUSD: deal.token.priceUSD, pathsCSV: pathsCSV,
                      structure: deal.structure, leverage: deal.leverage, curve: curve, baseCase: BaseCase(deal: deal, schedule: schedule, state: state))
            terms = DealTerms(deal: deal)
        }
        /// Token day 1 (the date of the first leverage/waterfall day).
        var firstTokenDay: Day { schedule.asOf + schedule.offset + 1 }
    }

    /// `pv_histogram.csv` / `irr_histogram.csv` (`SampleHistogram`, 40 bins).
    static func histogram(_ v: [Double]) -> String {
        var t = CSVText(header: ["bin_low", "bin_high", "count"])
        for b in SampleHistogram(sample: v).bins { t.append([.number(b.low), .number(b.high), .integer(b.count)]) }
        return t.text
    }

    static func dailyCSV(_ h: DayHistograms, _ ctx: Context) -> String {
        var t = CSVText(header: ["day", "date"] + Quantiles.band.map(\.name))
        for d in 0..<h.days {
            t.append([.integer(d + 1), .text((ctx.schedule.asOf + d + 1).iso)] + Quantiles.band.map { .number(h.quantile(day: d, $0.p)) })
        }
        return t.text
    }

    /// `paths.csv` (`--paths-csv`): one row per path.
    static func pathsCSV(_ r: PartialResult) -> String {
        var t = CSVText(header: ["path", "pv_usd", "btc_total", "usd_total", "irr", "payback_day", "days_curtailed", "terminated"])
        for i in 0..<r.count {
            t.append([.integer(r.firstPath + i), .number(r.pvUSD[i]), .number(r.btcTotal[i]), .number(r.usdTotal[i]), .number(r.irr[i]),
                      r.paybackDay[i] > 0 ? .integer(Int(r.paybackDay[i])) : .empty, .integer(Int(r.daysCurtailed[i])), .flag(r.terminated[i] != 0)])
        }
        return t.text
    }

    /// Everything a run writes, computed once: the files (manifest.json excluded), the summary object (for the human
    /// summary line) and the leverage sweep rows (for its table).
    public struct Rendered {
        public var files: [OutputFile]
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
                           leverage: st.leverage.map { leverageSummary($0, best: st.sweep.flatMap { LeverageSweep.best($0) }, spec: ctx.leverage,
                                                       markFit: r.markFit) })
        if let c = ctx.curve, r.curveWidth == c.plan.recordWidth, r.curveWidth > 0 {
            s.curve = CurveOutputs.summary(r, c, priceUSD: ctx.priceUSD, antithetic: id.antithetic)
        }
        s.baseCase = ctx.baseCase?.summary
        return s
    }

    /// The `leverage` object of `summary.json`: the reduced leverage results and the sweep's best row (when a sweep ran).
    /// The `leverage` object of `summary.json`: the reduced leverage results, the sweep's best row (when a sweep ran) and
    /// the collateral mark (`spec.mark`, its opening value and, for the model mark, its fit by 30-day bucket).
    static func leverageSummary(_ s: LeverageSummary, best b: LeverageSweep.Row?, spec: LeverageSpec? = nil,
                                markFit: [MarkFitRow] = []) -> RunSummary.Leverage {
        var mark: RunSummary.Leverage.Mark? = nil
        if let spec {
            var pilot: Int? = nil
            if case let .model(p) = spec.mark { pilot = p }
            mark = .init(method: spec.mark.name, pilotPaths: pilot, day0USD: s.meanInitialEquity,
                         day0StderrUSD: markFit.first.map(\.stderrMean), fit: markBuckets(markFit))
        }
        return RunSummary.Leverage(probLiquidation: s.probLiquidation, probBadDebt: s.probBadDebt, badDebtMeanFraction: s.meanBadDebtFraction,
                                   levered: s.levered, unlevered: s.unlevered,
                                   best: b.map { RunSummary.Leverage.Best(leverage: $0.leverage, loops: $0.loops, ltv: $0.ltv) }, mark: mark)
    }

    /// Means of the mark's fit rows by bucket of `width` token days (day 0 in the first bucket: 0…width, then width+1…2·width, …).
    static func markBuckets(_ rows: [MarkFitRow], width: Int = 30) -> [RunSummary.Leverage.Mark.Bucket] {
        var out: [RunSummary.Leverage.Mark.Bucket] = []
        var k = 0
        while k < rows.count {
            let b = max(0, (rows[k].day - 1) / width)
            var group: [MarkFitRow] = []
            while k < rows.count && max(0, (rows[k].day - 1) / width) == b { group.append(rows[k]); k += 1 }
            func mean(_ f: (MarkFitRow) -> Double) -> Double {
                let v = group.map(f).filter { $0.isFinite }
                return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
            }
            out.append(.init(fromDay: group.first!.day, toDay: group.last!.day, r2: mean(\.r2), r2CV: mean(\.r2CV), rmseCV: mean(\.rmseCV)))
        }
        return out
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

    /// Files, summary and sweep rows of a complete result (each reduction done once).
    /// `sensitivities`: the rows of `simulate --sensitivities` (summary.json `sensitivities`, `sensitivities.csv`).
    public static func render(_ r: PartialResult, _ ctx: Context, sensitivities: [SensitivityRow]? = nil) throws -> Rendered {
        let st = structureSummaries(r, ctx)
        var summaryObject = summary(r, ctx, st)
        summaryObject.sensitivities = sensitivities
        var f: [OutputFile] = [OutputFile("summary.json", try JSONText.encode(summaryObject))]
        f.append(OutputFile("hashprice_quantiles.csv", dailyCSV(r.daily.hashpriceUSD, ctx)))
        f.append(OutputFile("price_quantiles.csv", dailyCSV(r.daily.priceUSD, ctx)))
        f.append(OutputFile("payout_quantiles.csv", dailyCSV(r.daily.payoutUSD, ctx)))
        f.append(OutputFile("btc_cumulative_quantiles.csv", dailyCSV(r.daily.cumulativeBTC, ctx)))
        f.append(OutputFile("pv_histogram.csv", histogram(r.pvUSD)))
        f.append(OutputFile("irr_histogram.csv", histogram(r.irr)))
        if let t = st.tranches { f.append(OutputFile("tranches.csv", StructureOutputs.tranchesCSV(t))) }
        if let l = st.leverage {
            f.append(OutputFile("leverage_liquidation.csv", StructureOutputs.liquidationCSV(l, firstDay: ctx.firstTokenDay)))
            f.append(OutputFile("leverage_returns.csv", StructureOutputs.returnsCSV(l)))
            if !r.markFit.isEmpty { f.append(OutputFile("leverage_mark.csv", StructureOutputs.markCSV(r.markFit, startDate: ctx.schedule.startDate))) }
        }
        if let rows = st.sweep { f.append(OutputFile("leverage_sweep.csv", StructureOutputs.sweepCSV(rows))) }
        if let c = ctx.curve, r.curveWidth == c.plan.recordWidth, r.curveWidth > 0 {
            f += CurveOutputs.files(r, c, priceUSD: ctx.priceUSD, antithetic: ctx.identity.antithetic).map { OutputFile($0.0, $0.1) }
        }
        if let rows = sensitivities { f.append(OutputFile("sensitivities.csv", SensitivityTable.csv(rows))) }
        if let b = ctx.baseCase { f.append(OutputFile("base_case.csv", b.csv)) }
        if ctx.pathsCSV { f.append(OutputFile("paths.csv", pathsCSV(r))) }
        if let t = ctx.terms { f.append(OutputFile("deal.json", try JSONText.encode(t))) }
        return Rendered(files: f, summary: summaryObject, sweep: st.sweep)
    }

    /// The manifest's `parameters` of a simulate or stress run (the drift statement from the calibration when at hand).
    public static func parameters(_ s: SimulationSettings, identity: RunIdentity, schedule: DealSchedule, calibration: Calibration?) -> SimulationParameters {
        let law = calibration.flatMap { try? ModelProcess(calibration: $0, settings: s) }
        return SimulationParameters(paths: s.paths, seed: s.seed, model: s.model.rawValue, measure: s.measure.rawValue, rate: s.rate,
                                    drift: s.drift.description, driftStatement: law?.price.driftStatement,
                                    driftPrior: .init(meanPerYear: s.driftPrior.meanPerYear, sdPerYear: s.driftPrior.sdPerYear),
                                    parameterUncertainty: s.parameterUncertainty, antithetic: s.antithetic, poissonBlocks: s.poissonBlocks,
                                    horizonDays: identity.horizonDays, blockSize: s.blockSize, termDays: schedule.termDays,
                                    truncated: schedule.truncated, dealSHA256: identity.dealSHA256, calibrationSHA256: identity.calibrationSHA256,
                                    scenariosSHA256: identity.scenariosSHA256, sweepMaxLoops: identity.sweepMaxLoops)
    }

    /// The terminal summary (plus the leverage sweep table when there is one). `seconds`: nil for a merge.
    public static func summaryLine(_ r: Rendered, priceUSD: Double, seconds: Double?) -> String {
        let s = r.summary
        func f(_ x: Double?) -> String { x.flatMap { $0.isFinite ? String(format: "%.4g", $0) : nil } ?? "n/a" }
        return """
        \(s.run.deal): \(s.paths) paths, \(s.run.model) / \(s.run.measure), \(s.run.horizonDays) days from the as-of \(s.run.asOf)\(s.run.startDate == s.run.asOf ? "" : " (token from \(s.run.startDate))")\(s.run.truncated ? " — TRUNCATED: the deal's term is \(s.run.termDays) days" : "")
          PV/token USD mean \(f(s.pvMean)) ± \(f(s.pvStderr)) (p05 \(f(s.pvQuantiles["p05"])), p50 \(f(s.pvQuantiles["p50"])), p95 \(f(s.pvQuantiles["p95"]))) vs price \(priceUSD)
          BTC/token mean \(f(s.btcMean)), IRR p50 \(f(s.irrQuantiles["p50"])), P(loss) \(f(s.probLoss)), P(PV < price) \(f(s.probPVBelowPrice)), P(payback) \(f(s.probPayback)), P(terminated) \(f(s.probTerminated))
          \(seconds.map { String(format: "simulated in %.2f s", $0) } ?? "merged from shards")
        """ + (s.curve.map { "\n" + curveLines($0) } ?? "") + (r.sweep.map { "\n" + LeverageSweepText.table($0) } ?? "")
    }

    /// The curve, forward and hedge lines of the terminal summary.
    static func curveLines(_ c: CurveSummary) -> String {
        func f(_ x: Finite?) -> String { x.flatMap { $0.value.isFinite ? String(format: "%.4g", $0.value) : nil } ?? "n/a" }
        var t = "  curve \(c.curve.quoteDate) (\(c.curve.unit.uppercased()), \(c.curve.months.first ?? "")…\(c.curve.months.last ?? ""), \(c.curve.source))"
        if let v = c.value { t += ": curve value PV \(f(v.pvUSD)), USD paid \(f(v.usdTotal)), IRR \(f(v.irr))" }
        if let fw = c.forward {
            let worst = fw.months.map { abs($0.relativeError.value) }.max() ?? 0
            t += "\n  forward measure: drift shifted per month on \(fw.pilotPaths) pilot paths (\(fw.iterations) iterations); simulated monthly "
                + "mean hashprice vs curve: largest relative difference \(String(format: "%.3g", worst)); \(fw.beyond)"
        }
        if let h = c.hedge {
            t += "\n  hedge \(h.size), \(h.settlement.uppercased())-settled NDFs, \(f(h.notionalPHsMean)) PH/s per token (\(f(h.ratioToOwn))× own): "
                + "PV mean \(f(h.pvMean)) ± \(f(h.pvStderr)), sd \(f(h.pvSD)) vs \(f(h.unhedgedPVSD)) unhedged (variance ×\(f(h.varianceRatio))), "
                + "worst-5 % mean \(f(h.pvTailMean5pct)) vs \(f(h.unhedgedPVTailMean5pct)), IRR p50 \(f(Finite(h.irrQuantiles["p50"] ?? .nan)))"
            if let v = h.varianceMinimizing { t += "\n    variance-minimizing \(f(v.phs)) ± \(f(v.stderr)) PH/s (\(f(v.ratioToOwn))× own, variance ×\(f(v.varianceRatio)))" }
            if let v = h.cvarMinimizing { t += "; CVaR95-minimizing \(f(v.phs)) PH/s (worst-5 % mean \(f(v.pvTailMean5pct)))" }
            t += "\n    margin: initial \(f(h.initialMarginUSD)) (\(f(h.initialMarginShare)) of notional), peak p50 \(f(Finite(h.peakMarginQuantiles["p50"] ?? .nan))), "
                + "p95 \(f(Finite(h.peakMarginQuantiles["p95"] ?? .nan))), p99 \(f(Finite(h.peakMarginQuantiles["p99"] ?? .nan))) USD per token"
        }
        return t
    }

}
