import Charts
import Foundation
import Results
import Statistics

extension RunReport {
    /// The deal's terms (`deal.json`), one row per term, named so that `Format.unit(of:)` reads its unit: the token, the
    /// fleet, operations and fees, the payout rule, curtailment, the structure's tranches and the staking leverage.
    static func terms(_ t: DealTerms) -> [[String]] {
        var rows: [[String]] = [
            ["price_usd", text(t.priceUSD)], ["tokens", String(t.tokens)], ["hashrate_th_per_token", text(t.hashrateTHPerToken)],
            ["term_days", String(t.termDays)], ["start", t.start == "as_of" ? "at the as-of date" : t.start],
            ["fleet_hashrate_ph", text(t.fleetHashrateTH / 1000)], ["efficiency_j_th", text(t.efficiencyJTH)],
        ]
        if let m = t.minerModel { rows.append(["miner_model", m]) }
        if let p = t.minerProfile { rows.append(["miner_profile", p]) }
        rows += [["degradation_per_year", text(t.degradationPerYear)], ["power_usd_per_kwh", text(t.powerUSDPerKWh)], ["uptime", text(t.uptime)],
                 ["pool_fee", text(t.poolFee)], ["management_fee", text(t.managementFee)], ["hosting_usd_per_th_day", text(t.hostingUSDPerTHDay)],
                 ["payout_rule", t.deficit == "floor_zero" ? "floor_zero (a deficit day pays 0)" : "carry_forward (deficits netted from later payouts)"],
                 ["curtailment", t.curtailment == "economic" ? "economic (off on unprofitable days)" : "never"]]
        if let n = t.terminateAfterDeficitDays { rows.append(["terminate_after_deficit_days", String(n)]) }
        rows.append(["discount_rate", text(t.discountRate)])
        if let s = t.structure {
            rows.append(["structure", "waterfall, \(s.tranches.count) tranches, \(s.periodDays)-day periods"])
            if let p = s.poolTokens { rows.append(["pool_tokens", String(p)]) }
            for tr in s.tranches {
                rows.append(["tranche_\(tr.name)", tr.equity ? "equity (residual)" : "\(tr.amortization) amortization, interest in \(tr.interestCurrency.uppercased())"])
                rows.append(["tranche_\(tr.name)_balance_usd", text(tr.balanceUSD)])
                if !tr.equity { rows.append(["tranche_\(tr.name)_rate", text(tr.annualRate)]) }
            }
            rows += [["servicer_share", text(s.servicerShare)], ["fixed_fee_usd_per_period", text(s.fixedFeeUSDPerPeriod)],
                     ["reserve_initial_usd", text(s.reserveInitialUSD)]]
            if let d = s.dscrTrigger { rows.append(["dscr_trigger", text(d)]); rows.append(["trigger_action", s.triggerAction]) }
        }
        if let l = t.leverage {
            rows += [["staking_leverage", text(l.leverage)], ["loops", String(l.loops)], ["ltv_initial", text(l.ltvInitial)],
                     ["liquidation_threshold", text(l.liquidationThreshold)], ["liquidation_bonus", text(l.liquidationBonus)],
                     ["close_factor", text(l.closeFactor)], ["borrow_apr", text(l.borrowAPR)], ["staking_apy", text(l.stakingAPY)],
                     ["leverage_horizon_days", String(l.horizonDays)], ["collateral_mark", l.mark]]
        }
        return rows
    }

    /// The run's settings: the as-of date, the horizon and what it covers of the term, paths, seed, model, drift,
    /// measure, kernel and the calibration (`summary.json`, and `manifest.json` where the run folder has it).
    static func settings(_ s: RunSummary, _ m: RunManifest<SimulationParameters>?) -> [[String]] {
        let r = s.run
        let covered = r.truncated
            ? "truncated: \(r.horizonDays) days simulated of the \(r.termDays)-day term"
            : "the whole term (\(r.termDays) days\(r.startDate == r.asOf ? "" : ", the token from \(r.startDate)"))"
        var rows: [[String]] = [["as_of", r.asOf], ["start_date", r.startDate], ["horizon_days", String(r.horizonDays)], ["term_days", String(r.termDays)],
                                ["horizon", covered], ["paths", String(s.paths)], ["seed", String(r.seed)], ["antithetic", String(r.antithetic)],
                                ["model", r.model]]
        if let p = m?.parameters { rows.append(["drift", p.driftStatement ?? p.drift]) }
        rows.append(["measure", r.measure])
        // The rate the risk-neutral and forward measures discount at (the real measure has none).
        if let p = m?.parameters, p.measure != "real" { rows.append(["risk_free_rate", text(p.rate)]) }
        if let k = m?.kernel { rows.append(["kernel", k]) }
        if let c = m?.calibration {
            rows.append(["calibration", "\(c.source), as of \(c.asOf)\(c.windowDays.map { ", \($0)-day window" } ?? "")\(c.path.map { ", \($0)" } ?? "")"])
            if let k = c.key { rows.append(["calibration_key", k]) }
        }
        return rows
    }

