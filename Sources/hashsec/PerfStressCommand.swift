import ArgumentParser
import Domain
import Foundation
import Perf

struct PerfStressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Time simulation alone vs simulation + waterfall + staking leverage + a stress overlay (target: ≤ +30%).",
        discussion: """
        Runs the same paths three ways (best of --repeats): `simulate`'s Monte Carlo without structures, the stress runner
        without structures, and the stress runner with the deal's waterfall and leverage (taken from the example deals
        when the deal has none) under a −50% price crash. Build with -c release and source scripts/env.sh first.

        Examples:
          swift build -c release && . scripts/env.sh && .build/release/hashsec perf stress --paths 20000
          .build/release/hashsec perf stress --deal datasets/deals/structured-example.yaml --threads 1 --db data/hashsec.sqlite
        """
    )

    @Option(help: "Deal YAML (default: datasets/deals/structured-example.yaml).") var deal: String?
    @Option(help: "Number of paths.") var paths: Int = 20_000
    @Option(help: "Worker threads (default: all cores).") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed repetitions (the best is reported).") var repeats: Int = 3
    @Option(help: "Use only data up to this day (YYYY-MM-DD).", transform: parseDayOption) var asOf: Day?
    @OptionGroup var store: StoreOptions

    func run() throws {
        try guarded {
            guard paths >= 1, threads >= 1, repeats >= 1 else { throw ValidationError("--paths, --threads and --repeats must be ≥ 1") }
            let r = try PerfStress.run(dealPath: deal, dbPath: store.db, asOf: asOf, paths: paths, threads: threads, repeats: repeats)
            print(r.text)
        }
    }
}
