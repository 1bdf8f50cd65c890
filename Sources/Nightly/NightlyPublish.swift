import FileIO
import Foundation
import Pipeline
import Report
import Results
import Store

/// Atomic publication of nightly runs: everything is written into `<reports>/.tmp-<run-id>/`, renamed to
/// `<reports>/<run-id>/` when complete, then the run is recorded, `latest` switched by renaming a fresh symlink over it
/// and the history page rewritten. `rename(2)` is atomic on one file system, so readers see either the old or the new
/// state, never a partial one; a failure anywhere in the publication undoes what it did (the folder goes back aside,
/// `latest` back to the previous run, the notebook is removed), so a failed run never leaves a complete-looking
/// `<reports>/<run-id>/`.
public enum NightlyPublish {
    public static let tempPrefix = ".tmp-"

    /// Removes temp folders left by crashed runs (call only while holding the nightly lock). Returns their names.
    @discardableResult
    public static func cleanStale(reportsDir: URL) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reportsDir.path)) ?? []
        var removed: [String] = []
        for n in names.sorted() where n.hasPrefix(tempPrefix) || n.hasPrefix(".latest.tmp") {
            do { try FileManager.default.removeItem(at: reportsDir.appendingPathComponent(n)) } catch {
                throw OutputError.cannotWrite(path: reportsDir.appendingPathComponent(n).path, reason: "cannot remove a stale temp folder: \(error)")
            }
            removed.append(n)
        }
        return removed
    }

    /// Publishes the finished folder `temp` as `<reports>/<runID>/` with its notebook (written first), then `record`s the
    /// run, switches `latest` and rewrites the index; on any failure, undoes every step and rethrows.
    public static func publish(temp: URL, reportsDir: URL, runID: String, notebook: (url: URL, data: Data)?,
                               record: () throws -> Void, index: () throws -> Void) throws -> URL {
        let final = reportsDir.appendingPathComponent(runID)
        let latest = reportsDir.appendingPathComponent("latest")
        let previous = try? FileManager.default.destinationOfSymbolicLink(atPath: latest.path)
        var moved = false, switched = false
        do {
            if let nb = notebook {
                do { try FileManager.default.createDirectory(at: nb.url.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
                    throw OutputError.cannotWrite(path: nb.url.deletingLastPathComponent().path, reason: "\(error.localizedDescription)")
                }
                try OutputWriter.write(nb.data, to: nb.url.path, durable: true)
            }
            try OutputWriter.move(temp.path, to: final.path)
            moved = true
            try record()
            try OutputWriter.replaceSymlink(latest.path, target: runID)
            switched = true
            try index()
            return final
        } catch {
            if switched {
                if let p = previous { try? OutputWriter.replaceSymlink(latest.path, target: p) } else { unlink(latest.path) }
            }
            if moved { try? OutputWriter.move(final.path, to: temp.path, durable: false) }
            if let nb = notebook { try? FileManager.default.removeItem(at: nb.url) }
            throw error
        }
    }

    /// Writes `<reports>/index.html` from the store's run history (newest first); only runs whose folder exists get a link.
    public static func writeIndex(store: HistoryStore, reportsDir: URL, latest: String?) throws {
        let entries = try store.runs().map { r -> RunsIndex.Entry in
            let exists = FileManager.default.fileExists(atPath: reportsDir.appendingPathComponent(r.runID).appendingPathComponent("index.html").path)
            return RunsIndex.Entry(runID: r.runID, started: r.startedUTC, finished: r.finishedUTC ?? "", status: r.status,
                                   report: exists ? "\(r.runID)/index.html" : nil)
        }
        try RunsIndex.write(entries, latest: latest, reportsDirectory: reportsDir)
    }
}

/// Comparison of a run's headline metrics with the previous successful run (`changes.csv`).
public enum NightlyCompare {
    /// One row of `changes.csv`.
    public struct Change: Equatable, Sendable {
        public var metric: String, deal: String
        public var previous: Double?, current: Double?
        /// Relative change `(current − previous) / |previous|`; nil when either side is missing or previous is 0.
        public var change: Double?
        public var flag: Bool
    }

    /// Rows for every metric present in either run, sorted by (deal, metric). A row is flagged when
    /// |change| > threshold (per metric, else `default`), or when the metric appeared or disappeared.
    public static func compare(previous: NightlySummary, current: NightlySummary, thresholds: [String: Double]) -> [Change] {
        let p = previous.allMetrics, c = current.allMetrics
        var rows: [Change] = []
        for deal in Set(p.keys).union(c.keys).sorted() {
            let pm = p[deal] ?? [:], cm = c[deal] ?? [:]
            for m in Set(pm.keys).union(cm.keys).sorted() {
                let a = pm[m], b = cm[m]
                var ch: Double? = nil
                if let a, let b, a != 0 { ch = (b - a) / abs(a) } else if let a, let b, a == 0, b == 0 { ch = 0 }
                let limit = thresholds[m] ?? thresholds["default"] ?? 0.10
                let flag = (a == nil) != (b == nil) || (ch.map { abs($0) > limit } ?? (a != b))
                rows.append(Change(metric: m, deal: deal, previous: a, current: b, change: ch, flag: flag))
            }
        }
        return rows
    }

    /// `changes.csv` (empty cells for missing values; numbers in full precision; a flagged row says `true`).
    public static func csv(_ rows: [Change]) -> String {
        var t = CSVText(header: ["metric", "deal", "previous", "current", "change", "flag"])
        for r in rows { t.append([.text(r.metric), .text(r.deal), .number(r.previous), .number(r.current), .number(r.change), r.flag ? .flag(true) : .empty]) }
        return t.text
    }
}
