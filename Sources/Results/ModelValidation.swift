/// `model_validation.json` of a nightly run folder (the nightly's scheduled backtest, shown by the report's *model
/// validation* section): which stored backtest is shown, whether this run made it, its grid and its failed checks.
public struct ModelValidation: Codable, Equatable, Sendable {
    /// The shown backtest's data as-of (its folder `backtests/<as-of>/`).
    public var dataAsOf: String
    public var ranInThisRun: Bool
    /// Relative link from the run folder to the backtest's page.
    public var report: String
    public var deal: String, models: [String], every: String, from: String, to: String
    public var paths: Int, origins: Int
    public var requirements: [String], requirementsFailed: [String]
    /// The backtest due in this run failed (the latest stored one is shown).
    public var errorInThisRun: String?

    public init(dataAsOf: String, ranInThisRun: Bool, report: String, deal: String, models: [String], every: String, from: String, to: String,
                paths: Int, origins: Int, requirements: [String], requirementsFailed: [String], errorInThisRun: String?) {
        self.dataAsOf = dataAsOf; self.ranInThisRun = ranInThisRun; self.report = report; self.deal = deal; self.models = models
        self.every = every; self.from = from; self.to = to; self.paths = paths; self.origins = origins; self.requirements = requirements
        self.requirementsFailed = requirementsFailed; self.errorInThisRun = errorInThisRun
    }

    enum CodingKeys: String, CodingKey {
        case report, deal, models, every, from, to, paths, origins, requirements
        case dataAsOf = "data_as_of", ranInThisRun = "ran_in_this_run", requirementsFailed = "requirements_failed"
        case errorInThisRun = "error_in_this_run"
    }
}
