import Charts
import FileIO
import Foundation
import Results

/// The backtest page (`hashsec backtest --out DIR` → `DIR/index.html`) in the report's style, and the pieces the run
/// report's *model validation* section shares with it. Reads only the backtest's files (`backtest.csv`, `scores.csv`,
/// `manifest.json`, columns in docs/outputs.md), so any backtest folder can be re-rendered.
public enum BacktestReport {
    /// Renders `DIR/index.html` from the folder's files; returns the HTML.
    @discardableResult
    public static func render(directory: URL) throws -> String {
        func text(_ name: String) throws -> String {
            let u = directory.appendingPathComponent(name)
            guard let d = FileManager.default.contents(atPath: u.path) else { throw ReportError.notARunFolder(path: directory.path, reason: "no \(name)") }
            return String(decoding: d, as: UTF8.self)
        }
        let manifest = try ReportFiles.read(RunManifest<BacktestParameters>.self, directory.appendingPathComponent("manifest.json"))
        let html = try self.html(backtestCSV: try text("backtest.csv"), scoresCSV: try text("scores.csv"), manifest: manifest)
        try OutputWriter.write(html, to: directory.appendingPathComponent("index.html").path)
        return html
    }

    /// The page from the files' contents (the backtest job writes it together with them, all or nothing).
    public static func html(backtestCSV: String, scoresCSV: String, manifest m: RunManifest<BacktestParameters>?) throws -> String {
        let bt = try CSVTable.parse(backtestCSV, file: "backtest.csv")
        let sc = try CSVTable.parse(scoresCSV, file: "scores.csv")
        let p = m?.parameters
        var summary = ""
        if let p {
            summary = "\(p.originsScored) origins \(p.from)…\(p.to) (every \(p.every)\(p.offsetDays > 0 ? ", offset \(p.offsetDays) d" : "")), "
                + "\(p.paths) paths per origin and model, seed \(p.seed); \(p.calibration)"
        }
        let reqs = p?.requirements ?? [], failed = p?.requirementsFailed ?? []
        let ctx = BacktestContext(deal: p?.deal ?? "", createdUTC: m?.createdUTC ?? "", summary: summary,
                                  requirements: reqs.isEmpty ? nil : .init(checks: reqs.joined(separator: ", "), failed: failed.map { .init(line: $0) },
                                                                           passed: failed.isEmpty),
                                  scores: RunReport.table(compactScores(sc), csv: "scores.csv", caption: "Scores by model and horizon (all columns in the CSV)"),
                                  coverage: [coverageChart(sc, band: 90), coverageChart(sc, band: 50), skillChart(sc)].compactMap { $0 },
                                  pit: pitHistograms(sc), fans: fans(bt))
        return try Templates.render("backtest", ctx)
    }

    /// The headline columns of `scores.csv` (those present).
    static func compactScores(_ sc: CSVTable) -> CSVTable {
        columns(sc, ["model", "horizon", "n", "n_eff", "cov50", "cov90", "below_p05", "above_p95", "chi2_p_adj", "pinball", "naive_pinball", "skill", "payout_cov90"])
    }

    /// The run report's model-validation table: model, horizon, n, cov50, cov90, skill.
    public static func headline(_ sc: CSVTable) -> CSVTable { columns(sc, ["model", "horizon", "n", "cov50", "cov90", "skill"]) }

    static func columns(_ sc: CSVTable, _ names: [String]) -> CSVTable {
        let keep = names.filter { sc.column($0) != nil }
        let idx = keep.map { sc.column($0)! }
        return CSVTable(header: keep, rows: sc.rows.map { r in idx.map { r[$0] } })
    }

    static func models(_ sc: CSVTable) -> [String] {
        guard let c = sc.column("model") else { return [] }
        var seen: [String] = []
        for r in sc.rows where !seen.contains(r[c]) { seen.append(r[c]) }
        return seen
    }

