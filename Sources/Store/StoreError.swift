/// Errors of the SQLite store. Mapped to exit code 74 (`storeError`) by the CLI.
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

    public var description: String {
        switch self {
        case let .cannotOpen(p, r): return "\(p): cannot open store: \(r)"
        case let .migrationFailed(p, r): return "\(p): store migration failed: \(r)"
        case let .newerSchema(p): return "\(p): store was written by a newer hashsec (unknown migrations); refusing to use it"
        case let .sqlite(p, op, r): return "\(p): store \(op) failed: \(r)"
        case let .corruptRow(p, t, r): return "\(p): corrupt row in table \(t): \(r)"
        }
    }
}
