import Config
import Domain
import FileIO
import Foundation
import Results
import Simulate

/// `hashsec merge`: checks that shard folders form one complete run and are intact, then writes the single-run files
/// (byte-identical to the run without `--shard`). Simulate shards concatenate their per-path outcomes in path order and
/// add their histograms; stress shards do the same per scenario.
///
/// **Integrity** (issue 12 item 7, `ShardHeader`): every shard's payload must have the size and SHA-256 its header
/// records, and the recorded deal text, calibration and scenario file must hash to the identity's SHA-256; the deal, the
/// schedule and the stress table's entries are rebuilt from those inputs. Any mismatch exits 77 and writes nothing.
public enum MergeJob {
    public struct Result { public var summaryText: String; public var shards: Int; public var paths: Int }

    /// The shard folders of each kind and the output folder: the arguments themselves, or (one argument that is not a
    /// shard) the `shard-i-of-n` and `stress-shard-i-of-n` folders inside it, merged into it unless `out` says otherwise.
    public static func discover(_ dirs: [String], out: String?) throws -> (simulate: [String], stress: [String], out: String) {
        let fm = FileManager.default
        func isShard(_ d: String, _ k: ShardHeader.Kind) -> Bool { fm.fileExists(atPath: (d as NSString).appendingPathComponent(ShardHeader.fileName(k))) }
        if dirs.count == 1, !isShard(dirs[0], .simulate), !isShard(dirs[0], .stress) {
            let all = ((try? fm.contentsOfDirectory(atPath: dirs[0])) ?? []).sorted()
            var sim = all.filter { $0.hasPrefix("shard-") }.map { (dirs[0] as NSString).appendingPathComponent($0) }
            let stress = all.filter { $0.hasPrefix("stress-shard-") }.map { (dirs[0] as NSString).appendingPathComponent($0) }
            if sim.isEmpty && stress.isEmpty { sim = dirs }
            return (sim, stress, out ?? dirs[0])
        }
        guard let out else { throw PipelineError.invalidArgument("give --out DIR") }
        let stress = dirs.filter { isShard($0, .stress) }
        return (dirs.filter { !stress.contains($0) }, stress, out)
    }

    /// Merges whatever `discover` finds; the printed lines.
    public static func run(dirs: [String], out: String?) throws -> [String] {
        let (sim, stress, dest) = try discover(dirs, out: out)
        var lines: [String] = []
        if !sim.isEmpty {
            let r = try merge(shardDirs: sim, out: dest)
            lines += [r.summaryText, "merged \(r.shards) shard(s), \(r.paths) paths into \(dest)"]
        }
        if !stress.isEmpty {
            let r = try mergeStress(shardDirs: stress, out: dest)
            lines += [r.summaryText, "merged \(stress.count) stress shard(s) into \(dest)/stress.csv, \(dest)/stress.json"]
        }
        return lines
    }

    /// One shard set read and checked: the headers in shard order, the decoded payloads, and the run rebuilt from the
    /// recorded inputs.
    struct ShardSetContents {
        var headers: [ShardHeader], dirs: [String], payloads: [Data]
        var deal: Deal, calibration: Calibration, schedule: DealSchedule, scenarios: [Scenario]
        /// The run's forward curve, forward measure and hedge (solved before the shards ran).
        var curve: CurveContext?
        var first: ShardHeader { headers[0] }
    }

