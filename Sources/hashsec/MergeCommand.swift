import ArgumentParser
import Pipeline

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge `simulate --shard i/n` / `stress --shard i/n` partial results into the single-run outputs (byte-identical).",
        discussion: """
        Checks that every shard belongs to one run (deal and calibration SHA-256, seed, paths, model, measure, horizon,
        shard count) and that the set is complete; otherwise exits 77 (shardMismatch) without writing anything.

        Examples:
          hashsec merge runs/big                       # merges runs/big/shard-*-of-n (and stress-shard-*-of-n) into runs/big
          hashsec merge --out runs/merged runs/big/shard-0-of-2 runs/big/shard-1-of-2
        """
    )
    @Option(help: "Output directory (default: the single directory argument).") var out: String?
    @Argument(help: "Shard directories, or one directory holding shard-i-of-n subdirectories.") var dirs: [String]

    func run() throws {
        try guarded {
            for line in try MergeJob.run(dirs: dirs, out: out) { print(line) }
        }
    }
}
