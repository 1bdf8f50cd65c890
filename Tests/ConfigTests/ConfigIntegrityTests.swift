import Config
import Domain
import Foundation
import TestSupport
import XCTest

/// Issue 12 items 6 (deal bounds, numbers) and 16 (duplicate keys' real line, non-UTF-8, missing files).
final class ConfigIntegrityTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try TestSupport.temporaryDirectory("cfg") }
    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    let deal = """
    name: t
    token:
      count: 10000
      hashrate_th: 0.1
      term_days: 1095
      price_usd: 4.50
    miner:
      efficiency_j_th: 17.5
    operations:
      power_usd_kwh: 0.055
    """

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let u = dir.appendingPathComponent(name)
        try Data(bytes).write(to: u)
        return u.path
    }

    func error(_ body: () throws -> Any) -> ConfigError? {
        do { _ = try body(); return nil } catch { return error as? ConfigError }
    }

    func testDuplicateKeyReportedAtItsSecondLine() throws {
        let text = deal.replacingOccurrences(of: "  term_days: 1095\n", with: "  term_days: 1095\n  count: 5\n")
        let e = try XCTUnwrap(error { try DealFile.parse(text: text, file: "d.yaml") })
        XCTAssertEqual(e.line, 6, "\(e)")
        XCTAssertEqual(e.key, "count")
        XCTAssertTrue(e.reason.contains("duplicate key (first at line 3)"), "\(e)")
        // Top level, and inside a list of mappings (a scenario file).
        let top = try XCTUnwrap(error { try DealFile.parse(text: deal + "\nname: again\n", file: "d.yaml") })
        XCTAssertEqual([top.line, top.reason.contains("first at line 1") ? 1 : 0], [11, 1], "\(top)")
        let scen = "scenarios:\n  - name: a\n    kind: price_crash\n    pct: 10\n    pct: 20\n"
        let s = try XCTUnwrap(error { try ScenarioFile.parse(text: scen, file: "s.yaml") })
        XCTAssertEqual(s.line, 5, "\(s)")
        let nightly = "db: x.sqlite\ninputs: [a.csv]\npaths: 10\nseed: 1\npaths: 20\n"
        let n = try XCTUnwrap(error { try NightlyFile.parse(nightly, file: "n.yaml") })
        XCTAssertEqual([n.line], [5], "\(n)")
    }

    func testNonUTF8AndMissingFiles() throws {
        var bytes = Array(deal.utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "e"))!  // in "name"? first 'e' is byte 3 ("name")
        bytes[at] = 0xE9  // Latin-1 é, not UTF-8
        let p = try write("latin1.yaml", bytes)
        for load in [{ _ = try DealFile.load(path: p) }, { _ = try NightlyFile.load(path: p) }, { _ = try ScenarioFile.load(path: p) }] {
            let e = try XCTUnwrap(error { try load() })
            XCTAssertEqual(e.kind, .invalid)
            XCTAssertEqual(e.line, 1)
            XCTAssertTrue(e.reason.contains("not UTF-8 at byte \(at)"), "\(e)")
        }
        let second = try write("bad2.yaml", Array("name: a\ntoken:\n  x: \"".utf8) + [0xC3, 0x28] + Array("\"\n".utf8))
        XCTAssertEqual(error { try DealFile.load(path: second) }?.line, 3)
        let nul = try write("nul.yaml", Array("name: a\n".utf8) + [0] + Array("\n".utf8))
        XCTAssertTrue(error { try DealFile.load(path: nul) }?.reason.contains("NUL byte") ?? false)
        for load in [{ _ = try DealFile.load(path: "/nonexistent/d.yaml") }, { _ = try NightlyFile.load(path: "/nonexistent/n.yaml") },
                     { _ = try ScenarioFile.load(path: "/nonexistent/s.yaml") }, { _ = try NightlyFile.load(path: self.dir.path) }] {
            let e = try XCTUnwrap(error { try load() })
            XCTAssertEqual(e.kind, .missing, "\(e)")  // exit 66, as the README documents
        }
        // A huge file is refused before it is parsed.
        let big = try write("big.yaml", Array(("name: t\n# " + String(repeating: "x", count: YAMLNode.maxFileBytes) + "\n").utf8))
        XCTAssertTrue(error { try DealFile.load(path: big) }?.reason.contains("at most") ?? false)
        // Valid UTF-8 (multi-byte) passes the check.
        XCTAssertNoThrow(try DealFile.load(path: write("utf8.yaml", Array((deal + "\n# prix: 4,50 €, 矿机\n").utf8))))
    }

    func testNumbersMustBeFiniteAndInRange() throws {
        for bad in [".nan", ".inf", "-.inf", "nan", "inf", "1e300", "1e400", "-1"] {
            let e = try XCTUnwrap(error { try DealFile.parse(text: self.deal.replacingOccurrences(of: "price_usd: 4.50", with: "price_usd: \(bad)"), file: "d.yaml") },
                                  bad)
            XCTAssertEqual([e.line], [6], "\(bad): \(e)")
            XCTAssertEqual(e.key, "token.price_usd")
        }
    }

    func testPhysicalBoundsOfDeals() throws {
        // A fleet larger than 10^10 TH/s (ten times the network) is refused at parse time, at token.hashrate_th.
        let huge = deal.replacingOccurrences(of: "count: 10000", with: "count: 1000000000").replacingOccurrences(of: "hashrate_th: 0.1", with: "hashrate_th: 100")
        let e = try XCTUnwrap(error { try DealFile.parse(text: huge, file: "d.yaml") })
        XCTAssertEqual([e.line], [4]); XCTAssertEqual(e.key, "token.hashrate_th")
        XCTAssertTrue(e.reason.contains("exceeds 10^10 TH/s"), "\(e)")
        // At run time: a fleet above the network hash rate of the initial state (names the file and line).
        let big = deal.replacingOccurrences(of: "count: 10000", with: "count: 1000000000").replacingOccurrences(of: "hashrate_th: 0.1", with: "hashrate_th: 2")
        let path = try write("big.yaml", Array(big.utf8))
        let d = try DealFile.load(path: path)
        let date = Day(iso: "2026-03-22")!
        XCTAssertNoThrow(try DealFile.checkFleet(d, path: path, networkHashRateHs: 2.1e21, on: date))
        let r = try XCTUnwrap(error { try DealFile.checkFleet(d, path: path, networkHashRateHs: 1.0e21, on: date) })
        XCTAssertEqual([r.file, String(r.line), r.key], ["big.yaml", "4", "token.hashrate_th"])
        XCTAssertTrue(r.reason.contains("exceeds the whole network's 1000 EH/s on 2026-03-22"), "\(r)")
        // After a run: the fleet's BTC (count × mean BTC per token) above the 21 million BTC that will ever exist.
        XCTAssertNoThrow(try DealFile.checkIssuance(d, path: path, btcPerTokenMean: 0.02))  // 2e7 BTC
        let b = try XCTUnwrap(error { try DealFile.checkIssuance(d, path: path, btcPerTokenMean: 199.8) })
        XCTAssertEqual([String(b.line), b.key], ["5", "token.term_days"])
        XCTAssertTrue(b.reason.contains("more than the 21 million BTC that will ever exist"), "\(b)")
        XCTAssertNotNil(error { try DealFile.checkIssuance(d, path: path, btcPerTokenMean: .nan) }, "a NaN mean is refused too")
        // Tranche balances of 4e9 USD on a 45,000 USD pool are refused at the largest tranche; 8,000 are fine.
        let structured = deal + """

        structure:
          tranches:
            - {name: senior, balance_usd: 4000000000, rate: 0.08}
            - {name: equity, balance_usd: 2500, equity: true}
        """
        let s = try XCTUnwrap(error { try DealFile.parse(text: structured, file: "d.yaml") })
        XCTAssertEqual([s.line], [13], "\(s)")
        XCTAssertTrue(s.reason.contains("more than 10 × the pool's issue value 45000 USD"), "\(s)")
        XCTAssertNoThrow(try DealFile.parse(text: structured.replacingOccurrences(of: "4000000000", with: "4000"), file: "d.yaml"))
    }
}