    /// Coverage of the `band` % central band against horizon, one line per model, with the nominal level.
    public static func coverageChart(_ sc: CSVTable, band: Int) -> String? {
        guard let mc = sc.column("model"), let hc = sc.column("horizon"), let cc = sc.column("cov\(band)") else { return nil }
        var series: [Series] = []
        var allH: [Double] = []
        for m in models(sc) {
            let rows = sc.rows.filter { $0[mc] == m }
            let h = rows.map { Double($0[hc]) ?? 0 }
            allH += h
            series.append(Series(name: m, x: h, y: rows.map { Double($0[cc]) }))
        }
        guard !allH.isEmpty else { return nil }
        let hs = Array(Set(allH)).sorted()
        series.append(Series(name: "nominal \(band)%", x: hs, y: hs.map { _ in Double(band) / 100 }))
        return SVGChart.line(title: "Coverage of the \(band)% band by horizon", xTitle: "horizon (days)", yTitle: "share of origins covered",
                           series: series, xKind: .numeric, yMin: 0, yMax: 1)
    }

    /// Pinball-loss skill against the naive random walk by horizon (0 = as good as the naive baseline).
    static func skillChart(_ sc: CSVTable) -> String? {
        guard let mc = sc.column("model"), let hc = sc.column("horizon"), let kc = sc.column("skill") else { return nil }
        var series: [Series] = []
        var allH: [Double] = []
        for m in models(sc) {
            let rows = sc.rows.filter { $0[mc] == m }
            allH += rows.map { Double($0[hc]) ?? 0 }
            series.append(Series(name: m, x: rows.map { Double($0[hc]) ?? 0 }, y: rows.map { Double($0[kc]) }))
        }
        let hs = Array(Set(allH)).sorted()
        guard !hs.isEmpty else { return nil }
        series.append(Series(name: "naive", x: hs, y: hs.map { _ in 0 }))
        return SVGChart.line(title: "Pinball-loss skill vs the naive random walk", xTitle: "horizon (days)", yTitle: "skill = 1 − loss/loss_naive",
                           series: series, xKind: .numeric)
    }

    /// One PIT histogram (10 bins) per model × horizon.
    static func pitHistograms(_ sc: CSVTable) -> [SVGContext] {
        guard let mc = sc.column("model"), let hc = sc.column("horizon") else { return [] }
        let bins = (0..<10).compactMap { sc.column("pit_\($0)") }
        guard bins.count == 10 else { return [] }
        let pc = sc.column("chi2_p_adj")
        return sc.rows.map { r in
            let p = pc.map { r[$0] }.flatMap(Double.init).map { ", χ² p (adj.) \(ChartFormat.fixed($0, decimals: 2))" } ?? ""
            let svg = SVGChart.histogram(title: "PIT \(r[mc]) \(r[hc]) d\(p)", xTitle: "PIT", yTitle: "origins",
                                       bins: bins.enumerated().map { (low: Double($0.offset) / 10, high: Double($0.offset + 1) / 10, count: Double(r[$0.element]) ?? 0) })
            return SVGContext(svg: svg)
        }
    }

    /// Fans of the first model at each horizon: the simulated bands at each origin's target date, with the realized line.
    static func fans(_ bt: CSVTable) -> [SVGContext] {
        guard let mc = bt.column("model"), let hc = bt.column("horizon"), let tc = bt.column("target_date"), let rc = bt.column("realized"),
              let first = bt.rows.first?[mc] else { return [] }
        let horizons = Array(Set(bt.rows.compactMap { Int($0[hc]) })).sorted()
        var out: [SVGContext] = []
        for h in horizons {
            let rows = bt.rows.filter { $0[mc] == first && Int($0[hc]) == h }.sorted { $0[tc] < $1[tc] }
            guard rows.count >= 2 else { continue }
            func col(_ k: String) -> [Double] { bt.column(k).map { c in rows.map { Double($0[c]) ?? 0 } } ?? [] }
            let x = rows.map { Double(ChartDate.parse($0[tc]) ?? 0) }
            let svg = SVGChart.fan(title: "\(first), \(h)-day forecasts against the realized hashprice", xTitle: "target date (origin + \(h) d)",
                                 yTitle: "hashprice, USD/PH/day (log)", x: x, p05: col("p05"), p25: col("p25"), p50: col("p50"), p75: col("p75"),
                                 p95: col("p95"), logY: true, lines: [Series(name: "realized", x: x, y: rows.map { Double($0[rc]) })])
            out.append(SVGContext(svg: svg))
        }
        return out
    }
}
