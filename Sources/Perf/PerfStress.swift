import Config
import Domain
import Foundation
import Pipeline
import Simulate
import Store

/// `hashsec perf stress`: wall time of plain simulation vs simulation + waterfall + leverage + a stress overlay on the
/// same paths (SPEC §11: the structures and overlay may add at most 30%).
public enum PerfStress {
    public struct Result {
        public var simulateSeconds: Double
        public var plainPathsSeconds: Double
        public var fullSeconds: Double
        public var paths: Int
        public var text: String
    }

    public static func run(dealPath: String?, dbPath: String, asOf: Day?, paths: Int, threads: Int, repeats: Int = 3) throws -> Result {
        let example = RepositoryData.resolve("datasets/deals/structured-example.yaml")
        var deal = try DealFile.load(path: dealPath ?? example, catalogPath: RepositoryData.resolve("datasets/asic-catalog.csv"))
        if deal.structure == nil { deal.structure = try DealFile.load(path: example).structure }
        if deal.leverage == nil { deal.leverage = try DealFile.load(path: RepositoryData.resolve("datasets/deals/leveraged-example.yaml")).leverage }
        // The store's history when there is one; otherwise the reference calibration of the synthetic history.
        var cal = SyntheticHistory.referenceCalibration
        var source = "reference calibration (datasets/synthetic-calibration.json)"
        if FileManager.default.fileExists(atPath: dbPath), let store = try? HistoryStore(path: dbPath), try store.dateRange() != nil {
            cal = try CalibrationResolver.resolve(calibrationPath: nil, dbPath: dbPath, asOf: asOf, windowDays: 1460).calibration
            source = "calibration of \(dbPath) as of \(cal.asOf)"
        }
        let settings = SimulationSettings(paths: paths, seed: 1, threads: threads)
        var plainDeal = deal
        plainDeal.structure = nil; plainDeal.leverage = nil
        let schedule = DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: nil)
        let overlay = try StressOverlayBuilder.overlay(for: Scenario(name: "price_crash_50", kind: .priceCrash(pct: 0.5, day: 30)),
                                                       horizonDays: schedule.horizonDays)
        // Interleaved repetitions (best of each), after one warm-up, so background load hits every variant alike.
        var sim = Double.infinity, simFull = Double.infinity, plain = Double.infinity, plainOv = Double.infinity, full = Double.infinity
        func stress(_ d: Deal, _ ov: StressOverlay?) throws {
            _ = try MonteCarlo.run(deal: d, calibration: cal, settings: settings, scenarios: [ov], accumulate: .structures)
        }
        try stress(plainDeal, nil)
        func time(_ body: () throws -> Void) rethrows -> Double { let t = Date(); try body(); return Date().timeIntervalSince(t) }
        for _ in 0..<max(1, repeats) {
            sim = min(sim, try time { _ = try MonteCarlo.run(deal: plainDeal, calibration: cal, settings: settings) })
            simFull = min(simFull, try time { _ = try MonteCarlo.run(deal: deal, calibration: cal, settings: settings) })
            plain = min(plain, try time { try stress(plainDeal, nil) })
            plainOv = min(plainOv, try time { try stress(plainDeal, overlay) })
            full = min(full, try time { try stress(deal, overlay) })
        }
        func pct(_ x: Double) -> String { String(format: "%+.1f%%", 100 * x) }
        func sec(_ x: Double) -> String { String(format: "%.3f s", x) }
        let text = """
        perf stress: \(paths) paths × \(schedule.horizonDays) days, \(threads) thread(s), best of \(max(1, repeats)); \(source)
          simulate (paths + daily quantile histograms)                   \(sec(sim))
          simulate + waterfall + leverage (simulate of a structured deal) \(sec(simFull))  (\(pct(simFull / sim - 1)) vs simulate)
          stress scenario (outcomes only), no structures, no overlay     \(sec(plain))
          stress scenario, no structures, price_crash overlay            \(sec(plainOv))
          stress scenario + waterfall + leverage + price_crash overlay   \(sec(full))
          waterfall + leverage cost \(sec(full - plainOv)) = \(pct((full - plainOv) / sim)) of simulate; overlay \(pct((plainOv - plain) / sim))
          structures + overlay on a stress scenario: \(pct(full / plain - 1)); whole stress scenario vs simulate: \(pct(full / sim - 1)) (target ≤ +30%)
        """
        return Result(simulateSeconds: sim, plainPathsSeconds: plain, fullSeconds: full, paths: paths, text: text)
    }
}
