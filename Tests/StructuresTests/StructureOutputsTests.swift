import Domain
import Foundation
import Structures
import TestSupport
import Statistics
import XCTest

final class StructureOutputsTests: XCTestCase {
    /// Column lists of docs/outputs.md, read from the contract file itself.
    func contractColumns(_ file: String) throws -> [String] {
        let text = try String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("docs/outputs.md"), encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("`\(file)`") })
        let parts = line.split(separator: "`").map(String.init)
        let cols = try XCTUnwrap(parts.first { $0.contains(",") && !$0.contains(" ") })
        return cols.split(separator: ",").map(String.init)
    }

    func testHeadersMatchTheContract() throws {
        XCTAssertEqual(StructureOutputs.tranchesHeader, try contractColumns("tranches.csv"))
        XCTAssertEqual(StructureOutputs.sweepHeader, try contractColumns("leverage_sweep.csv"))
        let s = LeverageSummary.reduce(results: [0.1, 0.05, 1, 2, 0, 0, 1, 10, -0.2, 0.0, 0, 0, 0, 0, 0, 10], horizonDays: 3)
        let liq = StructureOutputs.liquidationCSV(s, firstDay: Day(iso: "2026-01-01")!)
        XCTAssertEqual(liq, "day,date,prob_liquidated\n1,2026-01-01,0.0\n2,2026-01-02,0.5\n3,2026-01-03,0.5\n")
        let rows = StructureOutputs.returnsCSV(s).split(separator: "\n")
        XCTAssertEqual(rows.first, "measure,unlevered,levered")
        XCTAssertEqual(rows[1], "mean,\(((0.05 + 0.0) / 2).description),\(((0.1 - 0.2) / 2).description)")
        XCTAssertEqual(rows.last, "prob_liquidation,0.0,0.5")
    }
}
