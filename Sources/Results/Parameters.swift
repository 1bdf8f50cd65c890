/// The `parameters` of a simulate, stress or merge manifest: the settings the outputs depend on.
public struct SimulationParameters: Codable, Equatable, Sendable {
    public struct DriftPrior: Codable, Equatable, Sendable {
        public var meanPerYear: Double, sdPerYear: Double
        public init(meanPerYear: Double, sdPerYear: Double) { self.meanPerYear = meanPerYear; self.sdPerYear = sdPerYear }
        enum CodingKeys: String, CodingKey { case meanPerYear = "mean_per_year", sdPerYear = "sd_per_year" }
    }
    public var paths: Int, seed: UInt64, model: String, measure: String, rate: Double
    public var drift: String
    /// The drift rule applied (e.g. `historical: mean daily log return …`); nil when the calibration was not at hand.
    public var driftStatement: String?
    public var driftPrior: DriftPrior
    public var parameterUncertainty: Bool, antithetic: Bool, poissonBlocks: Bool
    public var horizonDays: Int, blockSize: Int, termDays: Int, truncated: Bool
    public var dealSHA256: String, calibrationSHA256: String
    public var scenariosSHA256: String?
    public var sweepMaxLoops: Int?

    public init(paths: Int, seed: UInt64, model: String, measure: String, rate: Double, drift: String, driftStatement: String?,
                driftPrior: DriftPrior, parameterUncertainty: Bool, antithetic: Bool, poissonBlocks: Bool, horizonDays: Int, blockSize: Int,
                termDays: Int, truncated: Bool, dealSHA256: String, calibrationSHA256: String, scenariosSHA256: String? = nil,
                sweepMaxLoops: Int? = nil) {
        self.paths = paths; self.seed = seed; self.model = model; self.measure = measure; self.rate = rate; self.drift = drift
        self.driftStatement = driftStatement; self.driftPrior = driftPrior; self.parameterUncertainty = parameterUncertainty
        self.antithetic = antithetic; self.poissonBlocks = poissonBlocks; self.horizonDays = horizonDays; self.blockSize = blockSize
        self.termDays = termDays; self.truncated = truncated; self.dealSHA256 = dealSHA256; self.calibrationSHA256 = calibrationSHA256
        self.scenariosSHA256 = scenariosSHA256; self.sweepMaxLoops = sweepMaxLoops
    }

    enum CodingKeys: String, CodingKey {
        case paths, seed, model, measure, rate, drift, antithetic, truncated
        case driftStatement = "drift_statement", driftPrior = "drift_prior", parameterUncertainty = "parameter_uncertainty"
        case poissonBlocks = "poisson_blocks", horizonDays = "horizon_days", blockSize = "block_size", termDays = "term_days"
        case dealSHA256 = "deal_sha256", calibrationSHA256 = "calibration_sha256", scenariosSHA256 = "scenarios_sha256"
        case sweepMaxLoops = "sweep_max_loops"
    }
}

/// The `parameters` of a nightly run's manifest (the configuration as read).
public struct NightlyParameters: Codable, Equatable, Sendable {
    public var paths: Int, stressPaths: Int, seed: UInt64, threads: Int
    /// The optional horizon cap (absent: every deal's whole term).
    public var horizonDays: Int?
    public var model: String, calibrationWindowDays: Int, maxDataAgeDays: Int
    public var deals: [String]
    public var scenarios: String?
    public var thresholds: [String: Double]
    public var asOf: String
    public var configSHA256: String
    /// The config's calibration overrides (absent: `calibrate`'s defaults).
    public var hashRateWindowDays: Int? = nil, feeWindowDays: Int? = nil
    public var efficiencyTrend: Double? = nil, efficiencyWindowYears: Double? = nil
    public init(paths: Int, stressPaths: Int, seed: UInt64, threads: Int, horizonDays: Int?, model: String, calibrationWindowDays: Int,
                maxDataAgeDays: Int, deals: [String], scenarios: String?, thresholds: [String: Double], asOf: String, configSHA256: String) {
        self.paths = paths; self.stressPaths = stressPaths; self.seed = seed; self.threads = threads; self.horizonDays = horizonDays
        self.model = model; self.calibrationWindowDays = calibrationWindowDays; self.maxDataAgeDays = maxDataAgeDays; self.deals = deals
        self.scenarios = scenarios; self.thresholds = thresholds; self.asOf = asOf; self.configSHA256 = configSHA256
    }
    enum CodingKeys: String, CodingKey {
        case paths, seed, threads, model, deals, scenarios, thresholds
        case stressPaths = "stress_paths", horizonDays = "horizon_days", calibrationWindowDays = "calibration_window_days"
        case maxDataAgeDays = "max_data_age_days", asOf = "as_of", configSHA256 = "config_sha256"
        case hashRateWindowDays = "hashrate_window_days", feeWindowDays = "fee_window_days", efficiencyTrend = "efficiency_trend"
        case efficiencyWindowYears = "efficiency_window_years"
    }
}

