import Foundation
import Report
import Store

/// Atomic publication of nightly runs: everything is written into `<reports>/.tmp-<run-id>/`, renamed to
/// `<reports>/<run-id>/` when complete, then `latest` is switched by renaming a fresh symlink over it.
/// `rename(2)` is atomic on one file system, so readers see either the old or the new state, never a partial one.
public enum NightlyPublish {
    public static let tempPrefix = ".tmp-"

    /// Removes temp folders left by crashed runs (call only while holding the nightly lock). Returns their names.
    @discardableResult
    public static func cleanStale(reportsDir: URL) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reportsDir.path)) ?? []
        var removed: [String] = []
        for n in names.sorted() where n.hasPrefix(tempPrefix) || n.hasPrefix(".latest.tmp") {
            do { try FileManager.default.removeItem(at: reportsDir.appendingPathComponent(n)) } catch {
                throw PipelineError.cannotWrite(path: reportsDir.appendingPathComponent(n).path, reason: "cannot remove a stale temp folder: \(error)")
            }
            removed.append(n)
        }
        return removed
    }

    /// Renames the finished temp folder to its final name.
    public static func publish(temp: URL, reportsDir: URL, runID: String) throws -> URL {
        let final = reportsDir.appendingPathComponent(runID)
        guard rename(temp.path, final.path) == 0 else {
            throw PipelineError.cannotWrite(path: final.path, reason: "rename failed: \(String(cString: strerror(errno)))")
        }
        return final
    }

    /// Points `<reports>/latest` at `runID` atomically (temp symlink, then rename over the old link).
    public static func switchLatest(reportsDir: URL, runID: String) throws {
        let tmp = reportsDir.appendingPathComponent(".latest.tmp-\(getpid())")
        let latest = reportsDir.appendingPathComponent("latest")
        unlink(tmp.path)
        guard symlink(runID, tmp.path) == 0 else {
            throw PipelineError.cannotWrite(path: tmp.path, reason: "symlink failed: \(String(cString: strerror(errno)))")
        }
        guard rename(tmp.path, latest.path) == 0 else {
            let e = String(cString: strerror(errno)); unlink(tmp.path)
            throw PipelineError.cannotWrite(path: latest.path, reason: "rename failed: \(e)")
        }
    }

    /// Writes `<reports>/index.html` from the store's run history (newest first); only runs whose folder exists get a link.
    public static func writeIndex(store: Store, reportsDir: URL, latest: String?) throws {
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

    /// Flattens a run summary's comparable metrics: `metrics` (run level, deal "") and `deals.<name>` objects of numbers.
    public static func metrics(_ summary: [String: Any]) -> [String: [String: Double]] {
        var out: [String: [String: Double]] = [:]
        func numbers(_ o: [String: Any]) -> [String: Double] {
            o.compactMapValues { v in
                if v is Bool { return nil }
                let d = (v as? Double) ?? (v as? Int).map(Double.init)
                return d.flatMap { $0.isFinite ? $0 : nil }
            }
        }
        if let m = summary["metrics"] as? [String: Any] { out[""] = numbers(m) }
        if let d = summary["deals"] as? [String: Any] {
            for (name, v) in d { if let o = v as? [String: Any] { out[name] = numbers(o) } }
        }
        return out
    }

    /// Rows for every metric present in either run, sorted by (deal, metric). A row is flagged when
    /// |change| > threshold (per metric, else `default`), or when the metric appeared or disappeared.
    public static func compare(previous: [String: Any], current: [String: Any], thresholds: [String: Double]) -> [Change] {
        let p = metrics(previous), c = metrics(current)
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

    /// `changes.csv` text (empty cells for missing values; numbers via `Double.description`).
    public static func csv(_ rows: [Change]) -> String {
        var s = "metric,deal,previous,current,change,flag\n"
        for r in rows {
            s += "\(r.metric),\(r.deal),\(r.previous?.description ?? ""),\(r.current?.description ?? ""),\(r.change?.description ?? ""),\(r.flag ? "true" : "")\n"
        }
        return s
    }
}