    /// The headline metrics table's rows: the summary's headline values, its quantiles, the simulated halving.
    static func metrics(_ s: RunSummary, priceUSD: Double?) -> [[String]] {
        var rows: [[String]] = (priceUSD.map { [["price_usd", text($0)]] } ?? []) + [["pv_usd_mean", text(s.pvMean)], ["pv_usd_stderr", text(s.pvStderr)], ["btc_total_mean", text(s.btcMean)],
                                ["usd_total_mean", text(s.usdMean)], ["prob_loss", text(s.probLoss)], ["prob_pv_below_price", text(s.probPVBelowPrice)],
                                ["prob_payback", text(s.probPayback)], ["days_curtailed_mean", text(s.daysCurtailedMean)],
                                ["prob_terminated", text(s.probTerminated)]]
        for (group, q) in [("pv_usd_", s.pvQuantiles), ("irr_", s.irrQuantiles), ("btc_total_", s.btcQuantiles)] {
            for l in Quantiles.levels { rows.append([group + l.name, text(q[l.name])]) }
        }
        rows.append(["halving_prob_within_horizon", text(s.halving.probWithinHorizon)])
        for d in s.halving.days { rows.append(["halving_date_" + d.level, d.date]) }
        // SPEC §13 base cases beside the simulated distribution above: today's hashprice held flat (`base_case.csv`), and
        // the token's value on the forward curve when one was used.
        if let b = s.baseCase {
            for (k, x) in [("pv_usd", b.pvUSD), ("usd_total", b.usdTotal), ("btc_total", b.btcTotal), ("irr", b.irr)] {
                rows.append(["base_case_" + k, text(x.value)])
            }
        }
        // The forward curve: the token on the curve path.
        if let c = s.curve, let v = c.value {
            rows.append(["curve_quote_date", c.curve.quoteDate])
            for (k, x) in [("pv_usd", v.pvUSD), ("usd_total", v.usdTotal), ("btc_total", v.btcTotal), ("irr", v.irr)] {
                rows.append(["curve_value_" + k, text(x.value)])
            }
        }
        return rows
    }

    /// One deal's section; also its summary and issue price (for the overview).
    static func dealContext(name: String, url: URL, relative: String, pending: Pending) throws -> (DealContext, RunSummary?, Double?) {
        var d = DealContext(name: name, anchor: "deal-" + name.map { $0.isLetter || $0.isNumber ? $0 : "-" }.map(String.init).joined())
        let s = try ReportFiles.read(RunSummary.self, url.appendingPathComponent("summary.json"))
        let deal = try ReportFiles.read(DealTerms.self, url.appendingPathComponent("deal.json"))
        // A deal folder's manifest (simulate's): its settings; another command's manifest (a nightly's) has none of them.
        let manifest = try? ReportFiles.read(RunManifest<SimulationParameters>.self, url.appendingPathComponent("manifest.json"))
        let keyed = Units.byRowKey(key: "term", values: ["value"])
        if let deal {
            let terms = CSVTable(header: ["term", "value"], rows: terms(deal))
            pending.add(relative + "terms.csv", terms)
            d.terms = table(terms, csv: relative + "terms.csv", caption: "Terms of the deal", units: keyed)
        }
        if let s {
            // SPEC §9: a horizon shorter than the term is stated, never a silent cut.
            if s.run.truncated {
                d.truncation = "the simulation covers \(s.run.horizonDays) days of the deal's \(s.run.termDays)-day term; "
                    + "PV, payouts, IRR and probabilities count only the simulated days."
            }
            let settings = CSVTable(header: ["setting", "value"], rows: settings(s, manifest ?? nil))
            pending.add(relative + "settings.csv", settings)
            d.settings = table(settings, csv: relative + "settings.csv", caption: "Run settings", units: .byRowKey(key: "setting", values: ["value"]))
            let metrics = CSVTable(header: ["metric", "value"], rows: metrics(s, priceUSD: deal?.priceUSD))
            pending.add(relative + "metrics.csv", metrics)
            d.metrics = table(metrics, csv: relative + "metrics.csv", caption: "Headline metrics (per token)", units: .byRowKey(key: "metric", values: ["value"]))
        }
        d.dealYAML = try? String(contentsOf: url.appendingPathComponent("deal.yaml"), encoding: .utf8)
        try charts(&d, url: url, summary: s)
        try tables(&d, url: url, relative: relative)
        return (d, s, deal?.priceUSD)
    }

