import Domain
import Foundation
import Ingest
import LinearAlgebra
import TestSupport
import XCTest
@testable import Hashprice
@testable import Calibrate
@testable import Simulate

/// The miner-supply model's pieces: the efficiency frontier and δ, the breakeven check, old and new calibration JSON,
/// and the acceptance checks on the real history (skipped when ../shared/datasets is absent).
final class SupplyModelTests: XCTestCase {
    private let catalogCSV = """
    manufacturer,model,release_date,hashrate_ths,power_w,efficiency_j_th,source
    A,M1,2014-01-01,1,1000,1000,x
    A,M2,2015-01-01,1,500,500,x
    A,M2b,2015-01-01,1,600,600,x
    A,M3,2016-01-01,1,800,800,x
    A,M4,2017-01-01,1,200,200,x
    A,M5,2019-01-01,1,100,100,x
    A,M6,2021-01-01,1,1,1,x
    """

    private func shippedCatalog() throws -> AsicCatalog {
        try AsicCatalog(csvText: String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("datasets/asic-catalog.csv"), encoding: .utf8))
    }

    /// Ordinary least squares slope and its standard error, by the textbook sums (independent of LAPACK).
    private func handFit(_ t: [Double], _ y: [Double]) -> (slope: Double, se: Double, intercept: Double) {
        let n = Double(t.count)
        let tm = t.reduce(0, +) / n, ym = y.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0
        for (a, b) in zip(t, y) { sxx += (a - tm) * (a - tm); sxy += (a - tm) * (b - ym) }
        let slope = sxy / sxx, icpt = ym - slope * tm
        var rss = 0.0
        for (a, b) in zip(t, y) { let e = b - icpt - slope * a; rss += e * e }
        return (slope, (rss / (n - 2) / sxx).squareRoot(), icpt)
    }

    /// Frontier points (a machine strictly better than everything released before it; same-day ties: the best) and the
    /// fit `ln e = c0 − δ·t` against a hand computation, for a wide window and for a window too short for 3 points.
    func testFrontierFitAgainstHandComputation() throws {
        let cat = try AsicCatalog(csvText: catalogCSV)
        let asOf = Day(iso: "2020-01-01")!
        let pts = EfficiencyFrontier.points(cat, asOf: asOf)
        XCTAssertEqual(pts.map(\.model), ["M1", "M2", "M4", "M5"])   // M2b, M3 not better; M6 released after the as-of
        let wide = try EfficiencyFrontier.fit(cat, asOf: asOf, windowYears: 10)
        XCTAssertEqual(wide.points.map(\.model), ["M1", "M2", "M4", "M5"])
        let days = ["2014-01-01", "2015-01-01", "2017-01-01", "2019-01-01"].map { Double(Day(iso: $0)! - asOf) }
        let h = handFit(days, [1000, 500, 200, 100].map { Foundation.log($0) })
        XCTAssertEqual(wide.delta.value, -h.slope, accuracy: 1e-15)
        XCTAssertEqual(wide.delta.stderr, h.se, accuracy: 1e-15)
        XCTAssertEqual(wide.lnFrontierAtAsOf!, h.intercept, accuracy: 1e-12)
        XCTAssertEqual(wide.source, .catalogFrontier)
        XCTAssertEqual(wide.perYear, -h.slope * 365.25, accuracy: 1e-12)
        // 4.5 years (from 2015-07-02): M4, M5 in the window plus the incumbent M2 (in force when the window opens).
        let five = try EfficiencyFrontier.fit(cat, asOf: asOf, windowYears: 4.5)
        XCTAssertEqual(five.points.map(\.model), ["M2", "M4", "M5"])
        // 1 year: only M5 and the incumbent M4 → the last 3 frontier points, the span stated.
        let one = try EfficiencyFrontier.fit(cat, asOf: asOf, windowYears: 1)
        XCTAssertEqual(one.points.map(\.model), ["M2", "M4", "M5"])
        XCTAssertEqual(one.windowYears!, Double(asOf - Day(iso: "2015-01-01")!) / 365.25, accuracy: 1e-12)
        let h3 = handFit(Array(days.suffix(3)), [500, 200, 100].map { Foundation.log($0) })
        XCTAssertEqual(one.delta.value, -h3.slope, accuracy: 1e-15)
        XCTAssertEqual(one.delta.stderr, h3.se, accuracy: 1e-15)
        // Too few points, bad windows, bad overrides.
        XCTAssertThrowsError(try EfficiencyFrontier.fit(cat, asOf: Day(iso: "2015-06-01")!, windowYears: 4)) { e in
            guard case CalibrateError.insufficientData(let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("--efficiency-trend"), m)
        }
        XCTAssertThrowsError(try EfficiencyFrontier.fit(cat, asOf: asOf, windowYears: 0))
        XCTAssertThrowsError(try EfficiencyFrontier.override(perYear: -0.1))
        XCTAssertThrowsError(try EfficiencyFrontier.override(perYear: .nan))
        XCTAssertEqual(try EfficiencyFrontier.override(perYear: 0.25).delta.value, 0.25 / 365.25)
    }

    /// As-of honesty of the frontier: a machine released the day after the as-of changes nothing; on its release day it
    /// enters. As of 2016-01-01 the shipped catalog's frontier is the 2013–15 ASIC race (S1 … S7), steep.
    func testFrontierIsAsOfHonest() throws {
        let cat = try shippedCatalog()
        let asOf = Day(iso: "2016-01-01")!
        let base = try EfficiencyFrontier.fit(cat, asOf: asOf, windowYears: 4)
        XCTAssertTrue(base.points.allSatisfy { $0.releaseDate <= asOf })
        XCTAssertEqual(base.points.first?.model, "Antminer S1")
        XCTAssertEqual(base.points.last?.model, "Antminer S7")
        XCTAssertGreaterThan(base.perYear, 0.8)
        var future = cat
        future.models.append(AsicModel(manufacturer: "X", model: "Future", releaseDate: asOf + 1, hashrateTHs: 1000, powerW: 1000,
                                       efficiencyJTH: 1, source: "test"))
        XCTAssertEqual(try EfficiencyFrontier.fit(future, asOf: asOf, windowYears: 4), base)
        XCTAssertNotEqual(try EfficiencyFrontier.fit(future, asOf: asOf + 1, windowYears: 4).points.last?.model, "Antminer S7")
        // Today's frontier: slower than the ASIC race (the 2016–26 rate), from post-2022 machines.
        let now = try EfficiencyFrontier.fit(cat, asOf: Day(iso: "2026-03-22")!, windowYears: 4)
        XCTAssertTrue((0.1...0.4).contains(now.perYear), "\(now.perYear)")
        XCTAssertEqual(now.points.last?.efficiencyJTH, 12)
    }

    /// The breakeven check by hand: machines released within the service life (plus the frontier machine), best at the low
    /// power price, worst at the high one.
    func testBreakevenCheckAgainstHandComputation() throws {
        let cat = try AsicCatalog(csvText: catalogCSV)
        let asOf = Day(iso: "2020-01-01")!
        let c = try XCTUnwrap(EfficiencyFrontier.breakevenCheck(cat, asOf: asOf, breakevenUSDPerPHDay: 50, powerPriceLow: 0.02,
                                                               powerPriceHigh: 0.10, serviceLifeYears: 6))
        XCTAssertEqual(c.machines, 6)          // M1…M5 and M2b; M6 not yet released
        XCTAssertEqual(c.bestModel, "M5"); XCTAssertEqual(c.worstModel, "M1")
        XCTAssertEqual(c.lowUSDPerPHDay, 24 * 100 * 0.02, accuracy: 1e-12)
        XCTAssertEqual(c.highUSDPerPHDay, 24 * 1000 * 0.10, accuracy: 1e-9)
        XCTAssertTrue(c.passed)
        XCTAssertEqual(c.impliedPowerPriceBestUSDPerKWh, 50.0 / 2400, accuracy: 1e-15)
        let below = try XCTUnwrap(EfficiencyFrontier.breakevenCheck(cat, asOf: asOf, breakevenUSDPerPHDay: 40, powerPriceLow: 0.02,
                                                                   powerPriceHigh: 0.10, serviceLifeYears: 6))
        XCTAssertFalse(below.passed)
        XCTAssertTrue(below.summary.contains("BELOW 48…2400"), below.summary)
        // 3-year service life: M4, M5 only → worst M4 (200 J/TH): high end 480.
        let short = try XCTUnwrap(EfficiencyFrontier.breakevenCheck(cat, asOf: asOf, breakevenUSDPerPHDay: 500, powerPriceLow: 0.02,
                                                                   powerPriceHigh: 0.10, serviceLifeYears: 3))
        XCTAssertEqual(short.worstModel, "M4")
        XCTAssertEqual(short.highUSDPerPHDay, 480, accuracy: 1e-9)
        XCTAssertFalse(short.passed)
        XCTAssertTrue(short.summary.contains("ABOVE"))
        XCTAssertNil(EfficiencyFrontier.breakevenCheck(cat, asOf: Day(iso: "2013-01-01")!, breakevenUSDPerPHDay: 1, powerPriceLow: 0.02,
                                                       powerPriceHigh: 0.1, serviceLifeYears: 6))
    }

    /// A calibration JSON written before the supply model (no `supply`, no `options`) loads as the free-trend model it was,
    /// simulates, and says so in the table; a new one round-trips; a new one whose a, b, c contradict its supply block, or
    /// whose κ is not positive, is refused naming the field.
    func testOldAndNewCalibrationJSON() throws {
        let oldURL = TestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/calibration-free-trend.json")
        let old = try JSONDecoder().decode(Calibration.self, from: Data(contentsOf: oldURL))
        XCTAssertNil(old.hashRate.supply)
        XCTAssertNil(old.options)
        XCTAssertEqual(old.hashRate.a.value, -0.0068)
        XCTAssertEqual(old.hashRate.b.value, 0.002)
        XCTAssertEqual(old.hashRate.c.value, 0)
        XCTAssertNoThrow(try ModelProcess(calibration: old, settings: SimulationSettings(paths: 2)))
        XCTAssertTrue(CalibrationTable.csv(old).contains("hashrate,supply_model,0.0,\n"))
        XCTAssertFalse(CalibrationTable.csv(old).contains("supply,kappa"))
        // The old and the new reference differ only by the added supply block (same engine coefficients, same paths).
        let ref = SyntheticHistory.referenceCalibration
        var stripped = ref
        stripped.hashRate.supply = nil
        XCTAssertEqual(stripped, old)
        XCTAssertEqual(try SyntheticHistory.generate(calibration: old, days: 60, seed: 5),
                       try SyntheticHistory.generate(calibration: ref, days: 60, seed: 5))
        // New: round trip.
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let data = try enc.encode(ref)
        XCTAssertEqual(try JSONDecoder().decode(Calibration.self, from: data), ref)
        XCTAssertTrue(CalibrationTable.csv(ref).contains("supply,kappa,0.002,0.0\n"))
        // Tampered: c is not κ·δ; κ ≤ 0.
        func tampered(_ edit: (inout [String: Any]) -> Void) throws -> Data {
            var root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            var hr = try XCTUnwrap(root["hashRate"] as? [String: Any])
            edit(&hr)
            root["hashRate"] = hr
            return try JSONSerialization.data(withJSONObject: root)
        }
        let badC = try tampered { $0["c"] = ["value": 1e-6, "stderr": 0] }
        XCTAssertThrowsError(try JSONDecoder().decode(Calibration.self, from: badC)) { e in
            XCTAssertTrue("\(e)".contains("hashRate.c"), "\(e)")
            XCTAssertTrue("\(e)".contains("is not supply.kappa·supply.efficiencyTrend.delta"), "\(e)")
        }
        let badK = try tampered { hr in
            var s = hr["supply"] as! [String: Any]
            s["kappa"] = ["value": -0.001, "stderr": 0]
            hr["supply"] = s
            hr["b"] = ["value": -0.001, "stderr": 0]
        }
        XCTAssertThrowsError(try JSONDecoder().decode(Calibration.self, from: badK)) { e in
            XCTAssertTrue("\(e)".contains("supply.kappa = -0.001"), "\(e)")
        }
    }

    // MARK: - Real history (../shared/datasets; skipped when absent)

    private func realHistory() throws -> (obs: [DailyObservation], hp: [HashpriceDay]) {
        guard let url = TestSupport.sharedDataset("btc_daily_network_market.csv") else {
            throw XCTSkip("btc_daily_network_market.csv absent from ../shared/datasets")
        }
        let obs = try InputParser.parse(path: url.path).observations
        return (obs, HashpriceIndex.compute(obs))
    }

    /// Acceptance (issue 11): with the default options (8-year window cut at the ASIC era, δ from the catalog's trailing
    /// frontier, Huber fit), κ > 0 with t ≥ 2 on every 8-year window ending at a year start 2020 … 2026 and on 2026-03-22,
    /// and the implied breakeven lies within the catalog's range at 0.02–0.10 USD/kWh. Also scans month starts
    /// 2016-01 … 2026-03 (κ > 0 everywhere; the month-start minimum of t and every failure printed).
    func testSupplyResponseOnRealHistory() throws {
        let (allObs, allHP) = try realHistory()
        let cat = try shippedCatalog()
        var asOfs: [Day] = []
        for y in 2016...2026 { for m in 1...12 { if let d = Day(year: y, month: m, day: 1), d <= Day(iso: "2026-03-22")! { asOfs.append(d) } } }
        asOfs.append(Day(iso: "2026-03-22")!)
        var minT = Double.infinity, minTDay = asOfs[0]
        // Each day's 7-day hash rate and hashprice use only days ≤ it.
        let (allH7, allB7) = Calibrator.sevenDayHashRate(allObs), allLnHP = Calibrator.lnHashprice(allHP)
        for asOf in asOfs {
            let h7 = allH7.filter { $0.key <= asOf }, b7 = allB7.filter { $0.key <= asOf }, lnHP = allLnHP.filter { $0.key <= asOf }
            let o = CalibrationOptions.standard
            let trend = try EfficiencyFrontier.fit(cat, asOf: asOf, windowYears: o.efficiencyWindowYears)
            let fit = try Calibrator.supplyFit(h7: h7, b7: b7, lnHP: lnHP, asOf: asOf, trend: trend, options: o, catalog: cat)
            let s = try XCTUnwrap(fit.parameters.supply)
            let check = try XCTUnwrap(s.breakevenCheck)
            let t = s.kappaTStatistic
            let yearEnd = asOf.iso.hasSuffix("-01-01") && asOf >= Day(iso: "2020-01-01")!
            if asOf >= Day(iso: "2020-01-01")!, t < minT { minT = t; minTDay = asOf }
            if yearEnd || asOf == Day(iso: "2026-03-22")! || t < 2 || !check.passed {
                print("supply \(asOf): δ \(String(format: "%.3f", trend.perYear))/yr, lag \(fit.parameters.lag)\(s.lagIdentified ? "" : "?"), κ \(String(format: "%.5f", s.kappa.value)) ± \(String(format: "%.5f", s.kappa.stderr)) (t \(String(format: "%.2f", t))), \(check.summary)")
            }
            XCTAssertGreaterThan(s.kappa.value, 0, "\(asOf)")
            if yearEnd || asOf == Day(iso: "2026-03-22")! {
                XCTAssertGreaterThanOrEqual(t, 2, "κ t-statistic on the 8-year window ending \(asOf)")
                XCTAssertTrue(check.passed, "\(asOf): \(check.summary)")
                XCTAssertEqual(s.requestedWindowDays, 2922)
            }
        }
        print("supply: smallest κ t-statistic over month starts 2020-01 … 2026-03: \(String(format: "%.2f", minT)) on \(minTDay)")
    }

    /// Diagnostic (issue 11): the correlation across simulated paths of the 1-, 2- and 3-year changes of ln price and
    /// ln difficulty, against history's (overlapping weekly-spaced windows over the ASIC era 2014 … 2026-03-22). History
    /// shows 0.5–0.9 over 3 years; the free-trend model gave 0.04. The supply model must couple them: simulated 3-year
    /// correlation ≥ 0.3 and within 0.35 of history's.
    func testPriceDifficultyCorrelationAgainstHistory() throws {
        let (obs, hp) = try realHistory()
        let asOf = Day(iso: "2026-03-22")!
        let cal = try Calibrator.calibrate(observations: obs, hashprice: hp, asOf: asOf, options: .standard, catalog: try shippedCatalog())
        func corr(_ a: [Double], _ b: [Double]) -> Double {
            let n = Double(a.count), ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
            var sab = 0.0, saa = 0.0, sbb = 0.0
            for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
            return sab / (saa * sbb).squareRoot()
        }
        var byDay: [Day: DailyObservation] = [:]
        for o in obs { byDay[o.date] = o }
        let paths = 300
        var sims: [[DailyObservation]] = []
        for p in 0..<paths { sims.append(try SyntheticHistory.generate(calibration: cal, days: 1095, seed: 1000 + UInt64(p))) }
        let s0 = Foundation.log(cal.initialState.priceUSD), d0 = Foundation.log(cal.initialState.difficulty)
        for h in [365, 730, 1095] {
            var dp: [Double] = [], dd: [Double] = []
            var d = Day(iso: "2014-01-01")!
            while d + h <= asOf {
                if let a = byDay[d], let b = byDay[d + h], let pa = a.priceUSD, let pb = b.priceUSD, let da = a.difficulty, let db = b.difficulty {
                    dp.append(Foundation.log(pb / pa)); dd.append(Foundation.log(db / da))
                }
                d = d + 7
            }
            let hist = corr(dp, dd)
            let sp = sims.map { Foundation.log($0[h - 1].priceUSD!) - s0 }, sd = sims.map { Foundation.log($0[h - 1].difficulty!) - d0 }
            let sim = corr(sp, sd)
            print("corr(Δln price, Δln difficulty) over \(h) days: history \(String(format: "%.2f", hist)) (\(dp.count) windows), simulated \(String(format: "%.2f", sim)) (\(paths) paths from \(asOf))")
            if h == 1095 {
                XCTAssertGreaterThanOrEqual(sim, 0.3)
                XCTAssertEqual(sim, hist, accuracy: 0.35)
            }
        }
    }
}
