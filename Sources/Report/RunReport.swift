import Charts
import FileIO
import Foundation
import Results

/// Renders `index.html` (and the CSVs of tables that do not exist yet) from the files of a run folder, reading the typed
/// records (`RunManifest`, `NightlySummary`, `RunSummary`) and the CSVs of docs/outputs.md. Every section is optional: a
/// missing file omits its section. Everything is written at the end, all or nothing.
public enum RunReport {
    /// Result of a render: the HTML path and the CSVs written for tables that had none.
    public struct Output: Equatable, Sendable {
        public var html: String
        public var csvWritten: [String]
        public var sections: [String]
    }

    /// Files the render writes (relative to the run folder), collected until the end.
    final class Pending {
        var files: [(String, Data)] = []
        func add(_ rel: String, _ t: CSVTable) { files.append((rel, Data(t.text.utf8))) }
        var names: [String] { files.map(\.0) }
    }

    /// Renders `<run>/index.html`.
    @discardableResult
    public static func render(runDirectory: URL) throws -> Output {
        let run = try RunFolder(runDirectory)
        let pending = Pending()
        var sections: [String] = []
        let manifest = try ReportFiles.read(RunManifest<AnyParameters>.self, run.url.appendingPathComponent("manifest.json"))
        let (dataWindow, asOf) = try header(run)
        var ctx = ReportContext(runID: try run.runID(), createdUTC: manifest?.createdUTC ?? "", dataWindow: dataWindow, asOf: asOf,
                                sections: "", overview: nil, history: nil, changes: nil, calibration: nil, validation: nil, runStress: nil, deals: [], manifest: nil)
        if let h = try history(run) { ctx.history = h; sections.append("history") }
        if let c = try calibration(run, pending) { ctx.calibration = c; sections.append("calibration") }
        if let v = try validation(run) { ctx.validation = v; sections.append("model-validation") }
        if let c = try changes(run) { ctx.changes = c; sections.append("changes") }
        // Run-level stress table (single stress folder).
        if run.deals.isEmpty, !run.isSingleDeal, let st = try CSVTable.read(run.url.appendingPathComponent("stress.csv")) {
            ctx.runStress = table(st, csv: "stress.csv", caption: "Stress scenarios")
            sections.append("stress")
        }
        var summaries: [(String, RunSummary, Double?)] = []
        for (name, durl) in run.deals {
            let (d, s, price) = try dealContext(name: name, url: durl, relative: run.isSingleDeal ? "" : "deals/\(name)/", pending: pending)
            ctx.deals.append(d)
            if let s { summaries.append((name, s, price)) }
        }
        if !ctx.deals.isEmpty { sections.append("deals") }
        if run.deals.count > 1 { ctx.overview = overview(summaries, pending); sections.insert("overview", at: 0) }
        if let m = manifest { ctx.manifest = manifestContext(m, pending); sections.append("manifest") }
        ctx.sections = sections.joined(separator: " ")
        let html = try Templates.render("report", ctx)
        let written = pending.names
        try OutputWriter.write((pending.files + [("index.html", Data(html.utf8))]).map { (run.url.appendingPathComponent($0.0).path, $0.1) })
        return Output(html: run.url.appendingPathComponent("index.html").path, csvWritten: written, sections: sections)
    }

    /// The page header's data window and as-of: the nightly's `summary.json`, else the single run's, else the benchmark.
    static func header(_ run: RunFolder) throws -> (String, String?) {
        let url = run.url.appendingPathComponent("summary.json")
        if run.isSingleDeal {
            let s = try ReportFiles.read(RunSummary.self, url)
            return (dataWindow(run.url), s?.run.asOf)
        }
        let s = try ReportFiles.read(NightlySummary.self, url)
        return (s?.dataWindow ?? dataWindow(run.url), s?.asOf)
    }