    static func read(_ dirs: [String], kind: ShardHeader.Kind) throws -> ShardSetContents {
        let name = kind == .simulate ? "shard" : "stress shard"
        let infos = try ShardSet.read(dirs, file: ShardHeader.fileName(kind), kind: name, as: ShardHeader.self)
        guard let first = infos.first?.0 else { throw PipelineError.shardMismatch("no shard directories given") }
        for (h, d) in infos where h.kind != kind || !h.sameRun(first) {
            throw PipelineError.shardMismatch("\(d) belongs to a different run than \(infos[0].1) (deal, calibration, seed, paths, model, measure, horizon or shard count differ)")
        }
        let ordered = try ShardSet.ordered(infos.map { ($0.0.index, $0.1) }, count: first.identity.shardCount, kind: name)
        let headers = ordered.map { d in infos.first { $0.1 == d }!.0 }
        let label = "\(infos[0].1)/\(ShardHeader.fileName(kind))"
        let id = first.identity
        func check(_ text: String?, _ sha: String?, _ what: String) throws {
            guard let text, let sha, JobInputs.sha256(text) == sha else {
                throw PipelineError.shardMismatch("\(label): the recorded \(what) does not match its SHA-256")
            }
        }
        try check(first.dealYAML, id.dealSHA256, "deal text")
        try check(first.calibrationJSON, id.calibrationSHA256, "calibration")
        if kind == .stress { try check(first.scenariosYAML, id.scenariosSHA256, "scenario file") }
        let payloads = try ordered.map { d -> Data in
            let p = (d as NSString).appendingPathComponent(ShardHeader.payloadName(kind))
            // A shard without its results is an incomplete set (77, as documented), not a missing input.
            guard let data = FileManager.default.contents(atPath: p) else {
                throw PipelineError.shardMismatch("incomplete \(name): \(p) does not exist (shard failed or removed)")
            }
            return data
        }
        let deal: Deal, cal: Calibration, scenarios: [Scenario], curve: CurveContext?
        do {
            curve = try first.curveJSON.map { try JSONText.decode(CurveContext.self, from: Data($0.utf8)) }
            deal = try DealFile.parse(text: first.dealYAML, file: "\(label) deal_yaml", resolver: .recorded(efficiencyJTH: first.efficiencyJTH))
            cal = try JSONText.decode(Calibration.self, from: Data(first.calibrationJSON.utf8))
            scenarios = try first.scenariosYAML.map { try ScenarioFile.parse(text: $0, file: "\(label) scenarios_yaml") } ?? []
        } catch { throw PipelineError.shardMismatch("\(label): \(error)") }
        let schedule = DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: id.horizonDays)
        guard schedule.horizonDays == id.horizonDays else {
            throw PipelineError.shardMismatch("\(label): the recorded horizon \(id.horizonDays) does not match the deal and calibration")
        }
        guard curve?.plan.statement == id.curve else {
            throw PipelineError.shardMismatch("\(label): the recorded forward curve does not match the run's identity")
        }
        return ShardSetContents(headers: headers, dirs: ordered, payloads: payloads, deal: deal, calibration: cal, schedule: schedule,
                                scenarios: scenarios, curve: curve)
    }

    /// After a payload decoded: its size and SHA-256 against the header (a flipped bit or a NaN written into a valid
    /// layout), and its paths against the shard's range.
    static func verify(_ part: PartialResult, data: Data, header h: ShardHeader, path: String) throws {
        guard data.count == h.payload.bytes, JobInputs.sha256(data) == h.payload.sha256 else {
            throw PipelineError.shardMismatch("\(path): the payload does not match the SHA-256 its shard recorded (changed or damaged after the shard wrote it)")
        }
        let expect = MonteCarlo.shardRange(index: h.index, of: h.identity.shardCount, total: h.identity.paths)
        guard part.firstPath == expect.lowerBound, part.count == expect.count else {
            throw PipelineError.shardMismatch("\(path) holds paths \(part.firstPath)..<\(part.firstPath + part.count), expected \(expect)")
        }
    }

    static func context(_ s: ShardSetContents, pathsCSV: Bool) -> SimulationOutputs.Context {
        var identity = s.first.identity
        identity.shardCount = 1
        return SimulationOutputs.Context(deal: s.deal, identity: identity, schedule: s.schedule, state: s.calibration.initialState,
                                         pathsCSV: pathsCSV, curve: s.curve)
    }

    static func manifest(_ s: ShardSetContents) throws -> OutputFile {
        let m = RunManifest(command: "merge", version: Version.string, createdUTC: Version.now(),
                            inputs: s.dirs.map { .init(path: $0, sha256: nil) }, parameters: s.first.parameters, seed: s.first.identity.seed,
                            rng: PathGenerator.rngDescription + (s.first.identity.sampling.map { "; sampling: \($0)" } ?? ""), paths: s.first.identity.paths, shard: "merged \(s.headers.count)", timings: [:])
        return OutputFile("manifest.json", try JSONText.encode(m))
    }

    /// Merges simulate shards into `out`.
    public static func merge(shardDirs: [String], out: String) throws -> Result {
        guard !shardDirs.isEmpty else { throw PipelineError.shardMismatch("no shard directories given") }
        let s = try read(shardDirs, kind: .simulate)
        var merged: PartialResult? = nil
        for (k, data) in s.payloads.enumerated() {
            let p = (s.dirs[k] as NSString).appendingPathComponent(ShardHeader.payloadName(.simulate))
            let part: PartialResult
            do { part = try PartialResult(encoded: data) } catch { throw PipelineError.shardMismatch("\(p): \(error)") }
            try verify(part, data: data, header: s.headers[k], path: p)
            guard part.daily.hashpriceUSD.days == s.first.identity.horizonDays else {
                throw PipelineError.shardMismatch("\(p) holds \(part.daily.hashpriceUSD.days) days, expected \(s.first.identity.horizonDays)")
            }
            if merged == nil { merged = part } else { try merged!.append(part) }
        }
        let rendered = try SimulationOutputs.render(merged!, context(s, pathsCSV: s.first.pathsCSV))
        try OutputWriter.writeDirectory(rendered.files + [try manifest(s)], to: out)
        return Result(summaryText: SimulationOutputs.summaryLine(rendered, priceUSD: s.deal.token.priceUSD, seconds: nil), shards: s.headers.count,
                      paths: merged!.count)
    }

    /// Merges stress shards into `out` (`stress.csv`, `stress.json`, as the single run writes them).
    public static func mergeStress(shardDirs: [String], out: String) throws -> Result { try mergeStressTable(shardDirs: shardDirs, out: out).0 }

    static func mergeStressTable(shardDirs: [String], out: String) throws -> (Result, StressTable) {
        let s = try read(shardDirs, kind: .stress)
        let plan = StressPlan(entries: StressPlan.entries(deal: s.deal, scenarios: s.scenarios, schedule: s.schedule), runs: [])
        var merged: [PartialResult] = []
        for (k, data) in s.payloads.enumerated() {
            let p = (s.dirs[k] as NSString).appendingPathComponent(ShardHeader.payloadName(.stress))
            let parts: [PartialResult]
            do { parts = try PartialResult.decode(scenarios: data, count: plan.runCount) } catch SimulateError.badShard(let m) {
                throw PipelineError.shardMismatch("\(p): \(m)")
            }
            for part in parts { try verify(part, data: data, header: s.headers[k], path: p) }
            if merged.isEmpty { merged = parts } else {
                for i in merged.indices { do { try merged[i].append(parts[i]) } catch { throw PipelineError.shardMismatch("\(p): \(error)") } }
            }
        }
        let table = plan.table(results: merged, context: context(s, pathsCSV: false))
        try OutputWriter.writeDirectory([OutputFile("stress.csv", table.csv), OutputFile("stress.json", table.json), try manifest(s)], to: out)
        return (Result(summaryText: table.text, shards: s.headers.count, paths: s.first.identity.paths), table)
    }
}
