import FileIO
import Foundation
import Glibc
import Nightly
import TestSupport
import XCTest

/// Watches folders with inotify and counts the `open(2)` of each file in them, whoever opens it (FileManager, SQLite,
/// `String(contentsOf:)`): an observer independent of the code under test. The closes are watched too, so that two
/// opens of one file are never adjacent identical events (which inotify would merge into one).
final class OpenWatcher {
    private let fd: Int32
    private var folders: [Int32: String] = [:]
    private(set) var opens: [String: Int] = [:]

    init(folders: [String]) throws {
        fd = inotify_init1(Int32(IN_NONBLOCK))
        guard fd >= 0 else { throw XCTSkip("inotify unavailable (errno \(errno))") }
        for f in Set(folders) {
            let wd = inotify_add_watch(fd, f, 0x0000_0020 | 0x0000_0008 | 0x0000_0010 /* IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE */)
            guard wd >= 0 else { throw XCTSkip("cannot watch \(f) (errno \(errno))") }
            self.folders[wd] = f
        }
    }
    deinit { close(fd) }

    /// Drains the queued events (call after the run).
    func drain() {
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            var i = 0
            while i + 16 <= n {
                let wd = buf[i..<i + 4].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
                let mask = buf[i + 4..<i + 8].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
                let len = Int(buf[i + 12..<i + 16].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
                let nameBytes = buf[i + 16..<i + 16 + len].prefix { $0 != 0 }
                if mask & 0x20 != 0, let dir = folders[wd], !nameBytes.isEmpty {
                    opens[dir + "/" + String(decoding: nameBytes, as: UTF8.self), default: 0] += 1
                }
                i += 16 + len
            }
        }
    }

    func opens(of path: String) -> Int { opens[path] ?? 0 }
}

/// Issue 13 acceptance: a nightly reads each input file once and opens the store once ("resolve, then run").
final class NightlyReadOnceTests: XCTestCase {
    static let datasets = TestSupport.repositoryRoot.appendingPathComponent("datasets").standardizedFileURL.path

