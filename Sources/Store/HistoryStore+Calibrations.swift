import Domain
import GRDB

/// Calibrations, filed by `CalibrationKey.id` (SPEC §5): one row per distinct fit, so a fit with another window or on
/// revised data never replaces one with the same as-of date. (The `calibrations` table of schema v4, keyed by the as-of
/// date alone, is no longer read or written.)
extension HistoryStore {
    /// One stored fit's key and bookkeeping.
    public struct CalibrationEntry: Equatable, Sendable {
        public var key: String, asOf: Day, windowDays: Int, options: String, dataSHA256: String, createdUTC: String
    }

    /// Stores a fit under its key. A second save of the same key (the same fit of the same data) replaces the JSON.
    public func saveCalibration(_ key: CalibrationKey, json: String) throws {
        let options = key.options.keys.sorted().map { "\($0)=\(key.options[$0]!)" }.joined(separator: ";")
        try wrap("save calibration") {
            try db.write { db in
                try db.execute(sql: """
                    INSERT INTO calibration_fits (key, as_of, window_days, options, data_sha256, created_utc, json)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET created_utc = excluded.created_utc, json = excluded.json
                    """, arguments: [key.id, key.asOf.iso, key.windowDays, options, key.dataSHA256, HistoryStore.nowUTC(), json])
            }
        }
    }

    /// The JSON of the fit stored under `key`, nil when there is none.
    public func calibrationJSON(_ key: CalibrationKey) throws -> String? {
        try wrap("read calibration") {
            try db.read { try String.fetchOne($0, sql: "SELECT json FROM calibration_fits WHERE key = ?", arguments: [key.id]) }
        }
    }

    /// Every stored fit (of one as-of date when given), by as-of then creation.
    public func calibrations(asOf: Day? = nil) throws -> [CalibrationEntry] {
        let rows: [Row] = try wrap("read calibrations") {
            try db.read { db in
                if let a = asOf {
                    return try Row.fetchAll(db, sql: "SELECT key, as_of, window_days, options, data_sha256, created_utc FROM calibration_fits WHERE as_of = ? ORDER BY created_utc, key",
                                            arguments: [a.iso])
                }
                return try Row.fetchAll(db, sql: "SELECT key, as_of, window_days, options, data_sha256, created_utc FROM calibration_fits ORDER BY as_of, created_utc, key")
            }
        }
        return try rows.map { r in
            let s: String = r[1]
            guard let d = Day(iso: s) else { throw StoreError.corruptRow(path: path, table: "calibration_fits", reason: "bad as_of \(s)") }
            return CalibrationEntry(key: r[0], asOf: d, windowDays: r[2], options: r[3], dataSHA256: r[4], createdUTC: r[5])
        }
    }
}
