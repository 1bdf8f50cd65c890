import Foundation
import Charts
import Mustache

/// Renders `index.html` (and the CSVs of tables that do not exist yet) from the files of a run folder.
/// Every section is optional: a missing file omits its section.
public enum RunReport {
    /// Result of a render: the HTML path and the CSVs written for tables that had none.
    public struct Output: Equatable, Sendable {
        public var html: String
        public var csvWritten: [String]
        public var sections: [String]
    }

    /// Keys of `summary.json` shown in the headline metrics table, in order.
    static let headlineKeys = ["pv_usd_mean", "pv_usd_stderr", "btc_total_mean", "usd_total_mean", "prob_loss", "prob_pv_below_price", "prob_payback",
                               "days_curtailed_mean", "prob_terminated", "paths", "seed"]
    static let termKeys = ["deal", "model", "measure", "antithetic", "horizon_days", "term_days", "truncated", "as_of", "start_date"]

    /// Renders `<run>/index.html`. `header` is the volatile header line (run time); pass nil to use the manifest's `created_utc`.
    @discardableResult
    public static func render(runDirectory: URL) throws -> Output {
        let run = try RunFolder(runDirectory)
        var written: [String] = []
        var sections: [String] = []
        var ctx: [String: Any] = [:]
        let manifest = try readJSONObject(run.url.appendingPathComponent("manifest.json"))
        let summary = try readJSONObject(run.url.appendingPathComponent("summary.json"))
        ctx["run_id"] = try run.runID()
        ctx["created_utc"] = manifest?["created_utc"] as? String ?? ""
        ctx["data_window"] = (summary?["data_window"] as? String) ?? dataWindow(run.url)
        ctx["as_of"] = (summary?["as_of"] as? String) ?? ""

        // Hashprice history.
        if let b = try CSVTable.read(run.url.appendingPathComponent("benchmark.csv")), let dc = b.column("date") {
            let col = b.column("hashprice_usd_ph_day") != nil ? "hashprice_usd_ph_day" : "hashprice_btc_ph_day"
            let xs = b.rows.map { Double(ChartDate.parse($0[dc]) ?? 0) }
            let ys = b.doubles(col)
            var series = [Series(name: "daily", x: xs, y: ys)]
            if b.column("hashprice_usd_ph_day_144") != nil { series.append(Series(name: "144-day fees", x: xs, y: b.doubles("hashprice_usd_ph_day_144"))) }
            // Halvings where the data shows them: the first day whose mean subsidy per block is > 5% below the previous
            // day's (at most one per 30 days, as a mixed halving day is followed by the new subsidy), so a synthetic
            // history is marked at its own halvings. Without a subsidy column: the real chain's dates.
            var markers = Charts.halvingMarkers(from: xs.min() ?? 0, to: xs.max() ?? 0)
            if b.column("subsidy_btc_per_block") != nil {
                let sub = b.doubles("subsidy_btc_per_block")
                var found: [Marker] = []
                for i in 1..<max(1, sub.count) {
                    guard let now = sub[i], let before = sub[i - 1], now < 0.95 * before else { continue }
                    if let last = found.last, xs[i] - last.x < 30 { continue }
                    found.append(Marker(x: xs[i], label: "halving " + b.rows[i][dc]))
                }
                markers = found
            }
            let svg = Charts.line(title: "Hashprice history", xTitle: "date (UTC)",
                                  yTitle: col.hasPrefix("hashprice_usd") ? "hashprice, USD/PH/day (log)" : "hashprice, BTC/PH/day (log)",
                                  series: series, logY: true, markers: markers)
            ctx["history"] = ["svg": svg, "rows": b.rows.count, "first": b.rows.first?[dc] ?? "", "last": b.rows.last?[dc] ?? ""]
            sections.append("history")
        }

        // Calibration.
        var cal = try CSVTable.read(run.url.appendingPathComponent("calibration.csv"))
        if cal == nil, let j = try readJSONObject(run.url.appendingPathComponent("calibration.json")) {
            var rows: [[String]] = []
            flatten(j, prefix: "", into: &rows)
            cal = CSVTable(header: ["model", "parameter", "value", "stderr"], rows: rows.map { [(j["model"] as? String) ?? "", $0[0], $0[1], ""] })
            try writeAtomically(Data(cal!.text.utf8), to: run.url.appendingPathComponent("calibration.csv"))
            written.append("calibration.csv")
        }
        if let cal { ctx["calibration"] = table(cal, csv: "calibration.csv", caption: "Calibrated parameters with standard errors"); sections.append("calibration") }

        // Model validation: the latest scheduled backtest (nightly `backtest:` block).
        if let mv = try CSVTable.read(run.url.appendingPathComponent("model_validation.csv")) {
            let info = try readJSONObject(run.url.appendingPathComponent("model_validation.json")) ?? [:]
            var c: [String: Any] = ["table": table(BacktestReport.headline(mv), csv: "model_validation.csv",
                                                   caption: "Latest backtest: coverage of the 50 % and 90 % bands and pinball skill by horizon"),
                                    "charts": [BacktestReport.coverageChart(mv, band: 90), BacktestReport.coverageChart(mv, band: 50)].compactMap { $0 },
                                    "as_of": stringify(info["data_as_of"]), "link": stringify(info["report"]),
                                    "ran": (info["ran_in_this_run"] as? Bool) ?? false,
                                    "grid": "\(stringify(info["origins"])) origins \(stringify(info["from"]))…\(stringify(info["to"])) every \(stringify(info["every"])), \(stringify(info["paths"])) paths"]
            let failed = (info["requirements_failed"] as? [Any])?.map { stringify($0) } ?? []
            if !failed.isEmpty { c["failed"] = failed.map { ["line": $0] }; c["failed_count"] = failed.count }
            if let e = info["error_in_this_run"] as? String { c["error"] = e }
            ctx["validation"] = c
            sections.append("model-validation")
        }

        // Changes vs previous run.
        if let ch = try CSVTable.read(run.url.appendingPathComponent("changes.csv")) {
            var t = table(ch, csv: "changes.csv", caption: "Changes against the previous successful run")
            let fc = ch.column("flag")
            let flagged = fc.map { c in ch.rows.filter { !$0[c].isEmpty && $0[c] != "false" && $0[c] != "0" }.count } ?? 0
            if let fc { t["rows"] = (t["rows"] as! [[String: Any]]).enumerated().map { i, r in
                var r = r; let f = ch.rows[i][fc]; r["flag"] = !f.isEmpty && f != "false" && f != "0"; return r } }
            t["flagged"] = flagged
            ctx["changes"] = t
            sections.append("changes")
        }

        // Run-level stress table (single stress folder).
        if let st = try CSVTable.read(run.url.appendingPathComponent("stress.csv")), run.isSingleDeal == false, run.deals.isEmpty {
            ctx["run_stress"] = table(st, csv: "stress.csv", caption: "Stress scenarios")
            sections.append("stress")
        }

        // Deals.
        var dealCtx: [[String: Any]] = []
        for (name, durl) in run.deals {
            let (d, w) = try dealContext(name: name, url: durl, relative: run.isSingleDeal ? "" : "deals/\(name)/")
            dealCtx.append(d); written += w
        }
        if !dealCtx.isEmpty { ctx["deals"] = dealCtx; sections.append("deals") }

        // Deals at a glance (several deals): one row of headline metrics per deal, from each deal's summary.json.
        if run.deals.count > 1 {
            var rows: [[String]] = []
            for (name, durl) in run.deals {
                guard let s = try readJSONObject(durl.appendingPathComponent("summary.json")) else { continue }
                func q(_ key: String, _ p: String) -> Any? { (s[key] as? [String: Any])?[p] }
                let senior = (s["tranches"] as? [[String: Any]])?.first
                let lev = s["leverage"] as? [String: Any]
                rows.append([name, stringify(s["pv_usd_mean"]), stringify(q("pv_usd_quantiles", "p05")), stringify(q("pv_usd_quantiles", "p50")),
                             stringify(q("irr_quantiles", "p50")), stringify(s["prob_loss"]), stringify(s["prob_pv_below_price"]),
                             stringify(s["prob_payback"]),
                             stringify(s["btc_total_mean"]), stringify(senior?["expected_loss"]), stringify(lev?["prob_liquidation"])])
            }
            let t = CSVTable(header: ["deal", "pv_usd_mean", "pv_usd_p05", "pv_usd_p50", "irr_p50", "prob_loss", "prob_pv_below_price",
                                      "prob_payback", "btc_total_mean", "senior_expected_loss", "prob_liquidation"], rows: rows)
            try writeAtomically(Data(t.text.utf8), to: run.url.appendingPathComponent("overview.csv"))
            written.append("overview.csv")
            ctx["overview"] = table(t, csv: "overview.csv", caption: "Headline metrics per deal (PV and payouts per token, USD)")
            sections.insert("overview", at: 0)
        }

        // Manifest.
        if let m = manifest {
            var mc: [String: Any] = [:]
            mc["version"] = stringify(m["version"]); mc["seed"] = stringify(m["seed"]); mc["rng"] = stringify(m["rng"])
            mc["command"] = stringify(m["command"]); mc["paths"] = stringify(m["paths"])
            if let inputs = m["inputs"] as? [[String: Any]] {
                let t = CSVTable(header: ["path", "sha256"], rows: inputs.map { [stringify($0["path"]), stringify($0["sha256"])] })
                try writeAtomically(Data(t.text.utf8), to: run.url.appendingPathComponent("manifest_inputs.csv"))
                written.append("manifest_inputs.csv")
                mc["inputs"] = table(t, csv: "manifest_inputs.csv", caption: "Inputs")
            }
            if let tm = m["timings_s"] as? [String: Any] {
                mc["has_timings"] = !tm.isEmpty
                mc["timings"] = tm.keys.sorted().map { ["stage": $0, "seconds": Display.number((tm[$0] as? Double) ?? 0)] }
            }
            ctx["manifest"] = mc
            sections.append("manifest")
        }
        ctx["sections"] = sections.joined(separator: " ")
        let html = try Templates.render("report", ctx)
        let out = run.url.appendingPathComponent("index.html")
        try writeAtomically(Data(html.utf8), to: out)
        return Output(html: out.path, csvWritten: written, sections: sections)
    }

