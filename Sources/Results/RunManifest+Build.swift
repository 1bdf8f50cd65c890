import Foundation

/// The version manifests record, and their clock.
public enum Version {
    public static let string = "hashsec 0.1"
    /// ISO 8601 UTC, seconds.
    public static func now() -> String {
        let f = ISO8601DateFormatter(); f.timeZone = TimeZone(identifier: "UTC"); return f.string(from: Date())
    }
}

extension RunIdentity {
    /// `run_id` of a simulate manifest: the deal's SHA-256 prefix, the seed and the path count.
    public var runID: String { "\(dealSHA256.prefix(8))-\(seed)-\(paths)" }
}

extension RunManifest {
    /// The manifest of a run of the engine (`simulate`, `stress`, `merge`): the version and clock of `Version`, the seed
    /// and path count of the run's identity, the calibration it used (SPEC §5).
    public static func engineRun(_ command: String, identity: RunIdentity, inputs: [Input], parameters: Parameters, rng: String,
                                 runID: String? = nil, kernel: String? = nil, threads: Int? = nil, shard: String?,
                                 calibration: CalibrationReference?, timings: [String: Double]) -> RunManifest {
        RunManifest(command: command, version: Version.string, runID: runID, createdUTC: Version.now(), inputs: inputs, parameters: parameters,
                    seed: identity.seed, rng: rng, kernel: kernel, paths: identity.paths, threads: threads, shard: shard,
                    calibration: calibration, timings: timings)
    }
}
