/// Identity of a run: what its outputs are a function of. Shards must agree on it to be merged; the SHA-256 of each input
/// (deal text, calibration JSON, scenario file of a stress run) is part of it, and `merge` recomputes them from the
/// inputs recorded in the shard header (`ShardHeader`).
public struct RunIdentity: Codable, Equatable, Sendable {
    public var dealSHA256: String
    public var calibrationSHA256: String
    /// The scenario file's SHA-256 (stress runs only).
    public var scenariosSHA256: String?
    public var seed: UInt64
    public var paths: Int
    public var model: String
    public var measure: String
    public var rate: Double
    public var antithetic: Bool
    public var poissonBlocks: Bool
    public var horizonDays: Int
    public var shardCount: Int
    /// `--sweep-leverage N` (nil: no sweep).
    public var sweepMaxLoops: Int?
    /// The forward curve and hedge of the run (`CurvePlan.statement`; nil without a curve).
    public var curve: String?
    /// `--sampling sobol`: the sampling (`Sampling.description`) and its replicate count (nil: pseudo-random, the default).
    public var sampling: String?
    public var samplingReplicates: Int?
    enum CodingKeys: String, CodingKey {
        case seed, paths, model, measure, rate, antithetic, curve, sampling
        case samplingReplicates = "sampling_replicates"
        case dealSHA256 = "deal_sha256", calibrationSHA256 = "calibration_sha256", scenariosSHA256 = "scenarios_sha256"
        case poissonBlocks = "poisson_blocks", horizonDays = "horizon_days", shardCount = "shard_count", sweepMaxLoops = "sweep_max_loops"
    }
    public init(dealSHA256: String, calibrationSHA256: String, scenariosSHA256: String? = nil, seed: UInt64, paths: Int, model: String,
                measure: String, rate: Double, antithetic: Bool, poissonBlocks: Bool, horizonDays: Int, shardCount: Int,
                sweepMaxLoops: Int? = nil) {
        self.dealSHA256 = dealSHA256; self.calibrationSHA256 = calibrationSHA256; self.scenariosSHA256 = scenariosSHA256
        self.seed = seed; self.paths = paths; self.model = model; self.measure = measure; self.rate = rate; self.antithetic = antithetic
        self.poissonBlocks = poissonBlocks; self.horizonDays = horizonDays; self.shardCount = shardCount
        self.sweepMaxLoops = sweepMaxLoops
    }
}
