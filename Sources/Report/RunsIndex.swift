import FileIO
import Foundation

/// The history page `reports/index.html`: one row per run, newest first.
public enum RunsIndex {
    public struct Entry: Sendable, Equatable {
        public var runID: String, started: String, finished: String, status: String
        /// Report link relative to the reports folder (e.g. `<run-id>/index.html`), nil when none.
        public var report: String?
        public init(runID: String, started: String, finished: String, status: String, report: String?) {
            self.runID = runID; self.started = started; self.finished = finished; self.status = status; self.report = report
        }
    }

    /// Renders the page to `<reportsDir>/index.html` (atomically). `entries` must already be newest first.
    public static func write(_ entries: [Entry], latest: String?, reportsDirectory: URL) throws {
        let ctx = RunsIndexContext(latest: latest, runs: entries.map { .init(runID: $0.runID, started: $0.started, finished: $0.finished,
                                                                             status: $0.status, report: $0.report) })
        try OutputWriter.write(try Templates.render("index", ctx), to: reportsDirectory.appendingPathComponent("index.html").path)
    }
}