    static func dealContext(name: String, url: URL, relative: String) throws -> ([String: Any], [String]) {
        var d: [String: Any] = ["name": name, "anchor": "deal-" + name.map { $0.isLetter || $0.isNumber ? $0 : "-" }.map(String.init).joined()]
        var written: [String] = []
        let s = try readJSONObject(url.appendingPathComponent("summary.json"))
        if let s {
            // SPEC §9: a horizon shorter than the term is stated, never a silent cut.
            if s["truncated"] as? Bool == true {
                d["truncation"] = "the simulation covers \(stringify(s["horizon_days"])) days of the deal's \(stringify(s["term_days"]))-day term; "
                    + "PV, payouts, IRR and probabilities count only the simulated days."
            }
            let terms = CSVTable(header: ["term", "value"], rows: termKeys.compactMap { k in s[k].map { [k, stringify($0)] } })
            try writeAtomically(Data(terms.text.utf8), to: url.appendingPathComponent("terms.csv")); written.append(relative + "terms.csv")
            d["terms"] = table(terms, csv: relative + "terms.csv", caption: "Terms")
            var rows: [[String]] = headlineKeys.compactMap { k in s[k].map { [k, stringify($0)] } }
            for group in ["pv_usd_quantiles", "irr_quantiles", "btc_total_quantiles"] {
                if let q = s[group] as? [String: Any] { for k in q.keys.sorted() { rows.append([group.replacingOccurrences(of: "_quantiles", with: "_") + k, stringify(q[k])]) } }
            }
            if let h = s["halving"] as? [String: Any] {
                for k in ["prob_within_horizon", "date_p05", "date_p50", "date_p95"] where h[k] != nil { rows.append(["halving_" + k, stringify(h[k])]) }
            }
            // SPEC §13 base case: the token's value on the forward curve, beside the simulated distribution above.
            if let v = s["curve_value"] as? [String: Any] {
                if let q = (s["curve"] as? [String: Any])?["quote_date"] { rows.append(["curve_quote_date", stringify(q)]) }
                for k in ["pv_usd", "usd_total", "btc_total", "irr"] where v[k] != nil { rows.append(["curve_value_" + k, stringify(v[k])]) }
            }
            let metrics = CSVTable(header: ["metric", "value"], rows: rows)
            try writeAtomically(Data(metrics.text.utf8), to: url.appendingPathComponent("metrics.csv")); written.append(relative + "metrics.csv")
            d["metrics"] = table(metrics, csv: relative + "metrics.csv", caption: "Headline metrics")
        }
        if let y = try? String(contentsOf: url.appendingPathComponent("deal.yaml"), encoding: .utf8) { d["deal_yaml"] = y }
        // The next halving as simulated (median date over the paths that reach it), replacing the fixed projection.
        let simulatedHalving: (day: Int, label: String)? = {
            guard let h = s?["halving"] as? [String: Any], let d50 = h["date_p50"] as? String, let day = ChartDate.parse(d50) else { return nil }
            return (day, "halving \(d50) (simulated median)")   // the 90 % range is in the metrics table
        }()
        func fan(_ file: String, _ title: String, _ unit: String, log: Bool) throws -> String? {
            guard let t = try CSVTable.read(url.appendingPathComponent(file)), let dc = t.column("date") else { return nil }
            let xs = t.rows.map { Double(ChartDate.parse($0[dc]) ?? 0) }
            func c(_ k: String) -> [Double] { t.doubles(k).map { $0 ?? 0 } }
            let anyNonPositive = c("p05").contains { $0 <= 0 }
            return Charts.fan(title: title, yTitle: unit + (log && !anyNonPositive ? " (log)" : ""), x: xs, p05: c("p05"), p25: c("p25"),
                              p50: c("p50"), p75: c("p75"), p95: c("p95"), logY: log && !anyNonPositive,
                              markers: Charts.halvingMarkers(from: xs.first ?? 0, to: xs.last ?? 0, projected: simulatedHalving == nil)
                                + (simulatedHalving.map { [Marker(x: Double($0.day), label: $0.label)] } ?? []))
        }
        d["hashprice_fan"] = try fan("hashprice_quantiles.csv", "Simulated hashprice (5/25/50/75/95%)", "hashprice, USD/PH/day", log: true)
        d["payout_fan"] = try fan("payout_quantiles.csv", "Daily net payout per token (5/25/50/75/95%)", "payout, USD/token/day", log: false)
        func hist(_ file: String, _ title: String, _ x: String) throws -> String? {
            guard let t = try CSVTable.read(url.appendingPathComponent(file)) else { return nil }
            let lo = t.doubles("bin_low"), hi = t.doubles("bin_high"), n = t.doubles("count")
            let bins = lo.indices.map { (low: lo[$0] ?? 0, high: hi[$0] ?? 0, count: n[$0] ?? 0) }
            return Charts.histogram(title: title, xTitle: x, bins: bins)
        }
        d["pv_hist"] = try hist("pv_histogram.csv", "Present value per token", "PV, USD")
        d["irr_hist"] = try hist("irr_histogram.csv", "Annual IRR", "IRR (fraction per year)")
        if let t = try CSVTable.read(url.appendingPathComponent("tranches.csv")), let nc = t.column("tranche") {
            d["tranches"] = table(t, csv: relative + "tranches.csv", caption: "Tranches")
            d["tranche_svg"] = Charts.bars(title: "Tranche losses", yTitle: "fraction of initial balance",
                                           categories: t.rows.map { $0[nc] },
                                           series: [("expected loss", t.doubles("expected_loss").map { $0 ?? 0 }),
                                                    ("P(shortfall)", t.doubles("prob_shortfall").map { $0 ?? 0 })]
                                                    + (t.column("prob_loss") == nil ? [] : [("P(final loss)", t.doubles("prob_loss").map { $0 ?? 0 })]))
        }
        if let t = try CSVTable.read(url.appendingPathComponent("leverage_sweep.csv")) {
            d["leverage_sweep"] = table(t, csv: relative + "leverage_sweep.csv", caption: "Leverage sweep")
            // Two families on one leverage axis: more loops at the deal's LTV, and one loop at lower LTVs (older runs: loops only).
            let lev = t.doubles("leverage").map { $0 ?? 0 }, liq = t.doubles("prob_liquidation"), bad = t.doubles("prob_bad_debt")
            let fam = t.column("sweep").map { c in t.rows.map { $0[c] } } ?? Array(repeating: "loops", count: t.rows.count)
            func pick(_ f: String, _ y: [Double?]) -> (x: [Double], y: [Double?]) {
                let idx = fam.indices.filter { fam[$0] == f }.sorted { lev[$0] < lev[$1] }
                return (idx.map { lev[$0] }, idx.map { y[$0] })
            }
            // P(liquidation) of each family (P(bad debt) is in the table); an old sweep (loops only) keeps its bad-debt line.
            var series: [Series] = []
            for (f, name) in [("loops", "more loops"), ("ltv", "lower LTV")] {
                let l = pick(f, liq)
                if !l.x.isEmpty { series.append(Series(name: name, x: l.x, y: l.y)) }
            }
            if t.column("sweep") == nil {
                let l = pick("loops", liq), b = pick("loops", bad)
                series = [Series(name: "P(liquidation)", x: l.x, y: l.y), Series(name: "P(bad debt)", x: b.x, y: b.y)]
            }
            d["leverage_svg"] = Charts.line(title: "Liquidation probability vs leverage", xTitle: "leverage (×)", yTitle: "P(liquidation)",
                                            series: series, xKind: .numeric, yMin: 0)
        } else if let t = try CSVTable.read(url.appendingPathComponent("leverage_liquidation.csv")), let dc = t.column("date") {
            d["leverage_svg"] = Charts.line(title: "Cumulative liquidation probability", xTitle: "date", yTitle: "P(liquidated by date)",
                                            series: [Series(name: "P(liquidated)", x: t.rows.map { Double(ChartDate.parse($0[dc]) ?? 0) }, y: t.doubles("prob_liquidated"))], yMin: 0)
        }
        if let t = try CSVTable.read(url.appendingPathComponent("leverage_returns.csv")) {
            d["leverage_returns"] = table(t, csv: relative + "leverage_returns.csv", caption: "Unlevered vs levered returns")
        }
        if let t = try CSVTable.read(url.appendingPathComponent("stress.csv")) {
            d["stress"] = table(t, csv: relative + "stress.csv", caption: "Stress scenarios (first row: base)")
        }
        try curveSection(&d, url: url, relative: relative)
        return (d, written)
    }

