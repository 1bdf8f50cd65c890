import ArgumentParser
import Domain
import Foundation
import Models
import Pipeline
import Simulate

/// Parses a `YYYY-MM-DD` option value.
func parseDayOption(_ s: String) throws -> Day {
    guard s.count == 10, let d = Day(iso: s) else { throw ValidationError("not a YYYY-MM-DD date: '\(s)'") }
    return d
}

/// The options every simulation shares (`simulate`, `stress`), validated once here (`validate()` runs before the
/// command): paths, seed, threads, horizon, as-of, model, drift, parameter uncertainty, measure and rate, antithetic
/// pairs, Poisson blocks, calibration (file, or the store's fit of this window), output folder and shard.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Number of paths (default: 10000 for simulate, 2000 for stress).") var paths: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Worker threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Simulated days (default: token start offset + term; fewer is a truncation, stated in every output).") var horizon: Int?
    @Option(help: "Use only data up to this day (YYYY-MM-DD).", transform: parseDayOption) var asOf: Day?
    @Option(help: ArgumentHelp("Price model: \(PriceModels.namesText) (default \(SimulationDefaults.model)).")) var model: String = SimulationDefaults.model
    @Option(help: "Real-world price drift: historical (default), shrunk (toward 0 with prior sd 0.5/yr), zero, or a log return per year (e.g. 0.2).")
    var drift: String = Drift.default.description
    @Option(help: "Each path draws its model parameters from their sampling distribution: on or off.")
    var parameterUncertainty: String = SimulationDefaults.parameterUncertainty ? "on" : "off"
    @Option(help: "Drift: real, risk-neutral, or forward (matched to the stored hashprice forward curve, SPEC §13; simulate only).")
    var measure: String = "real"
    @Option(help: "Annual rate for the risk-neutral drift.") var rate: Double = 0.04
    @Flag(help: "Disable antithetic variates.") var noAntithetic = false
    @Flag(help: "Sample daily block counts from a Poisson law.") var poissonBlocks = false
    @Option(help: "Sampling of the leading random dimensions: pseudo (default) or sobol (randomized QMC: scrambled Sobol points for the parameter draw, Merton jump totals and Brownian bridges of the price and hash-rate normals; the PV standard error is the replicates'; simulate only).")
    var sampling: String = Sampling.Method.pseudo.rawValue
    @Option(help: "--sampling sobol: leading Brownian-bridge dimensions of the price normals.") var sobolDimensions: Int = Sampling.defaultBridgeDimensions
    @Option(help: "--sampling sobol: leading Brownian-bridge dimensions of the hash-rate normals (0: none).")
    var sobolHashDimensions: Int = Sampling.defaultHashBridgeDimensions
    @Option(help: "--sampling sobol: independent randomizations (replicates, ≥ 2).") var sobolReplicates: Int = Sampling.defaultReplicates
    @Option(help: "Calibration JSON (default: the store's fit of this as-of and window, or a fit now, stored).") var calibration: String?
    @Option(help: "Calibration window in days of the fit asked from the store (or made).") var window: Int = 1460
    @Option(help: "Output directory.") var out: String?
    @Option(help: "Write shard i of n (0-based) under OUT/ for `hashsec merge OUT`.") var shard: String?
    @Option(help: "Forward curve file (quote_date,month,hashprice_usd_ph_day) instead of the store's latest quote on or before the as-of date.")
    var curve: String?
    @Option(help: "--measure forward after the curve's last month: hold (the last month's drift shift continues), flat (the last level held to the horizon, solved month by month) or real (the real-world drift resumes).")
    var forwardBeyond: String = ForwardAdjustment.Beyond.hold.rawValue
    @Option(help: "--measure forward: the run's first N paths the drift shift is solved on.")
    var forwardPilot: Int = ForwardMeasure.defaultPilotPaths

    func validate() throws {
        if let p = paths, p < 1 { throw ValidationError("--paths must be ≥ 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1") }
        if let h = horizon, h < 1 { throw ValidationError("--horizon must be ≥ 1") }
        guard window >= 30 else { throw ValidationError("--window must be ≥ 30 days") }
        guard PriceModel(rawValue: model) != nil else { throw ValidationError("--model must be \(PriceModels.namesText)") }
        _ = try Self.assumptions(drift: drift, parameterUncertainty: parameterUncertainty)
        guard Measure(rawValue: measure) != nil else { throw ValidationError("--measure must be real, risk-neutral or forward") }
        guard rate.isFinite, rate > -1, rate < 10 else { throw ValidationError("--rate must be an annual rate in (−1, 10), got \(rate)") }
        _ = try parsedShard()
        guard ForwardAdjustment.Beyond(rawValue: forwardBeyond) != nil else { throw ValidationError("--forward-beyond must be hold, flat or real") }
        guard (2...10_000_000).contains(forwardPilot) else { throw ValidationError("--forward-pilot must be in 2…10000000") }
        guard Sampling.Method(rawValue: sampling) != nil else { throw ValidationError("--sampling must be pseudo or sobol, got '\(sampling)'") }
        guard sobolDimensions >= 1, sobolHashDimensions >= 0, sobolReplicates >= 2 else {
            throw ValidationError("--sobol-dimensions must be ≥ 1, --sobol-hash-dimensions ≥ 0 and --sobol-replicates ≥ 2")
        }
    }

    /// The forward curve's options (validated in `validate()`).
    func curveOptions(fromStore: Bool = false) -> CurveOptions {
        CurveOptions(path: curve, fromStore: fromStore, beyond: ForwardAdjustment.Beyond(rawValue: forwardBeyond)!, pilotPaths: forwardPilot)
    }

    /// `--shard i/n` (0 ≤ i < n); a shard needs `--out`.
    func parsedShard() throws -> Shard? {
        guard let s = shard else { return nil }
        guard let sh = Shard(s) else { throw ValidationError("--shard must be i/n with 0 ≤ i < n") }
        guard out != nil else { throw ValidationError("--shard needs --out") }
        return sh
    }

    /// The settings (validated in `validate()`); `defaultPaths` when `--paths` is not given.
    func settings(defaultPaths: Int) throws -> SimulationSettings {
        var s = SimulationSettings(paths: paths ?? defaultPaths, seed: seed, threads: threads, measure: Measure(rawValue: measure)!, rate: rate,
                                   antithetic: !noAntithetic, poissonBlocks: poissonBlocks, horizonDays: horizon)
        s.model = PriceModel(rawValue: model)!
        if Sampling.Method(rawValue: sampling) == .sobol {
            s.sampling = .sobol(bridgeDimensions: sobolDimensions, hashBridgeDimensions: sobolHashDimensions, replicates: sobolReplicates)
        }
        (s.drift, s.parameterUncertainty) = try Self.assumptions(drift: drift, parameterUncertainty: parameterUncertainty)
        return s
    }

    /// `--drift` and `--parameter-uncertainty` values checked (also for the backtest's options).
    static func assumptions(drift: String, parameterUncertainty: String) throws -> (Drift, Bool) {
        guard let d = Drift(drift) else { throw ValidationError("--drift must be historical, shrunk, zero or a log return per year within ±5, got \(drift)") }
        guard ["on", "off"].contains(parameterUncertainty) else { throw ValidationError("--parameter-uncertainty must be on or off") }
        return (d, parameterUncertainty == "on")
    }
}
