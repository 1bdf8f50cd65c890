import ArgumentParser
import Pipeline

struct PerfIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Time ingest of a synthetic tidy CSV into a fresh SQLite store (target: 10^6 rows ≤ 3 s).",
        discussion: """
        Generates the file in a temp dir first (not timed), then times parse + validation + the one-transaction
        insert. Run a release build:
          swift build -c release && .build/release/hashsec perf ingest
          .build/release/hashsec perf ingest --rows 200000
        """
    )

    @Option(help: "Number of daily rows to generate.")
    var rows: Int = 1_000_000

    func validate() throws {
        guard rows > 0, rows <= 3_000_000 else { throw ValidationError("--rows must be in 1...3000000 (distinct days from year 1)") }
    }

    func run() throws {
        try guarded {
            let r = try IngestJob.perf(rows: rows)
            let rate = Double(rows) / r.seconds
            print(try PerfSimulate.machine())
            print("perf ingest: \(rows) rows (\(r.fileBytes / 1_000_000) MB tidy CSV) in \(String(format: "%.3f", r.seconds)) s (parse \(String(format: "%.3f", r.parseSeconds)) s, store \(String(format: "%.3f", r.seconds - r.parseSeconds)) s) = \(Int(rate.rounded())) rows/s (target 1000000 rows ≤ 3 s: \(rows >= 1_000_000 && r.seconds <= 3 ? "met" : rows >= 1_000_000 ? "MISSED" : "n/a"))")
            print("  steps: " + r.steps.map { "\($0.step) \(String(format: "%.3f", $0.seconds)) s" }.joined(separator: ", ")
                  + String(format: "; CPU %.3f s (wall above CPU: I/O or a busy machine)", r.cpuSeconds))
        }
    }
}
