import Domain
import Foundation
import GRDB
import Ingest
import Store
import TestSupport
import XCTest

/// Forward-curve files (SPEC §13): parsed, checked, stored by (quote date, unit, month), read back with the same rules.
final class CurveIngestTests: XCTestCase {
    let header = "quote_date,month,hashprice_usd_ph_day\n"
    func day(_ s: String) -> Day { Day(iso: s)! }

    func testExampleCurveParsesAndRoundTripsThroughTheStore() throws {
        let path = RepositoryData.example
        let p = try InputParser.parse(path: path)
        XCTAssertEqual(p.format, .curve)
        XCTAssertTrue(p.observations.isEmpty)
        XCTAssertEqual(p.curve.count, 6); XCTAssertEqual(p.curveLines, Array(5...10), "three comment lines, then the header on line 4")
        XCTAssertEqual(Set(p.curve.map(\.level)), [42.5]); XCTAssertEqual(p.curve.first?.quoteDate, day("2024-10-07"))
        XCTAssertEqual(p.curve.map(\.month.iso), ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04"])
        let dir = try TestSupport.temporaryDirectory("curve")
        let store = try HistoryStore(path: dir.appendingPathComponent("s.sqlite").path)
        XCTAssertTrue(try store.appliedMigrations().contains("v6-curves"))
        let s = try XCTUnwrap(try store.applyCurve(p.curve, path: path, sha256: p.sha256, format: "curve"))
        XCTAssertEqual(s.newRows, 6)
        XCTAssertNil(try store.applyCurve(p.curve, path: path, sha256: p.sha256, format: "curve"), "same file: nothing changes")
        let c = try XCTUnwrap(try store.curve(onOrBefore: day("2025-01-15")))
        XCTAssertEqual(c.quoteDate, day("2024-10-07")); XCTAssertEqual(c.levels, [Double](repeating: 42.5, count: 6))
        XCTAssertNil(try store.curve(onOrBefore: day("2024-10-06")), "no curve quoted yet on that day")
        XCTAssertNil(try store.curve(onOrBefore: day("2025-01-15"), unit: .btc))
        XCTAssertEqual(c.levelHeld(on: day("2024-10-20")), 42.5)
        // A later quote date is preferred on or after its day; a revised level is an upsert, logged.
        let dir2 = try TestSupport.temporaryDirectory("curve2")
        let later = try H.write(dir2, "later.csv", header + "2024-11-04,2024-12,44\n2024-11-04,2025-01,45.25\n2024-10-07,2024-12,41\n")
        let q = try InputParser.parse(path: later)
        let t = try XCTUnwrap(try store.applyCurve(q.curve, path: later, sha256: q.sha256, format: "curve"))
        XCTAssertEqual([t.newRows, t.revisedRows, t.unchangedRows], [2, 1, 0])
        XCTAssertEqual(try store.curve(onOrBefore: day("2024-11-04"))?.levels, [44, 45.25])
        XCTAssertEqual(try store.curve(onOrBefore: day("2024-11-03"))?.levels, [42.5, 41, 42.5, 42.5, 42.5, 42.5])
        XCTAssertEqual(try store.curveQuoteDates(), [day("2024-10-07"), day("2024-11-04")])
        let queue = try DatabaseQueue(path: store.path)
        XCTAssertEqual(try queue.read { try Row.fetchAll($0, sql: "SELECT month, old, new FROM curve_revisions") }.map { [$0[0] as String, "\($0[1] as Double)", "\($0[2] as Double)"] },
                       [["2024-12", "42.5", "41.0"]])
        // A BTC curve is its own unit.
        let btc = try H.write(dir2, "btc.csv", "quote_date,month,hashprice_btc_ph_day\n2024-10-07,2024-11,0.00068\n")
        let b = try InputParser.parse(path: btc)
        XCTAssertEqual(b.curve.first?.unit, .btc)
        _ = try store.applyCurve(b.curve, path: btc, sha256: b.sha256, format: "curve")
        XCTAssertEqual(try store.curve(quoteDate: day("2024-10-07"), unit: .btc)?.levels, [0.00068])
        // The reader refuses a row written behind hashsec's back.
        try queue.write { try $0.execute(sql: "UPDATE curves SET level = -3 WHERE month = '2025-01' AND quote_date = '2024-11-04'") }
        XCTAssertThrowsError(try store.curve(onOrBefore: day("2025-01-01"))) { e in
            guard case StoreError.corruptRow(_, let table, let reason) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(table, "curves"); XCTAssertTrue(reason.contains("positive"), reason)
        }
    }

    /// Every rule, reported as file:line: column: reason, the whole file refused.
    func testImplausibleCurveRowsAreRefusedByLineAndColumn() throws {
        let dir = try TestSupport.temporaryDirectory("curve-bad")
        let today = day("2026-01-10")
        let options = IngestOptions(limits: .ingest(today: today))
        func problems(_ body: String, header h: String? = nil) throws -> [String] {
            let path = try H.write(dir, "c.csv", (h ?? header) + body)
            do { _ = try InputParser.parse(path: path, options: options); return [] } catch let IngestError.rejected(_, ps) {
                return ps.map { "\($0.line): \($0.column): \($0.reason)" }
            }
        }
        XCTAssertEqual(try problems("2024-10-07,2024-10,42\n"),
                       ["2: month: month 2024-10 is not after the quote date 2024-10-07 (a forward delivers in a later month)"])
        XCTAssertEqual(try problems("2024-10-07,2024-11,0\n"), ["2: hashprice_usd_ph_day: a forward level must be positive and finite, got 0.0"])
        XCTAssertEqual(try problems("2024-10-07,2024-11,-4\n"), ["2: hashprice_usd_ph_day: negative value -4.0"])
        XCTAssertEqual(try problems("2024-10-07,2024-11,nan\n"), ["2: hashprice_usd_ph_day: NaN not allowed"])
        XCTAssertEqual(try problems("2024-10-07,2024-11,2e6\n"),
                       ["2: hashprice_usd_ph_day: level 2000000.0 USD/PH/day is above the plausible 1000000.0 (wrong unit?)"])
        XCTAssertEqual(try problems("2024-10-07,2024-11,\n"), ["2: hashprice_usd_ph_day: missing level"])
        XCTAssertEqual(try problems("2024-10-07,2024/11,40\n"), ["2: month: bad month '2024/11' (expected YYYY-MM)"])
        XCTAssertEqual(try problems("2024-10-07,2024-13,40\n"), ["2: month: bad month '2024-13' (expected YYYY-MM)"])
        XCTAssertEqual(try problems("2024-10-07,2035-01,40\n"), ["2: month: month 2035-01 is more than 120 months after the quote date 2024-10-07"])
        XCTAssertEqual(try problems("2008-10-07,2008-11,40\n"), ["2: quote_date: quote date 2008-10-07 is before the genesis block (2009-01-03)"])
        XCTAssertEqual(try problems("2026-01-12,2026-02,40\n"), ["2: quote_date: quote date 2026-01-12 is after tomorrow (2026-01-11 UTC)"])
        XCTAssertEqual(try problems("2024-10-07,2024-11,40\n2024-10-07,2024-11,41\n"),
                       ["3: month: duplicate month 2024-11 for quote date 2024-10-07 (first at line 2)"])
        XCTAssertEqual(try problems("2024-10-07,2024-11,40\n2024-10-08,2024-11,41\n"), [], "the same month of another quote date is fine")
        XCTAssertEqual(try problems("2024-10-07,2024-11,40", header: header), [
            "2: hashprice_usd_ph_day: the file ends inside this record: no newline after '40', which may be cut; refused rather than guessed at "
            + "(if the file is complete, end it with a newline)"])
        XCTAssertEqual(try problems("", header: header), ["2: -: no data rows (header only)"])
        XCTAssertEqual(try problems("2024-10-07,2024-11,40\n", header: "quote_date,month,hashprice_usd_ph_day,hashprice_btc_ph_day\n"),
                       ["1: hashprice_btc_ph_day: a curve file has one level column, hashprice_usd_ph_day or hashprice_btc_ph_day, not both"])
        XCTAssertEqual(try problems("2024-10-07,2024-11,40\n", header: "quote_date,month,price\n"),
                       ["1: -: a curve file needs a level column: hashprice_usd_ph_day (USD/PH/day) or hashprice_btc_ph_day (BTC/PH/day)"])
        XCTAssertEqual(try problems("2024-10-07,40\n", header: "quote_date,hashprice_usd_ph_day\n"), ["1: -: unrecognised header 'quote_date,hashprice_usd_ph_day': expected Coin Metrics (time,BlkCnt,FeeTotNtv,HashRate,IssTotNtv,PriceUSD,...), tidy (date,price_usd,block_count,hash_rate_ths,difficulty_mean,fees_btc,issuance_btc,...), a series (date,value), headers (height,header_hex[,hash_hex]) or a forward curve (quote_date,month,hashprice_usd_ph_day)"])
        XCTAssertEqual(try problems("2024-01-01,1\n", header: "# a note\ndate,price\n"), ["1: -: comment lines (#) are allowed in forward-curve files only"])
        XCTAssertEqual(try problems("", header: "# only a note\n"), ["1: -: only comment lines (no header, no rows)"])
        XCTAssertEqual(InputParser.detect(header: ["quote_date", "month", "hashprice_usd_ph_day"]), .curve)
        // Rows out of order are fine; the parsed points are sorted.
        let p = try InputParser.parse(path: try H.write(dir, "o.csv", header + "2024-10-07,2025-01,3\n2024-10-07,2024-11,1\n"), options: options)
        XCTAssertEqual(p.curve.map(\.month.iso), ["2024-11", "2025-01"]); XCTAssertEqual(p.curveLines, [3, 2])
    }
}

/// The repository's example curve, read in place.
enum RepositoryData {
    static var example: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("datasets/curves/example-curve.csv").path
    }
}
