import Config
import Domain
import FileIO
import Foundation
import Results
import Models
@testable import Simulate
import TestSupport
import XCTest

/// Same seed ⇒ identical bytes for any thread count and any sharding.
final class DeterminismTests: XCTestCase {
    let cal = Fixture.calibration(sigma: 0.03, lambda: 0.03, muJ: -0.03, sigmaJ: 0.08, mu: 0.0005, hashB: 0.0, hashSigma: 0.02,
                                  feeKappa: 0.05, feeSigma: 0.1, correlation: [[1, 0.2, 0.1], [0.2, 1, 0], [0.1, 0, 1]])
    let deal = Fixture.deal(term: 90, curtailment: .economic, power: 0.07)

    func files(_ r: PartialResult, paths: Int) -> [(String, String)] {
        let id = RunIdentity(dealSHA256: "d", calibrationSHA256: "c", seed: 4, paths: paths, model: "merton", measure: "real", rate: 0.04,
                             antithetic: true, poissonBlocks: false, horizonDays: 90, shardCount: 1)
        let ctx = SimulationOutputs.Context(dealName: "t", identity: id, schedule: DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: nil),
                                            priceUSD: 20, pathsCSV: true)
        return try! SimulationOutputs.render(r, ctx).files.map { ($0.name, $0.text) }
    }

    func testThreadsAndShardsGiveIdenticalBytes() throws {
        let paths = 67
        let s1 = SimulationSettings(paths: paths, seed: 4, threads: 1, blockSize: 8)
        var s2 = s1; s2.threads = 2
        let one = try MonteCarlo.run(deal: deal, calibration: cal, settings: s1)
        let two = try MonteCarlo.run(deal: deal, calibration: cal, settings: s2)
        XCTAssertEqual(one.encoded(), two.encoded())
        let reference = files(one, paths: paths)
        XCTAssertEqual(reference.map { $0.1 }, files(two, paths: paths).map { $0.1 })
        for n in [1, 2, 4, 7] {
            var merged: PartialResult? = nil
            for i in 0..<n {
                let r = MonteCarlo.shardRange(index: i, of: n, total: paths)
                XCTAssertEqual(r.lowerBound % 2, 0, "antithetic pairs stay together")
                let part = try MonteCarlo.run(deal: deal, calibration: cal, settings: s2, range: r)
                let decoded = try PartialResult(encoded: part.encoded())   // through the shard file format
                if merged == nil { merged = decoded } else { try merged!.append(decoded) }
            }
            XCTAssertEqual(merged!.count, paths)
            XCTAssertEqual(files(merged!, paths: paths).map { $0.1 }, reference.map { $0.1 }, "n = \(n)")
        }
    }

    /// A deal with a waterfall and staking leverage (+ a 0…3 loop sweep): the per-path structure records are the same for
    /// 1 and 2 threads, survive sharding through `partial.bin` byte for byte, equal the stress accumulation's base case
    /// and its scenarios run alone (common random numbers: a scenario's paths do not depend on the others run beside it),
    /// and every structure file appears in the outputs.
    func testStructureRecordsAreDeterministicShardableAndMatchTheStressAccumulation() throws {
        let root = TestSupport.repositoryRoot
        var d = deal
        d.structure = try DealFile.load(path: root.appendingPathComponent("datasets/deals/structured-example.yaml").path).structure
        d.leverage = try DealFile.load(path: root.appendingPathComponent("datasets/deals/leveraged-example.yaml").path).leverage
        d.leverage!.horizonDays = 60
        let paths = 41
        let s1 = SimulationSettings(paths: paths, seed: 9, threads: 1, blockSize: 8)
        var s2 = s1; s2.threads = 2
        let one = try MonteCarlo.run(deal: d, calibration: cal, settings: s1, sweepMaxLoops: 3)
        let two = try MonteCarlo.run(deal: d, calibration: cal, settings: s2, sweepMaxLoops: 3)
        XCTAssertGreaterThan(one.waterfallWidth, 0); XCTAssertGreaterThan(one.leverageWidth, 0); XCTAssertGreaterThan(one.sweepWidth, 0)
        XCTAssertEqual(one.encoded(), two.encoded())
        var merged: PartialResult? = nil
        for i in 0..<3 {
            let part = try MonteCarlo.run(deal: d, calibration: cal, settings: s2, range: MonteCarlo.shardRange(index: i, of: 3, total: paths),
                                          sweepMaxLoops: 3)
            let decoded = try PartialResult(encoded: part.encoded())
            if merged == nil { merged = decoded } else { try merged!.append(decoded) }
        }
        XCTAssertEqual(merged!.encoded(), one.encoded())
        let crash = try StressOverlayBuilder.overlay(for: Scenario(name: "c", kind: .priceCrash(pct: 0.5, day: 10)), horizonDays: 90)
        let stress = try MonteCarlo.run(deal: d, calibration: cal, settings: s2, scenarios: [nil, crash], accumulate: .structures, sweepMaxLoops: 3)
        XCTAssertEqual(stress[0].waterfall, one.waterfall)
        XCTAssertEqual(stress[0].leverage, one.leverage)
        XCTAssertEqual(stress[0].sweep, one.sweep)
        XCTAssertEqual(stress[0].pvUSD, one.pvUSD)
        XCTAssertEqual(stress[0].irr.map(\.bitPattern), one.irr.map(\.bitPattern))
        XCTAssertEqual(stress[0].daily.hashpriceUSD.days, 0, "no per-day statistics without .daily")
        let alone = try MonteCarlo.run(deal: d, calibration: cal, settings: s1, overlay: crash, sweepMaxLoops: 3)
        XCTAssertEqual(stress[1].pvUSD, alone.pvUSD)
        XCTAssertEqual(stress[1].waterfall, alone.waterfall)
        XCTAssertNotEqual(stress[1].pvUSD, stress[0].pvUSD)
        let id = RunIdentity(dealSHA256: "d", calibrationSHA256: "c", seed: 9, paths: paths, model: "merton", measure: "real", rate: 0.04,
                             antithetic: true, poissonBlocks: false, horizonDays: 90, shardCount: 1, sweepMaxLoops: 3)
        let ctx = SimulationOutputs.Context(dealName: "t", identity: id, schedule: DealSchedule(deal: d, asOf: cal.initialState.date, horizon: nil),
                                            priceUSD: 20, pathsCSV: false, structure: d.structure, leverage: d.leverage)
        let names = try SimulationOutputs.render(one, ctx).files.map(\.name)
        for f in ["tranches.csv", "leverage_liquidation.csv", "leverage_returns.csv", "leverage_sweep.csv"] { XCTAssertTrue(names.contains(f), f) }
        let summary = SimulationOutputs.summary(one, ctx)
        XCTAssertEqual(summary.tranches?.count, d.structure!.tranches.count)
        XCTAssertNotNil(summary.leverage)
        XCTAssertFalse(try JSONText.encode(summary).contains("nan"))
    }

    func testNonContiguousShardsAreRefused() throws {
        let s = SimulationSettings(paths: 40, seed: 4, threads: 1, blockSize: 8)
        var a = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, range: 0..<10)
        let c = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, range: 20..<30)
        XCTAssertThrowsError(try a.append(c))
        XCTAssertThrowsError(try PartialResult(encoded: Data("garbage".utf8)))
    }

    /// The same with parameter uncertainty (per-path draws) for every registered model, regime included.
    func testParameterDrawsAndRegimeAreThreadAndShardIndependent() throws {
        let u = Fixture.uncertain(cal)
        for model in PriceModel.allCases {
            let paths = 37
            let s1 = SimulationSettings(paths: paths, seed: 6, threads: 1, model: model, parameterUncertainty: true, blockSize: 8)
            var s2 = s1; s2.threads = 2; s2.blockSize = 6
            let one = try MonteCarlo.run(deal: deal, calibration: u, settings: s1)
            XCTAssertEqual(one.encoded(), try MonteCarlo.run(deal: deal, calibration: u, settings: s2).encoded(), "\(model)")
            var merged: PartialResult? = nil
            for i in 0..<3 {
                let part = try MonteCarlo.run(deal: deal, calibration: u, settings: s2, range: MonteCarlo.shardRange(index: i, of: 3, total: paths))
                if merged == nil { merged = part } else { try merged!.append(part) }
            }
            XCTAssertEqual(one.encoded(), merged!.encoded(), "\(model) shards")
            // The draws matter: the same run without them differs.
            var off = s1; off.parameterUncertainty = false
            XCTAssertNotEqual(one.encoded(), try MonteCarlo.run(deal: deal, calibration: u, settings: off).encoded(), "\(model)")
        }
    }

    func testAntitheticPairsUseNegatedShocks() throws {
        // GBM with zero drift: ln S_T of paths 2k and 2k+1 are mirror images around ln S_0 − σ²T/2.
        let c = Fixture.calibration(sigma: 0.02, mu: 0)
        let s = SimulationSettings(paths: 4, seed: 2, threads: 1, model: .gbm, drift: .historical, parameterUncertainty: false,
                                   horizonDays: 30, blockSize: 4)
        let gen = PathGenerator(process: try ModelProcess(calibration: c, settings: s), initial: c.initialState, settings: s, days: 30)
        let sc = gen.makeScratch()
        gen.generate(first: 0, count: 4, into: sc)
        let center = log(80_000.0) - 30 * 0.0002
        XCTAssertEqual(log(sc.price[29]) - center, -(log(sc.price[59]) - center), accuracy: 1e-9)
        XCTAssertNotEqual(sc.price[29], sc.price[89])
    }

    func testSyntheticHistoryIsDeterministic() throws {
        let a = try SyntheticHistory.generate(calibration: SyntheticHistory.referenceCalibration, days: 200, seed: 3)
        let b = try SyntheticHistory.generate(calibration: SyntheticHistory.referenceCalibration, days: 200, seed: 3)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 200)
        // Heights advance by the day's block count.
        for k in 1..<a.count { XCTAssertEqual(Double(a[k].heightEnd! - a[k - 1].heightEnd!), a[k].blockCount!) }
        XCTAssertLessThan(abs(a.map { $0.blockCount! }.reduce(0, +) / 200 - 144), 20)
    }
}
