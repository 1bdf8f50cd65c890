import Bitcoin
import FileIO
import Foundation
import Results

/// The shard folders given to `merge`, found, read and checked the same way for `simulate` and `stress` shards (every
/// failure is `SimulateError.shardSet`, exit 77). What is rebuilt from the recorded inputs (the deal and scenario files,
/// parsed by `Config`) is the caller's: `Pipeline.MergeJob`.
public enum ShardSet {
    /// One shard set read and checked: the headers and folders in shard order and their payloads (not yet decoded).
    public struct Contents {
        public var headers: [ShardHeader], dirs: [String], payloads: [Data]
        public var first: ShardHeader { headers[0] }
        /// `<first folder>/<header file>`, the name messages about the recorded inputs use.
        public var label: String
    }

    /// The shard folders of each kind and the output folder: the arguments themselves, or (one argument that is not a
    /// shard) the `shard-i-of-n` and `stress-shard-i-of-n` folders inside it, merged into it unless `out` says otherwise.
    /// `out` nil in the result: the arguments are shards and no output folder was given.
    public static func discover(_ dirs: [String], out: String?) -> (simulate: [String], stress: [String], out: String?) {
        let fm = FileManager.default
        func isShard(_ d: String, _ k: ShardHeader.Kind) -> Bool { fm.fileExists(atPath: (d as NSString).appendingPathComponent(ShardHeader.fileName(k))) }
        if dirs.count == 1, !isShard(dirs[0], .simulate), !isShard(dirs[0], .stress) {
            let all = ((try? fm.contentsOfDirectory(atPath: dirs[0])) ?? []).sorted()
            var sim = all.filter { $0.hasPrefix("shard-") }.map { (dirs[0] as NSString).appendingPathComponent($0) }
            let stress = all.filter { $0.hasPrefix("stress-shard-") }.map { (dirs[0] as NSString).appendingPathComponent($0) }
            if sim.isEmpty && stress.isEmpty { sim = dirs }
            return (sim, stress, out ?? dirs[0])
        }
        let stress = dirs.filter { isShard($0, .stress) }
        return (dirs.filter { !stress.contains($0) }, stress, out)
    }

    /// What a shard writes: its folder (`<out>/shard-i-of-n` or `<out>/stress-shard-i-of-n`) and two files, the header
    /// (`header` with the payload's name, size and SHA-256 filled in) and the payload.
    public static func output(_ header: ShardHeader, payload: Data, out: String) throws -> (folder: String, files: [OutputFile]) {
        var h = header
        h.payload = .init(file: ShardHeader.payloadName(h.kind), bytes: payload.count, sha256: sha256(payload))
        let folder = (out as NSString).appendingPathComponent(ShardHeader.folderName(h.kind, index: h.index, count: h.identity.shardCount))
        return (folder, [OutputFile(ShardHeader.fileName(h.kind), try JSONText.encode(h)), OutputFile(h.payload.file, data: payload)])
    }

    /// Reads every folder's header, checks they are one run's complete set (each index once), that the recorded deal
    /// text, calibration and scenario file hash to the identity's SHA-256, and reads the payloads.
    public static func load(_ dirs: [String], kind: ShardHeader.Kind) throws -> Contents {
        let name = kind == .simulate ? "shard" : "stress shard"
        let infos = try read(dirs, file: ShardHeader.fileName(kind), kind: name)
        guard let first = infos.first?.0 else { throw SimulateError.shardSet("no shard directories given") }
        for (h, d) in infos where h.kind != kind || !h.sameRun(first) {
            throw SimulateError.shardSet("\(d) belongs to a different run than \(infos[0].1) (deal, calibration, seed, paths, model, measure, horizon or shard count differ)")
        }
        let ordered = try ordered(infos.map { ($0.0.index, $0.1) }, count: first.identity.shardCount, kind: name)
        let headers = ordered.map { d in infos.first { $0.1 == d }!.0 }
        let label = "\(infos[0].1)/\(ShardHeader.fileName(kind))"
        let id = first.identity
        func check(_ text: String?, _ sha: String?, _ what: String) throws {
            guard let text, let sha, sha256(Data(text.utf8)) == sha else {
                throw SimulateError.shardSet("\(label): the recorded \(what) does not match its SHA-256")
            }
        }
        try check(first.dealYAML, id.dealSHA256, "deal text")
        try check(first.calibrationJSON, id.calibrationSHA256, "calibration")
        if kind == .stress { try check(first.scenariosYAML, id.scenariosSHA256, "scenario file") }
        // The calibration reference the merged manifest will name must be the calibration the shards ran on.
        for h in headers where h.calibration.map({ $0.sha256 != id.calibrationSHA256 }) ?? false {
            throw SimulateError.shardSet("\(label): the recorded calibration reference does not match the calibration's SHA-256")
        }
        let payloads = try ordered.map { d -> Data in
            let p = (d as NSString).appendingPathComponent(ShardHeader.payloadName(kind))
            // A shard without its results is an incomplete set (77, as documented), not a missing input.
            guard let data = FileManager.default.contents(atPath: p) else {
                throw SimulateError.shardSet("incomplete \(name): \(p) does not exist (shard failed or removed)")
            }
            return data
        }
        return Contents(headers: headers, dirs: ordered, payloads: payloads, label: label)
    }

