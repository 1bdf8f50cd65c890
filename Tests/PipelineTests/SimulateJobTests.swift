import Domain
import Foundation
import Pipeline
import Simulate
import Store
import TestSupport
import XCTest

/// `hashsec simulate --as-of` on the real history (read in place from ../shared/datasets; skipped when absent).
final class SimulateJobTests: XCTestCase {
    func summary(_ r: SimulateJob.Result) throws -> String { try XCTUnwrap(r.files.first { $0.name == "summary.json" }?.text) }

    /// Data after --as-of must not matter: a store cut at the as-of day (written at test time in a temporary directory)
    /// gives byte-identical outputs. Without --as-of the last stored day is used, never a stale stored calibration.
    func testAsOfUsesOnlyDataUpToThatDay() throws {
        guard let csv = TestSupport.sharedDataset("btc_daily_network_market.csv") else {
            throw XCTSkip("btc_daily_network_market.csv absent")
        }
        let dir = try TestSupport.temporaryDirectory("simjob")
        defer { try? FileManager.default.removeItem(at: dir) }
        let asOf = Day(year: 2022, month: 6, day: 30)!
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let cut = [lines[0]] + lines.dropFirst().filter { $0.prefix(10) <= "2022-06-30" }
        XCTAssertLessThan(cut.count, lines.count, "the history must extend past the as-of day")
        let cutCSV = dir.appendingPathComponent("cut.csv")
        try (cut.joined(separator: "\n") + "\n").write(to: cutCSV, atomically: true, encoding: .utf8)
        let full = dir.appendingPathComponent("full.sqlite").path, part = dir.appendingPathComponent("part.sqlite").path
        _ = try IngestJob.run(inputs: [csv.path], dbPath: full)
        _ = try IngestJob.run(inputs: [cutCSV.path], dbPath: part)
        let deal = TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/s21-token.yaml").path
        func run(_ db: String, asOf: Day?) throws -> SimulateJob.Result {
            try SimulateJob.run(.init(dealPath: deal, settings: SimulationSettings(paths: 200, seed: 3, threads: 2, horizonDays: 120),
                                      asOf: asOf, dbPath: db))
        }
        let a = try run(full, asOf: asOf), b = try run(part, asOf: asOf)
        XCTAssertEqual(try summary(a), try summary(b))
        XCTAssert(try summary(a).contains("\"as_of\" : \"2022-06-30\""))
        // The full store now holds a 2022-06-30 calibration; a run without --as-of must start from the last stored day.
        let last = try XCTUnwrap(try HistoryStore(path: full).dateRange()).upperBound
        XCTAssertGreaterThan(last, asOf)
        XCTAssert(try summary(try run(full, asOf: nil)).contains("\"as_of\" : \"\(last)\""), "stale calibration reused")
    }
}
