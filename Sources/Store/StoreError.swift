import Domain
import Diagnostics

/// Errors of the SQLite store. Mapped to exit code 74 (`storeError`) by the CLI, except `implausible` (65).
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// A migration failed.
    case migrationFailed(path: String, reason: String)
    /// The store was written by a newer version (unknown migrations).
    case newerSchema(path: String)
    /// A read or write failed.
    case sqlite(path: String, operation: String, reason: String)
    /// A stored value could not be decoded (corrupt row).
    case corruptRow(path: String, table: String, reason: String)
    /// The SQLite file itself is damaged (`PRAGMA quick_check` failed, or SQLite reported corruption).
    case damaged(path: String, detail: String)
    /// Applying a file would store days that break the plausibility rules (SPEC §2), e.g. against stored neighbours;
    /// nothing was written. Exit 65 (input data rejected), like the parser's own refusals.
    case implausible(path: String, problems: [DailyObservation.PlausibilityProblem])

    public var description: String {
        switch self {
        case let .cannotOpen(p, r): return "\(p): cannot open store: \(r)"
        case let .migrationFailed(p, r): return "\(p): store migration failed: \(r)"
        case let .newerSchema(p): return "\(p): store was written by a newer hashsec (unknown migrations); refusing to use it"
        case let .sqlite(p, op, r): return "\(p): store \(op) failed: \(r)"
        case let .corruptRow(p, t, r): return "\(p): corrupt row in table \(t): \(r)"
        case let .damaged(p, d):
            return "\(p): the store is damaged (SQLite: \(d)); nothing was written. To recover, restore the file from a copy, "
                + "or move it aside (mv \(p) \(p).damaged) and re-ingest your input files into a new store "
                + "(hashsec ingest FILE... --db \(p)); calibrations and the run history are only in the damaged file"
        case let .implausible(p, problems):
            return "\(p): refused, the store would hold implausible days (nothing written): "
                + problems.prefix(5).map(\.description).joined(separator: "; ") + (problems.count > 5 ? " (and \(problems.count - 5) more)" : "")
        }
    }
}

extension StoreError: CategorizedError {
    /// 74, except `implausible` (65: the input was rejected, as the parser's own refusals).
    public var category: ErrorCategory {
        switch self {
        case .implausible: return .dataRejected
        case .cannotOpen, .migrationFailed, .newerSchema, .sqlite, .corruptRow, .damaged: return .storeError
        }
    }
}
