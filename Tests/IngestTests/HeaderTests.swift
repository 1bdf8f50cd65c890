import Domain
import Foundation
import Ingest
import Store
import TestSupport
import XCTest

final class HeaderTests: XCTestCase {
    func headersFile() throws -> URL {
        guard let u = TestSupport.sharedDataset("btc_headers_822528_830592.csv") else {
            throw XCTSkip("btc_headers_822528_830592.csv absent from ../shared/datasets")
        }
        return u
    }

    func testRealHeadersVerifyAndMatchTidyBlockCounts() throws {
        let url = try headersFile()
        let p = try InputParser.parse(path: url.path)
        XCTAssertEqual(p.format, .headers)
        XCTAssertEqual(p.rows, 8065)
        XCTAssertEqual(p.retargets, 4)
        XCTAssertFalse(p.observations.isEmpty)
        // Heights end where the file ends, consecutive days, block counts sum to the height differences.
        for (a, b) in zip(p.observations, p.observations.dropFirst()) {
            XCTAssertEqual(b.date - a.date, 1)
            XCTAssertEqual(Double(b.heightEnd! - a.heightEnd!), b.blockCount)
        }
        // Independent source: the tidy daily file (Coin Metrics bucketing by median time past).
        guard let tidy = TestSupport.sharedDataset("btc_daily_network_market.csv") else { return }
        let rows = try H.naiveRows(tidy)
        let h = rows[0]
        let iD = h.firstIndex(of: "date")!, iB = h.firstIndex(of: "block_count")!, iH = h.firstIndex(of: "height_end")!
        let iDiff = h.firstIndex(of: "difficulty_mean")!
        let byDate = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[iD], $0) })
        for o in p.observations {
            let r = try XCTUnwrap(byDate[o.date.iso])
            XCTAssertEqual(o.blockCount, Double(r[iB]), o.date.iso)
            XCTAssertEqual(o.heightEnd, Int(r[iH]), o.date.iso)
            XCTAssertEqual(o.difficulty! / Double(r[iDiff])!, 1, accuracy: 1e-8, o.date.iso)
        }
    }

    /// Copies of the real file with one alteration each must be rejected at that line, storing nothing.
    func testTamperedCopiesRejectedAtTheirLine() throws {
        let url = try headersFile()
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let dir = try TestSupport.temporaryDirectory("hdr")
        let store = try HistoryStore(path: dir.appendingPathComponent("s.sqlite").path)
        let before = try H.snapshot(store)

        func expectRejected(_ name: String, _ ls: [String], line: Int, reason: String) throws {
            let path = try H.write(dir, name, ls.joined(separator: "\n") + "\n")
            XCTAssertThrowsError(try H.ingest(path, into: store), name) { e in
                guard case let .rejected(_, problems)? = e as? IngestError else { return XCTFail("\(name): \(e)") }
                XCTAssertEqual(problems.first?.line, line, "\(name): \(problems.prefix(3))")
                XCTAssertTrue(problems.first?.reason.contains(reason) ?? false, "\(name): \(problems.prefix(3))")
                XCTAssertEqual(problems.count, 1, "the first header failure stops the file")
            }
            XCTAssertEqual(try H.snapshot(store), before, name)
        }

        // 1. One flipped bit in the nonce of line 1001 (no hash column: proof of work must catch it).
        var flipped = lines.map { l -> String in let f = l.split(separator: ","); return f.prefix(2).joined(separator: ",") }
        var f = Array(flipped[1000].split(separator: ",")[1].utf8)
        f[159] = f[159] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        flipped[1000] = "\(flipped[1000].split(separator: ",")[0]),\(String(decoding: f, as: UTF8.self))"
        try expectRejected("flipped.csv", flipped, line: 1001, reason: "proof of work")

        // 2. Broken link: drop the header at line 2001 and renumber the rest, so heights stay consecutive.
        var broken = lines
        broken.remove(at: 2000)
        for i in 2000..<broken.count {
            var parts = broken[i].split(separator: ",").map(String.init)
            parts[0] = String(Int(parts[0])! - 1)
            broken[i] = parts.joined(separator: ",")
        }
        try expectRejected("broken.csv", broken, line: 2001, reason: "link")

        // 3. Wrong retarget: the nBits of the first header of a new epoch (height 824544 = 409·2016) altered.
        let k = lines.firstIndex { $0.hasPrefix("824544,") }!
        var parts = lines[k].split(separator: ",").map(String.init)
        var hex = Array(parts[1].utf8)
        hex[144] = hex[144] == UInt8(ascii: "f") ? UInt8(ascii: "e") : UInt8(ascii: "f")  // a byte of nBits (offset 72)
        parts[1] = String(decoding: hex, as: UTF8.self)
        parts = Array(parts.prefix(2))
        lines[k] = parts.joined(separator: ",")
        let retarget = ["height,header_hex"] + lines[1...].map { String($0.split(separator: ",").prefix(2).joined(separator: ",")) }
        try expectRejected("retarget.csv", retarget, line: k + 1, reason: "retarget mismatch at height 824544")
    }
}
