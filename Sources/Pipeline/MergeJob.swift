import Config
import Domain
import Foundation
import Simulate

/// `hashsec merge`: checks that shard directories form one complete run, concatenates their per-path outcomes in path
/// order, adds their histograms, and writes the single-run files (byte-identical to `simulate` without `--shard`).
public enum MergeJob {
    public struct Result { public var summaryText: String; public var shards: Int; public var paths: Int }

    public static func run(shardDirs: [String], out: String) throws -> Result {
        guard !shardDirs.isEmpty else { throw PipelineError.shardMismatch("no shard directories given") }
        let infos = try ShardSet.read(shardDirs, file: "shard.json", kind: "shard", as: SimulateShardFile.self)
        let first = infos[0].0
        for (i, d) in infos {
            guard i.identity == first.identity, i.dealName == first.dealName, i.asOf == first.asOf, i.offset == first.offset,
                  i.tokenDays == first.tokenDays, i.termDays == first.termDays, i.priceUSD == first.priceUSD, i.pathsCSV == first.pathsCSV, i.dealYAML == first.dealYAML,
                  i.curve == first.curve else {
                throw PipelineError.shardMismatch("\(d) belongs to a different run than \(infos[0].1) (deal, calibration, seed, paths, model, measure, horizon or shard count differ)")
            }
        }
        let n = first.identity.shardCount
        let ordered = try ShardSet.ordered(infos.map { ($0.0.index, $0.1) }, count: n, kind: "shard")
        var merged: PartialResult? = nil
        for k in 0..<n {
            let bp = (ordered[k] as NSString).appendingPathComponent("partial.bin")
            // A shard without its results is an incomplete set (77, as documented), not a missing input.
            guard let data = FileManager.default.contents(atPath: bp) else {
                throw PipelineError.shardMismatch("incomplete shard: \(bp) does not exist (shard failed or removed)")
            }
            let part: PartialResult
            do { part = try PartialResult(encoded: data) } catch { throw PipelineError.shardMismatch("\(bp): \(error)") }
            let expect = MonteCarlo.shardRange(index: k, of: n, total: first.identity.paths)
            guard part.firstPath == expect.lowerBound, part.count == expect.count, part.daily.hashpriceUSD.days == first.identity.horizonDays else {
                throw PipelineError.shardMismatch("\(bp) holds paths \(part.firstPath)..<\(part.firstPath + part.count), expected \(expect)")
            }
            if merged == nil { merged = part } else { try merged!.append(part) }
        }
        var identity = first.identity
        identity.shardCount = 1
        let schedule = DealSchedule(asOf: first.asOf, offset: first.offset, tokenDays: first.tokenDays, horizonDays: identity.horizonDays,
                                    termDays: first.termDays)
        guard SimulateJob.sha256(Data(first.dealYAML.utf8)) == identity.dealSHA256 else {
            throw PipelineError.shardMismatch("\(infos[0].1)/shard.json: the recorded deal text does not match its SHA-256")
        }
        let (structure, leverage): (StructureSpec?, LeverageSpec?)
        do { (structure, leverage) = try DealFile.parseStructures(text: first.dealYAML, file: "\(infos[0].1)/shard.json deal_yaml") } catch {
            throw PipelineError.shardMismatch("\(error)")
        }
        let ctx = SimulationOutputs.Context(dealName: first.dealName, identity: identity, schedule: schedule, priceUSD: first.priceUSD,
                                            pathsCSV: first.pathsCSV, structure: structure, leverage: leverage, curve: first.curve)
        let rendered = SimulationOutputs.render(merged!, ctx)
        let manifest = SimulationOutputs.json([
            "command": "merge", "version": "hashsec 0.1", "created_utc": ISO8601DateFormatter().string(from: Date()),
            "inputs": shardDirs.map { ["path": $0] }, "seed": NSNumber(value: identity.seed), "paths": identity.paths,
            "rng": PathGenerator.rngDescription, "shard": "merged \(n)", "parameters": try JSONSerialization.jsonObject(with: JSONEncoder().encode(identity)),
            "term_days": schedule.termDays, "truncated": schedule.truncated,
        ] as [String: Any])
        try SimulateJob.writeFiles(rendered.files + [("manifest.json", manifest)], binary: nil, to: out)
        let text = SimulateJob.summaryLine(rendered, dealName: first.dealName, priceUSD: first.priceUSD, seconds: nil)
        return Result(summaryText: text, shards: n, paths: merged!.count)
    }
}
