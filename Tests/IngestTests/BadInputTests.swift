import Domain
import Foundation
import Ingest
import Store
import TestSupport
import XCTest

/// The hostile-input corpus: every file is generated here; each must be rejected with `file:line: column: reason`
/// and leave the store exactly as it was.
final class BadInputTests: XCTestCase {
    var dir: URL!
    var store: HistoryStore!
    var before: H.Snapshot!

    override func setUpWithError() throws {
        dir = try TestSupport.temporaryDirectory("bad")
        store = try HistoryStore(path: dir.appendingPathComponent("s.sqlite").path)
        let good = try H.write(dir, "good.csv", [H.tidyHeader, H.tidyRow("2022-01-01"), H.tidyRow("2022-01-02", price: 31000)]
            .joined(separator: "\n") + "\n")
        XCTAssertEqual(try H.ingest(good, into: store)?.newRows, 2)
        before = try H.snapshot(store)
    }

    /// Asserts the file is rejected, that the first listed problem is at `line`/`column` with `reason` in it,
    /// that the message has the `file:line: column: reason` shape, and that the store did not change.
    func assertRejected(_ name: String, _ bytes: [UInt8], line: Int, column: String, reason: String,
                        options: IngestOptions = IngestOptions(), file: StaticString = #filePath, fileLine: UInt = #line) throws {
        let path = try H.writeBytes(dir, name, bytes)
        XCTAssertThrowsError(try H.ingest(path, into: store, options), name, file: file, line: fileLine) { e in
            guard case let .rejected(f, problems)? = e as? IngestError, let p = problems.first else {
                return XCTFail("\(name): unexpected \(e)", file: file, line: fileLine)
            }
            XCTAssertEqual(f, path, file: file, line: fileLine)
            XCTAssertEqual(p.line, line, "\(name): \(p)", file: file, line: fileLine)
            XCTAssertEqual(p.column, column, "\(name): \(p)", file: file, line: fileLine)
            XCTAssertTrue(p.reason.contains(reason), "\(name): \(p.reason)", file: file, line: fileLine)
            XCTAssertTrue("\(e)".contains("\(path):\(line): \(column): "), "\(e)", file: file, line: fileLine)
        }
        XCTAssertEqual(try H.snapshot(store), before, "\(name): store changed", file: file, line: fileLine)
    }

    func text(_ lines: [String], newline: Bool = true) -> [UInt8] { Array((lines.joined(separator: "\n") + (newline ? "\n" : "")).utf8) }

    func testMissingColumns() throws {
        try assertRejected("missing.csv", text(["date,price_usd,block_count,hash_rate_ths,fees_btc,issuance_btc", "2022-02-01,1,2,3,4,5"]),
                           line: 1, column: "difficulty_mean", reason: "missing required column")
        try assertRejected("cm-missing.csv", text(["time,BlkCnt,HashRate,IssTotNtv,PriceUSD", "2022-02-01,1,2,3,4"]),
                           line: 1, column: "FeeTotNtv", reason: "missing required column")
        try assertRejected("unknown.csv", text(["foo,bar,baz", "1,2,3"]), line: 1, column: "-", reason: "unrecognised header")
    }

    func testBadAndImpossibleDates() throws {
        try assertRejected("baddate.csv", text([H.tidyHeader, H.tidyRow("2022-02-01"), H.tidyRow("01/02/2022")]),
                           line: 3, column: "date", reason: "bad date '01/02/2022'")
        try assertRejected("impossible.csv", text([H.tidyHeader, H.tidyRow("2022-02-30")]),
                           line: 2, column: "date", reason: "impossible date '2022-02-30'")
        try assertRejected("month13.csv", text([H.tidyHeader, H.tidyRow("2021-13-01")]), line: 2, column: "date", reason: "impossible date")
    }

    func testNegativeNaNInfNonNumeric() throws {
        try assertRejected("neg.csv", text([H.tidyHeader, H.tidyRow("2022-02-01", price: -5)]), line: 2, column: "price_usd",
                           reason: "negative value -5")
        try assertRejected("nan.csv", text([H.tidyHeader, H.tidyRow("2022-02-01").replacingOccurrences(of: ",30000.0,", with: ",NaN,")]),
                           line: 2, column: "price_usd", reason: "NaN not allowed")
        try assertRejected("inf.csv", text([H.tidyHeader, H.tidyRow("2022-02-01").replacingOccurrences(of: ",10.0,", with: ",inf,")]),
                           line: 2, column: "fees_btc", reason: "infinite value")
        try assertRejected("text.csv", text([H.tidyHeader, H.tidyRow("2022-02-01").replacingOccurrences(of: ",30000.0,", with: ",12abc,")]),
                           line: 2, column: "price_usd", reason: "not a number: '12abc'")
    }

