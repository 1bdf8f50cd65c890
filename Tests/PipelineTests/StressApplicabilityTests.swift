import Config
import Domain
import Foundation
@testable import Pipeline
import Simulate
import TestSupport
import XCTest

/// Issue 12 item 13: scenarios that cannot apply to a deal are flagged (not silent identical rows, not wrong values),
/// and `terminate_after_deficit_days` fires on curtailed deals.
final class StressApplicabilityTests: XCTestCase {
    let cal = SyntheticHistory.referenceCalibration
    func deal(_ name: String) throws -> Deal {
        try DealFile.load(path: TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/\(name)").path,
                          catalogPath: TestSupport.repositoryRoot.appendingPathComponent("datasets/asic-catalog.csv").path)
    }
    let power = Scenario(name: "power_0.08", description: "power $0.08/kWh", kind: .powerPrice(usdPerKWh: 0.08, fromDay: 1))

    func testPowerPriceDoesNotChangeAGrossNoteAndIsFlagged() throws {
        let settings = SimulationSettings(paths: 64, seed: 3, threads: 2, horizonDays: 400)
        let crash = Scenario(name: "crash", kind: .priceCrash(pct: 0.5, day: 30))
        let gross = try StressJob.run(deal: try deal("bmn2-like.yaml"), scenarios: [power, crash], calibration: cal, history: [],
                                      settings: settings, out: nil)
        let base = gross.rows[0], p = gross.rows[1], c = gross.rows[2]
        XCTAssertFalse(p.applies)
        XCTAssertTrue(p.note.contains("pays no power"), p.note)
        // The holder of a gross note pays no power: the value does not move (it moved from 41,267 to 7,381 before).
        XCTAssertEqual(p.pvMean, base.pvMean); XCTAssertEqual(p.probLoss, base.probLoss); XCTAssertEqual(p.btcTotalMean, base.btcTotalMean)
        XCTAssertTrue(c.applies); XCTAssertLessThan(c.pvMean, base.pvMean)
        XCTAssertTrue(gross.csv.contains("\npower_0.08,power_price,power $0.08/kWh,false,"), gross.csv)
        XCTAssertTrue(gross.text.contains("power_0.08 (n/a)"), gross.text)
        // A net-of-power token pays the dearer power: its value falls.
        let net = try StressJob.run(deal: try deal("s21-token.yaml"), scenarios: [power], calibration: cal, history: [], settings: settings, out: nil)
        XCTAssertTrue(net.rows[1].applies); XCTAssertEqual(net.rows[1].note, "")
        XCTAssertLessThan(net.rows[1].pvMean, net.rows[0].pvMean)
    }

    func testShocksAfterTheTermAndShocksWithoutEffectAreFlagged() throws {
        var d = try deal("s21-token.yaml")
        d.token.termDays = 60   // no halving within 60 days of the reference calibration (height 765,000; next at 840,000)
        let late = Scenario(name: "late_crash", kind: .priceCrash(pct: 0.5, day: 61))
        let shift = Scenario(name: "halving_minus_30d", kind: .halvingShift(days: -30))
        let fee = Scenario(name: "fee_spike", kind: .feeMultiplier(multiplier: 5, start: 1, days: 14))
        let r = try StressJob.run(deal: d, scenarios: [late, shift, fee], calibration: cal, history: [],
                                  settings: SimulationSettings(paths: 32, seed: 5, threads: 2), out: nil)
        XCTAssertFalse(r.rows[1].applies); XCTAssertTrue(r.rows[1].note.contains("after the token's last simulated day 60"), r.rows[1].note)
        XCTAssertFalse(r.rows[2].applies); XCTAssertEqual(r.rows[2].note, StressApplicability.noEffectNote)
        XCTAssertTrue(r.rows[3].applies); XCTAssertNotEqual(r.rows[3].pvMean, r.rows[0].pvMean)
        for row in r.rows where !row.applies { XCTAssertEqual(row.pvMean, r.rows[0].pvMean); XCTAssertEqual(row.probPayback, r.rows[0].probPayback) }
    }

    func testShardedStressWithSkippedScenariosMergesToTheSingleRun() throws {
        let dir = try TestSupport.temporaryDirectory("stress-na")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/bmn2-like.yaml").path
        let d = try deal("bmn2-like.yaml")
        let scenPath = dir.appendingPathComponent("scen.yaml").path, calPath = dir.appendingPathComponent("cal.json").path
        try Data("""
            scenarios:
              - {name: crash, kind: price_crash, pct: 30, day: 5}
              - {name: power_0.08, kind: power_price, usd_kwh: 0.08, from_day: 1, description: "power $0.08/kWh"}
              - {name: outage, kind: hashrate_outage, pct: 50, days: 30, start: 1}

            """.utf8).write(to: URL(fileURLWithPath: scenPath))
        try Data(try CalibrateJob.encode(cal).utf8).write(to: URL(fileURLWithPath: calPath))
        let scen = try ScenarioFile.load(path: scenPath)
        let s = SimulationSettings(paths: 50, seed: 2, threads: 2, horizonDays: 200)
        let single = try StressJob.run(deal: d, scenarios: scen, calibration: cal, history: [], settings: s, out: nil)
        for i in 0..<3 {
            _ = try StressJob.run(.init(dealPath: path, scenariosPath: scenPath, dbPath: "", settings: s, out: dir.path, calibrationPath: calPath,
                                        shard: Shard(index: i, count: 3)!))
        }
        let merged = try StressJob.merge(shardDirs: (0..<3).map { dir.appendingPathComponent("stress-shard-\($0)-of-3").path },
                                         out: dir.appendingPathComponent("m").path)
        XCTAssertEqual(merged.csv, single.csv); XCTAssertEqual(merged.json, single.json)
        XCTAssertEqual(merged.rows.map(\.applies), [true, true, false, true])
    }

    /// btcst-like (economic curtailment, 60-day termination) is switched off on most days of a weak path: it now
    /// terminates on some paths (it never could, since a curtailed day nets 0 and was not a deficit day).
    func testCurtailedCloudContractTerminates() throws {
        let r = try StressJob.run(deal: try deal("btcst-like.yaml"), scenarios: [], calibration: cal, history: [],
                                  settings: SimulationSettings(paths: 64, seed: 11, threads: 2), out: nil)
        XCTAssertGreaterThan(r.rows[0].daysCurtailedMean, 60)
        XCTAssertGreaterThan(r.rows[0].probTerminated, 0)
    }
}
