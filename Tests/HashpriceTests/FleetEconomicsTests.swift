import Domain
import TestSupport
import XCTest
@testable import Hashprice

final class FleetEconomicsTests: XCTestCase {
    private let csv = """
    manufacturer,model,release_date,hashrate_ths,power_w,efficiency_j_th,source
    Acme,Miner X1,2024-01-01,200,4000,20,manufacturer spec
    Acme,Miner Y2,2020-01-01,100,4000,40,manufacturer spec
    """

    /// Hand calculation: hashprice 50 USD / 0.0005 BTC per PH/day, power 0.05 USD/kWh.
    /// X1 (20 J/TH): cost 24·20·0.05 = 24 USD/PH/day; breakeven 50/(24·20) = 0.1041666…; cost/BTC 24/0.0005 = 48,000; profitable.
    /// Y2 (40 J/TH): cost 48; breakeven 50/960; cost/BTC 96,000; profitable (48 < 50).
    /// Switch-off efficiency 50/(24·0.05) = 41.666… J/TH.
    func testFleetAgainstHandCalculation() throws {
        let cat = try AsicCatalog(csvText: csv)
        let day = HashpriceDay(date: Day(iso: "2030-01-01")!, difficulty: 1, hashRateEHs: 1, priceUSD: 100_000, subsidyBTCPerBlock: 3.125,
                               feesBTCPerBlock: 0, feeShare: 0, hashpriceBTCPerPHDay: 0.0005, hashpriceUSDPerPHDay: 50,
                               feesTrailing144PerBlockBTC: 0, hashpriceTrailing144BTCPerPHDay: 0.0005, hashpriceTrailing144USDPerPHDay: 50)
        let f = try FleetEconomics(day: day, catalog: cat, powerPriceUSDPerKWh: 0.05)
        XCTAssertEqual(f.switchOffEfficiencyJTH, 125.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(f.rows[0].powerCostUSDPerPHDay, 24, accuracy: 1e-12)
        XCTAssertEqual(f.rows[0].breakevenPowerUSDPerKWh, 50.0 / 480, accuracy: 1e-15)
        XCTAssertEqual(f.rows[0].costPerBTCUSD, 48_000, accuracy: 1e-8)
        XCTAssertTrue(f.rows[0].profitable)
        XCTAssertEqual(f.rows[1].powerCostUSDPerPHDay, 48, accuracy: 1e-12)
        XCTAssertEqual(f.rows[1].costPerBTCUSD, 96_000, accuracy: 1e-8)
        XCTAssertTrue(f.rows[1].profitable)
        // At 0.06 USD/kWh Y2 costs 57.6 > 50: off; its efficiency 40 is above the switch-off 50/1.44 = 34.7.
        let g = try FleetEconomics(day: day, catalog: cat, powerPriceUSDPerKWh: 0.06)
        XCTAssertFalse(g.rows[1].profitable)
        XCTAssertTrue(g.rows[0].profitable)
        XCTAssertThrowsError(try FleetEconomics(day: day, catalog: cat, powerPriceUSDPerKWh: 0))
        let csvOut = HashpriceCSV.fleet(f).split(separator: "\n")
        XCTAssertEqual(String(csvOut[0]), HashpriceCSV.fleetColumns.joined(separator: ","))
        XCTAssertEqual(String(csvOut[1]), "Miner X1,2024-01-01,200.0,4000.0,20.0,24.0,\((50.0 / 480).description),48000.0,true")
    }

    func testShippedCatalogParsesAndLooksUp() throws {
        let url = TestSupport.repositoryRoot.appendingPathComponent("datasets/asic-catalog.csv")
        let cat = try AsicCatalog(csvText: String(contentsOf: url, encoding: .utf8))
        XCTAssertGreaterThanOrEqual(cat.models.count, 18)
        XCTAssertEqual(cat.lookup(model: "antminer s19 pro")?.hashrateTHs, 110)
        XCTAssertEqual(cat.lookup(model: "S21 XP")?.model, "Antminer S21 XP")
        XCTAssertNil(cat.lookup(model: "nonexistent"))
        for m in cat.models { XCTAssertEqual(m.powerW / m.hashrateTHs, m.efficiencyJTH, accuracy: 0.05 * m.efficiencyJTH) }
    }

    func testCatalogErrorsNameLineAndColumn() {
        let bad = "manufacturer,model,release_date,hashrate_ths,power_w,efficiency_j_th,source\nA,B,2024-01-01,100,3000,30,x\nA,C,2024-13-01,1,1,1,x\n"
        XCTAssertThrowsError(try AsicCatalog(csvText: bad, fileName: "c.csv")) { e in
            XCTAssertEqual("\(e)", "c.csv:3: release_date: not a YYYY-MM-DD date: '2024-13-01'")
        }
        let inconsistent = "manufacturer,model,release_date,hashrate_ths,power_w,efficiency_j_th,source\nA,B,2024-01-01,100,3000,20,x\n"
        XCTAssertThrowsError(try AsicCatalog(csvText: inconsistent, fileName: "c.csv")) { e in
            XCTAssertTrue("\(e)".hasPrefix("c.csv:2: efficiency_j_th:"))
        }
    }
}