    /// The hashprice history chart (`benchmark.csv`).
    static func history(_ run: RunFolder) throws -> HistoryContext? {
        guard let b = try CSVTable.read(run.url.appendingPathComponent("benchmark.csv")), let dc = b.column("date") else { return nil }
        let col = b.column("hashprice_usd_ph_day") != nil ? "hashprice_usd_ph_day" : "hashprice_btc_ph_day"
        let xs = b.rows.map { Double(ChartDate.parse($0[dc]) ?? 0) }
        var series = [Series(name: "daily", x: xs, y: b.doubles(col))]
        if b.column("hashprice_usd_ph_day_144") != nil { series.append(Series(name: "144-block fees", x: xs, y: b.doubles("hashprice_usd_ph_day_144"))) }
        // Halvings where the data shows them: the first day whose mean subsidy per block is > 5% below the previous
        // day's (at most one per 30 days, as a mixed halving day is followed by the new subsidy), so a synthetic
        // history is marked at its own halvings. Without a subsidy column: the real chain's dates.
        var markers = SVGChart.halvingMarkers(from: xs.min() ?? 0, to: xs.max() ?? 0)
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
        let svg = SVGChart.line(title: "Hashprice history", xTitle: "date (UTC)",
                              yTitle: col.hasPrefix("hashprice_usd") ? "hashprice, USD/PH/day (log)" : "hashprice, BTC/PH/day (log)",
                              series: series, logY: true, markers: markers)
        return HistoryContext(svg: svg, rows: b.rows.count, first: b.rows.first?[dc] ?? "", last: b.rows.last?[dc] ?? "")
    }

    /// The calibration table (`calibration.csv`).
    static func calibration(_ run: RunFolder, _ pending: Pending) throws -> TableContext? {
        guard let cal = try CSVTable.read(run.url.appendingPathComponent("calibration.csv")) else { return nil }
        return table(cal, csv: "calibration.csv", caption: "Calibrated parameters with standard errors")
    }

    /// Model validation: the latest scheduled backtest (nightly `backtest:` block; `model_validation.csv` + `.json`).
    static func validation(_ run: RunFolder) throws -> ValidationContext? {
        guard let mv = try CSVTable.read(run.url.appendingPathComponent("model_validation.csv")) else { return nil }
        let info = try ReportFiles.read(ModelValidation.self, run.url.appendingPathComponent("model_validation.json"))
        let failed = info?.requirementsFailed ?? []
        let grid = info.map { "\($0.origins) origins \($0.from)…\($0.to) every \($0.every), \($0.paths) paths" } ?? ""
        return ValidationContext(
            table: table(BacktestReport.headline(mv), csv: "model_validation.csv",
                         caption: "Latest backtest: coverage of the 50 % and 90 % bands and pinball skill by horizon"),
            charts: [BacktestReport.coverageChart(mv, band: 90), BacktestReport.coverageChart(mv, band: 50)].compactMap { $0 },
            asOf: info?.dataAsOf ?? "", link: info?.report ?? "", ran: info?.ranInThisRun ?? false, grid: grid,
            failed: failed.map { .init(line: $0) }, failedCount: failed.isEmpty ? nil : failed.count, error: info?.errorInThisRun)
    }

    /// Changes vs the previous run (`changes.csv`), flagged rows highlighted.
    static func changes(_ run: RunFolder) throws -> TableContext? {
        guard let ch = try CSVTable.read(run.url.appendingPathComponent("changes.csv")) else { return nil }
        var t = table(ch, csv: "changes.csv", caption: "Changes against the previous successful run",
                      units: .byRowKey(key: "metric", values: ["previous", "current"]))
        guard let fc = ch.column("flag") else { t.flagged = 0; return t }
        func flagged(_ f: String) -> Bool { !f.isEmpty && f != "false" && f != "0" }
        for i in t.rows.indices { t.rows[i].flag = flagged(ch.rows[i][fc]) }
        t.flagged = ch.rows.filter { flagged($0[fc]) }.count
        return t
    }

