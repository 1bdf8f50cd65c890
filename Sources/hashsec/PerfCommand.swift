import ArgumentParser

/// `hashsec perf ...`: throughput benchmarks for the SPEC §11 targets (build with `-c release`).
struct PerfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf",
        abstract: "Benchmarks for the SPEC §11 performance targets (run a release build).",
        subcommands: [PerfIngestCommand.self, PerfSimulateCommand.self, PerfStressCommand.self]
    )
}
