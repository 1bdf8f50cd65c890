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
            var shardDirs = dirs
            var stressDirs: [String] = []
            var dest = out
            if dirs.count == 1, !FileManager.default.fileExists(atPath: dirs[0] + "/shard.json"),
               !FileManager.default.fileExists(atPath: dirs[0] + "/stress-shard.json") {
                let all = ((try? FileManager.default.contentsOfDirectory(atPath: dirs[0])) ?? []).sorted()
                shardDirs = all.filter { $0.hasPrefix("shard-") }.map { dirs[0] + "/" + $0 }
                stressDirs = all.filter { $0.hasPrefix("stress-shard-") }.map { dirs[0] + "/" + $0 }
                if shardDirs.isEmpty && stressDirs.isEmpty { shardDirs = dirs }
                dest = dest ?? dirs[0]
            } else {
                stressDirs = shardDirs.filter { FileManager.default.fileExists(atPath: $0 + "/stress-shard.json") }
                shardDirs = shardDirs.filter { !stressDirs.contains($0) }
            }
            guard let d = dest else { throw ValidationError("give --out DIR") }
            if !shardDirs.isEmpty {
                let r = try MergeJob.run(shardDirs: shardDirs, out: d)
                print(r.summaryText)
                print("merged \(r.shards) shard(s), \(r.paths) paths into \(d)")
            }
            if !stressDirs.isEmpty {
                let r = try StressJob.merge(shardDirs: stressDirs, out: d)
                print(r.text)
                print("merged \(stressDirs.count) stress shard(s) into \(d)/stress.csv, \(d)/stress.json")
            }
        }
    }
}
import Foundation
