import Foundation
@testable import Ingest
import TestSupport
import XCTest

final class CSVReaderTests: XCTestCase {
    func records(_ path: String, chunk: Int = 1 << 20, max: Int = 1 << 20) throws -> [CSVRecord] {
        let r = try CSVReader(path: path, chunkSize: chunk, maxRecordBytes: max)
        var out: [CSVRecord] = []
        while let rec = try r.next() { out.append(rec) }
        return out
    }

    func testRFC4180QuotingAcrossChunkSizes() throws {
        let dir = try TestSupport.temporaryDirectory("csv")
        let text = "a,b,c\r\n\"x, y\",\"he said \"\"hi\"\"\",\"multi\nline\nfield\"\r\nplain,,\"\"\n\nlast,row,no-newline"
        let path = try H.write(dir, "q.csv", text)
        let expected = [
            CSVRecord(line: 1, fields: ["a", "b", "c"]),
            CSVRecord(line: 2, fields: ["x, y", "he said \"hi\"", "multi\nline\nfield"]),
            CSVRecord(line: 5, fields: ["plain", "", ""]),
            CSVRecord(line: 7, fields: ["last", "row", "no-newline"]),
        ]
        // Tiny chunks put every state transition on a chunk boundary somewhere.
        for chunk in [1, 2, 3, 5, 7, 64, 1 << 20] {
            XCTAssertEqual(try records(path, chunk: chunk), expected, "chunk \(chunk)")
        }
    }

    func testBOMAndCRLFAndUnicode() throws {
        let dir = try TestSupport.temporaryDirectory("csv")
        let path = try H.writeBytes(dir, "bom.csv", [0xEF, 0xBB, 0xBF] + Array("date,value\r\n2020-01-01,1.5\r\n\"é,ü\",2\r\n".utf8))
        let recs = try records(path, chunk: 4)
        XCTAssertEqual(recs.map(\.fields), [["date", "value"], ["2020-01-01", "1.5"], ["é,ü", "2"]])
        XCTAssertEqual(recs.map(\.line), [1, 2, 3])
    }

    func testStructuralErrors() throws {
        let dir = try TestSupport.temporaryDirectory("csv")
        let cases: [(String, [UInt8], Int, String)] = [
            ("unterminated", Array("a,b\n1,\"open\n2,3\n".utf8), 2, "unterminated quoted field"),
            ("nul", Array("a,b\n1,2\n3,\u{0}4\n".utf8), 3, "NUL byte"),
            ("badutf8", Array("a,b\n1,2\n".utf8) + [0x33, 0x2C, 0xC3, 0x28, 0x0A], 3, "invalid UTF-8"),
            ("quote-in-field", Array("a,b\n1,ab\"c\n".utf8), 2, "quote inside an unquoted field"),
            ("after-quote", Array("a,b\n1,\"ab\"c\n".utf8), 2, "after a closing quote"),
            ("bare-cr", Array("a,b\r1,2\n".utf8), 1, "carriage return"),
        ]
        for (name, bytes, line, reason) in cases {
            let path = try H.writeBytes(dir, name, bytes)
            XCTAssertThrowsError(try records(path, chunk: 3), name) { e in
                guard let e = e as? CSVError else { return XCTFail("\(name): \(e)") }
                XCTAssertEqual(e.line, line, name)
                XCTAssertTrue(e.reason.contains(reason), "\(name): \(e.reason)")
            }
        }
    }

    func testLongLineRejectedWithoutBuffering() throws {
        let dir = try TestSupport.temporaryDirectory("csv")
        let path = dir.appendingPathComponent("long.csv").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        h.write(Data("date,value\n".utf8))
        let mb = Data(repeating: UInt8(ascii: "7"), count: 1 << 20)
        for _ in 0..<10 { h.write(mb) }
        try h.close()
        let r = try CSVReader(path: path)
        XCTAssertEqual(try r.next()?.fields, ["date", "value"])
        XCTAssertThrowsError(try r.next()) { e in
            XCTAssertEqual(e as? CSVError, CSVError(line: 2, field: 0, reason: "line exceeds 1048576 bytes"))
        }
    }

    func testFastNumberPathMatchesStrtod() throws {
        // Independent oracle: Swift's Double(String) (correctly rounded); the parser's fast path must agree bit for bit.
        let dir = try TestSupport.temporaryDirectory("csv")
        var rng = SystemRandomNumberGenerator()
        var values: [String] = ["0", "0.0", "007", "5.", "0.1", "123456789012345", "1.00000000000001", "99999.999999999",
                                "0.000000000000000000001", "1e5", "12345678901234567890"]
        for _ in 0..<2000 {
            let intPart = UInt64.random(in: 0..<1_000_000_000, using: &rng)
            let frac = UInt64.random(in: 0..<1_000_000, using: &rng)
            values.append("\(intPart).\(frac)")
        }
        let path = try H.write(dir, "n.csv", "v\n" + values.joined(separator: "\n") + "\n")
        let r = try CSVReader(path: path)
        _ = try r.next()
        var raw = RawRecord()
        let cells = CellParser()
        var i = 0
        while try r.nextRaw(into: &raw) {
            var bad = false
            let v = cells.number(raw, 0, line: i + 2, column: "v", bad: &bad)
            XCTAssertEqual(v?.bitPattern, Double(values[i])?.bitPattern, values[i])
            i += 1
        }
        XCTAssertEqual(i, values.count)
    }
}
