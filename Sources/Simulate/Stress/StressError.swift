import Domain
import Diagnostics

/// A stress scenario that cannot be built (e.g. a replay window the store does not cover).
public enum StressError: Error, CustomStringConvertible, Equatable {
    /// `historical_replay` window lacks data: scenario, field, number of missing days, first missing day.
    case replayDataMissing(scenario: String, field: String, missingDays: Int, first: Day)
    public var description: String {
        switch self {
        case let .replayDataMissing(s, f, n, d):
            return "scenario \(s): the store lacks \(f) on \(n) day(s) of the replay window (first: \(d)); run `hashsec ingest` first"
        }
    }
}

extension StressError: CategorizedError {
    /// The store does not cover the replay window: 67.
    public var category: ErrorCategory { .insufficientData }
}