    /// The simulate shards' outcomes concatenated in path order (each payload decoded and verified, `horizonDays` days).
    public static func mergedSimulate(_ s: Contents) throws -> PartialResult {
        var merged: PartialResult? = nil
        for (k, data) in s.payloads.enumerated() {
            let p = (s.dirs[k] as NSString).appendingPathComponent(ShardHeader.payloadName(.simulate))
            let part: PartialResult
            do { part = try PartialResult(encoded: data) } catch { throw SimulateError.shardSet("\(p): \(error)") }
            try verify(part, data: data, header: s.headers[k], path: p)
            guard part.daily.hashpriceUSD.days == s.first.identity.horizonDays else {
                throw SimulateError.shardSet("\(p) holds \(part.daily.hashpriceUSD.days) days, expected \(s.first.identity.horizonDays)")
            }
            if merged == nil { merged = part } else { try merged!.append(part) }
        }
        return merged!
    }

    /// The stress shards' outcomes per run of the plan (`runCount` of them), each concatenated in path order.
    public static func mergedStress(_ s: Contents, runCount: Int) throws -> [PartialResult] {
        var merged: [PartialResult] = []
        for (k, data) in s.payloads.enumerated() {
            let p = (s.dirs[k] as NSString).appendingPathComponent(ShardHeader.payloadName(.stress))
            let parts: [PartialResult]
            do { parts = try PartialResult.decode(scenarios: data, count: runCount) } catch SimulateError.badShard(let m) {
                throw SimulateError.shardSet("\(p): \(m)")
            }
            for part in parts { try verify(part, data: data, header: s.headers[k], path: p) }
            if merged.isEmpty { merged = parts } else {
                for i in merged.indices { do { try merged[i].append(parts[i]) } catch { throw SimulateError.shardSet("\(p): \(error)") } }
            }
        }
        return merged
    }

    /// After a payload decoded: its size and SHA-256 against the header (a flipped bit or a NaN written into a valid
    /// layout), and its paths against the shard's range.
    static func verify(_ part: PartialResult, data: Data, header h: ShardHeader, path: String) throws {
        guard data.count == h.payload.bytes, sha256(data) == h.payload.sha256 else {
            throw SimulateError.shardSet("\(path): the payload does not match the SHA-256 its shard recorded (changed or damaged after the shard wrote it)")
        }
        let expect = MonteCarlo.shardRange(index: h.index, of: h.identity.shardCount, total: h.identity.paths)
        guard part.firstPath == expect.lowerBound, part.count == expect.count else {
            throw SimulateError.shardSet("\(path) holds paths \(part.firstPath)..<\(part.firstPath + part.count), expected \(expect)")
        }
    }

    static func sha256(_ d: Data) -> String { SHA256.hex(SHA256.hash([UInt8](d))) }

    /// Decodes `file` (`shard.json` / `stress-shard.json`) in every directory; `kind` names the shard in messages.
    static func read(_ dirs: [String], file: String, kind: String) throws -> [(ShardHeader, String)] {
        try dirs.map { d in
            let path = (d as NSString).appendingPathComponent(file)
            // A named shard without its file (never run, failed, or deleted) is an incomplete set, like a missing index.
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SimulateError.shardSet("missing \(kind): \(path) does not exist (shard not run, failed or removed)")
            }
            guard let info = try? JSONText.decode(ShardHeader.self, from: data) else { throw SimulateError.shardSet("\(path) is not a valid \(file)") }
            return (info, d)
        }
    }

    /// The directories in shard order, given each one's index: every index 0..<count exactly once.
    static func ordered(_ shards: [(index: Int, dir: String)], count n: Int, kind: String) throws -> [String] {
        var byIndex: [Int: String] = [:]
        for s in shards {
            if let prev = byIndex[s.index] { throw SimulateError.shardSet("\(kind) \(s.index)/\(n) given twice (\(prev), \(s.dir))") }
            byIndex[s.index] = s.dir
        }
        let missing = (0..<n).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw SimulateError.shardSet("incomplete set: missing \(kind)(s) \(missing.map { "\($0)/\(n)" }.joined(separator: ", "))")
        }
        return (0..<n).map { byIndex[$0]! }
    }
}
