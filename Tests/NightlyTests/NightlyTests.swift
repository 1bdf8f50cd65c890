import Foundation
import XCTest
import TestSupport

final class NightlyTests: XCTestCase {
    /// Drops the lines that may differ between reruns: run id and time (header, title) and stage timings.
    func normalised(_ html: Data, runID: String) -> String {
        String(decoding: html, as: UTF8.self).split(separator: "\n").filter { !$0.contains("class=\"volatile\"") }
            .joined(separator: "\n").replacingOccurrences(of: runID, with: "RUN")
    }

    func testRerunsOnSameDataGiveIdenticalReportsAndHistory() throws {
        let h = try NightlyHarness()
        var ids: [String] = []
        for _ in 0..<3 {
            let r = try h.run()
            XCTAssertEqual(r.status, 0, r.stderr)
            let id = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("run: ") }).dropFirst(5).split(separator: " ")[0]
            ids.append(String(id))
            XCTAssertTrue(r.stdout.contains("report: reports/\(id)/index.html"), r.stdout)
            XCTAssertNotNil(id.range(of: "^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}$", options: .regularExpression))
        }
        XCTAssertEqual(h.runFolders(), ids.sorted())
        XCTAssertEqual(h.latestTarget, ids[2])
        XCTAssertTrue(h.tempFolders().isEmpty)
        // Runs 2 and 3 both compare with a previous run: every file identical except manifest.json; index.html up to id/time.
        let a = try h.files(ids[1]), b = try h.files(ids[2])
        XCTAssertEqual(Set(a.keys), Set(b.keys))
        XCTAssertTrue(a.keys.contains("changes.csv") && a.keys.contains("benchmark.csv") && a.keys.contains("calibration.json"))
        for k in a.keys.sorted() where !k.hasSuffix("manifest.json") && k != "index.html" { XCTAssertEqual(a[k], b[k], "\(k) differs between reruns") }
        XCTAssertEqual(normalised(a["index.html"]!, runID: ids[1]), normalised(b["index.html"]!, runID: ids[2]))
        // Run 1 had no previous run: same files minus changes.csv.
        let first = try h.files(ids[0])
        XCTAssertNil(first["changes.csv"])
        XCTAssertEqual(first["summary.json"], a["summary.json"]); XCTAssertEqual(first["benchmark.csv"], a["benchmark.csv"])
        // The deal was simulated and stressed, and its headline metrics are compared.
        XCTAssertNotNil(b["deals/btcst-like/summary.json"]); XCTAssertNotNil(b["deals/btcst-like/stress.csv"])
        XCTAssertNotNil(b["deals/btcst-like/hashprice_quantiles.csv"]); XCTAssertNotNil(b["deals/btcst-like/deal.yaml"])
        XCTAssertTrue(String(decoding: b["changes.csv"]!, as: UTF8.self).contains("pv_usd_mean,btcst-like,"))
        // Same data ⇒ no change flagged, every relative change exactly 0.
        let changes = String(decoding: b["changes.csv"]!, as: UTF8.self).split(separator: "\n").dropFirst()
        XCTAssertFalse(changes.isEmpty)
        for row in changes { let c = row.split(separator: ",", omittingEmptySubsequences: false); XCTAssertEqual(c[4], "0.0", String(row)); XCTAssertEqual(c[5], "") }
        // History page lists the runs newest first.
        let index = try String(contentsOf: h.reports.appendingPathComponent("index.html"), encoding: .utf8)
        let positions = ids.map { index.range(of: "<td>\($0)</td>")!.lowerBound }
        XCTAssertTrue(positions[2] < positions[1] && positions[1] < positions[0])
        // Manifest: inputs' SHA-256 (of the history file, computed here independently by sha256sum).
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: b["manifest.json"]!) as? [String: Any])
        XCTAssertEqual(manifest["run_id"] as? String, ids[2])
        let inputs = try XCTUnwrap(manifest["inputs"] as? [[String: String]])
        let sum = Process(); sum.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum"); sum.arguments = [h.root.appendingPathComponent("history.csv").path]
        let pipe = Pipe(); sum.standardOutput = pipe; try sum.run(); sum.waitUntilExit()
        let expected = String(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64))
        XCTAssertTrue(inputs.contains { $0["sha256"] == expected }, "\(inputs) lacks \(expected)")
        // Notebook of the last run exists and points at ../reports/<id>.
        let nb = try String(contentsOf: h.root.appendingPathComponent("notebooks-export/\(ids[2]).ipynb"), encoding: .utf8)
        XCTAssertTrue(nb.contains("../reports/\(ids[2])"))
    }

    func testSIGKILLMidRunLeavesLatestIntactAndNextRunSucceeds() throws {
        let h = try NightlyHarness()
        let first = try h.run()
        XCTAssertEqual(first.status, 0, first.stderr)
        let before = try XCTUnwrap(h.latestTarget)
        let log = h.root.appendingPathComponent("killed.jsonl")
        let (p, _, _) = try h.start(["--log-file", log.path], env: ["HASHSEC_TEST_PAUSE_AT": "simulate", "HASHSEC_TEST_PAUSE_SECONDS": "60"])
        XCTAssertTrue(h.waitFor("pausing for a test", in: log), "the run never reached the simulate stage")
        XCTAssertEqual(h.tempFolders().count, 1, "the interrupted run writes aside")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(h.latestTarget, before, "latest still points at the previous complete run")
        XCTAssertEqual(h.runFolders(), [before])
        XCTAssertTrue(FileManager.default.fileExists(atPath: h.reports.appendingPathComponent("latest/index.html").path))
        let next = try h.run()
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stderr.contains("removed a stale temp folder"), next.stderr)
        XCTAssertTrue(h.tempFolders().isEmpty)
        XCTAssertEqual(h.runFolders().count, 2)
        XCTAssertNotEqual(h.latestTarget, before)
    }

    func testOverlappingRunExitsLocked75() throws {
        let h = try NightlyHarness()
        let log = h.root.appendingPathComponent("holder.jsonl")
        let (p, _, _) = try h.start(["--log-file", log.path], env: ["HASHSEC_TEST_PAUSE_AT": "benchmark", "HASHSEC_TEST_PAUSE_SECONDS": "60"])
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        XCTAssertTrue(h.waitFor("pausing for a test", in: log))
        let t0 = Date()
        let second = try h.run()
        XCTAssertEqual(second.status, 75, second.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 5, "exits at once")
        XCTAssertTrue(second.stderr.contains("another run holds the lock") && second.stderr.contains("pid \(p.processIdentifier)"), second.stderr)
        kill(p.processIdentifier, SIGKILL); p.waitUntilExit()
        // The kernel released the lock with the process: the next run proceeds.
        let third = try h.run()
        XCTAssertEqual(third.status, 0, third.stderr)
        // Structured logs: every stderr line is a JSON object with ts, level, stage, message.
        for line in third.stderr.split(separator: "\n") {
            let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            XCTAssertEqual(Set(o.keys), ["ts", "level", "stage", "message", "metadata"])
        }
        XCTAssertFalse(third.stderr.contains("\u{1B}["), "no progress bar when stderr is not a terminal")
    }

    func testStaleDataFailsTheGateWith76AndPublishesNothing() throws {
        let h = try NightlyHarness()
        // 1500 days from 2020-01-01 end on 2024-02-08; "today" 2024-02-20 is 12 days later, above the 3-day limit.
        try h.config(today: "2024-02-20").write(to: h.root.appendingPathComponent("stale.yaml"), atomically: true, encoding: .utf8)
        let r = try h.run(config: "stale.yaml")
        XCTAssertEqual(r.status, 76, r.stderr)
        XCTAssertTrue(r.stderr.contains("hashsec: error: data-quality gate failed: stale data: the newest complete day 2024-02-08 is 12 days before 2024-02-20 (max_data_age_days 3)"), r.stderr)
        XCTAssertTrue(h.runFolders().isEmpty); XCTAssertNil(h.latestTarget); XCTAssertTrue(h.tempFolders().isEmpty)
        // --today overrides the config: within the limit the same config passes.
        XCTAssertEqual(try h.run(["--today", "2024-02-10"], config: "stale.yaml").status, 0)
    }

    func testMissingValueInCalibrationWindowFailsTheGate() throws {
        let h = try NightlyHarness()
        try NightlyHarness.history(days: 1500, emptyPriceAt: 1400).write(to: h.root.appendingPathComponent("holey.csv"), atomically: true, encoding: .utf8)
        try h.config(input: "holey.csv").write(to: h.root.appendingPathComponent("holey.yaml"), atomically: true, encoding: .utf8)
        let r = try h.run(config: "holey.yaml")
        XCTAssertEqual(r.status, 76, r.stderr)
        // Day 1400 after 2020-01-01 is 2023-11-01.
        XCTAssertTrue(r.stderr.contains("2023-11-01: price_usd missing"), r.stderr)
        XCTAssertTrue(h.runFolders().isEmpty)
    }

    /// Issue 12 item 16: a run that fails at publish (here `latest` cannot be switched: it is a real directory) leaves no
    /// complete-looking `reports/<run-id>/` and no temp folder behind.
    func testFailureAtPublishLeavesNoRunFolder() throws {
        let h = try NightlyHarness()
        let latest = h.reports.appendingPathComponent("latest")
        try FileManager.default.createDirectory(at: latest, withIntermediateDirectories: true)
        try Data("not a symlink".utf8).write(to: latest.appendingPathComponent("keep.txt"))
        let r = try h.run()
        XCTAssertEqual(r.status, 73, r.stderr)
        XCTAssertTrue(r.stderr.contains("\"stage\":\"publish\""), r.stderr)
        XCTAssertEqual(h.runFolders(), [], "no reports/<run-id>/ of a run that did not publish")
        XCTAssertEqual(h.tempFolders(), [])
        XCTAssertEqual(try String(contentsOf: latest.appendingPathComponent("keep.txt"), encoding: .utf8), "not a symlink")
    }

    func testInvalidConfigExits78WithLine() throws {
        let h = try NightlyHarness()
        try "db: x.sqlite\ninputs: [history.csv]\npaths: -5\n".write(to: h.root.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let r = try h.run(config: "bad.yaml")
        XCTAssertEqual(r.status, 78, r.stderr)
        XCTAssertTrue(r.stderr.contains("bad.yaml:3: paths"), r.stderr)
    }
}
