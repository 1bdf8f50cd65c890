import Domain
import Foundation
import GRDB

/// Hashprice forward curves (`curves`, `curve_revisions`): one row per (quote date, unit, month), upserted by that key.
extension HistoryStore {
    /// Applies one curve file's levels in ONE transaction: new (quote date, unit, month) keys are inserted, a changed
    /// level of an existing key is updated and logged in `curve_revisions`, and the file is recorded in
    /// `ingested_files`. Every level is checked with `CurvePoint.plausibilityProblems` before anything is written.
    ///
    /// Counts in the returned summary are points (`newRows` new, `revisedRows` = `revisedValues` revised, `unchangedRows`).
    /// - Returns: nil (and writes nothing) when a file with this `sha256` was already ingested.
    public func applyCurve(_ points: [CurvePoint], path filePath: String, sha256: String, format: String,
                           limits: DailyObservation.PlausibilityLimits? = nil) throws -> ApplySummary? {
        let limits = limits ?? .ingest(today: Day(unixSeconds: Int64(Date().timeIntervalSince1970)))
        var problems: [DailyObservation.PlausibilityProblem] = []
        for p in points {
            for q in p.plausibilityProblems(limits) {
                problems.append(.init(date: p.quoteDate, field: nil, reason: "\(p.month.iso): \(q.column): \(q.reason)"))
            }
        }
        if !problems.isEmpty { throw StoreError.implausible(path: path, problems: problems) }
        return try wrap("curve write") {
            try db.write { db -> ApplySummary? in
                if try Int.fetchOne(db, sql: "SELECT 1 FROM ingested_files WHERE sha256 = ?", arguments: [sha256]) != nil { return nil }
                var summary = ApplySummary()
                let now = HistoryStore.nowUTC()
                for p in points {
                    let q = HistoryStore.isoDate(p.quoteDate), u = p.unit.rawValue, m = p.month.iso
                    let old = try DatabaseValue.fetchOne(db, sql: "SELECT level FROM curves WHERE quote_date = ? AND unit = ? AND month = ?",
                                                         arguments: [q, u, m])
                    guard let old else {
                        try db.execute(sql: "INSERT INTO curves (quote_date, unit, month, level) VALUES (?, ?, ?, ?)", arguments: [q, u, m, p.level])
                        summary.newRows += 1
                        continue
                    }
                    guard let o = Double.fromDatabaseValue(old) else {
                        throw StoreError.corruptRow(path: self.path, table: "curves", reason: "\(q) \(u) \(m): level is not a number")
                    }
                    if o == p.level { summary.unchangedRows += 1; continue }
                    try db.execute(sql: "UPDATE curves SET level = ? WHERE quote_date = ? AND unit = ? AND month = ?", arguments: [p.level, q, u, m])
                    try db.execute(sql: "INSERT INTO curve_revisions (quote_date, unit, month, old, new, file_sha256, utc) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [q, u, m, o, p.level, sha256, now])
                    summary.revisedRows += 1; summary.revisedValues += 1
                }
                try db.execute(sql: "INSERT INTO ingested_files (path, sha256, format, rows, ingested_utc) VALUES (?, ?, ?, ?, ?)",
                               arguments: [filePath, sha256, format, points.count, now])
                return summary
            }
        }
    }

    /// The stored quote dates of `unit`, ascending.
    public func curveQuoteDates(unit: CurveUnit = .usd) throws -> [Day] {
        try wrap("read curves") {
            try db.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT quote_date FROM curves WHERE unit = ? ORDER BY quote_date", arguments: [unit.rawValue])
                    .map { s in
                        guard s.utf8.count == 10, let d = Day(iso: s) else {
                            throw StoreError.corruptRow(path: self.path, table: "curves", reason: "bad quote date \(s)")
                        }
                        return d
                    }
            }
        }
    }

    /// The curve of `unit` with the latest quote date on or before `day` (the curve a run as of `day` could have seen),
    /// nil when there is none.
    public func curve(onOrBefore day: Day, unit: CurveUnit = .usd) throws -> ForwardCurve? {
        guard let q = try curveQuoteDates(unit: unit).last(where: { $0 <= day }) else { return nil }
        return try curve(quoteDate: q, unit: unit)
    }

    /// The curve of `unit` quoted on `quoteDate`, nil when none. Rows are checked with the writer's rules
    /// (`StoreError.corruptRow` for one written behind hashsec's back).
    public func curve(quoteDate: Day, unit: CurveUnit = .usd) throws -> ForwardCurve? {
        try wrap("read curves") {
            try db.read { db -> ForwardCurve? in
                let rows = try Row.fetchAll(db, sql: "SELECT month, level, typeof(month) = 'text', typeof(level) IN ('real', 'integer') FROM curves WHERE quote_date = ? AND unit = ? ORDER BY month",
                                            arguments: [HistoryStore.isoDate(quoteDate), unit.rawValue])
                guard !rows.isEmpty else { return nil }
                var months: [YearMonth] = [], levels: [Double] = []
                for r in rows {
                    // The types are checked in SQL, then read by typed subscripts: `String.fromDatabaseValue(r[i])` here crashed the
                    // Swift 6.x optimizer in release builds ("Found ownership error", CopyPropagation).
                    let typed: Bool = r[2] && r[3]
                    let ms: String? = typed ? r[0] : nil, lv: Double? = typed ? r[1] : nil
                    guard let ms, let m = YearMonth(iso: ms), let lv else {
                        throw StoreError.corruptRow(path: self.path, table: "curves", reason: "\(quoteDate.iso) \(unit.rawValue): bad month or level")
                    }
                    let p = CurvePoint(quoteDate: quoteDate, month: m, unit: unit, level: lv)
                    if let bad = p.plausibilityProblems(.stored).first {
                        throw StoreError.corruptRow(path: self.path, table: "curves", reason: "\(quoteDate.iso) \(m.iso): \(bad) (written outside hashsec: "
                                                    + "re-ingest your files into a new store)")
                    }
                    if let last = months.last, last >= m {
                        throw StoreError.corruptRow(path: self.path, table: "curves", reason: "\(quoteDate.iso): month \(m.iso) out of order")
                    }
                    months.append(m); levels.append(lv)
                }
                return ForwardCurve(quoteDate: quoteDate, unit: unit, months: months, levels: levels)
            }
        }
    }
}
