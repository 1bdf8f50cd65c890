import Config
import Domain
import Foundation
@testable import Simulate
import Statistics
import TestSupport
import XCTest

/// The stresses on the token's own cash flows (issue 14 item 6): `fleet_outage` (the token's own machines down: no
/// output, no power drawn, hosting still owed) and `payout_suspension` (payouts withheld, then paid in one lump or
/// forfeited), applied by the one pricer (`TokenPricer` with a `PricerOverlay`), against an independent day-by-day loop
/// written from the formulas of SPEC §6 and the scenario docs.
final class OwnFleetStressTests: XCTestCase {
    /// A path that crosses breakeven (so curtailment and deficits happen), 200 days.
    static func path(days: Int = 200) -> (price: [Double], hashprice: [Double]) {
        let price = (0..<days).map { 60_000 * (1 + 0.35 * sin(Double($0) / 17)) }
        let hp = (0..<days).map { 0.0005 * (1 + 0.3 * cos(Double($0) / 23)) }
        return (price, hp)
    }

    static func deal(curtailment: Operations.Curtailment, deficit: Operations.DeficitRule, hosting: Double, terminate: Int? = nil) -> Deal {
        Deal(name: "t", token: TokenTerms(count: 10, hashrateTH: 100, termDays: 200, start: .asOf, priceUSD: 50),
             miner: MinerSpec(model: nil, efficiencyJTH: 21, degradationPerYear: 0.05),
             operations: Operations(powerUSDPerKWh: 0.06, uptime: 0.93, poolFee: 0.02, managementFee: 0.05, hostingUSDPerTHDay: hosting,
                                    curtailment: curtailment, deficit: deficit, terminateAfterDeficitDays: terminate),
             valuation: Valuation(discountRate: 0.12))
    }

    /// The reference: each token day t (index i = t − 1) from the deal's terms, with share `x` of the machines down on
    /// outage days and payouts withheld on suspension days (released on `release`, or when the token terminates unless
    /// forfeited).
    static func reference(_ d: Deal, _ price: [Double], _ hp: [Double], outage: (lo: Int, hi: Int, x: Double)? = nil,
                          suspension: (lo: Int, hi: Int, release: Int?, forfeited: Bool)? = nil) -> (pay: [Double], pv: Double) {
        let o = d.operations, h = d.token.hashrateTH
        var pay = [Double](repeating: 0, count: price.count), owed = 0.0, run = 0, withheld = 0.0, pv = 0.0
        for i in 0..<price.count {
            let t = Double(i + 1), S = price[i]
            let up = outage.map { i >= $0.lo && i < $0.hi ? 1 - $0.x : 1 } ?? 1
            let gross = h * o.uptime / 1000 * (1 - o.poolFee) * (1 - o.managementFee) * pow(1 - d.miner.degradationPerYear, t / 365) * hp[i] * up
            let power = h * d.miner.efficiencyJTH * 24 / 1000 * o.uptime * o.powerUSDPerKWh * up
            let off = o.curtailment == .economic && gross * S < power
            let net = (off ? 0 : gross) - ((off ? 0 : power) + o.hostingUSDPerTHDay * h) / S
            var p: Double
            if o.deficit == .carryForward {
                let bal = net - owed
                p = max(0, bal); owed = max(0, -bal)
            } else { p = max(0, net) }
            run = (net < 0 || off) ? run + 1 : 0
            if let s = suspension, i >= s.lo && i < s.hi { withheld += p; p = 0 }
            let ends = run >= (o.terminateAfterDeficitDays ?? Int.max)
            if let s = suspension, i == s.release || (ends && !s.forfeited) { p += withheld; withheld = 0 }
            pay[i] = p * S
            pv += p * S * pow(1 + d.valuation.discountRate, -t / 365)
            if ends { break }
        }
        return (pay, pv)
    }

    func price(_ d: Deal, _ path: (price: [Double], hashprice: [Double]), _ overlay: PricerOverlay) -> (pay: [Double], outcome: PathOutcome) {
        let n = path.price.count
        let pricer = TokenPricer(deal: d, offset: 0, tokenDays: n)
        defer { pricer.deallocate() }
        let b = TokenPricer.DailyBuffers(capacity: n)
        defer { b.deallocate() }
        let o = path.price.withUnsafeBufferPointer { s in
            path.hashprice.withUnsafeBufferPointer { hp in pricer.price(priceUSD: s.baseAddress!, hashpriceBTC: hp.baseAddress!, into: b, overlay: overlay) }
        }
        return ((0..<n).map { b.netUSD[$0] }, o)
    }

