import Config
import Domain
import Foundation
import XCTest

final class DealFileTests: XCTestCase {
    let valid = """
    name: example-token
    token:
      count: 10000
      hashrate_th: 0.1
      term_days: 1095
      start: 2026-03-23
      price_usd: 4.50
    miner:
      efficiency_j_th: 17.5
      degradation_per_year: 0.03
    operations:
      power_usd_kwh: 0.055
      uptime: 0.95
      pool_fee: 0.02
      management_fee: 0.05
      hosting_usd_th_day: 0.0
      curtailment: economic
      deficit: carry_forward
      terminate_after_deficit_days: 60
    valuation:
      discount_rate: 0.15
    """

    func testValidDeal() throws {
        let d = try DealFile.parse(text: valid, file: "deal.yaml")
        XCTAssertEqual(d.name, "example-token")
        XCTAssertEqual(d.token, TokenTerms(count: 10000, hashrateTH: 0.1, termDays: 1095, start: .date(Day(year: 2026, month: 3, day: 23)!), priceUSD: 4.5))
        XCTAssertEqual(d.miner.efficiencyJTH, 17.5)
        XCTAssertEqual(d.operations.curtailment, .economic)
        XCTAssertEqual(d.operations.deficit, .carryForward)
        XCTAssertEqual(d.operations.terminateAfterDeficitDays, 60)
        XCTAssertEqual(d.valuation.discountRate, 0.15)
        XCTAssertNil(d.structure)
    }

    func expectError(_ text: String, line: Int, contains: String, file: StaticString = #filePath, l: UInt = #line) {
        XCTAssertThrowsError(try DealFile.parse(text: text, file: "deal.yaml"), file: file, line: l) { e in
            guard let c = e as? ConfigError else { return XCTFail("not a ConfigError: \(e)", file: file, line: l) }
            XCTAssertEqual(c.line, line, "\(c)", file: file, line: l)
            XCTAssertTrue(c.description.hasPrefix("deal.yaml:\(line): "), "\(c)", file: file, line: l)
            XCTAssertTrue(c.description.contains(contains), "\(c)", file: file, line: l)
        }
    }

    func testErrorsNameTheLine() {
        expectError(valid.replacingOccurrences(of: "uptime: 0.95", with: "uptime: 1.4"), line: 13,
                    contains: "operations.uptime: 1.4 is out of range 0…1")
        expectError(valid.replacingOccurrences(of: "  hashrate_th: 0.1", with: "  hashrate: 0.1"), line: 4,
                    contains: "token.hashrate: unknown key (did you mean hashrate_th?)")
        expectError(valid.replacingOccurrences(of: "term_days: 1095", with: "term_days: lots"), line: 5,
                    contains: "token.term_days: expected an integer")
        expectError(valid.replacingOccurrences(of: "curtailment: economic", with: "curtailment: sometimes"), line: 17,
                    contains: "is not one of economic, never")
        expectError(valid.replacingOccurrences(of: "start: 2026-03-23", with: "start: 2026-02-30"), line: 6, contains: "expected a date")
        expectError(valid.replacingOccurrences(of: "  efficiency_j_th: 17.5\n", with: ""), line: 9, contains: "efficiency_j_th")
        expectError(valid + "\nextra: 1", line: 22, contains: "extra: unknown key")
        expectError("name: [unclosed\n", line: 2, contains: "YAML syntax error")
    }

    func testModelResolvedThroughCatalog() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dealfile-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "manufacturer,model,release_date,hashrate_ths,power_w,efficiency_j_th,source\nAcme,Miner X,2024-01-01,100,2000,20,test\n"
            .write(to: dir.appendingPathComponent("asic-catalog.csv"), atomically: true, encoding: .utf8)
        let text = valid.replacingOccurrences(of: "  efficiency_j_th: 17.5", with: "  model: Miner X")
        try text.write(to: dir.appendingPathComponent("deal.yaml"), atomically: true, encoding: .utf8)
        let d = try DealFile.load(path: dir.appendingPathComponent("deal.yaml").path)
        XCTAssertEqual(d.miner.efficiencyJTH, 20)
        XCTAssertEqual(d.miner.model, "Miner X")
        let bad = valid.replacingOccurrences(of: "  efficiency_j_th: 17.5", with: "  model: Nope 9000")
        try bad.write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DealFile.load(path: dir.appendingPathComponent("bad.yaml").path)) { e in
            XCTAssertTrue("\(e)".hasPrefix("bad.yaml:9: miner.model: model 'Nope 9000' is not in the ASIC catalog"), "\(e)")
        }
    }

    func testExampleDealsParse() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["btcst-like", "bmn2-like", "s21-token"] {
            let d = try DealFile.load(path: root.appendingPathComponent("datasets/deals/\(name).yaml").path)
            XCTAssertEqual(d.name, name)
        }
    }
}
