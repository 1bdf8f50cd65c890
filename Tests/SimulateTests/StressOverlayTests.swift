import TestSupport
import Config
import Domain
import Foundation
import Simulate
import XCTest

final class StressOverlayTests: XCTestCase {
    func overlay(_ k: Scenario.Kind, days: Int = 100, history: [DailyObservation] = []) throws -> StressOverlay {
        try StressOverlayBuilder.overlay(for: Scenario(name: "s", kind: k), horizonDays: days, history: history)
    }

    func testShockArraysByHand() throws {
        let crash = try overlay(.priceCrash(pct: 0.5, day: 30))
        XCTAssertEqual(crash.lnPriceShock.count, 100)
        XCTAssertEqual(crash.lnPriceShock[29], log(0.5), accuracy: 1e-15)
        XCTAssertEqual(crash.lnPriceShock.reduce(0, +), log(0.5), accuracy: 1e-15, "one shock only")

        let surge = try overlay(.hashrateSurge(pct: 0.3, days: 60, start: 1))
        XCTAssertEqual(surge.lnHashRateShock[0], log(1.3) / 60, accuracy: 1e-15)
        XCTAssertEqual(surge.lnHashRateShock[59], log(1.3) / 60, accuracy: 1e-15)
        XCTAssertEqual(surge.lnHashRateShock[60], 0)
        XCTAssertEqual(exp(surge.lnHashRateShock.reduce(0, +)), 1.3, accuracy: 1e-12, "total +30%")

        let outage = try overlay(.hashrateOutage(pct: 0.5, days: 60, start: 1))
        XCTAssertEqual(outage.lnHashRateShock[0], log(0.5), accuracy: 1e-15)
        XCTAssertEqual(outage.lnHashRateShock[60], -log(0.5), accuracy: 1e-15)
        XCTAssertEqual(outage.lnHashRateShock.reduce(0, +), 0, accuracy: 1e-15, "recovers after 60 days")

        let spike = try overlay(.feeMultiplier(multiplier: 5, start: 1, days: 14))
        XCTAssertEqual(spike.lnFeeShock[0], log(5), accuracy: 1e-15)
        XCTAssertEqual(spike.lnFeeShock[14], -log(5), accuracy: 1e-15)
        let collapse = try overlay(.feeMultiplier(multiplier: 0.2, start: 1, days: nil))
        XCTAssertEqual(collapse.lnFeeShock.reduce(0, +), log(0.2), accuracy: 1e-15, "permanent")

        let power = try overlay(.powerPrice(usdPerKWh: 0.08, fromDay: 1))
        XCTAssertEqual(power.powerPriceFromDay?.day, 1); XCTAssertEqual(power.powerPriceFromDay?.usdPerKWh, 0.08)
        XCTAssertEqual(try overlay(.halvingShift(days: -30)).halvingShiftBlocks, -4320)
        XCTAssertEqual(try overlay(.halvingShift(days: 30)).halvingShiftBlocks, 4320)
        // a shock past the horizon is dropped, not an error
        XCTAssertEqual(try overlay(.priceCrash(pct: 0.5, day: 500)).lnPriceShock.reduce(0, +), 0)
    }

    /// Synthetic history: price ×1.01 a day, hash rate ×1.02 a day, fees/blocks constant ×2 on one day.
    func syntheticHistory(from: Day, days: Int) -> [DailyObservation] {
        (0..<days).map { i in
            DailyObservation(date: from + i, priceUSD: 100 * pow(1.01, Double(i)), blockCount: 144,
                             hashRateHs: 1e18 * pow(1.02, Double(i)), feesBTC: i == 20 ? 28.8 : 14.4)
        }
    }

    func testReplayIncrementsByHand() throws {
        let d0 = Day(iso: "2021-05-01")!
        let hist = syntheticHistory(from: d0 - 10, days: 60)
        let o = try overlay(.historicalReplay(from: d0, to: d0 + 30), days: 100, history: hist)
        XCTAssertEqual(o.replayLnPrice.count, 30)
        for v in o.replayLnPrice { XCTAssertEqual(v, log(1.01), accuracy: 1e-12) }
        // a trailing 7-day mean of a geometric series grows at the same rate
        for v in o.replayLnHashRate { XCTAssertEqual(v, log(1.02), accuracy: 1e-12) }
        // fee per block doubles on history index 20 (= d0 + 10) and halves back the next day
        XCTAssertEqual(o.replayLnFee[9], log(2), accuracy: 1e-12)
        XCTAssertEqual(o.replayLnFee[10], -log(2), accuracy: 1e-12)
        XCTAssertEqual(o.replayLnFee.reduce(0, +), 0, accuracy: 1e-12)
        // truncated to a shorter horizon
        XCTAssertEqual(try overlay(.historicalReplay(from: d0, to: d0 + 30), days: 12, history: hist).replayLnPrice.count, 12)
        // a hole in the window is an error naming the field and the day
        var holed = hist
        holed[25].priceUSD = nil
        XCTAssertThrowsError(try overlay(.historicalReplay(from: d0, to: d0 + 30), history: holed)) { e in
            XCTAssertEqual(e as? StressError, .replayDataMissing(scenario: "s", field: "price_usd", missingDays: 1, first: d0 + 15))
        }
    }

    func testScenarioFileParsesDefaultsAndRejectsWithLines() throws {
        let path = TestSupport.repositoryRoot.appendingPathComponent("datasets/scenarios/default.yaml").path
        let all = try ScenarioFile.load(path: path)
        XCTAssertEqual(all.count, 15)
        XCTAssertEqual(all[11].kind, .fleetOutage(pct: 1, days: 30, start: 30))
        XCTAssertEqual(all[12].kind, .fleetOutage(pct: 0.5, days: 90, start: 1))
        XCTAssertEqual(all[13].kind, .payoutSuspension(days: 60, start: 30, forfeited: false))
        XCTAssertEqual(all[14].kind, .payoutSuspension(days: 60, start: 30, forfeited: true))
        XCTAssertEqual(all[0].kind, .priceCrash(pct: 0.5, day: 30))
        XCTAssertEqual(all[3].kindName, "fee_collapse")
        XCTAssertEqual(all[9].kind, .historicalReplay(from: Day(iso: "2022-05-01")!, to: Day(iso: "2022-12-31")!))
        let bad = "scenarios:\n  - {name: a, kind: price_crash, pct: 50}\n  - name: b\n    kind: hashrate_surge\n    pct: 30\n    dayz: 5\n"
        XCTAssertThrowsError(try ScenarioFile.parse(text: bad, file: "s.yaml")) { e in
            XCTAssertTrue("\(e)".hasPrefix("s.yaml:6: scenarios[1].dayz: unknown key"), "\(e)")
        }
        XCTAssertThrowsError(try ScenarioFile.parse(text: "scenarios:\n  - {name: x, kind: melt}\n", file: "s.yaml")) { e in
            XCTAssertTrue("\(e)".hasPrefix("s.yaml:2:"), "\(e)")
        }
        XCTAssertThrowsError(try ScenarioFile.parse(text: "scenarios:\n  - {name: x, kind: fee_spike, multiplier: 0.5}\n", file: "s.yaml"))
    }
}
