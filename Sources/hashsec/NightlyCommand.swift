import ArgumentParser
import Foundation
import Nightly
import Pipeline

struct NightlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "Run the whole chain unattended: ingest, quality gate, benchmark, calibrate, simulate/stress, report, publish.",
        discussion: """
        Safe from cron: takes a lock on <reports_dir>/.nightly.lock (a second run exits at once with code 75),
        stops with code 76 when the data-quality gate fails (stale or invalid data; nothing is published), writes
        the run into <reports_dir>/.tmp-<run-id>/ and renames it to <reports_dir>/<run-id>/ only when complete, then
        switches <reports_dir>/latest atomically and rewrites <reports_dir>/index.html (run history, newest first).
        A crash leaves the previous reports intact; the next run removes stale temp folders.
        Logs are JSON lines (ts, level, stage, message, metadata) on stderr or --log-file; a progress bar is drawn
        only when stderr is a terminal.

        Examples:
          hashsec nightly datasets/nightly.yaml
          hashsec nightly /etc/hashsec/nightly.yaml --log-file /var/log/hashsec/nightly.jsonl
          hashsec nightly datasets/nightly.yaml --today 2026-03-25
        """)

    @Argument(help: "Nightly configuration YAML (see datasets/nightly.yaml).")
    var config: String

    @Option(help: "Date the staleness gate measures against: system, data (the last stored date) or YYYY-MM-DD (overrides the config's `today`).")
    var today: String?

    @Option(help: "Append JSON-lines logs to this file instead of stderr.")
    var logFile: String?

    func run() throws {
        try guarded {
            let r = try NightlyJob.run(.init(configPath: config, today: today, logFile: logFile, version: HashsecVersion.string,
                                             commandLine: CommandLine.arguments.joined(separator: " "),
                                             observers: NightlyPause.fromEnvironment().map { [$0] } ?? []))
            print("run: \(r.runID)\(r.flagged > 0 ? " (\(r.flagged) changes flagged)" : "")")
            let cwd = FileManager.default.currentDirectoryPath + "/"
            print("report: \(r.reportPath.hasPrefix(cwd) ? String(r.reportPath.dropFirst(cwd.count)) : r.reportPath)")
            if let nb = r.notebookPath { print("notebook: \(nb)") }
        }
    }
}