    /// The deal's fans and histograms, the tranche bars and the leverage chart.
    static func charts(_ d: inout DealContext, url: URL, summary s: RunSummary?) throws {
        // The next halving as simulated (median date over the paths that reach it), replacing the fixed projection.
        let simulated = s?.halving.days.first { $0.level == "p50" }.flatMap { p in ChartDate.parse(p.date).map { (day: $0, label: "halving \(p.date) (simulated median)") } }
        func fan(_ file: String, _ title: String, _ unit: String, log: Bool) throws -> String? {
            guard let t = try CSVTable.read(url.appendingPathComponent(file)), let dc = t.column("date") else { return nil }
            let xs = t.rows.map { Double(ChartDate.parse($0[dc]) ?? 0) }
            func c(_ k: String) -> [Double] { t.doubles(k).map { $0 ?? 0 } }
            let logY = log && !c("p05").contains { $0 <= 0 }
            return SVGChart.fan(title: title, yTitle: unit + (logY ? " (log)" : ""), x: xs, p05: c("p05"), p25: c("p25"), p50: c("p50"), p75: c("p75"),
                              p95: c("p95"), logY: logY,
                              markers: SVGChart.halvingMarkers(from: xs.first ?? 0, to: xs.last ?? 0, projected: simulated == nil)
                                + (simulated.map { [Marker(x: Double($0.day), label: $0.label)] } ?? []))
        }
        d.hashpriceFan = try fan("hashprice_quantiles.csv", "Simulated hashprice (5/25/50/75/95%)", "hashprice, USD/PH/day", log: true)
        d.payoutFan = try fan("payout_quantiles.csv", "Daily net payout per token (5/25/50/75/95%)", "payout, USD/token/day", log: false)
        func hist(_ file: String, _ title: String, _ x: String) throws -> String? {
            guard let t = try CSVTable.read(url.appendingPathComponent(file)) else { return nil }
            let lo = t.doubles("bin_low"), hi = t.doubles("bin_high"), n = t.doubles("count")
            return SVGChart.histogram(title: title, xTitle: x, bins: lo.indices.map { (low: lo[$0] ?? 0, high: hi[$0] ?? 0, count: n[$0] ?? 0) })
        }
        d.pvHist = try hist("pv_histogram.csv", "Present value per token", "PV, USD")
        d.irrHist = try hist("irr_histogram.csv", "Annual IRR", "IRR (fraction per year)")
        if let t = try CSVTable.read(url.appendingPathComponent("tranches.csv")), let nc = t.column("tranche") {
            d.trancheSVG = SVGChart.bars(title: "Tranche losses", yTitle: "fraction of initial balance", categories: t.rows.map { $0[nc] },
                                       series: [("expected loss", t.doubles("expected_loss").map { $0 ?? 0 }),
                                                ("P(shortfall)", t.doubles("prob_shortfall").map { $0 ?? 0 })]
                                           + (t.column("prob_loss") == nil ? [] : [("P(final loss)", t.doubles("prob_loss").map { $0 ?? 0 })]))
        }
        if let t = try CSVTable.read(url.appendingPathComponent("leverage_sweep.csv")) {
            d.leverageSVG = leverageChart(t)
        } else if let t = try CSVTable.read(url.appendingPathComponent("leverage_liquidation.csv")), let dc = t.column("date") {
            d.leverageSVG = SVGChart.line(title: "Cumulative liquidation probability", xTitle: "date", yTitle: "P(liquidated by date)",
                                        series: [Series(name: "P(liquidated)", x: t.rows.map { Double(ChartDate.parse($0[dc]) ?? 0) },
                                                        y: t.doubles("prob_liquidated"))], yMin: 0)
        }
    }

