import ArgumentParser

@main
struct Hashsec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hashsec",
        abstract: "Price and stress-test tokenized Bitcoin mining hashrate.",
        discussion: """
        Pipeline: ingest → benchmark → calibrate → simulate / stress → report; `nightly` runs it all.
        Exit codes are listed in README.md ("Exit codes").
        """,
        version: HashsecVersion.string,
        subcommands: [
            IngestCommand.self, BenchmarkCommand.self, CalibrateCommand.self, SimulateCommand.self,
            StressCommand.self, BacktestCommand.self, ReportCommand.self, NightlyCommand.self, MergeCommand.self,
            BenchHashCommand.self, SynthCommand.self, PerfCommand.self, CalcCommand.self,
        ]
    )
}

enum HashsecVersion {
    static let string = "0.1.0"
}

/// `--db PATH`, shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite store (created if absent, WAL mode).")
    var db: String = "hashsec.sqlite"
}
