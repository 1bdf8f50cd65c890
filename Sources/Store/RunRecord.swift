/// One row of the `runs` table: a nightly (or other) run's identity and outcome.
public struct RunRecord: Equatable, Sendable {
    public var runID: String
    public var startedUTC: String
    public var finishedUTC: String?
    public var status: String
    public var configSHA256: String
    public var reportPath: String?
    public var summaryJSON: String?

    public init(runID: String, startedUTC: String, finishedUTC: String? = nil, status: String, configSHA256: String,
                reportPath: String? = nil, summaryJSON: String? = nil) {
        self.runID = runID; self.startedUTC = startedUTC; self.finishedUTC = finishedUTC; self.status = status
        self.configSHA256 = configSHA256; self.reportPath = reportPath; self.summaryJSON = summaryJSON
    }
}