    func testDuplicateDatesAndAllRowsReported() throws {
        var lines = [H.tidyHeader, H.tidyRow("2022-02-02"), H.tidyRow("2022-02-01"), H.tidyRow("2022-02-02")]
        try assertRejected("dup.csv", text(lines), line: 4, column: "date", reason: "duplicate date 2022-02-02 (first at line 2)")
        // Many bad rows: every one is collected, the listing is capped.
        lines = [H.tidyHeader] + (1...30).map { H.tidyRow(String(format: "2022-03-%02d", $0), price: -1) }
        let path = try H.writeBytes(dir, "many.csv", text(lines))
        XCTAssertThrowsError(try H.ingest(path, into: store)) { e in
            guard case let .rejected(_, problems)? = e as? IngestError else { return XCTFail("\(e)") }
            XCTAssertEqual(problems.map(\.line), Array(2...31))
            XCTAssertTrue("\(e)".contains("... and 10 more"), "\(e)")
        }
        XCTAssertEqual(try H.snapshot(store), before)
    }

    func testWrongUnits() throws {
        // Hash rate written in H/s under a TH/s header: implies 10^12 times too many blocks.
        let row = "2022-02-01,30000,144,\(144 * 5e13 * 4294967296.0 / 86400),5e13,10,900,800000"
        try assertRejected("units.csv", text([H.tidyHeader, row]), line: 2, column: "hash_rate_ths", reason: "wrong unit?")
        try assertRejected("phs.csv", text(["date,hash_rate_phs", "2022-02-01,1"]), line: 1, column: "hash_rate_phs",
                           reason: "unsupported hash-rate unit 'phs'")
        try assertRejected("nounit.csv", text(["date,value", "2022-02-01,1"]), line: 1, column: "value",
                           reason: "hash-rate unit unknown", options: IngestOptions(series: .hashrate))
        try assertRejected("noseries.csv", text(["date,value", "2022-02-01,1"]), line: 1, column: "value", reason: "--series")
    }

    func testTruncatedAndUnterminated() throws {
        let full = H.tidyRow("2022-02-02")
        let cut = String(full.prefix(full.count - 20))
        try assertRejected("trunc.csv", text([H.tidyHeader, H.tidyRow("2022-02-01"), cut], newline: false),
                           line: 3, column: "fees_btc", reason: "missing field")
        try assertRejected("quote.csv", text([H.tidyHeader, H.tidyRow("2022-02-01"), "2022-02-02,\"3000"], newline: false),
                           line: 3, column: "price_usd", reason: "unterminated quoted field")
    }

    func testTenMegabyteLineBinaryEmptyHeaderOnly() throws {
        let t0 = Date()
        try assertRejected("long.csv", Array((H.tidyHeader + "\n").utf8) + [UInt8](repeating: 0x31, count: 10_000_000),
                           line: 2, column: "date", reason: "line exceeds 1048576 bytes")
        XCTAssertLessThan(Date().timeIntervalSince(t0), 5)
        var rng = SystemRandomNumberGenerator()
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = try H.writeBytes(dir, "garbage.bin", Array((H.tidyHeader + "\n").utf8) + [0x00] + garbage)
        XCTAssertThrowsError(try H.ingest(path, into: store)) { e in
            XCTAssertTrue("\(e)".contains("\(path):2: date: NUL byte (binary data?)"), "\(e)")
        }
        XCTAssertThrowsError(try H.ingest(try H.writeBytes(dir, "garbage2.bin", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + garbage),
                                          into: store)) { e in
            XCTAssertTrue("\(e)".contains("binary data?") || "\(e)".contains("carriage return"), "\(e)")
        }
        try assertRejected("empty.csv", [], line: 1, column: "-", reason: "empty file")
        try assertRejected("header-only.csv", text([H.tidyHeader]), line: 2, column: "-", reason: "no data rows")
        XCTAssertEqual(try H.snapshot(store), before)
    }

    func testMissingFile() throws {
        XCTAssertThrowsError(try InputParser.parse(path: dir.appendingPathComponent("nope.csv").path)) { e in
            guard case .fileMissing? = e as? IngestError else { return XCTFail("\(e)") }
        }
    }
}
