import Domain
import Foundation
import Statistics

/// Everything about a run's forward curve that its outputs need, recorded in `shard.json` so a merge renders the same:
/// the plan (months, windows, hedge), where the curve came from, the forward-measure solve, the curve value, the token's
/// own hash rate per month and the hedge size as asked.
public struct CurveContext: Codable, Equatable, Sendable {
    public struct Outcome: Codable, Equatable, Sendable {
        public var pvUSD: Double, btcTotal: Double, usdTotal: Double, irr: Double?
        public var paybackDay: Int, daysCurtailed: Int, terminated: Bool
        public init(_ o: PathOutcome) {
            pvUSD = o.pvUSD; btcTotal = o.btcTotal; usdTotal = o.usdTotal; irr = o.irr.isFinite ? o.irr : nil
            paybackDay = o.paybackDay; daysCurtailed = o.daysCurtailed; terminated = o.terminated
        }
        enum CodingKeys: String, CodingKey {
            case irr, terminated
            case pvUSD = "pv_usd", btcTotal = "btc_total", usdTotal = "usd_total", paybackDay = "payback_day", daysCurtailed = "days_curtailed"
        }
    }
    public var plan: CurvePlan
    public var source: String
    public var forward: ForwardAdjustment?
    public var value: Outcome
    /// `CurvePlan.ownHashrate` (PH/s per token, per plan month).
    public var ownHashrate: [Double]
    /// BTC/USD on the as-of date (a BTC-settled hedge's initial margin in USD).
    public var initialPriceUSD: Double
    public init(plan: CurvePlan, source: String, forward: ForwardAdjustment?, value: PathOutcome, ownHashrate: [Double], initialPriceUSD: Double) {
        self.plan = plan; self.source = source; self.forward = forward; self.value = Outcome(value); self.ownHashrate = ownHashrate
        self.initialPriceUSD = initialPriceUSD
    }
    enum CodingKeys: String, CodingKey { case plan, source, forward, value, ownHashrate = "own_hashrate", initialPriceUSD = "initial_price_usd" }
}

/// The curve's outputs of a complete result: `curve_case.csv`, `curve_months.csv`, `hedge.csv`, `hedge_margin.csv` and the
/// `curve` part of summary.json (docs/outputs.md).
public enum CurveOutputs {
    /// One hedge strategy's hedged PVs (and IRRs when the engine priced it).
    public struct Strategy {
        public var name: String
        public var notional: [Double]
        public var pv: [Double]
        public var hedgePV: [Double]
        public var irr: [Double]?
    }

    /// Per-path values of one plan-month field, in path order.
    static func column(_ r: PartialResult, _ k: Int, _ f: CurvePlan.Field) -> [Double] {
        (0..<r.count).map { r.curve[$0 * r.curveWidth + CurvePlan.index(month: k, f)] }
    }

    /// PV per token of the hedge `notional` on every path (`CurvePlan.hedgePV`).
    public static func hedgePV(_ r: PartialResult, _ plan: CurvePlan, notional: [Double], settlement: HedgeSpec.Settlement) -> [Double] {
        r.curve.withUnsafeBufferPointer { b in
            (0..<r.count).map { plan.hedgePV(record: b.baseAddress! + $0 * r.curveWidth, notional: notional, settlement: settlement) }
        }
    }

    /// The constant-notional profile: `n` PH/s in every month the token earns in.
    public static func constant(_ n: Double, _ plan: CurvePlan) -> [Double] { plan.months.map { $0.hedgeDays > 0 ? n : 0 } }

    /// The variance- and CVaR95-optimal constant notionals on the result's paths (`HedgeRatio`), searched for the CVaR in
    /// `[0, 3·max(own, N_var)]`.
    public static func optimalRatios(_ r: PartialResult, _ plan: CurvePlan, settlement: HedgeSpec.Settlement, own: Double,
                                     antithetic: Bool) -> (variance: (ratio: Double, stderr: Double)?, cvar: Double) {
        let unit = hedgePV(r, plan, notional: constant(1, plan), settlement: settlement)
        let v = HedgeRatio.varianceMinimizing(position: r.pvUSD, perUnit: unit, antithetic: antithetic)
        let upper = 3 * max(own, v?.ratio ?? 0, 1e-12)
        return (v, HedgeRatio.tailMeanMaximizing(position: r.pvUSD, perUnit: unit, upper: upper).ratio)
    }

