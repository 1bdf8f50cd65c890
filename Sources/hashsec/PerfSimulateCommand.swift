import ArgumentParser
import Foundation
import Pipeline

struct PerfSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Benchmark the Monte Carlo engine: path-days/s on 1 and 2 threads, speed-up, wall time, peak RSS.",
        discussion: """
        Runs the full model (Merton price, lagged hash-rate response, fees, blocks/retargets/halvings, token cash flows,
        per-day histograms) on the reference synthetic calibration and the S21-class example deal. Use a release build:
          swift build -c release && source scripts/env.sh

        Examples:
          .build/release/hashsec perf simulate
          .build/release/hashsec perf simulate --paths 20000 --days 365
        """
    )
    @Option(help: "Paths.") var paths: Int = 100_000
    @Option(help: "Days.") var days: Int = 1095
    @Option(help: "Thread counts to measure, comma-separated.") var threads: String = "1,2"
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Paths per generator block.") var block: Int = 16

    func run() throws {
        try guarded {
            let ts = threads.split(separator: ",").compactMap { Int($0) }
            guard !ts.isEmpty, ts.allSatisfy({ $0 >= 1 }), paths >= 2, days >= 1 else { throw ValidationError("bad --paths/--days/--threads") }
            let rows = try PerfSimulate.run(paths: paths, days: days, threads: ts, seed: seed, blockSize: block)
            for r in rows {
                print(String(format: "threads %d: %.3f s wall (%.3f s CPU), %.3g path-days/s, peak RSS %.0f MB", r.threads, r.seconds, r.cpuSeconds, r.pathDaysPerSecond, r.peakRSSMB))
            }
            if let a = rows.first(where: { $0.threads == 1 }), let b = rows.first(where: { $0.threads == 2 }) {
                print(String(format: "speed-up 2 threads vs 1: %.2fx (load average matters: run on an idle machine)", a.seconds / b.seconds))
            }
        }
    }
}
