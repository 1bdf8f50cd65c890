import Config
import Domain
import Foundation
import Pipeline
import Simulate
import Store
import Structures
import TestSupport
import XCTest

/// End-to-end stress runs on the real history (read in place from ../shared/datasets; skipped when absent).
final class StressJobTests: XCTestCase {
    func testHistoricalReplaysOnRealHistory() throws {
        guard let csv = TestSupport.sharedDataset("btc_daily_network_market.csv") else {
            throw XCTSkip("btc_daily_network_market.csv absent")
        }
        let dir = try TestSupport.temporaryDirectory("stress")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("store.sqlite").path
        _ = try IngestJob.run(inputs: [csv.path], dbPath: db)
        let scen = dir.appendingPathComponent("s.yaml")
        try """
        scenarios:
          - {name: replay_2021_summer, kind: historical_replay, from: 2021-05-01, to: 2021-07-31}
          - {name: replay_2022, kind: historical_replay, from: 2022-05-01, to: 2022-12-31}
          - {name: crash, kind: price_crash, pct: 50, day: 1}
        """.write(to: scen, atomically: true, encoding: .utf8)
        let deal = TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/structured-example.yaml").path
        func run(threads: Int, out: String) throws -> StressJob.Result {
            try StressJob.run(.init(dealPath: deal, scenariosPath: scen.path, dbPath: db,
                                    settings: SimulationSettings(paths: 64, seed: 5, threads: threads), out: out))
        }
        let a = try run(threads: 2, out: dir.appendingPathComponent("a").path)
        print(a.table)
        XCTAssertEqual(a.rows.map(\.scenario), ["base", "replay_2021_summer", "replay_2022", "crash"])
        let base = a.rows[0], r21 = a.rows[1], r22 = a.rows[2], crash = a.rows[3]
        for r in a.rows { XCTAssert(r.pvMean.isFinite && r.pvMean >= 0 && r.probLoss >= 0 && r.probLoss <= 1) }
        // 2022 (price −70%, hash rate up): a severe hashprice fall must lower value and raise the loss probability.
        XCTAssertLessThan(r22.pvMean, base.pvMean)
        XCTAssertGreaterThanOrEqual(r22.probLoss, base.probLoss)
        XCTAssertGreaterThanOrEqual(r22.seniorExpectedLoss!, base.seniorExpectedLoss!)
        // a final loss is a shortfall that was never caught up
        for r in a.rows { XCTAssertLessThanOrEqual(r.seniorProbLoss!, r.seniorProbShortfall!); XCTAssertGreaterThan(r.seniorProbLoss!, 0) }
        // a −50% crash on day 1 lowers PV on every quantile we report (common random numbers)
        XCTAssertLessThan(crash.pvP50, base.pvP50); XCTAssertLessThan(crash.pvMean, base.pvMean)
        XCTAssert(r21.pvMean.isFinite)
        // byte-identical with one thread
        let b = try run(threads: 1, out: dir.appendingPathComponent("b").path)
        XCTAssertEqual(a.csv, b.csv); XCTAssertEqual(a.json, b.json)
        let written = try String(contentsOfFile: dir.appendingPathComponent("a/stress.csv").path, encoding: .utf8)
        XCTAssertEqual(written, a.csv)
        XCTAssertFalse(written.contains("nan") || written.contains("inf"))
    }

    func testConservationOnRealEnginePaths() throws {
        guard let csv = TestSupport.sharedDataset("btc_daily_network_market.csv") else {
            throw XCTSkip("btc_daily_network_market.csv absent")
        }
        let dir = try TestSupport.temporaryDirectory("stress")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("store.sqlite").path
        _ = try IngestJob.run(inputs: [csv.path], dbPath: db)
        let store = try HistoryStore(path: db)
        let asOf = try XCTUnwrap(try store.dateRange()).upperBound
        let cal = try CalibrateJob.calibrate(observations: try store.observations(through: asOf), asOf: asOf, windowDays: 1460)
        let deal = try DealFile.load(path: TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/structured-example.yaml").path)
        var lev = try DealFile.load(path: TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/leveraged-example.yaml").path)
        lev.structure = deal.structure
        let r = try MonteCarlo.run(deal: lev, calibration: cal, settings: SimulationSettings(paths: 64, seed: 9, threads: 2), scenarios: [nil],
                                   accumulate: .structures)[0]
        XCTAssertLessThan(WaterfallSummary.maxLedgerError(spec: deal.structure!, results: r.waterfall), 1e-12)
        XCTAssertFalse(r.waterfall.contains { !$0.isFinite }); XCTAssertFalse(r.leverage.contains { !$0.isFinite })
        // collections seen by the waterfall = pool tokens × Σ per-token net USD of the pricer: check the whole-life identity
        // Σ(interest + principal + residual + fees) = Σ collections + initial reserve on every path.
        let s = deal.structure!, w = WaterfallPathLayout.width(tranches: s.tranches.count)
        for p in 0..<64 {
            var paid = r.waterfall[p * w + WaterfallPathLayout.globalOffset(tranches: 3) + 3]
            for i in 0..<3 { paid += r.waterfall[p * w + 6 * i] + r.waterfall[p * w + 6 * i + 1] }
            // usdTotal is the per-token sum of net payouts; periods floor negative sums at 0 and payouts are ≥ 0 here.
            let collections = Double(deal.token.count) * r.usdTotal[p]
            XCTAssertEqual(paid, collections + s.reserve.initialUSD, accuracy: 1e-6 * max(1, paid), "path \(p)")
        }
    }
}
