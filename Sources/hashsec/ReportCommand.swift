import ArgumentParser
import Pipeline

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render a run folder as a self-contained HTML report (+ CSVs of its tables and a Jupyter notebook).",
        discussion: """
        Reads the files of a nightly run folder (reports/<run-id>/) or of a single `simulate --out DIR` folder and
        writes DIR/index.html (inline CSS and SVG charts, no scripts, no network). Missing optional files omit their
        section. Tables without a CSV of their own (terms, headline metrics, manifest inputs) get one beside them.

        Examples:
          hashsec report reports/latest
          hashsec report out/sim --notebook-dir notebooks-export
        """)

    @Argument(help: "Run folder (nightly reports/<run-id>/ or a simulate --out folder).")
    var runDir: String

    @Option(help: "Also write <dir>/<run-id>.ipynb (nbformat 4) loading the run's CSVs with pandas.")
    var notebookDir: String?

    func run() throws {
        try guarded {
            let r = try ReportJob.run(runDirectory: runDir, notebookDirectory: notebookDir)
            print("report: \(r.html) (sections: \(r.sections.joined(separator: ", ")))")
            if let nb = r.notebook { print("notebook: \(nb)") }
        }
    }
}
