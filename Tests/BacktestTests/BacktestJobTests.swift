import Backtest
import Calibrate
import Config
import Domain
import Foundation
import Models
import Pipeline
import Simulate
import TestSupport
import XCTest

/// The backtest job: as-of honesty, realized payout by an independent formula, determinism across threads, the capture.
final class BacktestJobTests: XCTestCase {
    static let dealPath = TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/s21-token.yaml").path
    static let catalog = TestSupport.repositoryRoot.appendingPathComponent("datasets/asic-catalog.csv").path
    /// 1,200 synthetic days (hashsec's own model, reference parameters), from 2022-11-26.
    static let history: [DailyObservation] = try! SyntheticHistory.generate(calibration: SyntheticHistory.referenceCalibration, days: 1200, seed: 21)

    func deal() throws -> Deal { try DealFile.load(path: Self.dealPath, catalogPath: Self.catalog) }
    func encode(_ c: Calibration) throws -> String { try CalibrateJob.encode(c) }

    /// The calibration at an origin is byte-identical whether the history stops at the origin, goes on, or goes on with
    /// absurd values — and equal to `hashsec calibrate --as-of` on the cut history (the index computed on it alone).
    func testCalibrationAtAnOriginIgnoresLaterData() throws {
        let origin = Day(year: 2024, month: 6, day: 1)!
        let cut = Self.history.filter { $0.date <= origin }
        var poisoned = Self.history
        for i in poisoned.indices where poisoned[i].date > origin {
            poisoned[i].priceUSD = poisoned[i].priceUSD.map { $0 * 7 }; poisoned[i].blockCount = 30; poisoned[i].feesBTC = 1000
            poisoned[i].difficulty = poisoned[i].difficulty.map { $0 / 3 }
        }
        XCTAssertGreaterThan(Self.history.count, cut.count + 300)
        let window = 500
        let full = try encode(BacktestJob.calibration(at: origin, history: .init(observations: Self.history), windowDays: window))
        XCTAssertEqual(full, try encode(BacktestJob.calibration(at: origin, history: .init(observations: cut), windowDays: window)))
        XCTAssertEqual(full, try encode(BacktestJob.calibration(at: origin, history: .init(observations: poisoned), windowDays: window)))
        XCTAssertEqual(full, try encode(CalibrateJob.calibrate(observations: cut, asOf: origin, windowDays: window)))
        // Fixed parameters: only the initial state moves, and it is the fitted calibration's.
        let fixed = SyntheticHistory.referenceCalibration
        let rebased = try BacktestJob.calibration(at: origin, history: .init(observations: poisoned), windowDays: window, fixed: fixed)
        XCTAssertEqual(rebased.initialState, try CalibrateJob.calibrate(observations: cut, asOf: origin, windowDays: window).initialState)
        XCTAssertEqual(rebased.merton, fixed.merton); XCTAssertEqual(rebased.hashRate, fixed.hashRate)
    }

    /// Every scored record of an origin is unchanged by any data after its last target day, and the scores use the data
    /// of the target day (a change there changes the realized value).
    func testRecordsUseNothingAfterTheTargetDay() throws {
        let origin = Day(year: 2024, month: 3, day: 1)!
        let s = BacktestJob.Settings(horizons: [30, 90], models: [.gbm], paths: 64, seed: 4, threads: 1, windowDays: 450)
        func run(_ obs: [DailyObservation]) throws -> [ForecastRecord] {
            try BacktestJob.evaluate(history: .init(observations: obs), deal: deal(), origins: [origin], settings: s).flatMap(\.records)
        }
        let base = try run(Self.history)
        XCTAssertEqual(base.count, 2)
        var later = Self.history
        for i in later.indices where later[i].date > origin + 90 { later[i].priceUSD = 1 }
        XCTAssertEqual(base, try run(later))
        var target = Self.history
        for i in target.indices where target[i].date == origin + 90 { target[i].priceUSD! *= 2 }
        let changed = try run(target)
        XCTAssertEqual(changed[0], base[0])
        XCTAssertEqual(changed[1].realized, 2 * base[1].realized, accuracy: 1e-9 * base[1].realized)
    }