    /// Deals at a glance (several deals): one row of headline metrics per deal, from each deal's summary.
    static func overview(_ summaries: [(String, RunSummary, Double?)], _ pending: Pending) -> TableContext {
        let rows = summaries.map { name, s, price -> [String] in
            [name, text(price), text(s.pvMean), text(s.pvQuantiles["p05"]), text(s.pvQuantiles["p50"]), text(s.irrQuantiles["p50"]), text(s.probLoss),
             text(s.probPVBelowPrice), text(s.probPayback), text(s.btcMean), text(s.tranches?.first?.expectedLoss), text(s.leverage?.probLiquidation)]
        }
        let t = CSVTable(header: ["deal", "price_usd", "pv_usd_mean", "pv_usd_p05", "pv_usd_p50", "irr_p50", "prob_loss", "prob_pv_below_price",
                                  "prob_payback", "btc_total_mean", "senior_expected_loss", "prob_liquidation"], rows: rows)
        pending.add("overview.csv", t)
        return table(t, csv: "overview.csv", caption: "Headline metrics per deal (PV and payouts per token, USD)")
    }

    /// The manifest section: version, seed, RNG, paths, command, inputs (`manifest_inputs.csv`), timings.
    static func manifestContext<P>(_ m: RunManifest<P>, _ pending: Pending) -> ManifestContext {
        let t = CSVTable(header: ["path", "sha256"], rows: m.inputs.map { [$0.path, $0.sha256 ?? ""] })
        pending.add("manifest_inputs.csv", t)
        return ManifestContext(version: m.version, seed: m.seed.map(String.init) ?? "", rng: m.rng ?? "", paths: m.paths.map(String.init),
                               command: m.command, inputs: table(t, csv: "manifest_inputs.csv", caption: "Inputs"), hasTimings: !m.timings.isEmpty,
                               timings: m.timings.keys.sorted().map { .init(stage: $0, seconds: Format.plain(m.timings[$0]!)) })
    }

    /// How a table's numeric cells read (`Format.Unit`): by their column's name, by the row's key for the value columns of
    /// a key/value table (the metrics, the terms, the changes), or one unit for every number (the leverage returns).
    enum Units {
        case byColumn
        case byRowKey(key: String, values: Set<String>)
        case all(Format.Unit)
    }

    /// Mustache context of a table: header cells and rows of (text, numeric) cells, numbers through `Format`.
    static func table(_ t: CSVTable, csv: String, caption: String, units: Units = .byColumn) -> TableContext {
        let byName = t.header.map(Format.unit(of:))
        func unit(_ row: [String], _ c: Int) -> Format.Unit {
            switch units {
            case .byColumn: return byName[c]
            case .all(let u): return u
            case .byRowKey(let key, let values):
                guard values.contains(t.header[c]), let k = t.column(key), k < row.count else { return byName[c] }
                return Format.unit(of: row[k])
            }
        }
        return TableContext(caption: caption, csv: csv, header: t.header.map { .init(name: $0) },
                            rows: t.rows.map { r in
                                .init(cells: r.indices.map { c in
                                    let v = c < t.header.count ? Format.cell(r[c], unit(r, c)) : (text: r[c], numeric: false)
                                    return .init(text: v.text, num: v.numeric)
                                }, flag: false)
                            },
                            flagged: nil)
    }

    /// A number as a table cell (CSV text): whole numbers without a decimal point, others in full precision, empty when
    /// missing or not finite.
    static func text(_ d: Double?) -> String {
        guard let d, d.isFinite else { return "" }
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        return d.description
    }

    static func dataWindow(_ url: URL) -> String {
        guard let b = try? CSVTable.read(url.appendingPathComponent("benchmark.csv")), let f = b.rows.first, let l = b.rows.last else { return "" }
        return "\(f[0]) – \(l[0])"
    }
}
