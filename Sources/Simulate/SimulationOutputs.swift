import Domain
import Foundation
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
        public init(dealName: String, identity: RunIdentity, schedule: DealSchedule, priceUSD: Double, pathsCSV: Bool,
                    structure: StructureSpec? = nil, leverage: LeverageSpec? = nil) {
            self.dealName = dealName; self.identity = identity; self.schedule = schedule; self.priceUSD = priceUSD; self.pathsCSV = pathsCSV
            self.structure = structure; self.leverage = leverage
        }
        /// Token day 1 (the date of the first leverage/waterfall day).
        var firstTokenDay: Day { schedule.asOf + schedule.offset + 1 }
    }

    static let qKeys: [(String, Double)] = [("p01", 0.01), ("p05", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95), ("p99", 0.99)]

    /// Quantile of sorted values, linear interpolation between order statistics (type 7).
    public static func quantile(sorted v: [Double], _ q: Double) -> Double? {
        guard !v.isEmpty else { return nil }
        let h = Double(v.count - 1) * q, lo = Int(h.rounded(.down)), hi = min(lo + 1, v.count - 1)
        return v[lo] + (h - Double(lo)) * (v[hi] - v[lo])
    }

    static func qObject(_ v: [Double]) -> [String: Any] {
        let s = v.sorted()
        var o: [String: Any] = [:]
        for (k, q) in qKeys { o[k] = quantile(sorted: s, q).map { $0 as Any } ?? NSNull() }
        return o
    }

    static func num(_ x: Double) -> String { x.isFinite ? x.description : "" }

    /// Mean and standard error; with antithetic pairs the error uses pair averages (the estimator's actual variance).
    public static func meanStderr(_ v: [Double], antithetic: Bool) -> (Double, Double) {
        let n = v.count
        guard n > 0 else { return (0, 0) }
        var sum = 0.0
        for x in v { sum += x }
        let mean = sum / Double(n)
        var units: [Double] = []
        if antithetic && n >= 4 {
            var i = 0
            while i + 1 < n { units.append((v[i] + v[i + 1]) / 2); i += 2 }
            if i < n { units.append(v[i]) }
        } else { units = v }
        let m = units.count
        guard m > 1 else { return (mean, 0) }
        var um = 0.0
        for u in units { um += u }
        um /= Double(m)
        var ss = 0.0
        for u in units { ss += (u - um) * (u - um) }
        return (mean, (ss / Double(m - 1) / Double(m)).squareRoot())
    }

    static func histogram(_ v: [Double]) -> String {
        var out = "bin_low,bin_high,count\n"
        let s = v.filter { $0.isFinite }.sorted()
        guard let lo = quantile(sorted: s, 0.005), let hi = quantile(sorted: s, 0.995) else { return out }
        let nb = 40
        let width = hi > lo ? (hi - lo) / Double(nb) : 1
        var c = [Int](repeating: 0, count: nb)
        for x in s { c[max(0, min(nb - 1, Int(((x - lo) / width).rounded(.down))))] += 1 }
        for i in 0..<nb { out += "\((lo + Double(i) * width).description),\((lo + Double(i + 1) * width).description),\(c[i])\n" }
        return out
    }

    static func dailyCSV(_ h: DayHistograms, _ ctx: Context) -> String {
        var out = "day,date,p05,p25,p50,p75,p95\n"
        for d in 0..<h.days {
            out += "\(d + 1),\((ctx.schedule.asOf + d + 1).iso)"
            for q in [0.05, 0.25, 0.5, 0.75, 0.95] { out += "," + num(h.quantile(day: d, q)) }
            out += "\n"
        }
        return out
    }

    /// Everything a run writes, computed once: the files (manifest.json excluded), the summary object (for the human
    /// summary line) and the leverage sweep rows (for its table).
    public struct Rendered {
        public var files: [(String, String)]
        public var summary: [String: Any]
        public var sweep: [LeverageSweep.Row]?
    }

    /// The structure reductions of a result (nil where the deal or the result has none).
    public typealias StructureSummaries = (tranches: [TrancheSummary]?, leverage: LeverageSummary?, sweep: [LeverageSweep.Row]?)

    /// The summary object (also used by the human summary line).
    public static func summary(_ r: PartialResult, _ ctx: Context) -> [String: Any] {
        summary(r, ctx, structureSummaries(r, ctx))
    }

    static func summary(_ r: PartialResult, _ ctx: Context, _ st: StructureSummaries) -> [String: Any] {
        let id = ctx.identity
        let (pvMean, pvErr) = meanStderr(r.pvUSD, antithetic: id.antithetic)
        let n = Double(max(r.count, 1))
        func mean(_ v: [Double]) -> Double { var s = 0.0; for x in v { s += x }; return s / n }
        let irrs = r.irr.filter { $0.isFinite }
        var loss = 0, payback = 0, term = 0, curtailed = 0.0
        for i in 0..<r.count {
            if r.pvUSD[i] < ctx.priceUSD { loss += 1 }
            if r.paybackDay[i] > 0 { payback += 1 }
            if r.terminated[i] != 0 { term += 1 }
            curtailed += Double(r.daysCurtailed[i])
        }
        let paybackDays = r.paybackDay.filter { $0 > 0 }.map(Double.init)
        var o: [String: Any] = [
            "pv_usd_mean": pvMean, "pv_usd_stderr": pvErr, "pv_usd_quantiles": qObject(r.pvUSD),
            "btc_total_mean": mean(r.btcTotal), "btc_total_quantiles": qObject(r.btcTotal),
            "usd_total_mean": mean(r.usdTotal), "irr_quantiles": qObject(irrs),
            "prob_loss": Double(loss) / n, "prob_payback": Double(payback) / n, "prob_terminated": Double(term) / n,
            "payback_day_quantiles": qObject(paybackDays), "days_curtailed_mean": curtailed / n,
            "paths": r.count, "seed": NSNumber(value: id.seed), "deal": ctx.dealName, "model": id.model, "measure": id.measure,
            "antithetic": id.antithetic, "horizon_days": id.horizonDays, "as_of": ctx.schedule.asOf.iso,
            "start_date": ctx.schedule.startDate.iso,
        ]
        o["irr_paths_missing"] = r.count - irrs.count
        o["halving"] = halvingJSON(r, ctx)
        if let t = st.tranches { o["tranches"] = StructureOutputs.tranchesJSON(t) }
        if let l = st.leverage { o["leverage"] = StructureOutputs.leverageJSON(l, best: st.sweep.flatMap { LeverageSweep.best($0) }) }
        return o
    }

    /// The next halving as simulated (`halving` in summary.json): the share of paths that reach it within the horizon and,
    /// among those, quantiles of its day (1-based, as in the daily CSVs) and date. From the exact per-day counts, so
    /// shards merge to the same numbers.
    static func halvingJSON(_ r: PartialResult, _ ctx: Context) -> [String: Any] {
        let c = r.halvingDayCounts
        let total = c.reduce(0) { $0 + Int($1) }
        var o: [String: Any] = ["prob_within_horizon": Double(total) / Double(max(r.count, 1))]
        guard total > 0 else { return o }
        for (k, q) in [("p05", 0.05), ("p50", 0.5), ("p95", 0.95)] {
            // Smallest day with at least q of the crossing paths on or before it.
            var cum = 0, day = c.count - 1
            for t in c.indices { cum += Int(c[t]); if Double(cum) >= q * Double(total) { day = t; break } }
            o["day_\(k)"] = day + 1
            o["date_\(k)"] = (ctx.schedule.asOf + day + 1).iso
        }
        return o
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
    public static func render(_ r: PartialResult, _ ctx: Context) -> Rendered {
        let st = structureSummaries(r, ctx)
        let summaryObject = summary(r, ctx, st)
        var f: [(String, String)] = []
        f.append(("summary.json", json(summaryObject)))
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
        }
        if let rows = st.sweep { f.append(("leverage_sweep.csv", StructureOutputs.sweepCSV(rows))) }
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
