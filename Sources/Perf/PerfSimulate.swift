import Bitcoin
import Config
import Domain
import Foundation
import LinearAlgebra
import Pipeline
import Simulate
import Statistics

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
        return "CPU: \(HashBenchmark.cpuModel()), \(ProcessInfo.processInfo.activeProcessorCount) logical CPUs; kernel variant \(v) (\(how))"
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

    /// Best and median wall time of each thread count over `rows` (a shared machine's neighbours slow single runs), and
    /// the SPEC §11 verdict (100k × 1095 ≤ 2 s on 2 threads, speed-up ≥ 1.8×) on the best.
    public static func summary(_ rows: [Row], paths: Int, days: Int, repeats: Int) -> [String] {
        func stats(_ t: Int) -> (best: Double, median: Double)? {
            let w = rows.filter { $0.threads == t }.map(\.seconds).sorted()
            return w.isEmpty ? nil : (w[0], w[w.count / 2])
        }
        var lines: [String] = []
        for t in Array(Set(rows.map(\.threads))).sorted() {
            guard let st = stats(t) else { continue }
            lines.append(String(format: "threads %d over %d runs: best %.3f s (%.3g path-days/s), median %.3f s", t, repeats, st.best,
                                Double(paths) * Double(days) / st.best, st.median))
        }
        if let a = stats(1), let b = stats(2) {
            let met = paths == 100_000 && days == 1095
            lines.append(String(format: "speed-up 2 threads vs 1 (best): %.2fx; target 100k x 1095 <= 2 s on 2 threads, >= 1.8x: %@",
                                a.best / b.best, met ? (b.best <= 2 && a.best / b.best >= 1.8 ? "met" : "MISSED") : "n/a"))
        }
        return lines
    }

    /// One line per measured row.
    public static func line(_ r: Row) -> String {
        String(format: "threads %d: %.3f s wall (%.3f s CPU), %.3g path-days/s, peak RSS %.0f MB (engine estimate %.0f MB)",
               r.threads, r.seconds, r.cpuSeconds, r.pathDaysPerSecond, r.peakRSSMB, r.estimateMB)
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

/// Accuracy per second (SPEC §11, issue 15 item 3): the PV mean's standard error at equal wall time, antithetic pairs
/// alone vs antithetic pairs plus control variates.
///
/// The controls are functions of each antithetic pair's parameter draw (`ModelProcess.drawDimension` normals z of
/// `PathRandom(seed, pair's even path, stream 2)`, shared by the pair) with exactly known means: `z_k` (mean 0) and
/// `z_k² − 1` (mean 0). The unit is the pair: `Y_u = (PV_2u + PV_2u+1)/2`, n pairs. The controlled estimate is the
/// regression estimator
///
///     Ŷ_cv = Ȳ − β̂ᵀ C̄,   β̂ from the least-squares fit of Y on (1, C),   SE_cv = √(RSS / (n − q − 1) / n)
///
/// (q controls), against `SE = sd(Y)/√n`. At equal wall time the SEs compare as `SE·√t` (t: the run's time plus the
/// controls' own: regenerating the draws and the fit), so the reported gain is `(SE·√t) / (SE_cv·√t_cv)`.
public struct AccuracyReport: Sendable {
    public var pairs: Int, controls: Int
    public var mean: Double, stderr: Double, seconds: Double
    public var cvMean: Double, cvStderr: Double, cvSeconds: Double
    /// Fraction of the pair means' variance the controls explain (R²).
    public var rSquared: Double
    /// SE·√t over SE_cv·√t_cv: how many times smaller the controlled SE is at equal wall time.
    public var gainAtEqualTime: Double { (stderr * seconds.squareRoot()) / (cvStderr * cvSeconds.squareRoot()) }
}

extension PerfSimulate {
    public static func accuracy(dealPath: String, paths: Int, seed: UInt64, threads: Int) throws -> AccuracyReport {
        let cal = benchmarkCalibration()
        let deal = try DealFile.load(path: dealPath, catalogPath: RepositoryData.resolve("datasets/asic-catalog.csv"))
        let s = SimulationSettings(paths: paths, seed: seed, threads: threads)
        guard s.antithetic, paths >= 8 else { throw PipelineError.invalidConfiguration("accuracy: needs antithetic pairs and ≥ 8 paths") }
        let t0 = Date()
        let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, structures: false)
        let seconds = Date().timeIntervalSince(t0)
        let n = paths / 2
        var y = [Double](repeating: 0, count: n)
        for u in 0..<n { y[u] = 0.5 * (r.pvUSD[2 * u] + r.pvUSD[2 * u + 1]) }
        let mean = y.reduce(0, +) / Double(n)
        let sd = (y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
        // The controls: each pair's draw normals, as the generator draws them (PathGenerator.setLane), and their squares − 1.
        let t1 = Date()
        let dim = try ModelProcess(calibration: cal, settings: s).drawDimension
        guard dim > 0 else { throw PipelineError.invalidConfiguration("accuracy: the default configuration draws no parameters") }
        let q = 2 * dim
        guard n > q + 2 else { throw PipelineError.invalidConfiguration("accuracy: needs more than \(q + 2) pairs") }
        var x = Matrix(rows: n, cols: q + 1)
        var cbar = [Double](repeating: 0, count: q)
        for u in 0..<n {
            var rng = PathRandom(seed: seed, path: UInt64(2 * u), stream: 2)
            x.storage[u * (q + 1)] = 1
            for k in 0..<dim {
                let z = Ziggurat.normal(&rng)
                x.storage[u * (q + 1) + 1 + k] = z; x.storage[u * (q + 1) + 1 + dim + k] = z * z - 1
                cbar[k] += z; cbar[dim + k] += z * z - 1
            }
        }
        for k in 0..<q { cbar[k] /= Double(n) }
        let fit = try leastSquares(x, y)
        let rss = fit.residuals.reduce(0) { $0 + $1 * $1 }
        var cvMean = mean
        for k in 0..<q { cvMean -= fit.coefficients[1 + k] * cbar[k] }
        let cvSE = (rss / Double(n - q - 1) / Double(n)).squareRoot()
        let cvSeconds = seconds + Date().timeIntervalSince(t1)
        let tss = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return AccuracyReport(pairs: n, controls: q, mean: mean, stderr: sd / Double(n).squareRoot(), seconds: seconds,
                              cvMean: cvMean, cvStderr: cvSE, cvSeconds: cvSeconds, rSquared: tss > 0 ? 1 - rss / tss : 0)
    }
}

/// Accuracy per second of the sampling methods (SPEC §11, issue 15 item 3): each method runs the same paths of the same
/// deal and calibration; its PV mean, standard error (antithetic pairs: `Moments.meanStderr`; RQMC: the replicates'
/// `Moments.replicateStderr`) and the CPU seconds of the run. At equal time the SEs compare as `SE·√t`:
/// `gain = (SE_ref·√t_ref) / (SE·√t)` against antithetic pairs alone (pseudo-random).
///
/// Over several seeds (independent runs: other pseudo-random streams, other scramblings) the mean is the seeds' average,
/// the SE the root mean square of the per-seed SEs (one run's SE, better estimated: 16 replicates give an SE whose own
/// relative error is ≈ 18 %), and the times the per-run averages.
public struct SamplingAccuracy: Sendable {
    public var label: String
    public var mean: Double, stderr: Double, cpuSeconds: Double, wallSeconds: Double
    public var seeds: Int, meanRange: (Double, Double), stderrRange: (Double, Double)
    public func gain(over ref: SamplingAccuracy) -> Double {
        (ref.stderr * ref.cpuSeconds.squareRoot()) / (stderr * cpuSeconds.squareRoot())
    }
}

extension PerfSimulate {
    /// One run per sampling in `samplings` (pseudo first is the reference) on `dealPath`, `paths` paths.
    public static func samplingAccuracy(dealPath: String, paths: Int, seeds: [UInt64], threads: Int,
                                        samplings: [Sampling]) throws -> [SamplingAccuracy] {
        let cal = benchmarkCalibration()
        let deal = try DealFile.load(path: dealPath, catalogPath: RepositoryData.resolve("datasets/asic-catalog.csv"))
        var out: [SamplingAccuracy] = []
        for sm in samplings {
            var means: [Double] = [], ses: [Double] = [], cpu = 0.0, wall = 0.0
            for seed in seeds {
                var s = SimulationSettings(paths: paths, seed: seed, threads: threads)
                s.sampling = sm
                let t0 = Date(), c0 = ProcessUsage.cpuSeconds()
                let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, structures: false)
                cpu += ProcessUsage.cpuSeconds() - c0; wall += Date().timeIntervalSince(t0)
                let (m, se) = sm.method == .sobol
                    ? Moments.replicateStderr(r.pvUSD, unitSize: s.antithetic ? 2 : 1, replicates: sm.replicates)
                    : Moments.meanStderr(r.pvUSD, antithetic: s.antithetic)
                means.append(m); ses.append(se)
            }
            let k = Double(seeds.count)
            out.append(SamplingAccuracy(label: sm.method == .pseudo ? "antithetic pairs, pseudo-random" : "antithetic pairs + \(sm)",
                                        mean: Moments.mean(means), stderr: (ses.reduce(0) { $0 + $1 * $1 } / k).squareRoot(),
                                        cpuSeconds: cpu / k, wallSeconds: wall / k, seeds: seeds.count,
                                        meanRange: (means.min()!, means.max()!), stderrRange: (ses.min()!, ses.max()!)))
        }
        return out
    }
}
