/// `manifest.json` of every run (SPEC §9): the command, the version, the inputs with their SHA-256, the parameters,
/// the seed and random-number algorithm, the calibration used, and the timings. `Parameters` is the command's own block
/// (`SimulationParameters` for simulate, stress and merge; `BacktestParameters`; `NightlyParameters`).
///
/// Everything except `created_utc`, the paths and `timings_s` is a function of the inputs; the golden corpus leaves the
/// manifest out for that reason.
public struct RunManifest<Parameters: Codable & Sendable>: Codable, Sendable {
    /// One input file: its path (as given) and SHA-256; a store input gives the range of days read instead.
    public struct Input: Codable, Equatable, Sendable {
        public var path: String
        public var sha256: String?
        public var rowsFrom: String?, rowsTo: String?
        public init(path: String, sha256: String?, rowsFrom: String? = nil, rowsTo: String? = nil) {
            self.path = path; self.sha256 = sha256; self.rowsFrom = rowsFrom; self.rowsTo = rowsTo
        }
        enum CodingKeys: String, CodingKey { case path, sha256, rowsFrom = "rows_from", rowsTo = "rows_to" }
    }

    public var command: String
    public var version: String
    public var runID: String?
    public var createdUTC: String
    public var inputs: [Input]
    public var parameters: Parameters?
    public var seed: UInt64?
    /// The random-number algorithm (SPEC §10).
    public var rng: String?
    /// The vector-math kernel variant in use (`portable`, `avx2`, `avx512`; `HASHSEC_KERNEL`): every variant gives the same bits.
    public var kernel: String?
    public var paths: Int?
    public var threads: Int?
    /// `i/n` of a shard, `merged n` of a merge; absent for a single run.
    public var shard: String?
    /// The calibration the run used (SPEC §5: a run names it).
    public var calibration: CalibrationReference?
    /// Seconds per stage.
    public var timings: [String: Double]

    public init(command: String, version: String, runID: String? = nil, createdUTC: String, inputs: [Input], parameters: Parameters?,
                seed: UInt64? = nil, rng: String? = nil, kernel: String? = nil, paths: Int? = nil, threads: Int? = nil, shard: String? = nil,
                calibration: CalibrationReference? = nil, timings: [String: Double]) {
        self.command = command; self.version = version; self.runID = runID; self.createdUTC = createdUTC; self.inputs = inputs
        self.parameters = parameters; self.seed = seed; self.rng = rng; self.kernel = kernel; self.paths = paths; self.threads = threads; self.shard = shard
        self.calibration = calibration; self.timings = timings
    }

    enum CodingKeys: String, CodingKey {
        case command, version, inputs, parameters, seed, rng, kernel, paths, threads, shard, calibration
        case runID = "run_id", createdUTC = "created_utc", timings = "timings_s"
    }
}

/// Which calibration a run used and where it came from (`source`: `file` for `--calibration`, `store` for one the store
/// held under the same key, `fit` for one fitted for this run and stored under it).
public struct CalibrationReference: Codable, Equatable, Sendable {
    public var source: String
    /// The key the store files it under (nil for a file): SHA-256 of everything the fit depends on.
    public var key: String?
    public var asOf: String
    public var windowDays: Int?
    /// SHA-256 of the observations the fit read (every stored day up to the as-of).
    public var dataSHA256: String?
    /// SHA-256 of the calibration JSON.
    public var sha256: String
    /// The file, for `source: file`.
    public var path: String?
    public init(source: String, key: String?, asOf: String, windowDays: Int?, dataSHA256: String?, sha256: String, path: String? = nil) {
        self.source = source; self.key = key; self.asOf = asOf; self.windowDays = windowDays; self.dataSHA256 = dataSHA256
        self.sha256 = sha256; self.path = path
    }
    enum CodingKeys: String, CodingKey {
        case source, key, sha256, path
        case asOf = "as_of", windowDays = "window_days", dataSHA256 = "data_sha256"
    }
}

/// A parameters block that is not read (a consumer that only needs the manifest's common fields).
public struct AnyParameters: Codable, Sendable {
    public init() {}
    public init(from decoder: Decoder) throws {}
    public func encode(to encoder: Encoder) throws {}
}
