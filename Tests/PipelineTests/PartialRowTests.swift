import Domain
import Foundation
import Ingest
@testable import Nightly
@testable import Pipeline
import Store
import TestSupport
import XCTest

/// Issue 12 item 11: a trailing partial row (the real Coin Metrics file's last day, still being filled) is skipped
/// and logged, not fatal; `calibrate` without `--as-of` takes the newest complete day.
final class PartialRowTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try TestSupport.temporaryDirectory("partial") }
    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    func testSyntheticTrailingPartialRowIsSkipped() throws {
        var csv = NightlyHarness.history(days: 800)
        let lastDay = Day(iso: String(csv.split(separator: "\n").last!.prefix(10)))!
        csv += "\((lastDay + 1).iso),,,,,,,\n\((lastDay + 2).iso),70000,,,,,,\n"  // partial rows: empty, then only a price
        let path = dir.appendingPathComponent("h.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("h.sqlite").path
        _ = try IngestJob.run(inputs: [path], dbPath: db)
        let store = try HistoryStore(path: db)
        XCTAssertEqual(try store.dateRange()?.upperBound, lastDay + 2)
        XCTAssertEqual(try store.lastCompleteDay(), lastDay)
        let r = try NightlyGate.evaluate(store: store, today: lastDay + 3, maxAgeDays: 3, windowDays: 730)
        XCTAssertEqual(r.range.upperBound, lastDay)
        XCTAssertEqual(r.partialDays, [lastDay + 1, lastDay + 2])
        // Staleness is measured on the complete day: 4 days before "today" fails even though a partial row is newer.
        XCTAssertThrowsError(try NightlyGate.evaluate(store: store, today: lastDay + 4, maxAgeDays: 3, windowDays: 730)) {
            XCTAssertTrue("\($0)".contains("stale data: the newest complete day \(lastDay.iso)"), "\($0)")
        }
        // An incomplete day inside the window is still fatal.
        var holey = NightlyHarness.history(days: 800, emptyPriceAt: 700)
        holey += "\((lastDay + 1).iso),,,,,,,\n"
        let hp = dir.appendingPathComponent("holey.csv").path
        try holey.write(toFile: hp, atomically: true, encoding: .utf8)
        let db2 = dir.appendingPathComponent("holey.sqlite").path
        _ = try IngestJob.run(inputs: [hp], dbPath: db2)
        XCTAssertThrowsError(try NightlyGate.evaluate(store: HistoryStore(path: db2), today: nil, maxAgeDays: 3, windowDays: 730)) {
            XCTAssertTrue("\($0)".contains("price_usd missing"), "\($0)")
        }
    }

    func testRealCoinMetricsFileLastRowIsPartial() throws {
        guard let cm = TestSupport.sharedDataset("coinmetrics_btc.csv") else { throw XCTSkip("coinmetrics_btc.csv absent from ../shared/datasets") }
        let db = dir.appendingPathComponent("cm.sqlite").path
        _ = try IngestJob.run(inputs: [cm.path], dbPath: db)
        let store = try HistoryStore(path: db)
        let lastComplete = Day(iso: "2026-03-22")!
        XCTAssertEqual(try store.dateRange()?.upperBound, Day(iso: "2026-03-23"))
        XCTAssertEqual(try store.lastCompleteDay(), lastComplete)
        let r = try NightlyGate.evaluate(store: store, today: Day(iso: "2026-03-24"), maxAgeDays: 3, windowDays: 1460)
        XCTAssertEqual(r.range.upperBound, lastComplete)
        XCTAssertEqual(r.partialDays, [Day(iso: "2026-03-23")!])
        let cal = try CalibrateJob.run(.init(dbPath: db))
        XCTAssertEqual(cal.calibration.asOf, lastComplete)
        XCTAssertEqual(cal.calibration.initialState.date, lastComplete)
        XCTAssertEqual(cal.calibration.initialState.priceUSD, 68018.1534815897)
    }
}
