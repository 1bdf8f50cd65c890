import Domain
import GRDB

extension HistoryStore {
    /// Daily observations with `from ≤ date ≤ through` (either bound optional), ordered by date.
    public func observations(from: Day? = nil, through: Day? = nil) throws -> [DailyObservation] {
        try wrap("read daily") {
            try db.read { db in try HistoryStore.fetchDaily(db, from: from, through: through, path: path) }
        }
    }

    /// First and last stored date, nil for an empty store.
    public func dateRange() throws -> ClosedRange<Day>? {
        let row: Row? = try wrap("read date range") {
            try db.read { try Row.fetchOne($0, sql: "SELECT MIN(date), MAX(date) FROM daily") }
        }
        guard let row, let lo: String = row[0], let hi: String = row[1] else { return nil }
        guard let a = Day(iso: lo), let b = Day(iso: hi) else {
            throw StoreError.corruptRow(path: path, table: "daily", reason: "bad date \(lo) or \(hi)")
        }
        return a...b
    }

    /// The newest day holding every value the model needs (`DailyObservation.isComplete`: price, block count,
    /// difficulty, hash rate, fees, issuance), nil when there is none. Later days are partial rows still being filled.
    public func lastCompleteDay() throws -> Day? {
        let s: String? = try wrap("read last complete day") {
            try db.read {
                try String.fetchOne($0, sql: """
                    SELECT MAX(date) FROM daily WHERE price_usd IS NOT NULL AND block_count IS NOT NULL AND difficulty IS NOT NULL
                      AND hash_rate_hs IS NOT NULL AND fees_btc IS NOT NULL AND issuance_btc IS NOT NULL
                    """)
            }
        }
        guard let s else { return nil }
        guard let d = Day(iso: s) else { throw StoreError.corruptRow(path: path, table: "daily", reason: "bad date \(s)") }
        return d
    }

    /// Number of rows in `daily`.
    public func observationCount() throws -> Int {
        try wrap("count daily") { try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM daily") ?? 0 } }
    }

    static func fetchDaily(_ db: Database, from: Day?, through: Day?, path: String) throws -> [DailyObservation] {
        var sql = "SELECT date, price_usd, block_count, difficulty, hash_rate_hs, fees_btc, issuance_btc, height_end FROM daily"
        var conds: [String] = []
        var args: [String] = []
        if let from { conds.append("date >= ?"); args.append(isoDate(from)) }
        if let through { conds.append("date <= ?"); args.append(isoDate(through)) }
        if !conds.isEmpty { sql += " WHERE " + conds.joined(separator: " AND ") }
        sql += " ORDER BY date"
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
        var out: [DailyObservation] = []
        while let r = try cursor.next() {
            let s: String = r[0]
            guard let d = Day(iso: s), s.utf8.count == 10 else { throw StoreError.corruptRow(path: path, table: "daily", reason: "bad date \(s)") }
            let o = DailyObservation(date: d, priceUSD: r[1], blockCount: r[2], difficulty: r[3], hashRateHs: r[4],
                                     feesBTC: r[5], issuanceBTC: r[6], heightEnd: r[7])
            // The writer's rules (SPEC §2), so a row the store accepted is always readable and nothing else is.
            var problems = o.plausibilityProblems(.stored)
            if let prev = out.last { problems += o.plausibilityProblems(after: prev) }
            if let p = problems.first {
                throw StoreError.corruptRow(path: path, table: "daily", reason: "\(p) (written outside hashsec or by an older version: "
                                            + "re-ingest your files into a new store)")
            }
            out.append(o)
        }
        return out
    }

    /// `YYYY-MM-DD` for years 0...9999, built without Foundation (hot path of bulk ingest).
    static func isoDate(_ d: Day) -> String {
        let c = d.civil
        guard c.year >= 0, c.year <= 9999 else { return d.iso }
        let y = c.year, m = c.month, dd = c.day
        return String(unsafeUninitializedCapacity: 10) { buf in
            buf[0] = UInt8(48 + y / 1000); buf[1] = UInt8(48 + (y / 100) % 10)
            buf[2] = UInt8(48 + (y / 10) % 10); buf[3] = UInt8(48 + y % 10); buf[4] = 45
            buf[5] = UInt8(48 + m / 10); buf[6] = UInt8(48 + m % 10); buf[7] = 45
            buf[8] = UInt8(48 + dd / 10); buf[9] = UInt8(48 + dd % 10)
            return 10
        }
    }
}
