import Domain
import Foundation
import GRDB

/// The project's SQLite store: daily history, ingested-file log, revisions, calibrations and runs.
///
/// One SQLite file in WAL mode (readers never block the single writer), schema built by ordered,
/// named migrations (`DatabaseMigrator`), so an old store is upgraded in place and a newer one is refused.
/// Every write that belongs together (one ingested file, one run record) is one transaction.
public final class HistoryStore {
    /// Path of the SQLite file.
    public let path: String
    let db: DatabaseQueue
    /// The steps of the last `apply` and their wall times (read stored days, plausibility, insert, commit), for
    /// `hashsec perf ingest`.
    public internal(set) var applyTimings: [(step: String, seconds: Double)] = []

    /// Opens (creating it if absent) the store at `path`, switches it to WAL and applies pending migrations.
    /// With `verify` (the default: every command, the read-only ones too — `benchmark`, `simulate` and `stress`
    /// reading the store, `backtest`), SQLite's `PRAGMA quick_check` runs first, so a damaged file is refused (exit 74,
    /// with how to recover) before anything is read from it or added to it: a read that happens to miss the damaged
    /// pages would otherwise answer from a store whose other pages are gone (issue 12 item 3). It costs about 1 ms on
    /// the whole real history (integrity branch's measurement).
    /// - Throws: `StoreError.cannotOpen` / `.migrationFailed` / `.damaged`.
    public init(path: String, verify: Bool = true) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw StoreError.cannotOpen(path: path, reason: "cannot create directory \(dir): \(error.localizedDescription)")
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do { db = try DatabaseQueue(path: path, configuration: config) } catch {
            if let d = HistoryStore.damage(error) { throw StoreError.damaged(path: path, detail: d) }
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        if verify { try quickCheck() }
        do {
            let migrator = HistoryStore.migrator
            try db.read { db in
                // Refuse another program's database (tables, but no migrations table) rather than change it.
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                if !tables.isEmpty, !tables.contains("grdb_migrations") {
                    throw StoreError.cannotOpen(path: path, reason: "an SQLite database, but not a hashsec store (tables \(tables.prefix(5).joined(separator: ", ")), "
                                                + "no migrations table); refusing to change it: pass another --db")
                }
                // Refuse a store written by a newer hashsec (unknown migrations).
                if try migrator.hasBeenSuperseded(db) { throw StoreError.newerSchema(path: path) }
            }
            try migrator.migrate(db)
        } catch let e as StoreError { throw e } catch {
            if let d = HistoryStore.damage(error) { throw StoreError.damaged(path: path, detail: d) }
            throw StoreError.migrationFailed(path: path, reason: "\(error)")
        }
    }

    /// SQLite's `PRAGMA quick_check` (page and b-tree structure of every table and index, without the cross-checks of
    /// `integrity_check`); throws `StoreError.damaged` with SQLite's first findings unless it answers `ok`.
    public func quickCheck() throws {
        let rows: [String]
        do { rows = try db.read { try String.fetchAll($0, sql: "PRAGMA quick_check(5)") } } catch {
            throw StoreError.damaged(path: path, detail: HistoryStore.damage(error) ?? "\(error)")
        }
        guard rows == ["ok"] else {
            throw StoreError.damaged(path: path, detail: "quick_check: " + rows.prefix(3).joined(separator: "; "))
        }
    }

    /// SQLite's message when `error` reports a damaged or non-database file, nil otherwise.
    static func damage(_ error: Error) -> String? {
        guard let e = error as? DatabaseError, e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB else { return nil }
        return e.message ?? "\(e.resultCode)"
    }

    /// The names of the applied migrations, in order (for diagnostics and tests).
    public func appliedMigrations() throws -> [String] {
        try wrap("read migrations") { try db.read { try HistoryStore.migrator.appliedIdentifiers($0) }.sorted() }
    }

    /// The SQLite journal mode in effect (`"wal"`).
    public func journalMode() throws -> String {
        try wrap("read journal mode") { try db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" } }
    }

    /// Runs `body`, turning any non-`StoreError` into `StoreError.sqlite`.
    func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StoreError { throw e } catch {
            if let d = HistoryStore.damage(error) { throw StoreError.damaged(path: path, detail: d) }
            throw StoreError.sqlite(path: path, operation: what, reason: "\(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-daily") { db in
            try db.execute(sql: """
                CREATE TABLE daily (
                    date TEXT PRIMARY KEY NOT NULL,
                    price_usd REAL, block_count REAL, difficulty REAL, hash_rate_hs REAL,
                    fees_btc REAL, issuance_btc REAL, height_end INTEGER
                ) WITHOUT ROWID
                """)
        }
        m.registerMigration("v2-ingested-files") { db in
            try db.execute(sql: """
                CREATE TABLE ingested_files (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, format TEXT NOT NULL,
                    rows INTEGER NOT NULL, ingested_utc TEXT NOT NULL
                )
                """)
        }
        m.registerMigration("v3-revisions") { db in
            try db.execute(sql: """
                CREATE TABLE revisions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    date TEXT NOT NULL, field TEXT NOT NULL, old REAL NOT NULL, new REAL NOT NULL,
                    file_sha256 TEXT NOT NULL, utc TEXT NOT NULL
                );
                CREATE INDEX revisions_date ON revisions(date)
                """)
        }
        m.registerMigration("v4-calibrations") { db in
            try db.execute(sql: """
                CREATE TABLE calibrations (
                    as_of TEXT PRIMARY KEY NOT NULL, created_utc TEXT NOT NULL, json TEXT NOT NULL
                )
                """)
        }
        m.registerMigration("v5-runs") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    run_id TEXT PRIMARY KEY NOT NULL, started_utc TEXT NOT NULL, finished_utc TEXT,
                    status TEXT NOT NULL, config_sha256 TEXT NOT NULL, report_path TEXT, summary_json TEXT
                )
                """)
        }
        m.registerMigration("v6-curves") { db in
            try db.execute(sql: """
                CREATE TABLE curves (
                    quote_date TEXT NOT NULL, unit TEXT NOT NULL, month TEXT NOT NULL, level REAL NOT NULL,
                    PRIMARY KEY (quote_date, unit, month)
                ) WITHOUT ROWID;
                CREATE TABLE curve_revisions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    quote_date TEXT NOT NULL, unit TEXT NOT NULL, month TEXT NOT NULL, old REAL NOT NULL, new REAL NOT NULL,
                    file_sha256 TEXT NOT NULL, utc TEXT NOT NULL
                )
                """)
        }
        m.registerMigration("v7-calibration-fits") { db in
            try db.execute(sql: """
                CREATE TABLE calibration_fits (
                    key TEXT PRIMARY KEY NOT NULL, as_of TEXT NOT NULL, window_days INTEGER NOT NULL, options TEXT NOT NULL,
                    data_sha256 TEXT NOT NULL, created_utc TEXT NOT NULL, json TEXT NOT NULL
                );
                CREATE INDEX calibration_fits_as_of ON calibration_fits(as_of)
                """)
        }
        return m
    }

    /// Current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (bookkeeping columns only, never data).
    static func nowUTC() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date())
    }
}
