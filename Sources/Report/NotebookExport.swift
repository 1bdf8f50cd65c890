import Charts
import FileIO
import Foundation

/// Writes a Jupyter notebook (nbformat 4.5, JSON written by hand) that loads a run's CSVs with pandas
/// and redraws the report's charts with matplotlib. Only files that exist in the run folder are referenced.
public enum NotebookExport {
    /// Writes `<notebookDir>/<runID>.ipynb`; CSV paths in the notebook are `<relativeRunPath>/<file>`
    /// (e.g. `../reports/<run-id>`), relative to the notebook. Returns the notebook path.
    @discardableResult
    public static func write(runDirectory: URL, runID: String, notebookDirectory: URL, relativeRunPath: String) throws -> URL {
        let data = try notebook(runDirectory: runDirectory, runID: runID, relativeRunPath: relativeRunPath)
        do { try FileManager.default.createDirectory(at: notebookDirectory, withIntermediateDirectories: true) } catch {
            throw ReportError.cannotWrite(path: notebookDirectory.path, reason: "\(error)")
        }
        let out = notebookDirectory.appendingPathComponent("\(runID).ipynb")
        try OutputWriter.write(data, to: out.path)
        return out
    }

    /// One notebook cell (nbformat 4.5): markdown, or code with no outputs yet.
    struct Cell: Encodable {
        var code: Bool, id: String, source: [String]
        struct Empty: Encodable {}
        enum Keys: String, CodingKey { case cell_type, id, metadata, source, execution_count, outputs }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(code ? "code" : "markdown", forKey: .cell_type); try c.encode(id, forKey: .id)
            try c.encode(Empty(), forKey: .metadata); try c.encode(source, forKey: .source)
            if code { try c.encodeNil(forKey: .execution_count); try c.encode([Empty](), forKey: .outputs) }
        }
    }

    /// The notebook document.
    struct Notebook: Encodable {
        struct Metadata: Encodable {
            struct Kernel: Encodable { var display_name = "Python 3", language = "python", name = "python3" }
            struct Language: Encodable { var name = "python" }
            var kernelspec = Kernel(), language_info = Language()
        }
        var cells: [Cell]
        var metadata = Metadata()
        var nbformat = 4, nbformat_minor = 5
    }

    /// The notebook's bytes for the run folder at `runDirectory` (its CSVs referenced as `<relativeRunPath>/<file>`).
    public static func notebook(runDirectory: URL, runID: String, relativeRunPath: String) throws -> Data {
        let run = try RunFolder(runDirectory)
        var cells: [Cell] = []
        func md(_ s: String) { cells.append(Cell(code: false, id: "cell-\(cells.count + 1)", source: lines(s))) }
        func code(_ s: String) { cells.append(Cell(code: true, id: "cell-\(cells.count + 1)", source: lines(s))) }
        func exists(_ rel: String) -> Bool { FileManager.default.fileExists(atPath: run.url.appendingPathComponent(rel).path) }
        md("# hashsec run \(runID)\n\nLoads the run's CSV files with pandas and redraws the report's charts with matplotlib.")
        code("""
            import pandas as pd
            import matplotlib.pyplot as plt
            RUN = \(pyString(relativeRunPath))
            HALVINGS = [\(SVGChart.halvings.map { pyString(ChartDate.format($0.day)) }.joined(separator: ", "))]
            def mark_halvings(ax, dates):
                lo, hi = dates.min(), dates.max()
                for h in pd.to_datetime(HALVINGS):
                    if lo <= h <= hi:
                        ax.axvline(h, color="#c0392b", linestyle="--", linewidth=0.8)
            def fan(ax, df, title, ylabel, log=False):
                d = pd.to_datetime(df["date"])
                ax.fill_between(d, df["p05"], df["p95"], alpha=0.18, label="5-95%")
                ax.fill_between(d, df["p25"], df["p75"], alpha=0.35, label="25-75%")
                ax.plot(d, df["p50"], label="median")
                if log: ax.set_yscale("log")
                mark_halvings(ax, d); ax.set_title(title); ax.set_ylabel(ylabel); ax.legend()
            def hist(ax, df, title, xlabel):
                ax.bar(df["bin_low"], df["count"], width=df["bin_high"] - df["bin_low"], align="edge")
                ax.set_title(title); ax.set_xlabel(xlabel)
            """)
        if exists("benchmark.csv") {
            md("## Hashprice history")
            code("""
                bench = pd.read_csv(RUN + "/benchmark.csv", parse_dates=["date"])
                fig, ax = plt.subplots(figsize=(10, 4))
                col = "hashprice_usd_ph_day" if "hashprice_usd_ph_day" in bench else "hashprice_btc_ph_day"
                ax.plot(bench["date"], bench[col]); ax.set_yscale("log"); ax.set_ylabel(col)
                mark_halvings(ax, bench["date"]); ax.set_title("Hashprice history")
                plt.show()
                """)
        }
        for f in ["calibration.csv", "changes.csv", "stress.csv"] where exists(f) {
            md("## \(f)")
            code("pd.read_csv(RUN + \(pyString("/" + f)))")
        }
        for (name, _) in run.deals {
            let base = run.isSingleDeal ? "" : "deals/\(name)/"
            md("## Deal \(name)")
            for f in ["terms.csv", "metrics.csv", "tranches.csv", "leverage_returns.csv", "stress.csv", "sensitivities.csv"] where exists(base + f) {
                code("pd.read_csv(RUN + \(pyString("/" + base + f)))")
            }
            if exists(base + "hashprice_quantiles.csv") {
                code("fig, ax = plt.subplots(figsize=(10, 4))\nfan(ax, pd.read_csv(RUN + \(pyString("/" + base + "hashprice_quantiles.csv"))), \"Simulated hashprice\", \"USD/PH/day\", log=True)\nplt.show()")
            }
            if exists(base + "payout_quantiles.csv") {
                code("fig, ax = plt.subplots(figsize=(10, 4))\nfan(ax, pd.read_csv(RUN + \(pyString("/" + base + "payout_quantiles.csv"))), \"Daily payout per token\", \"USD/token/day\")\nplt.show()")
            }
            for (f, t, x) in [("pv_histogram.csv", "Present value", "PV, USD"), ("irr_histogram.csv", "Annual IRR", "IRR")] where exists(base + f) {
                code("fig, ax = plt.subplots(figsize=(8, 3.5))\nhist(ax, pd.read_csv(RUN + \(pyString("/" + base + f))), \(pyString(t)), \(pyString(x)))\nplt.show()")
            }
            if exists(base + "tranches.csv") {
                code("tr = pd.read_csv(RUN + \(pyString("/" + base + "tranches.csv")))\ntr.plot.bar(x=\"tranche\", y=[c for c in [\"expected_loss\", \"prob_shortfall\", \"prob_loss\"] if c in tr.columns], title=\"Tranche losses\")\nplt.show()")
            }
            if exists(base + "sensitivities.csv") {
                code("se = pd.read_csv(RUN + \(pyString("/" + base + "sensitivities.csv")))\nse[\"label\"] = se[\"input\"] + \" \" + se[\"bump\"]\nse = se.reindex(se[[\"dpv_up\", \"dpv_down\"]].abs().max(axis=1).sort_values().index)\nfig, ax = plt.subplots(figsize=(8, 3.5))\nax.barh(se[\"label\"], se[\"dpv_up\"], label=\"input bumped up\")\nax.barh(se[\"label\"], se[\"dpv_down\"].fillna(0), label=\"input bumped down\")\nax.axvline(0, color=\"k\", lw=0.8)\nax.set_xlabel(\"change of PV per token, USD\")\nax.set_title(\"PV per token: change when each input is bumped\")\nax.legend()\nplt.show()")
            }
            if exists(base + "leverage_sweep.csv") {
                code("lv = pd.read_csv(RUN + \(pyString("/" + base + "leverage_sweep.csv")))\nax = None\nfor fam, g in (lv.groupby(\"sweep\") if \"sweep\" in lv.columns else [(\"loops\", lv)]):\n    ax = g.sort_values(\"leverage\").plot(x=\"leverage\", y=\"prob_liquidation\", label=\"P(liquidation), \" + fam, ax=ax, title=\"Liquidation probability vs leverage\")\nplt.show()")
            } else if exists(base + "leverage_liquidation.csv") {
                code("lq = pd.read_csv(RUN + \(pyString("/" + base + "leverage_liquidation.csv")), parse_dates=[\"date\"])\nlq.plot(x=\"date\", y=\"prob_liquidated\", title=\"Cumulative liquidation probability\")\nplt.show()")
            }
            // Forward curve and hedge (SPEC §13).
            for f in ["curve_case.csv", "hedge_margin.csv"] where exists(base + f) { code("pd.read_csv(RUN + \(pyString("/" + base + f)))") }
            if exists(base + "curve_months.csv") {
                code("cm = pd.read_csv(RUN + \(pyString("/" + base + "curve_months.csv")), parse_dates=[\"first_date\"])\nax = cm.plot(x=\"first_date\", y=[\"level_usd_ph_day\", \"simulated_mean_usd_ph_day\"], title=\"Forward curve vs simulated monthly mean hashprice\", ylim=(0, None))\nplt.show()\ncm")
            }
            if exists(base + "hedge.csv") {
                code("hg = pd.read_csv(RUN + \(pyString("/" + base + "hedge.csv")))\nhg.plot.bar(x=\"strategy\", y=[\"pv_usd_p05\", \"pv_usd_p50\", \"pv_usd_mean\", \"pv_usd_p95\"], title=\"PV per token, hedged vs unhedged\")\nplt.show()\nhg")
            }
        }
        return try JSONText.data(Notebook(cells: cells))
    }

    /// Notebook `source`: the text split into lines, each keeping its `\n` except the last.
    static func lines(_ s: String) -> [String] {
        let parts = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return parts.enumerated().map { $0.offset < parts.count - 1 ? $0.element + "\n" : $0.element }.filter { !$0.isEmpty }
    }

    /// A Python string literal (double quotes, backslash-escaped).
    static func pyString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
