import XCTest
import Foundation
import TestSupport
import Charts
@testable import Report

final class ReportTests: XCTestCase {
    func read(_ u: URL) throws -> String { try String(contentsOf: u, encoding: .utf8) }

    func testNightlyRunFolderRendersEverySection() throws {
        let dir = try TestSupport.temporaryDirectory("report")
        try Fixture.nightlyRun(at: dir)
        let out = try RunReport.render(runDirectory: dir)
        XCTAssertEqual(out.sections, ["overview", "history", "calibration", "changes", "deals", "manifest"])
        let html = try read(dir.appendingPathComponent("index.html"))
        // Charts: history (1) + alpha (hashprice fan, payout fan, PV hist, IRR hist, tranche bars, leverage) + beta (hashprice fan).
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"chart\"").count - 1, 8)
        XCTAssertTrue(html.contains("hashsec report — 20261125T020000Z-abcdef"))
        XCTAssertTrue(html.contains("halving 2016-07-09") && html.contains("halving 2020-05-11") && html.contains("halving 2024-04-20"))
        XCTAssertTrue(html.contains("halving ~2028-04 (projected)"), "projected halving inside the simulated range")
        XCTAssertTrue(html.contains("<tr class=\"flag\"><td>pv_usd_mean</td>"), "flagged change highlighted")
        XCTAssertTrue(html.contains("<td class=\"num\">1,234.50</td>"), "USD right-aligned and grouped")
        XCTAssertTrue(html.contains("no overlay, base case"))
        XCTAssertFalse(html.contains("<script"), "no JavaScript")
        // The only URL allowed is the SVG namespace (an identifier, never fetched); remove it, then no URL may remain.
        let withoutNamespace = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        XCTAssertFalse(withoutNamespace.contains("http://") || withoutNamespace.contains("https://"), "no network URL in the page")
        XCTAssertFalse(html.contains("src=\"http"), "no network resources")
        // Beta has neither tranches nor stress: exactly one tranche chart and one stress table in the page.
        XCTAssertEqual(html.components(separatedBy: "<h3>Tranches</h3>").count - 1, 1)
        XCTAssertEqual(html.components(separatedBy: "<h3>Stress</h3>").count - 1, 1)
        // Tables without their own CSV got one, and it round-trips what the summary holds.
        // The overview: one row per deal, its PV mean as in the deal's summary.json.
        let ov = try XCTUnwrap(CSVTable.read(dir.appendingPathComponent("overview.csv")))
        XCTAssertEqual(ov.rows.map { $0[0] }, ["alpha", "beta"])
        let alpha = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("deals/alpha/summary.json"))) as? [String: Any])
        XCTAssertEqual(Double(ov.rows[0][try XCTUnwrap(ov.column("pv_usd_mean"))]), alpha["pv_usd_mean"] as? Double)
        XCTAssertEqual(ov.rows.map { $0[ov.column("price_usd")!] }, ["1250", ""], "the issue price from deal.json (beta has none)")
        let metrics = try XCTUnwrap(CSVTable.read(dir.appendingPathComponent("deals/alpha/metrics.csv")))
        let row = try XCTUnwrap(metrics.rows.first { $0[0] == "pv_usd_mean" })
        XCTAssertEqual(Double(row[1]), 1234.5)
        XCTAssertEqual(metrics.rows.first { $0[0] == "pv_usd_p95" }?[1], "2100")
        XCTAssertTrue(out.csvWritten.contains("deals/alpha/terms.csv") && out.csvWritten.contains("deals/beta/settings.csv"))
        XCTAssertFalse(out.csvWritten.contains("deals/beta/terms.csv"), "no deal.json: no terms table")
        let inputs = try XCTUnwrap(CSVTable.read(dir.appendingPathComponent("manifest_inputs.csv")))
        XCTAssertEqual(inputs.rows.first?[1], String(repeating: "ab", count: 32))
        // Re-rendering gives identical bytes.
        let first = try Data(contentsOf: dir.appendingPathComponent("index.html"))
        try RunReport.render(runDirectory: dir)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("index.html")), first)
    }

    /// History charts mark the halvings where the data's subsidy drops (a synthetic history with its own dates), not
    /// at the real-chain dates.
    func testHalvingMarkersComeFromTheData() throws {
        let dir = try TestSupport.temporaryDirectory("report-halvings")
        try Fixture.nightlyRun(at: dir)
        let start = ChartDate.dayNumber(year: 2015, month: 1, day: 1), end = ChartDate.dayNumber(year: 2025, month: 6, day: 30)
        let h1 = ChartDate.dayNumber(year: 2016, month: 8, day: 1), h2 = ChartDate.dayNumber(year: 2024, month: 4, day: 25)
        var b = "date,hashprice_usd_ph_day,subsidy_btc_per_block\n"
        for d in start...end {
            let sub = d < h1 ? 25.0 : d == h1 ? 14.0 : d < h2 ? 12.5 : d == h2 ? 7.0 : 6.25   // mixed days on h1, h2
            b += "\(ChartDate.format(d)),\(100.0 + Double(d - start).truncatingRemainder(dividingBy: 50)),\(sub)\n"
        }
        try Data(b.utf8).write(to: dir.appendingPathComponent("benchmark.csv"))
        _ = try RunReport.render(runDirectory: dir)
        let html = try read(dir.appendingPathComponent("index.html"))
        XCTAssertTrue(html.contains("halving 2016-08-01") && html.contains("halving 2024-04-25"))
        XCTAssertFalse(html.contains("halving 2016-07-09") || html.contains("halving 2020-05-11") || html.contains("halving 2024-04-20"))
    }

    func testSingleSimulateFolderRendersOneDeal() throws {
        let dir = try TestSupport.temporaryDirectory("report-sim")
        try Fixture.writeDeal(dir, full: false)
        let out = try RunReport.render(runDirectory: dir)
        XCTAssertEqual(out.sections, ["deals"])
        let html = try read(dir.appendingPathComponent("index.html"))
        XCTAssertTrue(html.contains("Deal: alpha"))
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"chart\"").count - 1, 4)
        XCTAssertFalse(html.contains("id=\"manifest\""), "missing manifest omits its section")
    }

    func testMalformedCSVIsRejectedWithLineAndNothingWritten() throws {
        let dir = try TestSupport.temporaryDirectory("report-bad")
        try Fixture.writeDeal(dir, full: false)
        try "bin_low,bin_high,count\n0,1,2\n1,2\n".write(to: dir.appendingPathComponent("pv_histogram.csv"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunReport.render(runDirectory: dir)) { e in
            XCTAssertEqual("\(e)", "\(dir.appendingPathComponent("pv_histogram.csv").path):3: row: 2 fields, header has 3")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("index.html").path))
        XCTAssertThrowsError(try RunReport.render(runDirectory: dir.appendingPathComponent("nope"))) { e in
            guard case ReportError.notARunFolder = e else { return XCTFail("\(e)") }
        }
    }

    func testCSVParserHandlesQuotes() throws {
        let t = try CSVTable.parse("a,b\n\"x, y\",\"he said \"\"hi\"\"\"\n1,\n", file: "t.csv")
        XCTAssertEqual(t.rows, [["x, y", "he said \"hi\""], ["1", ""]])
        XCTAssertEqual(try CSVTable.parse(t.text, file: "t2.csv"), t)
    }

}

