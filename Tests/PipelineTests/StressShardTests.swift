import Config
import Domain
import Foundation
@testable import Pipeline
import Simulate
import TestSupport
import XCTest

/// `stress --shard i/n` + `merge` == the single stress run, byte for byte; mixed or missing shards are refused.
final class StressShardTests: XCTestCase {
    func testShardedStressMergesToTheSingleRunAndRefusesMixes() throws {
        let root = TestSupport.repositoryRoot
        let dealPath = root.appendingPathComponent("datasets/deals/structured-example.yaml").path
        let deal = try DealFile.load(path: dealPath)
        let cal = SyntheticHistory.referenceCalibration
        let settings = SimulationSettings(paths: 203, seed: 5, threads: 2, horizonDays: 400)
        let dir = try TestSupport.temporaryDirectory("stress-shards")
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenPath = dir.appendingPathComponent("scen.yaml").path, calPath = dir.appendingPathComponent("cal.json").path
        try Data("""
            scenarios:
              - {name: crash, kind: price_crash, pct: 50, day: 30, description: "BTC −50%, day 30"}
              - {name: outage, kind: hashrate_outage, pct: 50, days: 60, start: 1, description: "hash rate −50% for 60 days"}

            """.utf8).write(to: URL(fileURLWithPath: scenPath))
        try Data(try CalibrateJob.encode(cal).utf8).write(to: URL(fileURLWithPath: calPath))
        let scenarios = try ScenarioFile.load(path: scenPath)
        let single = try StressJob.run(deal: deal, scenarios: scenarios, calibration: cal, history: [], settings: settings,
                                       out: dir.appendingPathComponent("single").path)
        XCTAssertEqual(single.rows.count, 3)
        func shards(_ n: Int, into name: String, seed: UInt64 = 5, only: [Int]? = nil) throws -> [String] {
            var s = settings; s.seed = seed
            let out = dir.appendingPathComponent(name).path
            for i in only ?? Array(0..<n) {
                _ = try StressJob.run(.init(dealPath: dealPath, scenariosPath: scenPath, dbPath: "", settings: s, out: out, calibrationPath: calPath,
                                            shard: Shard(index: i, count: n)!))
            }
            return (only ?? Array(0..<n)).map { "\(out)/stress-shard-\($0)-of-\(n)" }
        }
        for n in [1, 3] {
            let dirs = try shards(n, into: "n\(n)")
            let merged = try StressJob.merge(shardDirs: dirs, out: dir.appendingPathComponent("merged\(n)").path)
            XCTAssertEqual(merged.csv, single.csv, "n = \(n)")
            XCTAssertEqual(merged.json, single.json, "n = \(n)")
        }
        // A shard of another seed in place of shard 1, then a missing shard: both refused.
        let complete = try shards(3, into: "mix")
        var dirs = complete
        dirs[1] = try shards(3, into: "other", seed: 6, only: [1])[0]
        XCTAssertThrowsError(try StressJob.merge(shardDirs: dirs, out: dir.appendingPathComponent("bad").path)) { e in
            guard case SimulateError.shardSet = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try StressJob.merge(shardDirs: [complete[0], complete[2]], out: dir.appendingPathComponent("bad").path)) { e in
            guard case SimulateError.shardSet(let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("missing"), m)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad/stress.csv").path))
    }
}
