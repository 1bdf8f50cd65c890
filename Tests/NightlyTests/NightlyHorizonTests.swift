import Foundation
import TestSupport
import XCTest

/// Issue 12 item 10: the nightly simulates each deal over its own term; a `horizon_days` cap shorter than a term is a
/// truncation stated in that deal's summary.json, manifest.json, stress table and report (SPEC §9).
final class NightlyHorizonTests: XCTestCase {
    func testDealsRunOverTheirTermAndACapIsStatedInEveryOutput() throws {
        let h = try NightlyHarness()
        defer { try? FileManager.default.removeItem(at: h.root) }
        let bmn2 = TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/bmn2-like.yaml").path   // 1,461-day note
        let base = h.config().replacingOccurrences(of: TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/btcst-like.yaml").path,
                                                   with: bmn2)
        XCTAssertTrue(base.contains(bmn2))
        try base.write(to: h.root.appendingPathComponent("full.yaml"), atomically: true, encoding: .utf8)
        try (base.replacingOccurrences(of: "reports_dir: reports", with: "reports_dir: reports-cap") + "horizon_days: 1095\n")
            .write(to: h.root.appendingPathComponent("cap.yaml"), atomically: true, encoding: .utf8)
        func deal(_ reports: String, _ file: String) throws -> Data {
            let latest = try FileManager.default.destinationOfSymbolicLink(atPath: h.root.appendingPathComponent("\(reports)/latest").path)
            return try Data(contentsOf: h.root.appendingPathComponent("\(reports)/\(latest)/\(file)"))
        }
        func json(_ d: Data) throws -> [String: Any] { try XCTUnwrap(JSONSerialization.jsonObject(with: d) as? [String: Any]) }

        let full = try h.run(config: "full.yaml")
        XCTAssertEqual(full.status, 0, full.stderr)
        let s = try json(deal("reports", "deals/bmn2-like/summary.json"))
        XCTAssertEqual(s["horizon_days"] as? Int, 1461, "the whole 1,461-day term by default (was the nightly's 1,095)")
        XCTAssertEqual(s["term_days"] as? Int, 1461)
        XCTAssertEqual(s["truncated"] as? Bool, false)
        XCTAssertEqual(String(decoding: try deal("reports", "deals/bmn2-like/hashprice_quantiles.csv"), as: UTF8.self)
            .split(separator: "\n").count, 1 + 1461)

        let cap = try h.run(config: "cap.yaml")
        XCTAssertEqual(cap.status, 0, cap.stderr)
        let c = try json(deal("reports-cap", "deals/bmn2-like/summary.json"))
        XCTAssertEqual(c["horizon_days"] as? Int, 1095); XCTAssertEqual(c["term_days"] as? Int, 1461)
        XCTAssertEqual(c["truncated"] as? Bool, true)
        let m = try json(deal("reports-cap", "deals/bmn2-like/manifest.json"))
        let params = try XCTUnwrap(m["parameters"] as? [String: Any])
        XCTAssertEqual(params["truncated"] as? Bool, true); XCTAssertEqual(params["term_days"] as? Int, 1461)
        let stress = String(decoding: try deal("reports-cap", "deals/bmn2-like/stress.csv"), as: UTF8.self).split(separator: "\n")
        let head = stress[0].split(separator: ",").map(String.init)
        let hi = try XCTUnwrap(head.firstIndex(of: "horizon_days")), ti = try XCTUnwrap(head.firstIndex(of: "truncated"))
        for row in stress.dropFirst() {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(cells[hi], "1095"); XCTAssertEqual(cells[ti], "true")
        }
        let html = String(decoding: try deal("reports-cap", "index.html"), as: UTF8.self)
        XCTAssertTrue(html.contains("Truncated:</strong> the simulation covers 1095 days of the deal&#39;s 1461-day term")
                      || html.contains("Truncated:</strong> the simulation covers 1095 days of the deal's 1461-day term"), "report states the cut")
        let runManifest = try json(deal("reports-cap", "manifest.json"))
        XCTAssertEqual((runManifest["parameters"] as? [String: Any])?["horizon_days"] as? Int, 1095)
        // Without the cap the report has no truncation note.
        XCTAssertFalse(String(decoding: try deal("reports", "index.html"), as: UTF8.self).contains("Truncated:"))
    }
}