    /// The forward curve and the NDF hedge (SPEC §13; docs/outputs.md): the curve's levels against the simulated monthly
    /// mean hashprice, the curve value, and with a hedge the hedged/unhedged PV distributions and the margin table.
    static func curveSection(_ d: inout [String: Any], url: URL, relative: String) throws {
        if let t = try CSVTable.read(url.appendingPathComponent("curve_months.csv")), let fc = t.column("first_date") {
            let xs = t.rows.map { Double(ChartDate.parse($0[fc]) ?? 0) }
            d["curve_svg"] = Charts.line(title: "Forward curve vs simulated monthly mean hashprice", xTitle: "delivery month (first day)",
                                         yTitle: "hashprice, USD/PH/day",
                                         series: [Series(name: "curve", x: xs, y: t.doubles("level_usd_ph_day")),
                                                  Series(name: "simulated mean", x: xs, y: t.doubles("simulated_mean_usd_ph_day"))], yMin: 0)
            d["curve_months"] = table(t, csv: relative + "curve_months.csv", caption: "Curve months")
        }
        if let t = try CSVTable.read(url.appendingPathComponent("curve_case.csv")) {
            d["curve_case"] = table(t, csv: relative + "curve_case.csv", caption: "Curve value (the token on the curve path)")
        }
        if let t = try CSVTable.read(url.appendingPathComponent("hedge.csv")), let sc = t.column("strategy") {
            d["hedge"] = table(t, csv: relative + "hedge.csv", caption: "Hedged vs unhedged PV per token (same paths)")
            d["hedge_svg"] = Charts.bars(title: "PV per token, hedged vs unhedged", yTitle: "PV, USD/token", categories: t.rows.map { $0[sc] },
                                         series: [("p05", t.doubles("pv_usd_p05").map { $0 ?? 0 }), ("p50", t.doubles("pv_usd_p50").map { $0 ?? 0 }),
                                                  ("mean", t.doubles("pv_usd_mean").map { $0 ?? 0 }), ("p95", t.doubles("pv_usd_p95").map { $0 ?? 0 })])
        }
        if let t = try CSVTable.read(url.appendingPathComponent("hedge_margin.csv")) {
            d["hedge_margin"] = table(t, csv: relative + "hedge_margin.csv", caption: "Hedge margin per token: initial, and the peak over each path")
        }
    }

