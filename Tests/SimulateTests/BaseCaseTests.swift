import Domain
import Foundation
@testable import Simulate
import XCTest

/// The flat-hashprice base case (`base_case.csv`, `summary.json` `base_case`) against an independent sum of the cash-flow
/// formula (TokenPricer's doc comment), with power costs and a forward start.
final class BaseCaseTests: XCTestCase {
    func testBaseCaseAgainstAnIndependentSum() throws {
        var cal = Fixture.calibration()
        cal.initialState.lnHashpriceHistory = [Foundation.log(40.0), Foundation.log(55.0)]   // today's hashprice: 55 USD/PH/day
        var deal = Fixture.deal(term: 300, power: 0.05)
        deal.token.start = .date(cal.asOf + 10)
        let schedule = DealSchedule(deal: deal, asOf: cal.asOf, horizon: nil)
        let b = try XCTUnwrap(BaseCase(deal: deal, schedule: schedule, state: cal.initialState))
        XCTAssertEqual(b.hashpriceUSD, 55, accuracy: 1e-12)
        let s0 = cal.initialState.priceUSD
        // gross BTC = h·(1−deg)^{t/365}·uptime·hp_btc/1000·(1−pool)(1−mgmt); power USD = h·e·24/1000·p·uptime; floor at zero.
        let k = 1.0 * 0.95 / 1000 * 0.98 * 0.95, power = 1.0 * 20 * 24 / 1000 * 0.05 * 0.95
        var pv = 0.0, usd = 0.0, btc = 0.0, payback = 0
        for t in 1...300 {
            let gross = k * Foundation.pow(0.97, Double(t) / 365) * 55 / s0
            let pay = max(gross - power / s0, 0)
            btc += pay; usd += pay * s0; pv += pay * s0 * Foundation.pow(1.1, -Double(t) / 365)
            if payback == 0, usd >= 20 { payback = t }
            XCTAssertEqual(b.payoutUSD[t - 1], pay * s0, accuracy: 1e-12)
            XCTAssertEqual(b.cumulativeUSD[t - 1], usd, accuracy: 1e-9)
        }
        XCTAssertGreaterThan(usd, 0, "the costs do not eat the whole payout (the test would be vacuous)")
        XCTAssertEqual(b.outcome.pvUSD, pv, accuracy: 1e-9 * pv)
        XCTAssertEqual(b.outcome.usdTotal, usd, accuracy: 1e-9 * usd)
        XCTAssertEqual(b.outcome.btcTotal, btc, accuracy: 1e-9 * btc)
        XCTAssertEqual(b.outcome.paybackDay, payback)
        XCTAssertEqual(b.cumulativePV.last!, b.outcome.pvUSD, "the last row's PV is the outcome's, bit for bit")
        // The file: one row per token day, dated from the token's first day, full precision.
        let lines = b.csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 301)
        XCTAssertEqual(lines[0], "token_day,date,hashprice_usd_ph_day,payout_btc,payout_usd,cumulative_usd,pv_usd")
        XCTAssertTrue(lines[1].hasPrefix("1,\((cal.asOf + 11).iso),55"))
        XCTAssertEqual(Double(lines[300].split(separator: ",")[6]), b.outcome.pvUSD)
        // No hashprice history: no base case (nothing to hold flat).
        cal.initialState.lnHashpriceHistory = []
        XCTAssertNil(BaseCase(deal: deal, schedule: schedule, state: cal.initialState))
    }
}