final class SimulatedHalvingMarkerTests: XCTestCase {
    /// A summary with a simulated halving marks its median date on the fan charts instead of the fixed projection.
    func testFanChartsMarkTheSimulatedHalving() throws {
        let dir = try TestSupport.temporaryDirectory("report-halving")
        try Fixture.writeDeal(dir, full: false)
        let html0 = try { _ = try RunReport.render(runDirectory: dir); return try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8) }()
        XCTAssertTrue(html0.contains("halving ~2028-04 (projected)"), "without a simulated date: the projection")
        let s = try String(contentsOf: dir.appendingPathComponent("summary.json"), encoding: .utf8)
        let withHalving = s.replacingOccurrences(of: "\"halving\":{\"prob_within_horizon\":0}", with: "\"halving\":{\"prob_within_horizon\":0.97,\"date_p05\":\"2028-03-20\",\"date_p50\":\"2028-04-02\",\"date_p95\":\"2028-04-19\",\"day_p05\":994,\"day_p50\":1007,\"day_p95\":1024}")
        XCTAssertNotEqual(withHalving, s)
        try withHalving.write(to: dir.appendingPathComponent("summary.json"), atomically: true, encoding: .utf8)
        _ = try RunReport.render(runDirectory: dir)
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "halving 2028-04-02 (simulated median)").count - 1, 2, "both fan charts")
        XCTAssertFalse(html.contains("(projected)"))
        XCTAssertTrue(html.contains("halving_date_p95"), "the 90 % range is in the metrics table")
    }
}
