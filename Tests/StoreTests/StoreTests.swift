import Domain
import Foundation
import Store
import TestSupport
import XCTest

final class StoreTests: XCTestCase {
    func day(_ s: String) -> Day { Day(iso: s)! }

    func testWALMigrationsAndReopen() throws {
        let dir = try TestSupport.temporaryDirectory("store")
        let path = dir.appendingPathComponent("sub/s.sqlite").path
        do {
            let s = try HistoryStore(path: path)
            XCTAssertEqual(try s.journalMode(), "wal")
            XCTAssertEqual(try s.appliedMigrations(), ["v1-daily", "v2-ingested-files", "v3-revisions", "v4-calibrations", "v5-runs", "v6-curves", "v7-calibration-fits"])
            _ = try s.apply([DailyObservation(date: day("2020-01-02"), priceUSD: 7000)], path: "a", sha256: "aa", format: "tidy")
        }
        let again = try HistoryStore(path: path)
        XCTAssertEqual(try again.observations(), [DailyObservation(date: day("2020-01-02"), priceUSD: 7000)])
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal") || FileManager.default.fileExists(atPath: path))
    }

    /// SPEC §5 / issue 12 item 12: a calibration is filed by everything it depends on. Two fits of the same as-of date
    /// with other windows, options or data are both kept (no last write wins); the same key again replaces its own JSON.
    func testCalibrationsKeyedByEverythingTheFitDependsOn() throws {
        let s = try HistoryStore(path: try TestSupport.temporaryDirectory("store").appendingPathComponent("s.sqlite").path)
        let a = CalibrationKey(asOf: day("2024-01-31"), windowDays: 1460, dataSHA256: "d1")
        var b = a; b.windowDays = 3650
        var c = a; c.dataSHA256 = "d2"
        var d = a; d.options = ["hashrate_window_days": "2920"]
        XCTAssertEqual(Set([a.id, b.id, c.id, d.id]).count, 4, "every dependency changes the key")
        XCTAssertNil(try s.calibrationJSON(a))
        try s.saveCalibration(a, json: "{\"a\":1}")
        try s.saveCalibration(b, json: "{\"b\":1}")
        try s.saveCalibration(c, json: "{\"c\":1}")
        XCTAssertEqual(try s.calibrationJSON(a), "{\"a\":1}", "a later fit with another window did not replace it")
        XCTAssertEqual(try s.calibrationJSON(b), "{\"b\":1}")
        XCTAssertEqual(try s.calibrationJSON(c), "{\"c\":1}")
        XCTAssertNil(try s.calibrationJSON(d))
        try s.saveCalibration(a, json: "{\"a\":2}")
        XCTAssertEqual(try s.calibrationJSON(a), "{\"a\":2}", "the same key is the same fit: replaced")
        XCTAssertEqual(try s.calibrations(asOf: day("2024-01-31")).map(\.key).sorted(), [a.id, b.id, c.id].sorted())
        XCTAssertEqual(try s.calibrations(asOf: day("2024-02-01")), [])
        XCTAssertEqual(Set(try s.calibrations().map(\.windowDays)), [1460, 3650])
    }

    /// The data digest moves with any stored value (and only with the values).
    func testObservationDigest() {
        let o = [DailyObservation(date: day("2024-01-01"), priceUSD: 1, blockCount: 144), DailyObservation(date: day("2024-01-02"), heightEnd: 7)]
        var p = o; p[1].heightEnd = 8
        var q = o; q[0].priceUSD = nil
        var r = o; r[0].priceUSD = 1.0000000000000002
        let all = [o, p, q, r].map(DailyObservation.digest)
        XCTAssertEqual(Set(all).count, 4)
        XCTAssertEqual(DailyObservation.digest(o), DailyObservation.digest(o))
        XCTAssertEqual(DailyObservation.digest([]).count, 64)
    }

    func testRunsUpsertNewestFirst() throws {
        let s = try HistoryStore(path: try TestSupport.temporaryDirectory("store").appendingPathComponent("s.sqlite").path)
        let a = RunRecord(runID: "r1", startedUTC: "2026-01-01T00:00:00Z", status: "running", configSHA256: "c1")
        var b = RunRecord(runID: "r2", startedUTC: "2026-01-02T00:00:00Z", status: "running", configSHA256: "c2")
        try s.recordRun(a); try s.recordRun(b)
        b.status = "ok"; b.finishedUTC = "2026-01-02T00:05:00Z"; b.reportPath = "reports/r2"; b.summaryJSON = "{}"
        try s.recordRun(b)
        XCTAssertEqual(try s.runs(), [b, a])
        XCTAssertEqual(try s.runs(limit: 1), [b])
    }

    func testApplyIdempotentRevisionsAndFill() throws {
        let s = try HistoryStore(path: try TestSupport.temporaryDirectory("store").appendingPathComponent("s.sqlite").path)
        let d1 = day("2021-05-01"), d2 = day("2021-05-02")
        let first = [DailyObservation(date: d2, priceUSD: 100, blockCount: 150),
                     DailyObservation(date: d1, priceUSD: 90, blockCount: 140, difficulty: nil)]
        var sum = try XCTUnwrap(s.apply(first, path: "f1", sha256: "h1", format: "tidy"))
        XCTAssertEqual(sum.newRows, 2)
        XCTAssertNil(try s.apply(first, path: "f1-again", sha256: "h1", format: "tidy"), "same hash: nothing written")
        XCTAssertEqual(try s.ingestedFiles().count, 1)
        // A later file: one revised value on d1, one filled-in value on d2, a new day, one unchanged row.
        let second = [DailyObservation(date: d1, priceUSD: 91, blockCount: 140),
                      DailyObservation(date: d2, difficulty: 2e13),
                      DailyObservation(date: day("2021-05-03"), priceUSD: 95)]
        sum = try XCTUnwrap(s.apply(second, path: "f2", sha256: "h2", format: "series"))
        XCTAssertEqual([sum.newRows, sum.revisedRows, sum.revisedValues, sum.filledRows, sum.unchangedRows], [1, 1, 1, 1, 0])
        XCTAssertEqual(try s.revisions(), [Revision(date: d1, field: .priceUSD, old: 90, new: 91, fileSHA256: "h2")])
        XCTAssertEqual(try s.observations(from: d1, through: d2),
                       [DailyObservation(date: d1, priceUSD: 91, blockCount: 140),
                        DailyObservation(date: d2, priceUSD: 100, blockCount: 150, difficulty: 2e13)])
        XCTAssertEqual(try s.dateRange(), d1...day("2021-05-03"))
        XCTAssertEqual(try s.observations(from: day("2021-05-03")).count, 1)
    }
}