    /// The mean of a per-month vector over the months the token earns in.
    public static func meanOverHedged(_ v: [Double], _ plan: CurvePlan) -> Double {
        let ks = plan.hedgedMonths
        return ks.isEmpty ? 0 : ks.reduce(0) { $0 + v[$1] } / Double(ks.count)
    }

    /// The strategies of `hedge.csv`: unhedged, the run's hedge (with the engine's IRRs), the token's own hash rate, and the
    /// variance- and CVaR-optimal constants (those three at PV level, on the same paths).
    public static func strategies(_ r: PartialResult, _ c: CurveContext, antithetic: Bool) -> [Strategy] {
        guard let h = c.plan.hedge else { return [] }
        let own = meanOverHedged(c.ownHashrate, c.plan)
        let opt = optimalRatios(r, c.plan, settlement: h.settlement, own: own, antithetic: antithetic)
        let irrIndex = c.plan.index(.irr)
        let runIRR = (0..<r.count).map { r.curve[$0 * r.curveWidth + irrIndex] }
        func strategy(_ name: String, _ notional: [Double], irr: [Double]? = nil) -> Strategy {
            let hp = hedgePV(r, c.plan, notional: notional, settlement: h.settlement)
            return Strategy(name: name, notional: notional, pv: zip(r.pvUSD, hp).map(+), hedgePV: hp, irr: irr)
        }
        var out = [Strategy(name: "unhedged", notional: c.plan.months.map { _ in 0 }, pv: r.pvUSD, hedgePV: r.pvUSD.map { _ in 0 }, irr: r.irr),
                   strategy("hedged (\(h.label))", h.notional, irr: runIRR)]
        out.append(strategy("own", c.ownHashrate.enumerated().map { c.plan.months[$0.offset].hedgeDays > 0 ? $0.element : 0 }))
        if let v = opt.variance { out.append(strategy("var", constant(max(v.ratio, 0), c.plan))) }
        out.append(strategy("cvar", constant(opt.cvar, c.plan)))
        return out
    }

    // MARK: summary.json

    public static func summary(_ r: PartialResult, _ c: CurveContext, priceUSD: Double, antithetic: Bool) -> CurveSummary {
        let plan = c.plan
        let info = CurveSummary.Curve(quoteDate: plan.curve.quoteDate.iso, unit: plan.curve.unit.rawValue, source: c.source,
                                      months: plan.curve.months.map(\.iso), levels: plan.curve.levels.map { Finite($0) })
        let v = c.value
        let value = CurveSummary.Value(rule: CurveValue.rule, pvUSD: v.pvUSD, usdTotal: v.usdTotal, btcTotal: v.btcTotal, irr: v.irr ?? .nan,
                                       paybackDay: v.paybackDay, daysCurtailed: v.daysCurtailed, terminated: v.terminated)
        var forward: CurveSummary.Forward? = nil
        if let f = c.forward {
            let months: [CurveSummary.Forward.Month] = plan.months.enumerated().map { k, m in
                let (mean, se) = Moments.meanStderr(column(r, k, .meanUSD), antithetic: antithetic)
                let j = f.months.firstIndex(of: m.month)
                return .init(month: m.month.iso, level: m.level, thetaPerDay: j.map { f.theta[$0] } ?? f.shift(step: m.first),
                             pilotMean: j.map { f.pilotMeans[$0] } ?? .nan, simulatedMean: mean, simulatedMeanStderr: se)
            }
            forward = .init(method: "per-month additive shift of the log-price drift, solved by Newton iterations (feedback-free Jacobian) "
                            + "on the run's first \(f.pilotPaths) paths (common random numbers)", beyond: f.beyond.summary,
                            pilotPaths: f.pilotPaths, iterations: f.iterations, maxLogErrorPilot: f.maxLogError, months: months)
        }
        var hedge: CurveSummary.Hedge? = nil
        if let h = plan.hedge {
            let s = strategies(r, c, antithetic: antithetic)
            let own = meanOverHedged(c.ownHashrate, plan)
            let unhedgedVar = Moments.sd(r.pvUSD) * Moments.sd(r.pvUSD)
            func ratio(_ name: String, stderr: Double?) -> CurveSummary.Hedge.Ratio? {
                guard let st = s.first(where: { $0.name == name }) else { return nil }
                let n = meanOverHedged(st.notional, plan), sd = Moments.sd(st.pv)
                return .init(phs: n, stderr: stderr, ratioToOwn: own > 0 ? n / own : .nan, varianceRatio: unhedgedVar > 0 ? sd * sd / unhedgedVar : .nan,
                             pvTailMean5pct: HedgeRatio.tailMean(st.pv))
            }
            let opt = optimalRatios(r, plan, settlement: h.settlement, own: own, antithetic: antithetic)
            let chosen = s[1]
            func field(_ f: CurvePlan.HedgeField) -> [Double] { (0..<r.count).map { r.curve[$0 * r.curveWidth + plan.index(f)] } }
            let im = h.initialMargin * plan.notionalAtInception(h.notional, settlement: h.settlement) * (h.settlement == .btc ? c.initialPriceUSD : 1)
            hedge = .init(size: h.label, settlement: h.settlement.rawValue, monthsHedged: plan.hedgedMonths.filter { h.notional[$0] > 0 }.count,
                          notionalPHsMean: meanOverHedged(h.notional, plan), ownPHsMean: own, pv: chosen.pv, unhedgedPV: r.pvUSD,
                          hedgePV: chosen.hedgePV, irr: chosen.irr ?? [], priceUSD: priceUSD, antithetic: antithetic,
                          varianceMinimizing: ratio("var", stderr: opt.variance?.stderr), cvarMinimizing: ratio("cvar", stderr: nil),
                          initialMarginShare: h.initialMargin, initialMarginUSD: im, peakMargin: field(.peakMargin),
                          maxDailyCall: field(.maxDailyCall), peakMarginDay: field(.peakMarginDay))
        }
        return CurveSummary(curve: info, value: value, forward: forward, hedge: hedge)
    }

