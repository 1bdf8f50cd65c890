import ArgumentParser
import Simulate

/// Parses `--shard i/n` (0 ≤ i < n); a shard needs `--out`. Shared by `simulate` and `stress`.
func parseShardOption(_ shard: String?, out: String?) throws -> Shard? {
    guard let s = shard else { return nil }
    guard let sh = Shard(s) else { throw ValidationError("--shard must be i/n with 0 ≤ i < n") }
    guard out != nil else { throw ValidationError("--shard needs --out") }
    return sh
}
