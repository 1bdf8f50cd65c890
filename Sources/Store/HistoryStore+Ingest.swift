import Domain
import Foundation
import GRDB
import GRDBSQLite

/// A row of `ingested_files`: one file whose content (by SHA-256) has been applied to the store.
public struct IngestedFile: Equatable, Sendable {
    public var path: String
    public var sha256: String
    public var format: String
    public var rows: Int
    public var ingestedUTC: String
    public init(path: String, sha256: String, format: String, rows: Int, ingestedUTC: String) {
        self.path = path; self.sha256 = sha256; self.format = format; self.rows = rows; self.ingestedUTC = ingestedUTC
    }
}

/// A row of `revisions`: an existing non-null value changed by a later file.
public struct Revision: Equatable, Sendable {
    public var date: Day
    public var field: DailyObservation.Field
    public var old: Double
    public var new: Double
    public var fileSHA256: String
    public init(date: Day, field: DailyObservation.Field, old: Double, new: Double, fileSHA256: String) {
        self.date = date; self.field = field; self.old = old; self.new = new; self.fileSHA256 = fileSHA256
    }
}

/// Wall-clock laps of one operation's steps (`HistoryStore.applyTimings`).
struct StepClock {
    private(set) var steps: [(step: String, seconds: Double)] = []
    private var last = DispatchTime.now().uptimeNanoseconds
    mutating func lap(_ step: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        steps.append((step, Double(now - last) / 1e9)); last = now
    }
}

/// What applying one file did to `daily`.
public struct ApplySummary: Equatable, Sendable {
    /// Dates that were not in the store.
    public var newRows = 0
    /// Existing dates where at least one non-null value changed (each change logged in `revisions`).
    public var revisedRows = 0
    /// Number of individual values revised (= rows added to `revisions`).
    public var revisedValues = 0
    /// Existing dates where only missing values were filled in.
    public var filledRows = 0
    /// Existing dates left exactly as they were.
    public var unchangedRows = 0
    public init() {}
}

extension HistoryStore {
    /// The ingested-file record with this content hash, if any.
    public func ingestedFile(sha256: String) throws -> IngestedFile? {
        try wrap("read ingested_files") {
            try db.read { db in
                try Row.fetchOne(db, sql: "SELECT path, sha256, format, rows, ingested_utc FROM ingested_files WHERE sha256 = ?",
                                 arguments: [sha256]).map(HistoryStore.ingestedFile(row:))
            }
        }
    }

    /// All ingested files in ingestion order.
    public func ingestedFiles() throws -> [IngestedFile] {
        try wrap("read ingested_files") {
            try db.read { db in
                try Row.fetchAll(db, sql: "SELECT path, sha256, format, rows, ingested_utc FROM ingested_files ORDER BY id")
                    .map(HistoryStore.ingestedFile(row:))
            }
        }
    }

    /// All logged revisions in the order they were made.
    public func revisions() throws -> [Revision] {
        try wrap("read revisions") {
            try db.read { db in
                try Row.fetchAll(db, sql: "SELECT date, field, old, new, file_sha256 FROM revisions ORDER BY id").compactMap { r in
                    guard let d = Day(iso: r[0] as String), let f = DailyObservation.Field(rawValue: r[1]) else { return nil }
                    return Revision(date: d, field: f, old: r[2], new: r[3], fileSHA256: r[4])
                }
            }
        }
    }

