import Foundation
import Report

/// `hashsec report RUN_DIR`: renders the run folder's `index.html` (+ CSVs of its tables) and the notebook export.
public enum ReportJob {
    public struct Result: Sendable {
        public var html: String
        public var notebook: String?
        public var sections: [String]
        public var csvWritten: [String]
    }

    /// Renders `runDirectory/index.html`; with `notebookDirectory`, also writes `<notebookDirectory>/<run-id>.ipynb`
    /// whose CSV paths are relative to the notebook.
    public static func run(runDirectory: String, notebookDirectory: String?) throws -> Result {
        let run = URL(fileURLWithPath: runDirectory).standardizedFileURL
        let out = try RunReport.render(runDirectory: run)
        var nbPath: String? = nil
        if let nd = notebookDirectory {
            let nbDir = URL(fileURLWithPath: nd).standardizedFileURL
            let runID = try RunFolder(run).runID()
            nbPath = try NotebookExport.write(runDirectory: run, runID: runID, notebookDirectory: nbDir,
                                              relativeRunPath: relativePath(from: nbDir, to: run)).path
        }
        return Result(html: out.html, notebook: nbPath, sections: out.sections, csvWritten: out.csvWritten)
    }

    /// Relative path from directory `from` to `to` (both absolute), e.g. `../reports/<run-id>`.
    public static func relativePath(from: URL, to: URL) -> String {
        let a = from.resolvingSymlinksInPath().pathComponents, b = to.resolvingSymlinksInPath().pathComponents
        var i = 0
        while i < a.count && i < b.count && a[i] == b[i] { i += 1 }
        let parts = Array(repeating: "..", count: a.count - i) + b[i...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