    func assertClose(_ a: [Double], _ b: [Double], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, label, file: file, line: line)
        for i in 0..<min(a.count, b.count) where abs(a[i] - b[i]) > 1e-12 * max(1, abs(b[i])) {
            XCTFail("\(label): day \(i + 1): pricer \(a[i]) vs reference \(b[i])", file: file, line: line); return
        }
    }

    /// Whole and partial own-fleet outages and both kinds of suspension, under every deficit rule, curtailment, with
    /// hosting and with termination: the pricer's daily payouts equal the reference loop's, and on this path every stress
    /// lowers PV (the suspension paid later too: the BTC price falls between the withheld days and the release).
    func testPricerMatchesAnIndependentLoopAndTheStressesLowerPV() {
        let path = Self.path()
        let deals = [Self.deal(curtailment: .economic, deficit: .floorZero, hosting: 0),
                     Self.deal(curtailment: .economic, deficit: .floorZero, hosting: 0.004),
                     Self.deal(curtailment: .never, deficit: .carryForward, hosting: 0.002),
                     Self.deal(curtailment: .economic, deficit: .carryForward, hosting: 0.003, terminate: 12)]
        let overlays: [(String, PricerOverlay, (lo: Int, hi: Int, x: Double)?, (lo: Int, hi: Int, release: Int?, forfeited: Bool)?)] = [
            ("whole fleet down days 30-59", PricerOverlay(outage: (from: 29, to: 59, fraction: 1)), (29, 59, 1), nil),
            ("40 % down days 1-90", PricerOverlay(outage: (from: 0, to: 90, fraction: 0.4)), (0, 90, 0.4), nil),
            ("suspended days 30-89, paid on day 91", PricerOverlay(suspension: (from: 29, to: 89, release: 90, forfeited: false)), nil,
             (29, 89, 90, false)),
            ("suspended days 30-89, forfeited", PricerOverlay(suspension: (from: 29, to: 89, release: nil, forfeited: true)), nil,
             (29, 89, nil, true)),
        ]
        for (k, d) in deals.enumerated() {
            let base = price(d, path, PricerOverlay())
            let ref0 = Self.reference(d, path.price, path.hashprice)
            assertClose(base.pay, ref0.pay, "deal \(k) base")
            XCTAssertGreaterThan(base.outcome.pvUSD, 0)
            for (name, ov, out, sus) in overlays {
                let r = price(d, path, ov)
                let ref = Self.reference(d, path.price, path.hashprice, outage: out, suspension: sus)
                assertClose(r.pay, ref.pay, "deal \(k) \(name)")
                XCTAssertEqual(r.outcome.pvUSD, ref.pv, accuracy: 1e-10 * ref.pv, "deal \(k) \(name)")
                XCTAssertLessThan(r.outcome.pvUSD, base.outcome.pvUSD, "deal \(k) \(name): the stress lowers PV")
            }
        }
        // The economics by hand on the plain deal (economic curtailment, floor_zero, no hosting, no termination).
        let d = deals[0]
        let base = price(d, path, PricerOverlay())
        let down = price(d, path, PricerOverlay(outage: (from: 29, to: 59, fraction: 1)))
        for i in 0..<200 { XCTAssertEqual(down.pay[i], (29..<59).contains(i) ? 0 : base.pay[i], "whole fleet down: nothing on those days only") }
        let paid = price(d, path, PricerOverlay(suspension: (from: 29, to: 89, release: 90, forfeited: false)))
        let lost = price(d, path, PricerOverlay(suspension: (from: 29, to: 89, release: nil, forfeited: true)))
        let withheldBTC = (29..<89).reduce(0.0) { $0 + base.pay[$1] / path.price[$1] }
        XCTAssertGreaterThan(withheldBTC, 0)
        XCTAssertEqual(paid.outcome.btcTotal, base.outcome.btcTotal, accuracy: 1e-12 * base.outcome.btcTotal, "paid later: the same BTC")
        XCTAssertEqual(paid.pay[90], (base.pay[90] / path.price[90] + withheldBTC) * path.price[90], accuracy: 1e-9)
        XCTAssertEqual(lost.outcome.btcTotal, base.outcome.btcTotal - withheldBTC, accuracy: 1e-12 * base.outcome.btcTotal)
        XCTAssertLessThan(lost.outcome.pvUSD, paid.outcome.pvUSD)
    }

    /// Through the scenario file, the overlay builder and the engine: the stresses run on the base's paths (common random
    /// numbers, the paths themselves untouched); under the outages and the forfeiture every path's PV is at most the base's
    /// (economic curtailment, floor_zero) and the mean is lower; a partial outage costs less than a whole one. A suspension
    /// paid later keeps every path's BTC; its USD PV moves with the BTC price between the withheld days and the release
    /// (the lump is paid in BTC), so it is not lower on every path (here the price's drift, 11 %/yr, beats the 10 %
    /// discount rate).
    func testScenariosThroughTheEngine() throws {
        let text = """
        scenarios:
          - {name: down, kind: fleet_outage, days: 30, start: 30}
          - {name: half, kind: fleet_outage, pct: 50, days: 30, start: 30}
          - {name: held, kind: payout_suspension, days: 60, start: 30}
          - {name: lost, kind: payout_suspension, days: 60, start: 30, then: forfeited}
        """
        let scenarios = try ScenarioFile.parse(text: text, file: "s.yaml")
        XCTAssertEqual(scenarios.map(\.kind), [.fleetOutage(pct: 1, days: 30, start: 30), .fleetOutage(pct: 0.5, days: 30, start: 30),
                                               .payoutSuspension(days: 60, start: 30, forfeited: false),
                                               .payoutSuspension(days: 60, start: 30, forfeited: true)])
        let cal = Fixture.calibration(sigma: 0.03, lambda: 0.02, muJ: -0.02, sigmaJ: 0.08, mu: 0.0003, hashSigma: 0.02, feeKappa: 0.05, feeSigma: 0.1)
        let deal = Fixture.deal(term: 300, curtailment: .economic, power: 0.05)
        let overlays = try scenarios.map { try StressOverlayBuilder.overlay(for: $0, horizonDays: 300) }
        XCTAssertTrue(overlays.allSatisfy { !$0.changesPaths && !$0.isEmpty })
        let s = SimulationSettings(paths: 64, seed: 9, threads: 2)
        let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, scenarios: [nil] + overlays, accumulate: [.daily])
        XCTAssertEqual(r[1].daily.hashpriceUSD, r[0].daily.hashpriceUSD, "the network's paths are the base's")
        for k in [1, 2, 4] {
            for p in 0..<64 { XCTAssertLessThanOrEqual(r[k].pvUSD[p], r[0].pvUSD[p] * (1 + 1e-12), "scenario \(k) path \(p)") }
            XCTAssertLessThan(Moments.mean(r[k].pvUSD), Moments.mean(r[0].pvUSD), scenarios[k - 1].name)
        }
        XCTAssertLessThan(Moments.mean(r[1].pvUSD), Moments.mean(r[2].pvUSD), "a whole outage costs more than half of one")
        for p in 0..<64 { XCTAssertEqual(r[3].btcTotal[p], r[0].btcTotal[p], accuracy: 1e-12 * max(1e-12, r[0].btcTotal[p])) }
        XCTAssertLessThan(Moments.mean(r[4].btcTotal), Moments.mean(r[0].btcTotal))
        // Bad entries name their line.
        for bad in ["  - {name: x, kind: fleet_outage, days: 0}", "  - {name: x, kind: fleet_outage, pct: 150, days: 5}",
                    "  - {name: x, kind: payout_suspension, days: 5, then: later}", "  - {name: x, kind: fleet_outage}"] {
            XCTAssertThrowsError(try ScenarioFile.parse(text: "scenarios:\n" + bad + "\n", file: "s.yaml"), bad) { e in
                XCTAssertTrue("\(e)".hasPrefix("s.yaml:2:"), "\(bad): \(e)")
            }
        }
    }
}