    /// Number of logged revisions.
    public func revisionCount() throws -> Int {
        try wrap("count revisions") { try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM revisions") ?? 0 } }
    }

    static func ingestedFile(row r: Row) -> IngestedFile {
        IngestedFile(path: r[0], sha256: r[1], format: r[2], rows: r[3], ingestedUTC: r[4])
    }

    /// Applies one file's observations in ONE transaction: new dates are inserted, the non-missing values of
    /// existing dates overlay the stored ones (a changed non-null value is logged in `revisions`), and the file
    /// is recorded in `ingested_files`. Any failure rolls everything back.
    ///
    /// Before writing, every day as it would be stored (the file's values over the stored ones) is checked with the
    /// plausibility rules (`DailyObservation.plausibilityProblems`, the reader's rules), also against the stored days
    /// before and after it (`height_end` must advance by the block count): a file whose values are fine alone but
    /// not with what is stored throws `StoreError.implausible` and writes nothing.
    ///
    /// - Parameter limits: the date bounds (default: the genesis day to tomorrow, UTC, by the system clock).
    /// - Returns: nil (and writes nothing) when a file with this `sha256` was already ingested.
    /// - Precondition: `observations` has distinct dates (the parser rejects duplicates).
    public func apply(_ observations: [DailyObservation], path filePath: String, sha256: String, format: String,
                      limits: DailyObservation.PlausibilityLimits? = nil) throws -> ApplySummary? {
        let inOrder = zip(observations, observations.dropFirst()).allSatisfy { $0.date < $1.date }
        let sorted = inOrder ? observations : observations.sorted { $0.date < $1.date }
        let limits = limits ?? .ingest(today: Day(unixSeconds: Int64(Date().timeIntervalSince1970)))
        var clock = StepClock()
        defer { applyTimings = clock.steps }
        let result: ApplySummary? = try wrap("ingest write") {
            try db.write { db -> ApplySummary? in
                if try Int.fetchOne(db, sql: "SELECT 1 FROM ingested_files WHERE sha256 = ?", arguments: [sha256]) != nil {
                    return nil
                }
                var existing: [Int: DailyObservation] = [:]
                if let lo = sorted.first?.date, let hi = sorted.last?.date {
                    for o in try HistoryStore.fetchDaily(db, from: lo - 1, through: hi + 1, path: self.path) { existing[o.date.ordinal] = o }
                }
                clock.lap("read stored days")
                try HistoryStore.checkMerged(sorted, existing: existing, limits: limits, path: self.path)
                clock.lap("plausibility")
                // A large load keeps its pages in memory until the commit (a page spilled mid-transaction is written to
                // the WAL again each time it changes); restored afterwards. Crash safety is unchanged: nothing reaches the
                // database file before the commit, and an interrupted transaction is discarded on the next open.
                let bulk = sorted.count > HistoryStore.bulkRows
                if bulk { try db.execute(sql: "PRAGMA cache_size = -\(HistoryStore.bulkCacheKiB)") }
                defer { if bulk { try? db.execute(sql: "PRAGMA cache_size = -2000") } }
                let now = HistoryStore.nowUTC()
                let summary = try HistoryStore.writeRows(sorted, existing: existing, sha256: sha256, now: now, db: db)
                try db.execute(sql: "INSERT INTO ingested_files (path, sha256, format, rows, ingested_utc) VALUES (?, ?, ?, ?, ?)",
                               arguments: [filePath, sha256, format, sorted.count, now])
                clock.lap("insert")
                HistoryStore.testPause("ingest-commit")
                return summary
            }
        }
        clock.lap("commit")
        return result
    }

    /// `apply`'s writes inside its transaction: new dates inserted (in multi-row batches), changed days updated with every
    /// changed value logged in `revisions` (`sha256`, `now`), unchanged days left alone; the counts.
    static func writeRows(_ sorted: [DailyObservation], existing: [Int: DailyObservation], sha256: String, now: String,
                          db: Database) throws -> ApplySummary {
        var summary = ApplySummary()
        let insert = try db.makeStatement(sql: HistoryStore.insertSQL(rows: 1))
        // New dates in runs of `batchRows` go through one multi-row INSERT (one statement step per batch).
        let insertBatch = try db.makeStatement(sql: HistoryStore.insertSQL(rows: HistoryStore.batchRows))
        var pending: [(iso: String, o: DailyObservation)] = []
        pending.reserveCapacity(HistoryStore.batchRows)
        func flush() throws {
            if pending.count == HistoryStore.batchRows {
                try HistoryStore.bindAndRun(insertBatch, pending, db: db)
            } else {
                for r in pending { try HistoryStore.bindAndRun(insert, iso: r.iso, r.o, db: db) }
            }
            pending.removeAll(keepingCapacity: true)
        }
        let update = try db.makeStatement(sql: """
            UPDATE daily SET price_usd = ?2, block_count = ?3, difficulty = ?4, hash_rate_hs = ?5, fees_btc = ?6,
              issuance_btc = ?7, height_end = ?8 WHERE date = ?1
            """)
        let logRevision = try db.makeStatement(sql: """
            INSERT INTO revisions (date, field, old, new, file_sha256, utc) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for o in sorted {
            let iso = HistoryStore.isoDate(o.date)
            guard let old = existing[o.date.ordinal] else {
                if iso.utf8.count == 10 {
                    pending.append((iso, o))
                    if pending.count == HistoryStore.batchRows { try flush() }
                } else {
                    try HistoryStore.bindAndRun(insert, iso: iso, o, db: db)   // years beyond 9999: not batched
                }
                summary.newRows += 1
                continue
            }
            // Values equal to 1e-12 relative (float noise of a derived value) are not revisions: keep the stored one.
            let incoming = HistoryStore.droppingNoise(o, against: old)
            let merged = old.merging(incoming)
            if merged == old { summary.unchangedRows += 1; continue }
            var revised = 0
            for (field, a, b) in HistoryStore.pairs(old, incoming) {
                guard let a, let b, a != b else { continue }
                try logRevision.execute(arguments: [iso, field.rawValue, a, b, sha256, now])
                revised += 1
            }
            if revised > 0 { summary.revisedRows += 1; summary.revisedValues += revised } else { summary.filledRows += 1 }
            try HistoryStore.bindAndRun(update, iso: iso, merged, db: db)
        }
        try flush()
        return summary
    }

    /// Rows above which `apply` raises the page cache for its transaction, and that cache (KiB).
    static let bulkRows = 20_000, bulkCacheKiB = 262_144
    /// New rows per multi-row INSERT (8 parameters each, far below SQLite's 32,766).
    static let batchRows = 64

    /// `INSERT INTO daily (…) VALUES (?, …), …` for `rows` rows.
    static func insertSQL(rows: Int) -> String {
        "INSERT INTO daily (date, price_usd, block_count, difficulty, hash_rate_hs, fees_btc, issuance_btc, height_end) VALUES "
            + [String](repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    /// Tests only: with `HASHSEC_TEST_PAUSE_AT=<point>` the process announces the point on stderr and sleeps
    /// `HASHSEC_TEST_PAUSE_SECONDS` (default 30), so a test can SIGKILL it there (e.g. inside the ingest transaction).
    static func testPause(_ point: String) {
        let env = ProcessInfo.processInfo.environment
        guard env["HASHSEC_TEST_PAUSE_AT"] == point else { return }
        FileHandle.standardError.write(Data("hashsec: pausing for a test at \(point)\n".utf8))
        Thread.sleep(forTimeInterval: Double(env["HASHSEC_TEST_PAUSE_SECONDS"] ?? "30") ?? 30)
    }

    /// The plausibility rules on every day of `sorted` as it will be stored (merged over `existing`), and between it
    /// and the stored or incoming days on either side.
    static func checkMerged(_ sorted: [DailyObservation], existing: [Int: DailyObservation],
                            limits: DailyObservation.PlausibilityLimits, path: String) throws {
        var problems: [DailyObservation.PlausibilityProblem] = []
        var previous: DailyObservation? = nil  // the final state of the file's previous day
        let none = existing.isEmpty  // a fresh range: no dictionary lookups (the 10^6-row bulk ingest)
        func add(_ p: [DailyObservation.PlausibilityProblem]) { if !p.isEmpty { problems += p } }
        for (k, o) in sorted.enumerated() {
            let d = o.date.ordinal
            let m = none ? o : existing[d].map { $0.merging(droppingNoise(o, against: $0)) } ?? o
            if !m.isPlausible(limits) { add(m.plausibilityProblems(limits)) }
            // The day before: the file's own (merged) previous day when it is d − 1, else the stored one.
            if let prev = previous?.date.ordinal == d - 1 ? previous : (none ? nil : existing[d - 1]) { add(m.plausibilityProblems(after: prev)) }
            // The day after, when the file does not bring it: the stored one must still continue this day.
            if !none, !(k + 1 < sorted.count && sorted[k + 1].date.ordinal == d + 1), let next = existing[d + 1] {
                add(next.plausibilityProblems(after: m))
            }
            previous = m
            if problems.count >= 100 { break }
        }
        if !problems.isEmpty { throw StoreError.implausible(path: path, problems: problems) }
    }

    /// `o` with every value that equals the stored one to 1e-12 relative removed (set to missing).
    static func droppingNoise(_ o: DailyObservation, against old: DailyObservation) -> DailyObservation {
        func same(_ a: Double?, _ b: Double?) -> Bool {
            guard let a, let b else { return false }
            return abs(a - b) <= 1e-12 * max(abs(a), abs(b))
        }
        var r = o
        if same(old.priceUSD, o.priceUSD) { r.priceUSD = nil }
        if same(old.blockCount, o.blockCount) { r.blockCount = nil }
        if same(old.difficulty, o.difficulty) { r.difficulty = nil }
        if same(old.hashRateHs, o.hashRateHs) { r.hashRateHs = nil }
        if same(old.feesBTC, o.feesBTC) { r.feesBTC = nil }
        if same(old.issuanceBTC, o.issuanceBTC) { r.issuanceBTC = nil }
        return r
    }

    /// (field, stored value, incoming value) for every field, as Doubles.
    static func pairs(_ a: DailyObservation, _ b: DailyObservation) -> [(DailyObservation.Field, Double?, Double?)] {
        [(.priceUSD, a.priceUSD, b.priceUSD), (.blockCount, a.blockCount, b.blockCount), (.difficulty, a.difficulty, b.difficulty),
         (.hashRateHs, a.hashRateHs, b.hashRateHs), (.feesBTC, a.feesBTC, b.feesBTC), (.issuanceBTC, a.issuanceBTC, b.issuanceBTC),
         (.heightEnd, a.heightEnd.map(Double.init), b.heightEnd.map(Double.init))]
    }

    /// Binds `rows` to a multi-row INSERT (parameters 8k+1…8k+8 for row k) and steps it once; the dates are copied into
    /// one buffer that stays pinned until the step (SQLITE_STATIC binding, as `bindAndRun(_:iso:_:db:)`).
    static func bindAndRun(_ st: Statement, _ rows: [(iso: String, o: DailyObservation)], db: Database) throws {
        let s = st.sqliteStatement
        sqlite3_reset(s)
        var dates = [CChar](repeating: 0, count: 10 * rows.count)
        for (k, r) in rows.enumerated() {
            var j = 10 * k
            for c in r.iso.utf8 { dates[j] = CChar(bitPattern: c); j += 1 }   // 10 bytes: checked by the caller
        }
        try dates.withUnsafeBufferPointer { d in
            var rc: Int32 = SQLITE_OK
            for (k, r) in rows.enumerated() {
                let b = Int32(8 * k), o = r.o
                rc |= sqlite3_bind_text(s, b + 1, d.baseAddress! + 10 * k, 10, nil)
                func bind(_ i: Int32, _ v: Double?) -> Int32 { v.map { sqlite3_bind_double(s, b + i, $0) } ?? sqlite3_bind_null(s, b + i) }
                rc |= bind(2, o.priceUSD); rc |= bind(3, o.blockCount); rc |= bind(4, o.difficulty); rc |= bind(5, o.hashRateHs)
                rc |= bind(6, o.feesBTC); rc |= bind(7, o.issuanceBTC)
                rc |= o.heightEnd.map { sqlite3_bind_int64(s, b + 8, Int64($0)) } ?? sqlite3_bind_null(s, b + 8)
            }
            guard rc == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "bind failed") }
            let step = sqlite3_step(s)
            guard step == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: step), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            sqlite3_reset(s)
        }
    }

    /// Binds an observation straight to the SQLite statement (parameters 1...8) and steps it.
    /// Hand-bound rather than through `StatementArguments` because bulk ingest (10^6 rows) spends most of its time here.
    static func bindAndRun(_ st: Statement, iso: String, _ o: DailyObservation, db: Database) throws {
        let s = st.sqliteStatement
        sqlite3_reset(s)
        var iso = iso
        // SQLITE_STATIC binding is safe: the statement is stepped and reset inside this closure.
        try iso.withUTF8 { u in
        var rc = sqlite3_bind_text(s, 1, UnsafeRawPointer(u.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(u.count), nil)
        func bind(_ i: Int32, _ v: Double?) -> Int32 { v.map { sqlite3_bind_double(s, i, $0) } ?? sqlite3_bind_null(s, i) }
        rc |= bind(2, o.priceUSD); rc |= bind(3, o.blockCount); rc |= bind(4, o.difficulty); rc |= bind(5, o.hashRateHs)
        rc |= bind(6, o.feesBTC); rc |= bind(7, o.issuanceBTC)
        rc |= o.heightEnd.map { sqlite3_bind_int64(s, 8, Int64($0)) } ?? sqlite3_bind_null(s, 8)
        guard rc == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: "bind failed") }
        let step = sqlite3_step(s)
        guard step == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: step), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        sqlite3_reset(s)
        }
    }
}