    // MARK: CSV files

    static func num(_ x: Double?) -> String { x.map { $0.isFinite ? $0.description : "" } ?? "" }

    /// `curve_case.csv`: the token on the curve path (one row), as a row of `paths.csv`.
    public static func curveCaseCSV(_ c: CurveContext) -> String {
        let v = c.value
        return "case,quote_date,pv_usd,btc_total,usd_total,irr,payback_day,days_curtailed,terminated\n"
            + "curve,\(c.plan.curve.quoteDate.iso),\(num(v.pvUSD)),\(num(v.btcTotal)),\(num(v.usdTotal)),\(num(v.irr)),"
            + "\(v.paybackDay > 0 ? String(v.paybackDay) : ""),\(v.daysCurtailed),\(v.terminated)\n"
    }

    /// `curve_months.csv`: each curve month on the simulated days: its window, the curve level, the simulated mean of the
    /// month's mean hashprice (all paths) with its standard error, the forward shift, the token's own PH/s and the hedge.
    public static func monthsCSV(_ r: PartialResult, _ c: CurveContext, antithetic: Bool) -> String {
        let plan = c.plan
        var out = "month,first_date,last_date,days,token_days,level_usd_ph_day,level_btc_ph_day,simulated_mean_usd_ph_day,"
            + "simulated_mean_stderr,relative_error,theta_per_day,own_ph_s,hedge_ph_s,hedge_settlement_per_ph_s_mean\n"
        for (k, m) in plan.months.enumerated() {
            let (mean, se) = Moments.meanStderr(column(r, k, .meanUSD), antithetic: antithetic)
            var settle: Double? = nil
            if let h = plan.hedge, m.hedgeDays > 0 {
                settle = r.curve.withUnsafeBufferPointer { b in
                    Moments.mean((0..<r.count).map { plan.settlementPerUnit(month: k, record: b.baseAddress! + $0 * r.curveWidth, settlement: h.settlement) })
                }
            }
            out += "\(m.month.iso),\((plan.asOf + m.first + 1).iso),\((plan.asOf + m.last + 1).iso),\(m.days),\(m.hedgeDays),"
            out += "\(num(m.level)),\(num(m.btcLevel)),\(num(mean)),\(num(se)),\(num(mean / m.level - 1)),"
            out += "\(num(c.forward.map { $0.shift(step: m.first) })),\(num(c.ownHashrate[k])),\(num(plan.hedge?.notional[k])),\(num(settle))\n"
        }
        return out
    }

