import Foundation
import GRDB
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A SIGKILL inside the ingest transaction (every row written, the commit not yet done) leaves the store exactly as it
/// was: the batched multi-row inserts and the enlarged page cache of a bulk load never reach the database file before
/// the commit. Runs the built `hashsec` (`HASHSEC_TEST_PAUSE_AT=ingest-commit` holds it at that point).
final class IngestCrashTests: XCTestCase {
    /// Starts `args`, waits until it announces the pause at `ingest-commit`, SIGKILLs it.
    func killAtCommit(_ args: [String], in dir: URL, env: [String: String] = [:]) throws {
        let (p, _, err) = HashsecBinary.process(args, in: dir, env: env.merging(["HASHSEC_TEST_PAUSE_AT": "ingest-commit",
                                                                                  "HASHSEC_TEST_PAUSE_SECONDS": "120"]) { $1 })
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        var text = ""
        let deadline = Date().addingTimeInterval(300)
        while !text.contains("pausing for a test at ingest-commit"), p.isRunning, Date() < deadline {
            let d = err.fileHandleForReading.availableData
            if d.isEmpty { usleep(50_000) } else { text += String(decoding: d, as: UTF8.self) }
        }
        XCTAssertTrue(text.contains("pausing for a test at ingest-commit"), "never reached the commit: \(text)")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
    }

    func counts(_ path: String) throws -> (daily: Int, files: Int, check: String) {
        let q = try DatabaseQueue(path: path)
        return try q.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM daily") ?? -1, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ingested_files") ?? -1,
             try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "")
        }
    }

    /// `hashsec ingest` of a file whose first 700 days are stored: killed before the commit, the store still holds only
    /// those 700 days and one file; the same ingest then succeeds.
    func testSIGKILLBeforeTheCommitLeavesTheStoreAsBefore() throws {
        guard HashsecBinary.isBuilt else { throw XCTSkip("\(HashsecBinary.url.path) absent: run `swift build` first") }
        let dir = try TestSupport.temporaryDirectory("ingest-kill")
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = TestSupport.repositoryRoot.appendingPathComponent("datasets/synthetic-history.csv")
        let lines = try String(contentsOf: full, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1461)
        let part = dir.appendingPathComponent("first700.csv")
        try (lines.prefix(701).joined(separator: "\n") + "\n").write(to: part, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("h.sqlite").path
        let first = try HashsecBinary.run(["ingest", part.path, "--db", db], in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        try killAtCommit(["ingest", full.path, "--db", db], in: dir)
        let after = try counts(db)
        XCTAssertEqual(after.daily, 700); XCTAssertEqual(after.files, 1); XCTAssertEqual(after.check, "ok")
        let again = try HashsecBinary.run(["ingest", full.path, "--db", db], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("760 new, 0 revised, 700 unchanged"), again.stdout)
        let done = try counts(db)
        XCTAssertEqual(done.daily, 1460); XCTAssertEqual(done.files, 2); XCTAssertEqual(done.check, "ok")
    }

    /// The bulk path (`perf ingest`, 60,000 rows: the enlarged cache, full batches): killed before the commit, its fresh
    /// store (left behind in TMPDIR) holds no row and no file, and passes quick_check.
    func testSIGKILLInsideABulkLoadLeavesTheFreshStoreEmpty() throws {
        guard HashsecBinary.isBuilt else { throw XCTSkip("\(HashsecBinary.url.path) absent: run `swift build` first") }
        let dir = try TestSupport.temporaryDirectory("ingest-kill-bulk")
        defer { try? FileManager.default.removeItem(at: dir) }
        try killAtCommit(["perf", "ingest", "--rows", "60000"], in: dir, env: ["TMPDIR": dir.path])
        let stores = (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix("perf.sqlite") }
        XCTAssertEqual(stores.count, 1, "the killed run's store")
        guard let rel = stores.first else { return }
        let c = try counts(dir.appendingPathComponent(rel).path)
        XCTAssertEqual(c.daily, 0); XCTAssertEqual(c.files, 0); XCTAssertEqual(c.check, "ok")
    }
}