    /// The realized payout is the deal's cash-flow rule applied to the realized history, here by a direct re-implementation
    /// of SPEC §6 (economic curtailment, floor at zero) from the observations.
    func testRealizedPayoutMatchesADirectComputation() throws {
        let d = try deal()
        XCTAssertEqual(d.operations.curtailment, .economic); XCTAssertEqual(d.operations.deficit, .floorZero)
        let origin = Day(year: 2024, month: 1, day: 10)!
        let horizons = [1, 30, 200, 365]
        let s = BacktestJob.Settings(horizons: horizons, models: [.merton], paths: 16, seed: 1, threads: 1)
        let recs = try BacktestJob.evaluate(history: .init(observations: Self.history), deal: d, origins: [origin], settings: s,
                                            fixed: SyntheticHistory.referenceCalibration).flatMap(\.records)
        XCTAssertEqual(recs.map(\.horizon), horizons)
        let byDay = Dictionary(uniqueKeysWithValues: Self.history.map { ($0.date, $0) })
        let o = d.operations, h = d.token.hashrateTH
        var cum = 0.0
        var expected: [Int: Double] = [:]
        for t in 1...365 {
            let ob = byDay[origin + t]!
            let S = ob.priceUSD!, blocks = ob.blockCount!, diff = ob.difficulty!
            let hpBTC = 86400e15 / (diff * 4294967296.0) * (ob.issuanceBTC! + ob.feesBTC!) / blocks
            var gross = h * pow(1 - d.miner.degradationPerYear, Double(t) / 365) * o.uptime * hpBTC / 1000 * (1 - o.poolFee) * (1 - o.managementFee)
            var power = h * d.miner.efficiencyJTH * 24 / 1000 * o.powerUSDPerKWh * o.uptime
            if gross * S < power { gross = 0; power = 0 }
            let net = gross - (power + o.hostingUSDPerTHDay * h) / S
            cum += max(net, 0) * S
            expected[t] = cum
        }
        for r in recs {
            let p = try XCTUnwrap(r.payout)
            XCTAssertEqual(p.realized, expected[r.horizon]!, accuracy: 1e-9 * max(1, expected[r.horizon]!), "h = \(r.horizon)")
        }
        XCTAssertGreaterThan(expected[365]!, 0)
        // Past the end of the data: no realized payout and no record.
        let late = try BacktestJob.evaluate(history: .init(observations: Self.history), deal: d, origins: [Self.history.last!.date - 100], settings: s,
                                            fixed: SyntheticHistory.referenceCalibration).flatMap(\.records)
        XCTAssertEqual(late.map(\.horizon), [1, 30])
    }

    /// A calibration whose paths overflow (a daily volatility of 40) is refused at its origin with the reason, not scored
    /// with infinities and not a crash.
    func testNonFiniteSimulationIsRefused() throws {
        var wild = SyntheticHistory.referenceCalibration
        wild.merton.sigma.value = 40; wild.gbm.sigma.value = 40
        let s = BacktestJob.Settings(horizons: [30, 90], models: [.gbm], paths: 16, seed: 1, threads: 1, parameterUncertainty: false)
        XCTAssertThrowsError(try BacktestJob.evaluate(history: .init(observations: Self.history), deal: deal(), origins: [Day(year: 2024, month: 1, day: 10)!],
                                                      settings: s, fixed: wild)) { e in
            guard case PipelineError.insufficientData(let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("backtest origin 2024-01-10, model gbm") && m.contains("not finite"), m)
        }
    }