    /// Mustache context of a table: header cells and rows of (text, numeric) cells.
    static func table(_ t: CSVTable, csv: String, caption: String) -> [String: Any] {
        let rows: [[String: Any]] = t.rows.map { r in
            ["cells": r.map { c -> [String: Any] in let v = Display.cell(c); return ["text": v.text, "num": v.numeric] }]
        }
        return ["caption": caption, "csv": csv, "header": t.header.map { ["name": $0] }, "rows": rows]
    }

    static func stringify(_ v: Any?) -> String {
        switch v {
        case nil, is NSNull: return ""
        case let s as String: return s
        case let b as Bool: return b ? "true" : "false"
        case let d as Double:
            if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
            return d.description
        case let n as NSNumber:
            if isBool(n) { return n.boolValue ? "true" : "false" }
            let d = n.doubleValue
            if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
            return d.description
        default: return "\(v!)"
        }
    }

    /// JSONSerialization gives booleans as NSNumber with Objective-C type `c` (JSON never yields a char otherwise).
    static func isBool(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    static func flatten(_ j: [String: Any], prefix: String, into rows: inout [[String]]) {
        for k in j.keys.sorted() {
            let name = prefix.isEmpty ? k : prefix + "." + k
            if let o = j[k] as? [String: Any] { flatten(o, prefix: name, into: &rows) }
            else if let d = j[k] as? Double { rows.append([name, stringify(d)]) }
        }
    }

    static func dataWindow(_ url: URL) -> String {
        guard let b = try? CSVTable.read(url.appendingPathComponent("benchmark.csv")), let f = b.rows.first, let l = b.rows.last else { return "" }
        return "\(f[0]) – \(l[0])"
    }
}