    /// P(liquidation) against leverage: two families on one axis, more loops at the deal's LTV and one loop at lower LTVs
    /// (an old sweep, loops only, keeps its bad-debt line).
    static func leverageChart(_ t: CSVTable) -> String {
        let lev = t.doubles("leverage").map { $0 ?? 0 }, liq = t.doubles("prob_liquidation"), bad = t.doubles("prob_bad_debt")
        let fam = t.column("sweep").map { c in t.rows.map { $0[c] } } ?? Array(repeating: "loops", count: t.rows.count)
        func pick(_ f: String, _ y: [Double?]) -> (x: [Double], y: [Double?]) {
            let idx = fam.indices.filter { fam[$0] == f }.sorted { lev[$0] < lev[$1] }
            return (idx.map { lev[$0] }, idx.map { y[$0] })
        }
        var series: [Series] = []
        for (f, name) in [("loops", "more loops"), ("ltv", "lower LTV")] {
            let l = pick(f, liq)
            if !l.x.isEmpty { series.append(Series(name: name, x: l.x, y: l.y)) }
        }
        if t.column("sweep") == nil {
            let l = pick("loops", liq), b = pick("loops", bad)
            series = [Series(name: "P(liquidation)", x: l.x, y: l.y), Series(name: "P(bad debt)", x: b.x, y: b.y)]
        }
        return SVGChart.line(title: "Liquidation probability vs leverage", xTitle: "leverage (×)", yTitle: "P(liquidation)", series: series,
                           xKind: .numeric, yMin: 0)
    }

    /// The deal's CSV tables: tranches, leverage sweep and returns, stress.
    static func tables(_ d: inout DealContext, url: URL, relative: String) throws {
        func read(_ f: String) throws -> CSVTable? { try CSVTable.read(url.appendingPathComponent(f)) }
        d.tranches = try read("tranches.csv").map { table($0, csv: relative + "tranches.csv", caption: "Tranches") }
        d.leverageSweep = try read("leverage_sweep.csv").map { table($0, csv: relative + "leverage_sweep.csv", caption: "Leverage sweep") }
        d.leverageReturns = try read("leverage_returns.csv").map { table($0, csv: relative + "leverage_returns.csv", caption: "Unlevered vs levered returns",
                                                                   units: .all(.percent)) }
        d.stress = try read("stress.csv").map { table($0, csv: relative + "stress.csv", caption: "Stress scenarios (first row: base)") }
        if let t = try read("sensitivities.csv"), let ic = t.column("input"), let bc = t.column("bump") {
            d.sensitivities = table(t, csv: relative + "sensitivities.csv", caption: "Sensitivities (common random numbers)")
            let up = t.doubles("dpv_up"), down = t.doubles("dpv_down")
            d.tornadoSVG = SVGChart.tornado(title: "PV per token: change when each input is bumped", xTitle: "change of PV per token, USD",
                                          bars: t.rows.indices.map { SVGChart.TornadoBar(label: "\(t.rows[$0][ic]) \(t.rows[$0][bc])", up: up[$0] ?? 0,
                                                                                       down: down[$0]) })
        }
        try curveSection(&d, url: url, relative: relative)
    }

    /// The forward curve and the NDF hedge (SPEC §13; docs/outputs.md): the curve's levels against the simulated monthly
    /// mean hashprice, the curve value, and with a hedge the hedged/unhedged PV distributions and the margin table.
    static func curveSection(_ d: inout DealContext, url: URL, relative: String) throws {
        func read(_ f: String) throws -> CSVTable? { try CSVTable.read(url.appendingPathComponent(f)) }
        if let t = try read("curve_months.csv"), let fc = t.column("first_date") {
            let xs = t.rows.map { Double(ChartDate.parse($0[fc]) ?? 0) }
            d.curveSVG = SVGChart.line(title: "Forward curve vs simulated monthly mean hashprice", xTitle: "delivery month (first day)",
                                     yTitle: "hashprice, USD/PH/day",
                                     series: [Series(name: "curve", x: xs, y: t.doubles("level_usd_ph_day")),
                                              Series(name: "simulated mean", x: xs, y: t.doubles("simulated_mean_usd_ph_day"))], yMin: 0)
            d.curveMonths = table(t, csv: relative + "curve_months.csv", caption: "Curve months")
        }
        d.curveCase = try read("curve_case.csv").map { table($0, csv: relative + "curve_case.csv", caption: "Curve value (the token on the curve path)") }
        if let t = try read("hedge.csv"), let sc = t.column("strategy") {
            d.hedge = table(t, csv: relative + "hedge.csv", caption: "Hedged vs unhedged PV per token (same paths)")
            d.hedgeSVG = SVGChart.bars(title: "PV per token, hedged vs unhedged", yTitle: "PV, USD/token", categories: t.rows.map { $0[sc] },
                                     series: [("p05", t.doubles("pv_usd_p05").map { $0 ?? 0 }), ("p50", t.doubles("pv_usd_p50").map { $0 ?? 0 }),
                                              ("mean", t.doubles("pv_usd_mean").map { $0 ?? 0 }), ("p95", t.doubles("pv_usd_p95").map { $0 ?? 0 })])
        }
        d.hedgeMargin = try read("hedge_margin.csv").map { table($0, csv: relative + "hedge_margin.csv", caption: "Hedge margin per token: initial, and the peak over each path") }
    }
}