    /// `datasets/<name>` rewritten for a temp folder: its relative input paths made absolute (they are relative to the
    /// config file), the store, reports and notebooks in `dir`, and `overrides` (`key: value` lines, matched by their
    /// exact leading text) for test-sized path counts.
    func config(_ name: String, in dir: URL, overrides: [String: String]) throws -> URL {
        let text = try String(contentsOfFile: Self.datasets + "/" + name, encoding: .utf8)
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            var l = line
            if let v = overrides.first(where: { line.hasPrefix($0.key) }) { l = v.key + v.value }
            for key in ["db:", "reports_dir:", "notebooks_dir:"] where l.hasPrefix(key) {
                l = key == "db:" ? "db: \(dir.path)/state/nightly.sqlite" : "\(key) \(dir.path)/\(key.dropLast())"
            }
            if let r = l.range(of: #"^(\s*-\s*path:\s*|\s*-\s*|scenarios:\s*|\s*deal:\s*)([^\s/#][^\s#]*\.(yaml|csv))\s*$"#, options: .regularExpression) {
                let m = String(l[r])
                let rel = m.split(separator: " ").last.map(String.init)!
                l = m.replacingOccurrences(of: rel, with: URL(fileURLWithPath: Self.datasets + "/" + rel).standardizedFileURL.path)
            }
            lines.append(l)
        }
        let u = dir.appendingPathComponent(name)
        try lines.joined(separator: "\n").write(to: u, atomically: true, encoding: .utf8)
        return u
    }

    /// Every file the configuration names (config, deals, scenarios, data inputs), and the store.
    func inputs(of configURL: URL) throws -> (files: [String], db: String) {
        let text = try String(contentsOf: configURL, encoding: .utf8)
        var files = [configURL.path, Self.datasets + "/asic-catalog.csv"], db = ""
        for line in text.split(separator: "\n").map(String.init) {
            let t = line.trimmingCharacters(in: .whitespaces)
            let value = t.split(separator: " ").last.map(String.init) ?? ""
            if t.hasPrefix("db:") { db = value; continue }
            if value.hasPrefix("/"), value.hasSuffix(".yaml") || value.hasSuffix(".csv"), !files.contains(value) { files.append(value) }
        }
        return (files, db)
    }

    @discardableResult
    func assertReadOnce(_ name: String, overrides: [String: String], file: StaticString = #filePath, line: UInt = #line) throws -> NightlyJob.Result {
        let dir = try TestSupport.temporaryDirectory("read-once")
        let cfg = try config(name, in: dir, overrides: overrides)
        let (files, db) = try inputs(of: cfg)
        try FileManager.default.createDirectory(atPath: (db as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let watcher = try OpenWatcher(folders: files.map { ($0 as NSString).deletingLastPathComponent } + [(db as NSString).deletingLastPathComponent])
        let counting = CountingFiles()
        let result = try NightlyJob.run(.init(configPath: cfg.path, logFile: dir.appendingPathComponent("log.jsonl").path, files: counting))
        watcher.drain()
        XCTAssertGreaterThanOrEqual(files.count, 8, "config, catalog, 5 deals, scenarios, data: \(files)", file: file, line: line)
        for f in files {
            // inotify sees every process's opens: a file outside the repository and this test's folder (the shared
            // datasets, which other checkouts' tests read at the same time) is checked through the job's reader only.
            let ours = f.hasPrefix(TestSupport.repositoryRoot.standardizedFileURL.path + "/") || f.hasPrefix(dir.path + "/")
            if ours { XCTAssertEqual(watcher.opens(of: f), 1, "\(f) opened \(watcher.opens(of: f)) times (open(2), inotify)", file: file, line: line) }
            else { XCTAssertGreaterThanOrEqual(watcher.opens(of: f), 1, "\(f) never opened (open(2), inotify)", file: file, line: line) }
            XCTAssertEqual(counting.reads(of: f), 1, "\(f) read \(counting.reads(of: f)) times through the job's InputFiles", file: file, line: line)
        }
        // SQLite opens the database file once per connection: one handle for the whole run.
        XCTAssertEqual(watcher.opens(of: db), 1, "the store \(db) opened \(watcher.opens(of: db)) times", file: file, line: line)
        XCTAssertEqual(counting.reads(of: db), 1, "the store \(db) opened \(counting.reads(of: db)) times through JobInputs.openStore", file: file, line: line)
        return result
    }

    /// The embedded default (synthetic history, five deals, the synthetic stresses).
    func testNightlyReadsEachInputOnceAndOpensTheStoreOnce() throws {
        try assertReadOnce("nightly.yaml", overrides: ["paths:": " 100", "stress_paths:": " 100"])
    }

    /// The real public history (read in place from ../shared/datasets), the default stresses with their historical
    /// replays and the scheduled backtest (test-sized path counts and origins).
    func testRealNightlyReadsEachInputOnceAndOpensTheStoreOnce() throws {
        guard TestSupport.sharedDataset("btc_daily_network_market.csv") != nil else {
            throw XCTSkip("../shared/datasets/btc_daily_network_market.csv absent: the real nightly is not run")
        }
        let r = try assertReadOnce("nightly-real.yaml", overrides: ["paths:": " 100", "stress_paths:": " 100", "  paths:": " 50",
                                                                     "  from:": " 2024-01-01", "  horizons:": " [30, 90]"])
        // The scheduled backtest was due (none stored) and ran on the run's inputs, and the report shows it.
        let run = URL(fileURLWithPath: r.reportPath).deletingLastPathComponent()
        let mv = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("model_validation.json"))) as? [String: Any]
        XCTAssertEqual(mv?["ran_in_this_run"] as? Bool, true, "\(mv ?? [:])")
        XCTAssertNil(mv?["error_in_this_run"], "\(mv ?? [:])")
    }
}
