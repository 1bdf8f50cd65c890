import GRDB

extension HistoryStore {
    /// Inserts or replaces the run with `run.runID`.
    public func recordRun(_ run: RunRecord) throws {
        try wrap("record run") {
            try db.write { db in
                try db.execute(sql: """
                    INSERT INTO runs (run_id, started_utc, finished_utc, status, config_sha256, report_path, summary_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(run_id) DO UPDATE SET started_utc = excluded.started_utc, finished_utc = excluded.finished_utc,
                      status = excluded.status, config_sha256 = excluded.config_sha256, report_path = excluded.report_path,
                      summary_json = excluded.summary_json
                    """, arguments: [run.runID, run.startedUTC, run.finishedUTC, run.status, run.configSHA256,
                                     run.reportPath, run.summaryJSON])
            }
        }
    }

    /// Runs, newest first (by start time, then run id).
    public func runs(limit: Int? = nil) throws -> [RunRecord] {
        try wrap("read runs") {
            try db.read { db in
                var sql = "SELECT run_id, started_utc, finished_utc, status, config_sha256, report_path, summary_json FROM runs ORDER BY started_utc DESC, run_id DESC"
                if let limit { sql += " LIMIT \(max(0, limit))" }
                return try Row.fetchAll(db, sql: sql).map { r in
                    RunRecord(runID: r[0], startedUTC: r[1], finishedUTC: r[2], status: r[3], configSHA256: r[4],
                              reportPath: r[5], summaryJSON: r[6])
                }
            }
        }
    }
}
