/// Shard `index` of `count` (0-based) of a run (`--shard i/n`): its paths are `paths(of:)`, boundaries on even paths so
/// antithetic pairs stay together. Merging every shard of a run gives the single run's outputs byte for byte.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// nil unless `0 ≤ index < count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 0, index < count else { return nil }
        self.index = index; self.count = count
    }

    /// `"i/n"` as on the command line.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let i = parts[0], let n = parts[1] else { return nil }
        self.init(index: i, count: n)
    }

    /// The shard's paths of a run of `total` paths.
    public func paths(of total: Int) -> Range<Int> { MonteCarlo.shardRange(index: index, of: count, total: total) }

    /// `i/n`.
    public var description: String { "\(index)/\(count)" }
}
