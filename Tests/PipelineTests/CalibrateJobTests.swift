import Domain
import Foundation
import Pipeline
import TestSupport
import XCTest

/// `hashsec calibrate` options on the repository's synthetic history (no licensed data).
final class CalibrateJobTests: XCTestCase {
    private func store() throws -> (dir: URL, db: String) {
        let dir = try TestSupport.temporaryDirectory("caljob")
        let db = dir.appendingPathComponent("s.sqlite").path
        _ = try IngestJob.run(inputs: [TestSupport.repositoryRoot.appendingPathComponent("datasets/synthetic-history.csv").path], dbPath: db)
        return (dir, db)
    }

    /// A stated δ (the synthetic world's, 0) is used and recorded with every other option and the catalog's SHA-256;
    /// the JSON reloads to the same value; the table and the text say where δ came from.
    func testStatedEfficiencyTrendIsUsedAndRecorded() throws {
        let (dir, db) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        var o = CalibrateJob.Options(dbPath: db, out: dir.appendingPathComponent("cal.json").path,
                                     table: dir.appendingPathComponent("cal.csv").path)
        o.fit.efficiencyTrendPerYear = 0
        o.fit.feeWindowDays = 730
        let r = try CalibrateJob.run(o)
        let s = try XCTUnwrap(r.calibration.hashRate.supply)
        XCTAssertEqual(s.efficiencyTrend.source, .override)
        XCTAssertEqual(s.efficiencyTrend.delta.value, 0)
        XCTAssertEqual(r.calibration.hashRate.c.value, 0)
        XCTAssertGreaterThan(s.kappa.value, 0)
        let opts = try XCTUnwrap(r.calibration.options)
        XCTAssertEqual(opts.efficiencyTrendPerYear, 0)
        XCTAssertEqual(opts.feeWindowDays, 730)
        XCTAssertEqual(opts.priceWindowDays, 1460)
        XCTAssertEqual(opts.hashRateWindowDays, 2922)
        // The catalog's SHA-256, by the system's sha256sum (an independent implementation).
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sha256sum", TestSupport.repositoryRoot.appendingPathComponent("datasets/asic-catalog.csv").path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run(); p.waitUntilExit()
        let sum = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        XCTAssertEqual(opts.catalogSHA256, String(sum))
        let reloaded = try JSONDecoder().decode(Calibration.self, from: Data(contentsOf: dir.appendingPathComponent("cal.json")))
        XCTAssertEqual(reloaded, r.calibration)
        let table = try String(contentsOf: dir.appendingPathComponent("cal.csv"), encoding: .utf8)
        XCTAssertTrue(table.contains("\nefficiency,from_catalog,0.0,\n"), table)
        XCTAssertTrue(table.contains("\noptions,fee_window_days,730.0,\n"), table)
        XCTAssertTrue(r.text.contains("efficiency trend δ = 0.0000 ± 0.0000 /yr"), r.text)
        XCTAssertTrue(r.text.contains("stated (--efficiency-trend)"), r.text)
        XCTAssertTrue(r.text.contains("breakeven check: implied breakeven"), r.text)
        // The synthetic history starts in 2022: the 8-year hash-rate window is cut there, and says so.
        XCTAssertTrue(s.windowNote?.contains("history starts") ?? false, s.windowNote ?? "no note")
    }

    /// Bad options: a negative δ, a missing catalog, a zero window — each a clear error, nothing written.
    func testBadOptionsAreRefused() throws {
        let (dir, db) = try store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cal.json").path
        var neg = CalibrateJob.Options(dbPath: db, out: out)
        neg.fit.efficiencyTrendPerYear = -0.1
        XCTAssertThrowsError(try CalibrateJob.run(neg)) { e in
            XCTAssertEqual("\(e)", "invalid calibration option: efficiency trend must be a rate per year in [0, 5), got -0.1")
        }
        var noCatalog = CalibrateJob.Options(dbPath: db, out: out, catalogPath: dir.appendingPathComponent("none.csv").path)
        noCatalog.fit.efficiencyTrendPerYear = 0
        XCTAssertThrowsError(try CalibrateJob.run(noCatalog)) { e in
            XCTAssertTrue("\(e)".contains("ASIC catalog not found"), "\(e)")
        }
        var zero = CalibrateJob.Options(dbPath: db, out: out)
        zero.fit.hashRateWindowDays = 0
        XCTAssertThrowsError(try CalibrateJob.run(zero))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
