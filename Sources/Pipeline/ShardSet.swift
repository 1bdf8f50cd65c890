import FileIO
import Foundation

/// The shard directories given to `merge`, read and checked the same way for `simulate` and `stress` shards
/// (every failure exits 77: see `PipelineError.shardMismatch`).
enum ShardSet {
    /// Decodes `file` (`shard.json` / `stress-shard.json`) in every directory; `kind` names the shard in messages.
    static func read<Info: Decodable>(_ dirs: [String], file: String, kind: String, as type: Info.Type) throws -> [(Info, String)] {
        try dirs.map { d in
            let path = (d as NSString).appendingPathComponent(file)
            // A named shard without its file (never run, failed, or deleted) is an incomplete set, like a missing index.
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PipelineError.shardMismatch("missing \(kind): \(path) does not exist (shard not run, failed or removed)")
            }
            guard let info = try? JSONText.decode(Info.self, from: data) else { throw PipelineError.shardMismatch("\(path) is not a valid \(file)") }
            return (info, d)
        }
    }

    /// The directories in shard order, given each one's index: every index 0..<count exactly once.
    static func ordered(_ shards: [(index: Int, dir: String)], count n: Int, kind: String) throws -> [String] {
        var byIndex: [Int: String] = [:]
        for s in shards {
            if let prev = byIndex[s.index] { throw PipelineError.shardMismatch("\(kind) \(s.index)/\(n) given twice (\(prev), \(s.dir))") }
            byIndex[s.index] = s.dir
        }
        let missing = (0..<n).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw PipelineError.shardMismatch("incomplete set: missing \(kind)(s) \(missing.map { "\($0)/\(n)" }.joined(separator: ", "))")
        }
        return (0..<n).map { byIndex[$0]! }
    }
}