    /// Same seed ⇒ byte-identical backtest.csv and scores.csv for 1 and 2 threads (origins in parallel), through the store.
    func testDeterministicAcrossThreads() throws {
        let dir = try TestSupport.temporaryDirectory("bt-det")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("s.sqlite").path
        _ = try IngestJob.run(inputs: [TestSupport.repositoryRoot.appendingPathComponent("datasets/synthetic-history.csv").path], dbPath: db)
        func run(_ threads: Int) throws -> BacktestJob.RunResult {
            let s = BacktestJob.Settings(horizons: [30, 180], models: [.merton, .bootstrap], paths: 40, seed: 9, threads: threads, windowDays: 400)
            return try BacktestJob.run(.init(dealPath: Self.dealPath, dbPath: db, from: Day(iso: "2024-01-01"), to: Day(iso: "2026-09-01"),
                                             every: .days(120), settings: s, out: dir.appendingPathComponent("t\(threads)").path,
                                             requirements: try Requirement.parse("cov90=0..1")))
        }
        let a = try run(1), b = try run(2)
        for f in ["backtest.csv", "scores.csv", "index.html"] {
            let x = try String(contentsOf: dir.appendingPathComponent("t1/\(f)"), encoding: .utf8)
            let y = try String(contentsOf: dir.appendingPathComponent("t2/\(f)"), encoding: .utf8)
            if f == "index.html" {
                func stable(_ s: String) -> String { s.split(separator: "\n").filter { !$0.contains("class=\"volatile\"") }.joined(separator: "\n") }
                XCTAssertEqual(stable(x), stable(y))
            } else { XCTAssertEqual(x, y, f) }
        }
        XCTAssertEqual(a.origins.map(\.origin.iso).last, "2026-08-18")
        XCTAssertEqual(a.origins.count, 9)
        XCTAssertEqual(a.scores.count, 4)
        XCTAssertEqual(a.scores.map(\.n), b.scores.map(\.n))
        // The last origin (2026-08-18; data end 2026-11-24) has a realized value at 30 d only.
        XCTAssertEqual(a.scores.first { $0.model == "merton" && $0.horizon == 180 }?.n, 8)
        XCTAssertEqual(a.scores.first { $0.model == "merton" && $0.horizon == 30 }?.n, 9)
        XCTAssertEqual(a.failures, [])
        let csv = try String(contentsOf: dir.appendingPathComponent("t1/backtest.csv"), encoding: .utf8)
        XCTAssert(csv.hasPrefix(BacktestJob.backtestColumns.joined(separator: ",") + "\n"))
        XCTAssertFalse(csv.contains("nan") || csv.contains("inf"))
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + 2 * (9 + 8))
    }

    /// The capture of `MonteCarlo.run`: hashprice on a day is the path generator's value, the cumulative payout on the last
    /// day is the path's undiscounted USD total, and the other outputs are unchanged by capturing.
    func testCaptureMatchesThePathsAndChangesNothingElse() throws {
        let d = try deal()
        let cal = SyntheticHistory.referenceCalibration
        let settings = SimulationSettings(paths: 40, seed: 3, threads: 2, model: .merton, horizonDays: 200)
        let days = [1, 17, 200]
        let with = try MonteCarlo.run(deal: d, calibration: cal, settings: settings, structures: false, capture: days)
        var without = try MonteCarlo.run(deal: d, calibration: cal, settings: settings, structures: false)
        let cap = try XCTUnwrap(with.capture)
        without.capture = cap
        XCTAssertEqual(with, without)
        for p in 0..<40 { XCTAssertEqual(cap.payout(day: 2)[p], with.usdTotal[p], accuracy: 1e-9 * max(1, with.usdTotal[p])) }
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: settings), initial: cal.initialState, settings: settings, days: 200)
        let scratch = gen.makeScratch()
        gen.generate(first: 0, count: settings.blockSize, into: scratch)
        for p in 0..<settings.blockSize {
            for (k, day) in days.enumerated() { XCTAssertEqual(cap.hashprice(day: k)[p], scratch.hashpriceUSD[p * 200 + day - 1]) }
        }
        // Payout to date is non-decreasing in the day.
        for p in 0..<40 { XCTAssert(cap.payout(day: 0)[p] <= cap.payout(day: 1)[p] && cap.payout(day: 1)[p] <= cap.payout(day: 2)[p]) }
        // As the backtest runs it (outcomes and capture only, no per-day histograms): the same per-path values.
        let lean = try MonteCarlo.run(deal: d, calibration: cal, settings: settings, scenarios: [nil], accumulate: [], capture: days)[0]
        XCTAssertEqual(lean.capture, cap); XCTAssertEqual(lean.pvUSD, with.pvUSD); XCTAssertEqual(lean.irr.map(\.bitPattern), with.irr.map(\.bitPattern))
        XCTAssertThrowsError(try MonteCarlo.run(deal: d, calibration: cal, settings: settings, capture: [5, 3]))
        XCTAssertThrowsError(try MonteCarlo.run(deal: d, calibration: cal, settings: settings, capture: [201]))
    }
}
