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

    /// The shard folders of each kind and the output folder (`ShardSet.discover`; shards without `--out` are a usage error).
    public static func discover(_ dirs: [String], out: String?) throws -> (simulate: [String], stress: [String], out: String) {
        let d = ShardSet.discover(dirs, out: out)
        guard let dest = d.out else { throw PipelineError.invalidArgument("give --out DIR") }
        return (d.simulate, d.stress, dest)
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

    /// One shard set read and checked (`ShardSet.load`), and the run rebuilt from the recorded inputs.
    struct ShardSetContents {
        var shards: ShardSet.Contents
        var deal: Deal, calibration: Calibration, schedule: DealSchedule, scenarios: [Scenario]
        /// The run's forward curve, forward measure and hedge (solved before the shards ran).
        var curve: CurveContext?
        var first: ShardHeader { shards.first }
        var headers: [ShardHeader] { shards.headers }
        var dirs: [String] { shards.dirs }
    }

    static func read(_ dirs: [String], kind: ShardHeader.Kind) throws -> ShardSetContents {
        let set = try ShardSet.load(dirs, kind: kind)
        let first = set.first, label = set.label, id = first.identity
        let deal: Deal, cal: Calibration, scenarios: [Scenario], curve: CurveContext?
        do {
            curve = try first.curveJSON.map { try JSONText.decode(CurveContext.self, from: Data($0.utf8)) }
            deal = try DealFile.parse(text: first.dealYAML, file: "\(label) deal_yaml", resolver: .recorded(efficiencyJTH: first.efficiencyJTH))
            cal = try JSONText.decode(Calibration.self, from: Data(first.calibrationJSON.utf8))
            scenarios = try first.scenariosYAML.map { try ScenarioFile.parse(text: $0, file: "\(label) scenarios_yaml") } ?? []
        } catch { throw SimulateError.shardSet("\(label): \(error)") }
        let schedule = DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: id.horizonDays)
        guard schedule.horizonDays == id.horizonDays else {
            throw SimulateError.shardSet("\(label): the recorded horizon \(id.horizonDays) does not match the deal and calibration")
        }
        guard curve?.plan.statement == id.curve else {
            throw SimulateError.shardSet("\(label): the recorded forward curve does not match the run's identity")
        }
        return ShardSetContents(shards: set, deal: deal, calibration: cal, schedule: schedule, scenarios: scenarios, curve: curve)
    }

    static func context(_ s: ShardSetContents, pathsCSV: Bool) -> SimulationOutputs.Context {
        var identity = s.first.identity
        identity.shardCount = 1
        return SimulationOutputs.Context(deal: s.deal, identity: identity, schedule: s.schedule, state: s.calibration.initialState,
                                         pathsCSV: pathsCSV, curve: s.curve)
    }

    /// The merged run's manifest: the shards' parameters and the calibration they used (SPEC §5, as the single run names it).
    static func manifest(_ s: ShardSetContents) throws -> OutputFile {
        let id = s.first.identity
        let m = RunManifest.engineRun("merge", identity: id, inputs: s.dirs.map { .init(path: $0, sha256: nil) }, parameters: s.first.parameters,
                                      rng: PathGenerator.rngDescription + (id.sampling.map { "; sampling: \($0)" } ?? ""),
                                      shard: "merged \(s.headers.count)", calibration: s.first.calibration, timings: [:])
        return OutputFile("manifest.json", try JSONText.encode(m))
    }

    /// Merges simulate shards into `out`.
    public static func merge(shardDirs: [String], out: String) throws -> Result {
        guard !shardDirs.isEmpty else { throw SimulateError.shardSet("no shard directories given") }
        let s = try read(shardDirs, kind: .simulate)
        let merged = try ShardSet.mergedSimulate(s.shards)
        let rendered = try SimulationOutputs.render(merged, context(s, pathsCSV: s.first.pathsCSV))
        try OutputWriter.writeDirectory(rendered.files + [try manifest(s)], to: out)
        return Result(summaryText: SimulationOutputs.summaryLine(rendered, priceUSD: s.deal.token.priceUSD, seconds: nil), shards: s.headers.count,
                      paths: merged.count)
    }

    /// Merges stress shards into `out` (`stress.csv`, `stress.json`, as the single run writes them).
    public static func mergeStress(shardDirs: [String], out: String) throws -> Result { try mergeStressTable(shardDirs: shardDirs, out: out).0 }

    static func mergeStressTable(shardDirs: [String], out: String) throws -> (Result, StressTable) {
        let s = try read(shardDirs, kind: .stress)
        let plan = StressPlan(entries: StressPlan.entries(deal: s.deal, scenarios: s.scenarios, schedule: s.schedule), runs: [])
        let merged = try ShardSet.mergedStress(s.shards, runCount: plan.runCount)
        let table = plan.table(results: merged, context: context(s, pathsCSV: false))
        try OutputWriter.writeDirectory([OutputFile("stress.csv", table.csv), OutputFile("stress.json", table.json), try manifest(s)], to: out)
        return (Result(summaryText: table.text, shards: s.headers.count, paths: s.first.identity.paths), table)
    }
}