    /// `hedge.csv`: one row per strategy (unhedged, the run's hedge, own, var, cvar) with its PV distribution, its
    /// variance against the unhedged PV's, the mean of its worst 5 % of PVs, P(PV < price), the hedge's own PV and,
    /// for the unhedged token and the run's hedge (priced by the engine), the IRR quantiles.
    public static func hedgeCSV(_ r: PartialResult, _ c: CurveContext, priceUSD: Double, antithetic: Bool) -> String {
        let s = strategies(r, c, antithetic: antithetic)
        let own = meanOverHedged(c.ownHashrate, c.plan)
        let unhedgedVar = Moments.sd(r.pvUSD) * Moments.sd(r.pvUSD)
        var out = "strategy,ph_s_mean,ratio_to_own,pv_usd_mean,pv_usd_stderr,pv_usd_sd,variance_ratio,"
            + Quantiles.levels.map { "pv_usd_" + $0.name }.joined(separator: ",")
            + ",pv_usd_tail_mean_5pct,prob_pv_below_price,hedge_pv_usd_mean," + Quantiles.band.map { "irr_" + $0.name }.joined(separator: ",") + "\n"
        for st in s {
            let n = meanOverHedged(st.notional, c.plan)
            let (m, se) = Moments.meanStderr(st.pv, antithetic: antithetic)
            let sd = Moments.sd(st.pv)
            let q = QuantileSet(sample: st.pv)
            out += "\(st.name),\(num(n)),\(num(own > 0 ? n / own : nil)),\(num(m)),\(num(se)),\(num(sd)),\(num(unhedgedVar > 0 ? sd * sd / unhedgedVar : nil)),"
            out += q.values.map(num).joined(separator: ",") + ","
            out += "\(num(HedgeRatio.tailMean(st.pv))),\(num(Double(st.pv.filter { $0 < priceUSD }.count) / Double(max(st.pv.count, 1)))),"
            out += "\(num(Moments.mean(st.hedgePV))),"
            if let irr = st.irr {
                let f = irr.filter { $0.isFinite }.sorted()
                out += Quantiles.band.map { num(Quantiles.of(sorted: f, $0.p)) }.joined(separator: ",")
            } else { out += Quantiles.band.map { _ in "" }.joined(separator: ",") }
            out += "\n"
        }
        return out
    }

    /// `hedge_margin.csv`: the run's hedge's margin (USD per token): the initial margin, then the distribution over paths
    /// of the peak margin requirement, its share of the token's price, the largest one-day call and the day of the peak.
    public static func marginCSV(_ r: PartialResult, _ c: CurveContext, priceUSD: Double) -> String {
        guard let h = c.plan.hedge else { return "" }
        func field(_ f: CurvePlan.HedgeField) -> [Double] { (0..<r.count).map { r.curve[$0 * r.curveWidth + c.plan.index(f)] }.sorted() }
        let peak = field(.peakMargin), call = field(.maxDailyCall), day = field(.peakMarginDay)
        let im = h.initialMargin * c.plan.notionalAtInception(h.notional, settlement: h.settlement) * (h.settlement == .btc ? c.initialPriceUSD : 1)
        var out = "level,peak_margin_usd,peak_margin_share_of_price,max_daily_call_usd,peak_margin_day\n"
        out += "initial,\(num(im)),\(num(priceUSD > 0 ? im / priceUSD : nil)),,0\n"
        out += "mean,\(num(Moments.mean(peak))),\(num(priceUSD > 0 ? Moments.mean(peak) / priceUSD : nil)),\(num(Moments.mean(call))),\(num(Moments.mean(day)))\n"
        for l in Quantiles.levels {
            let p = Quantiles.of(sorted: peak, l.p)
            out += "\(l.name),\(num(p)),\(num(priceUSD > 0 ? p.map { $0 / priceUSD } : nil)),\(num(Quantiles.of(sorted: call, l.p))),\(num(Quantiles.of(sorted: day, l.p)))\n"
        }
        return out
    }

    /// The curve's files of a complete result.
    public static func files(_ r: PartialResult, _ c: CurveContext, priceUSD: Double, antithetic: Bool) -> [(String, String)] {
        var f = [("curve_case.csv", curveCaseCSV(c)), ("curve_months.csv", monthsCSV(r, c, antithetic: antithetic))]
        if c.plan.hedge != nil {
            f.append(("hedge.csv", hedgeCSV(r, c, priceUSD: priceUSD, antithetic: antithetic)))
            f.append(("hedge_margin.csv", marginCSV(r, c, priceUSD: priceUSD)))
        }
        return f
    }
}