/// The `parameters` of a backtest's manifest.
public struct BacktestParameters: Codable, Equatable, Sendable {
    public struct Origin: Codable, Equatable, Sendable {
        public var requested: String, origin: String
        public init(requested: String, origin: String) { self.requested = requested; self.origin = origin }
    }
    public var deal: String, from: String, to: String, every: String, offsetDays: Int
    public var horizons: [Int], models: [String], paths: Int, seed: UInt64, windowDays: Int
    public var poissonBlocks: Bool, antithetic: Bool, measure: String, drift: String
    public var driftPrior: SimulationParameters.DriftPrior, parameterUncertainty: Bool
    /// How each origin's parameters were obtained (fitted at the origin, or fixed from a file).
    public var calibration: String
    public var originsRequested: Int, originsScored: Int
    /// Each scored origin: the grid date and the initial-state day used.
    public var origins: [Origin]
    public var originSeed: String, quantiles: String, pit: String
    public var requirements: [String], requirementsFailed: [String]
    /// The defaulted fields are what a run finds or states itself (`Backtest.BacktestRequest` fills them in).
    public init(deal: String, from: String, to: String, every: String, offsetDays: Int, horizons: [Int], models: [String], paths: Int,
                seed: UInt64, windowDays: Int, poissonBlocks: Bool, antithetic: Bool, measure: String, drift: String,
                driftPrior: SimulationParameters.DriftPrior, parameterUncertainty: Bool, calibration: String = "", originsRequested: Int,
                originsScored: Int = 0, origins: [Origin] = [], originSeed: String = "", quantiles: String = "", pit: String = "",
                requirements: [String], requirementsFailed: [String] = []) {
        self.deal = deal; self.from = from; self.to = to; self.every = every; self.offsetDays = offsetDays; self.horizons = horizons
        self.models = models; self.paths = paths; self.seed = seed; self.windowDays = windowDays; self.poissonBlocks = poissonBlocks
        self.antithetic = antithetic; self.measure = measure; self.drift = drift; self.driftPrior = driftPrior
        self.parameterUncertainty = parameterUncertainty; self.calibration = calibration; self.originsRequested = originsRequested
        self.originsScored = originsScored; self.origins = origins; self.originSeed = originSeed; self.quantiles = quantiles; self.pit = pit
        self.requirements = requirements; self.requirementsFailed = requirementsFailed
    }
    enum CodingKeys: String, CodingKey {
        case deal, from, to, every, horizons, models, paths, seed, antithetic, measure, drift, calibration, origins, quantiles, pit, requirements
        case offsetDays = "offset_days", windowDays = "window_days", poissonBlocks = "poisson_blocks", driftPrior = "drift_prior"
        case parameterUncertainty = "parameter_uncertainty", originsRequested = "origins_requested", originsScored = "origins_scored"
        case originSeed = "origin_seed", requirementsFailed = "requirements_failed"
    }
}

/// The `parameters` of a simulate manifest: the simulation's (`SimulationParameters`, the same keys as a stress or merge
/// manifest, flattened) and, with a forward curve, `curve` (`Simulate.CurveContext`: the plan, the solved forward
/// adjustment with its shifts, the curve value).
public struct SimulateParameters<Curve: Codable & Sendable>: Codable, Sendable {
    public var simulation: SimulationParameters
    public var curve: Curve?
    enum CodingKeys: String, CodingKey { case curve }
    public init(simulation: SimulationParameters, curve: Curve?) { self.simulation = simulation; self.curve = curve }
    public init(from decoder: Decoder) throws {
        simulation = try SimulationParameters(from: decoder)
        curve = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Curve.self, forKey: .curve)
    }
    public func encode(to encoder: Encoder) throws {
        try simulation.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(curve, forKey: .curve)
    }
}
