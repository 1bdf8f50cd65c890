import ArgumentParser

/// Parses `--shard i/n` (0 ≤ i < n); a shard needs `--out`. Shared by `simulate` and `stress`.
func parseShardOption(_ shard: String?, out: String?) throws -> (Int, Int)? {
    guard let s = shard else { return nil }
    let parts = s.split(separator: "/").compactMap { Int($0) }
    guard parts.count == 2, parts[1] >= 1, parts[0] >= 0, parts[0] < parts[1] else { throw ValidationError("--shard must be i/n with 0 ≤ i < n") }
    guard out != nil else { throw ValidationError("--shard needs --out") }
    return (parts[0], parts[1])
}
