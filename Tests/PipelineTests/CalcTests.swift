import Config
import Domain
import Foundation
import Pipeline
import Simulate
import Statistics
import TestSupport
import XCTest

/// `hashsec calc` (SPEC §13, issue 14 item 4): equal to a zero-volatility `simulate` (a calibration with every volatility,
/// jump and noise zero, built here by editing the JSON) on every example deal, and its first day against the closed form.
final class CalcTests: XCTestCase {
    let repo = TestSupport.repositoryRoot
    var calibrationPath: String { repo.appendingPathComponent("datasets/synthetic-calibration.json").path }
    let growth = 0.02, priceGrowth = 0.01

    /// The zero-noise calibration of the calc's assumptions, written by hand from the reference calibration.
    func zeroVolatilityCalibration(_ dir: URL) throws -> String {
        var o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: calibrationPath))) as? [String: Any])
        func est(_ v: Double) -> [String: Any] { ["value": v, "stderr": 0] }
        let mu = log(1 + priceGrowth) / (365.25 / 12)
        var gbm = o["gbm"] as! [String: Any]; gbm["mu"] = est(mu); gbm["sigma"] = est(0); o["gbm"] = gbm
        var m = o["merton"] as! [String: Any]
        m["mu"] = est(mu); m["sigma"] = est(0); m["lambda"] = est(0); m["muJ"] = est(0); m["sigmaJ"] = est(0); m["covariance"] = nil; o["merton"] = m
        var h = o["hashRate"] as! [String: Any]
        h["a"] = est(log(1 + growth) / (365.25 / 12)); h["b"] = est(0); h["c"] = est(0); h["sigma"] = est(0); h["supply"] = nil; o["hashRate"] = h
        var f = o["fees"] as! [String: Any]; f["kappa"] = est(0); f["sigma"] = est(0); o["fees"] = f
        o["correlation"] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        o["regime"] = nil
        let u = dir.appendingPathComponent("zero.json")
        try JSONSerialization.data(withJSONObject: o).write(to: u)
        return u.path
    }

    func testCalcEqualsZeroVolatilitySimulateOnEveryExampleDeal() throws {
        let dir = try TestSupport.temporaryDirectory("calc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let zero = try zeroVolatilityCalibration(dir)
        let deals = try FileManager.default.contentsOfDirectory(atPath: repo.appendingPathComponent("datasets/deals").path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(deals.count, 5)
        for name in deals {
            let deal = repo.appendingPathComponent("datasets/deals/\(name)").path
            let calc = try CalcJob.run(.init(dealPath: deal, assumptions: .init(hashRateGrowthPerMonth: growth, priceGrowthPerMonth: priceGrowth),
                                             calibrationPath: calibrationPath))
            let s = SimulationSettings(paths: 2, seed: 9, threads: 1, model: .gbm, parameterUncertainty: false, antithetic: false,
                                       poissonBlocks: false)
            let sim = try SimulateJob.run(.init(dealPath: deal, settings: s, calibrationPath: zero, pathsCSV: true))
            let summary = try XCTUnwrap(sim.summary)
            let o = calc.projection.outcome
            func rel(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }
            XCTAssertLessThanOrEqual(rel(o.pvUSD, summary.pvMean), 1e-9, "\(name): PV \(o.pvUSD) vs \(summary.pvMean)")
            XCTAssertLessThanOrEqual(rel(o.btcTotal, summary.btcMean), 1e-9, "\(name): BTC")
            XCTAssertLessThanOrEqual(rel(o.usdTotal, summary.usdMean), 1e-9, "\(name): USD")
            XCTAssertEqual(summary.pvStderr, 0, accuracy: 1e-9 * summary.pvMean, "\(name): every path is the same")
            // The daily series add up to the outcome's totals.
            let days = calc.projection.days
            XCTAssertEqual(days.reduce(0) { $0 + $1.payoutUSD }, o.usdTotal, accuracy: 1e-9 * max(1, o.usdTotal), name)
            XCTAssertEqual(days.last?.cumulativePayoutUSD ?? 0, o.usdTotal, accuracy: 1e-9 * max(1, o.usdTotal), name)
            let paths = try XCTUnwrap(sim.files.first { $0.name == "paths.csv" }?.text).split(separator: "\n").dropFirst()
            for line in paths {
                let c = line.split(separator: ",", omittingEmptySubsequences: false)
                XCTAssertEqual(c[5].isEmpty ? 0 : Int(c[5])!, o.paybackDay, "\(name): payback day")
                if let irr = Double(c[4]), o.irr.isFinite { XCTAssertLessThanOrEqual(rel(o.irr, irr), 1e-9, "\(name): IRR") }
            }
        }
    }

    /// Day 1 (before any retarget) against the closed form: hashprice `1e15·86400/(D·2³²)·(subsidy + fee)` BTC/PH/day,
    /// revenue `h·uptime/1000·(1−pool)(1−mgmt)·hp·S`, power `h·e·24/1000·uptime·p`, breakeven power `(revenue − hosting)/energy`.
    func testFirstDayAgainstTheClosedForm() throws {
        let cal = try JSONDecoder().decode(Calibration.self, from: Data(contentsOf: URL(fileURLWithPath: calibrationPath)))
        let r = try CalcJob.run(.init(machine: .init(model: "Antminer S21"), terms: .init(powerUSDPerKWh: 0.06, uptime: 0.97, poolFee: 0.02,
                                                                                          hostingUSDPerTHDay: 0.001),
                                      calibrationPath: calibrationPath))
        let st = cal.initialState
        let subsidy = 50.0 / pow(2, Double((st.height + 1) / 210_000))
        let hpBTC = 1e15 * 86400 / (st.difficulty * 4294967296.0) * (subsidy + st.feePerBlockBTC)
        let th = 200.0, eff = 17.5
        let revenue = th * 0.97 / 1000 * 0.98 * hpBTC * st.priceUSD
        let energy = th * eff * 24 / 1000 * 0.97
        let d = try XCTUnwrap(r.projection.days.first)
        XCTAssertEqual(d.hashpriceUSD, hpBTC * st.priceUSD, accuracy: 1e-9 * d.hashpriceUSD)
        XCTAssertEqual(d.revenueUSD, revenue, accuracy: 1e-9 * revenue)
        XCTAssertEqual(d.powerUSD, energy * 0.06, accuracy: 1e-9 * energy)
        XCTAssertEqual(d.hostingUSD, 0.2, accuracy: 1e-12)
        XCTAssertEqual(d.profitUSD, revenue - energy * 0.06 - 0.2, accuracy: 1e-9 * revenue)
        XCTAssertEqual(try XCTUnwrap(d.breakevenPowerUSDPerKWh), (revenue - 0.2) / energy, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(d.breakevenHashpriceUSD), d.hashpriceUSD * (energy * 0.06 + 0.2) / revenue, accuracy: 1e-9)
        // Flat network, flat price: across the halving the hashprice falls by the subsidy's half (the days either side share
        // one difficulty unless a retarget falls between them: the retargets of a flat network move it by < 0.1 %).
        let h = try XCTUnwrap(r.projection.halvings.first)
        let before = try XCTUnwrap(r.projection.days.last { $0.date < h }), after = try XCTUnwrap(r.projection.days.first { $0.date > h })
        XCTAssertEqual(after.hashpriceUSD / before.hashpriceUSD, (subsidy / 2 + st.feePerBlockBTC) / (subsidy + st.feePerBlockBTC), accuracy: 1e-3)
        XCTAssertTrue(r.files.map(\.0) == ["calc.csv", "calc_daily.csv", "calc.svg"])
        XCTAssertTrue(r.files[2].1.hasPrefix("<svg"))
    }

    /// With the forward curve (`--curve FILE`) the hashprice follows the curve's levels, and the token's value equals the
    /// curve value of `simulate` (`CurveValue`, the same pricer on the curve path).
    func testCurvePathEqualsTheCurveValue() throws {
        let dir = try TestSupport.temporaryDirectory("calc-curve")
        defer { try? FileManager.default.removeItem(at: dir) }
        var cal = try JSONDecoder().decode(Calibration.self, from: Data(contentsOf: URL(fileURLWithPath: calibrationPath)))
        let asOf = Day(year: 2024, month: 10, day: 8)!
        cal.asOf = asOf; cal.windowEnd = asOf; cal.initialState.date = asOf
        let calPath = dir.appendingPathComponent("cal.json").path
        try JSONEncoder().encode(cal).write(to: URL(fileURLWithPath: calPath))
        let curvePath = repo.appendingPathComponent("datasets/curves/example-curve.csv").path
        let dealPath = repo.appendingPathComponent("datasets/deals/s21-token.yaml").path
        let r = try CalcJob.run(.init(dealPath: dealPath, calibrationPath: calPath, curve: CurveOptions(path: curvePath, fromStore: true)))
        let curve = try XCTUnwrap(r.projection.curve)
        XCTAssertEqual(r.projection.days[40].hashpriceUSD, curve.levelHeld(on: r.projection.days[40].date), accuracy: 1e-9)
        let deal = try DealFile.load(path: dealPath, catalogPath: repo.appendingPathComponent("datasets/asic-catalog.csv").path)
        let schedule = DealSchedule(deal: deal, asOf: asOf, horizon: nil)
        let v = CurveValue.outcome(deal: deal, schedule: schedule, curve: curve, initialPriceUSD: cal.initialState.priceUSD)
        XCTAssertEqual(r.projection.outcome.pvUSD, v.pvUSD, accuracy: 1e-9 * max(1, abs(v.pvUSD)))
        XCTAssertEqual(r.projection.outcome.usdTotal, v.usdTotal, accuracy: 1e-9 * max(1, abs(v.usdTotal)))
        XCTAssertTrue(r.text.contains("FORWARD CURVE"))
        // No curve quoted by the as-of day: refused with the reason.
        XCTAssertThrowsError(try CalcJob.run(.init(dealPath: dealPath, calibrationPath: calibrationPath, curve: CurveOptions(path: curvePath, fromStore: true))))
    }
}
