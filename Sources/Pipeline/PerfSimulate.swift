import Domain
import Foundation
import LinearAlgebra
import Simulate

/// `hashsec perf simulate`: times the engine on an in-memory synthetic deal and calibration.
public enum PerfSimulate {
    public struct Row {
        public var threads: Int; public var seconds: Double; public var cpuSeconds: Double; public var pathDaysPerSecond: Double; public var peakRSSMB: Double
        /// The engine's own estimate of the run's memory (`MonteCarlo.memoryEstimate`), to compare with the peak RSS.
        public var estimateMB: Double
    }

    /// The machine line every benchmark prints: the CPU model (`/proc/cpuinfo`), its logical CPUs and the kernel variant
    /// in use, e.g. `CPU: Intel(R) Xeon(R) Processor, 2 logical CPUs; kernel variant avx2 (HASHSEC_KERNEL=avx2; this CPU
    /// runs up to avx512)`.
    public static func machine() throws -> String {
        let v = try KernelVariant.checkEnvironment(), best = KernelVariant.supported
        let request = ProcessInfo.processInfo.environment[KernelVariant.environmentKey].flatMap { $0.isEmpty ? nil : $0 }
        let how = request.map { "\(KernelVariant.environmentKey)=\($0); this CPU runs up to \(best)" } ?? "the best this CPU runs; HASHSEC_KERNEL=portable|avx2|avx512 selects another it runs"
        return "CPU: \(BenchHashJob.cpuModel()), \(ProcessInfo.processInfo.activeProcessorCount) logical CPUs; kernel variant \(v) (\(how))"
    }

    public static func benchmarkDeal(days: Int) -> Deal {
        Deal(name: "perf-s21", token: TokenTerms(count: 1, hashrateTH: 1, termDays: days, start: .asOf, priceUSD: 20),
             miner: MinerSpec(model: nil, efficiencyJTH: 17.5, degradationPerYear: 0.03),
             operations: Operations(powerUSDPerKWh: 0.055, uptime: 0.95, poolFee: 0.02, managementFee: 0.05, hostingUSDPerTHDay: 0.002,
                                    curtailment: .economic, deficit: .floorZero, terminateAfterDeficitDays: nil),
             valuation: Valuation(discountRate: 0.15))
    }


    /// The reference calibration with the standard errors and covariances of a 4-year fit (so the default parameter
    /// uncertainty draws as in a real run) and a regime fit: `perf simulate` measures the default configuration.
    public static func benchmarkCalibration() -> Calibration {
        var c = SyntheticHistory.referenceCalibration
        c.merton.mu.stderr = 0.0009; c.merton.sigma.stderr = 0.0008; c.merton.lambda.stderr = 0.008
        c.merton.muJ.stderr = 0.015; c.merton.sigmaJ.stderr = 0.01
        c.gbm.mu.stderr = 0.0009; c.gbm.sigma.stderr = 0.0006
        c.hashRate.a.stderr = 0.0005; c.hashRate.b.stderr = 0.0001; c.hashRate.sigma.stderr = 0.0004
        c.fees.kappa.stderr = 0.01; c.fees.m.stderr = 0.1; c.fees.sigma.stderr = 0.003
        c.regime = RegimeParameters(m1: Estimate(0.0012, stderr: 0.0005), sigma1: Estimate(0.022, stderr: 0.0007),
                                    m2: Estimate(-0.0008, stderr: 0.002), sigma2: Estimate(0.055, stderr: 0.002),
                                    p11: Estimate(0.985, stderr: 0.004), p22: Estimate(0.96, stderr: 0.01), covariance: nil,
                                    filteredCalm: 0.8, logLikelihood: 0, observations: 1459)
        return c
    }

    public static func run(paths: Int, days: Int, threads: [Int], seed: UInt64, blockSize: Int = 16) throws -> [Row] {
        let cal = benchmarkCalibration()
        let deal = benchmarkDeal(days: days)
        var rows: [Row] = []
        // Warm-up (tables, page faults).
        _ = try MonteCarlo.run(deal: deal, calibration: cal, settings: SimulationSettings(paths: 64, seed: seed, threads: 1, horizonDays: days))
        for t in threads {
            // The default model, drift and parameter uncertainty (SimulationSettings' defaults).
            let s = SimulationSettings(paths: paths, seed: seed, threads: t, horizonDays: days, blockSize: blockSize)
            let t0 = Date(), c0 = ProcessUsage.cpuSeconds()
            _ = try MonteCarlo.run(deal: deal, calibration: cal, settings: s)
            let dt = Date().timeIntervalSince(t0)
            let est = MonteCarlo.memoryEstimate(paths: paths, days: days, tokenDays: days, scenarios: 1, threads: t, blockSize: blockSize,
                                                accumulate: [.daily, .structures]).bytes
            rows.append(Row(threads: t, seconds: dt, cpuSeconds: ProcessUsage.cpuSeconds() - c0, pathDaysPerSecond: Double(paths) * Double(days) / dt,
                            peakRSSMB: ProcessUsage.peakRSSMB(), estimateMB: est / 1_048_576))
        }
        return rows
    }
}
