import Config
import Domain
import Structures
import TestSupport
import XCTest

final class DealFileStructureTests: XCTestCase {
    func exampleDeal(_ name: String) throws -> Deal {
        try DealFile.load(path: TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/\(name)").path)
    }

    func testStructuredExampleParses() throws {
        let d = try exampleDeal("structured-example.yaml")
        let s = try XCTUnwrap(d.structure)
        XCTAssertEqual(s.tranches.map(\.name), ["senior", "mezzanine", "equity"])
        XCTAssertEqual(s.tranches[1].interestCurrency, .btc)
        XCTAssertEqual(s.tranches[1].amortization, .bullet)
        XCTAssertTrue(s.tranches[2].isEquity)
        XCTAssertEqual(s.steps, StructureSpec.defaultSteps(senior: "senior", mezzanine: "mezzanine", equity: "equity"))
        XCTAssertEqual(s.triggers.action, .cashTrap)
        XCTAssertEqual(s.triggers.dscrBelow, 1.2)
        XCTAssertNoThrow(try WaterfallEngine(spec: s, deal: d))
    }

    func testLeveragedExampleParses() throws {
        let d = try exampleDeal("leveraged-example.yaml")
        let l = try XCTUnwrap(d.leverage)
        XCTAssertEqual(l, LeverageSpec(ltvInitial: 0.5, liquidationThreshold: 0.7, liquidationBonus: 0.05, closeFactor: 0.5,
                                       borrowAPR: 0.08, stakingAPY: 0.04, loops: 2, horizonDays: 180,
                                       premium: .init(kappa: 4, sigma: 0.4, initial: 0)))
        XCTAssertNoThrow(try LeverageEngine(spec: l, deal: d))
    }

    let base = """
    name: t
    token: {count: 100, hashrate_th: 0.1, term_days: 365, start: as-of, price_usd: 4}
    miner: {efficiency_j_th: 17.5, degradation_per_year: 0.03}
    operations: {power_usd_kwh: 0.05, uptime: 0.95, pool_fee: 0.02, management_fee: 0.05, hosting_usd_th_day: 0, curtailment: economic, deficit: floor_zero}
    valuation: {discount_rate: 0.1}

    """

    func testErrorsCarryLineAndKey() {
        let badStep = base + """
        structure:
          tranches:
            - {name: senior, balance_usd: 100, rate: 0.05}
            - {name: equity, balance_usd: 10, equity: true}
          steps:
            - pay_fees
            - pay_interest: senoir
        """
        XCTAssertThrowsError(try DealFile.parse(text: badStep, file: "d.yaml")) { e in
            XCTAssertTrue("\(e)".hasPrefix("d.yaml:12: structure.steps[1].pay_interest: unknown tranche 'senoir'"), "\(e)")
        }
        let badLtv = base + """
        leverage:
          ltv_initial: 0.8
          liquidation_threshold: 0.7
          liquidation_bonus: 0.05
          close_factor: 0.5
          borrow_apr: 0.08
          loops: 2
          horizon_days: 180
        """
        XCTAssertThrowsError(try DealFile.parse(text: badLtv, file: "d.yaml")) { e in
            XCTAssertTrue("\(e)".hasPrefix("d.yaml:7: leverage.ltv_initial:"), "\(e)")
        }
        let noDebt = base + "structure:\n  tranches:\n    - {name: equity, balance_usd: 10, equity: true}\n"
        XCTAssertThrowsError(try DealFile.parse(text: noDebt, file: "d.yaml"))
    }
}
