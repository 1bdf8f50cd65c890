import Domain
import GRDB

extension Store {
    /// Stores a calibration (as JSON text) for its as-of date; a second save for the same date replaces it.
    public func saveCalibration(asOf: Day, json: String) throws {
        try wrap("save calibration") {
            try db.write { db in
                try db.execute(sql: """
                    INSERT INTO calibrations (as_of, created_utc, json) VALUES (?, ?, ?)
                    ON CONFLICT(as_of) DO UPDATE SET created_utc = excluded.created_utc, json = excluded.json
                    """, arguments: [asOf.iso, Store.nowUTC(), json])
            }
        }
    }

    /// The latest calibration with `as_of ≤ onOrBefore` (the latest of all when nil).
    public func calibrationJSON(onOrBefore: Day?) throws -> (asOf: Day, json: String)? {
        let row: Row? = try wrap("read calibration") {
            try db.read { db in
                if let d = onOrBefore {
                    return try Row.fetchOne(db, sql: "SELECT as_of, json FROM calibrations WHERE as_of <= ? ORDER BY as_of DESC LIMIT 1",
                                            arguments: [d.iso])
                }
                return try Row.fetchOne(db, sql: "SELECT as_of, json FROM calibrations ORDER BY as_of DESC LIMIT 1")
            }
        }
        guard let row else { return nil }
        let s: String = row[0]
        guard let day = Day(iso: s) else { throw StoreError.corruptRow(path: path, table: "calibrations", reason: "bad as_of \(s)") }
        return (day, row[1])
    }

    /// All stored calibration as-of dates, ascending.
    public func calibrationDates() throws -> [Day] {
        try wrap("read calibrations") {
            try db.read { try String.fetchAll($0, sql: "SELECT as_of FROM calibrations ORDER BY as_of") }
        }.compactMap { Day(iso: $0) }
    }
}
