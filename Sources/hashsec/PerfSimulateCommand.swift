import ArgumentParser
import Foundation
import Perf
import Simulate

struct PerfSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Benchmark the Monte Carlo engine: path-days/s on 1 and 2 threads, speed-up, wall time, peak RSS.",
        discussion: """
        Runs the full model (Merton price, lagged hash-rate response, fees, blocks/retargets/halvings, token cash flows,
        per-day histograms) on the reference synthetic calibration and the S21-class example deal. Use a release build:
          swift build -c release && source scripts/env.sh

        Each thread count runs --repeat times (alternating); the summary gives the best and the median wall time, since a
        shared machine's neighbours can slow single runs by tens of percent (a CPU time well above the 1-thread one is the
        sign). The SPEC §11 target is checked against the best.

        The first line names the CPU (/proc/cpuinfo) and the kernel variant in use: the best this CPU runs, or the one
        HASHSEC_KERNEL=portable|avx2|avx512 selects (all give the same bits; e.g. HASHSEC_KERNEL=avx2 measures the AVX2
        build on an AVX-512 machine; a variant the CPU lacks is refused, exit 64).

        Examples:
          .build/release/hashsec perf simulate
          HASHSEC_KERNEL=avx2 .build/release/hashsec perf simulate
          .build/release/hashsec perf simulate --repeat 5
          .build/release/hashsec perf simulate --paths 20000 --days 365 --repeat 1
          .build/release/hashsec perf simulate --accuracy --paths 20000 --threads 2
        """
    )
    @Option(help: "Paths.") var paths: Int = 100_000
    @Option(help: "Days.") var days: Int = 1095
    @Option(help: "Thread counts to measure, comma-separated.") var threads: String = "1,2"
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Paths per generator block.") var block: Int = 16
    @Option(help: "Runs per thread count.") var `repeat`: Int = 3
    @Flag(help: "Instead of the timing table: the PV mean's standard error at equal wall time, antithetic pairs alone vs with control variates on the parameter draws (on --deal).")
    var accuracy = false
    @Option(help: "Deal for --accuracy.") var deal: String = "datasets/deals/s21-token.yaml"
    @Option(help: "--accuracy: Sobol configurations to compare (randomized QMC), comma-separated K or K:H (K price, H hash-rate Brownian-bridge dimensions).")
    var sobolDimensions: String = "8,32,64,32:8,32:32"
    @Option(help: "--accuracy: Sobol replicates (independent randomizations).") var sobolReplicates: Int = Sampling.defaultReplicates
    @Option(help: "--accuracy: seeds (seed, seed+1, …) each method runs on; the SEs are pooled (root mean square) and the means averaged.")
    var seeds: Int = 1

    func run() throws {
        try guarded {
            let ts = threads.split(separator: ",").compactMap { Int($0) }
            guard !ts.isEmpty, ts.allSatisfy({ $0 >= 1 }), paths >= 2, days >= 1 else { throw ValidationError("bad --paths/--days/--threads") }
            guard `repeat` >= 1 else { throw ValidationError("--repeat must be ≥ 1") }
            print(try PerfSimulate.machine())
            if accuracy {
                let a = try PerfSimulate.accuracy(dealPath: deal, paths: paths, seed: seed, threads: ts.max()!)
                print(String(format: "accuracy (%@, %d paths = %d antithetic pairs, %d threads): PV mean %.4f, SE %.4f in %.2f s (antithetic pairs alone)",
                             deal, paths, a.pairs, ts.max()!, a.mean, a.stderr, a.seconds))
                print(String(format: "  with %d control variates on the parameter draws (z, z²−1; R² %.3f): PV mean %.4f, SE %.4f in %.2f s",
                             a.controls, a.rSquared, a.cvMean, a.cvStderr, a.cvSeconds))
                print(String(format: "  SE at equal wall time %.2fx smaller (target >= 3x: %@)", a.gainAtEqualTime, a.gainAtEqualTime >= 3 ? "met" : "MISSED"))
                let ks = sobolDimensions.split(separator: ",").map { $0.split(separator: ":").map { Int($0) ?? -1 } }
                guard ks.allSatisfy({ (1...2).contains($0.count) && $0[0] >= 1 && $0.last! >= 0 }), sobolReplicates >= 2 else {
                    throw ValidationError("bad --sobol-dimensions/--sobol-replicates")
                }
                guard seeds >= 1 else { throw ValidationError("--seeds must be ≥ 1") }
                let rows = try PerfSimulate.samplingAccuracy(dealPath: deal, paths: paths, seeds: (0..<UInt64(seeds)).map { seed + $0 }, threads: ts.max()!,
                                                             samplings: [.pseudo] + ks.map { .sobol(bridgeDimensions: $0[0], hashBridgeDimensions: $0.count > 1 ? $0[1] : 0, replicates: sobolReplicates) })
                for r in rows {
                    let g = r.gain(over: rows[0])
                    print(String(format: "  %@: PV mean %.4f, SE %.4f (over %d seeds: SEs %.4f…%.4f, means %.4f…%.4f), %.2f s CPU per run (%.2f s wall); SE at equal CPU time %.2fx smaller%@",
                                 r.label, r.mean, r.stderr, r.seeds, r.stderrRange.0, r.stderrRange.1, r.meanRange.0, r.meanRange.1,
                                 r.cpuSeconds, r.wallSeconds, g, r.label == rows[0].label ? " (reference)" : g >= 3 ? " (target >= 3x: met)" : " (target >= 3x: MISSED)"))
                }
                return
            }
            var all: [PerfSimulate.Row] = []
            for _ in 0..<`repeat` {
                let rows = try PerfSimulate.run(paths: paths, days: days, threads: ts, seed: seed, blockSize: block)
                for r in rows { print(PerfSimulate.line(r)) }
                all += rows
            }
            for l in PerfSimulate.summary(all, paths: paths, days: days, repeats: `repeat`) { print(l) }
        }
    }
}
