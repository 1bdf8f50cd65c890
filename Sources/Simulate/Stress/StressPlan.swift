import Domain
import Foundation
import Results
import Structures

/// Base + scenarios of a stress run, and which of them the engine runs (`StressApplicability`).
public struct StressPlan {
    public struct Entry: Equatable, Sendable {
        public var name: String, kind: String, description: String
        /// Why the scenario cannot apply to the deal (nil: it is run).
        public var reason: String?
        public init(name: String, kind: String, description: String, reason: String?) {
            self.name = name; self.kind = kind; self.description = description; self.reason = reason
        }
    }
    /// Base first, then every scenario in file order.
    public var entries: [Entry]
    /// The overlays the engine runs: nil (base), then those of the applicable scenarios, in order (empty when the plan
    /// was built without history, for a merge).
    public var runs: [StressOverlay?]
    /// How many results the engine returns (base + applicable scenarios).
    public var runCount: Int { 1 + entries.dropFirst().filter { $0.reason == nil }.count }

    /// Builds every overlay first, so a bad scenario fails before any simulation or write, applicable or not.
    public init(deal: Deal, scenarios: [Scenario], schedule: DealSchedule, history: [DailyObservation], calibration: Calibration,
                settings: SimulationSettings, range: Range<Int>? = nil) throws {
        // The overlays are arrays over the horizon: refuse an impossible horizon before building them.
        try MonteCarlo.checkMemory(deal: deal, calibration: calibration, settings: settings, range: range, scenarios: 1 + scenarios.count,
                                   accumulate: .structures)
        let overlays = try scenarios.map { try StressOverlayBuilder.overlay(for: $0, horizonDays: schedule.horizonDays, history: history) }
        self.init(entries: Self.entries(deal: deal, scenarios: scenarios, schedule: schedule), runs: [nil])
        for (e, ov) in zip(entries.dropFirst(), overlays) where e.reason == nil { runs.append(ov) }
    }

    /// The entries alone (`merge` rebuilds them from the recorded deal and scenario file).
    public static func entries(deal: Deal, scenarios: [Scenario], schedule: DealSchedule) -> [Entry] {
        [Entry(name: "base", kind: "base", description: "no shock", reason: nil)] + scenarios.map {
            Entry(name: $0.name, kind: $0.kindName, description: $0.description, reason: StressApplicability.reason($0, deal: deal, schedule: schedule))
        }
    }

    public init(entries: [Entry], runs: [StressOverlay?]) { self.entries = entries; self.runs = runs }

    /// The stress table: each row a projection of its scenario's `RunSummary`; `results` holds base and the applicable
    /// scenarios in order. A scenario that does not apply, or changes no path, repeats the base row, flagged.
    public func table(results: [PartialResult], context ctx: SimulationOutputs.Context) -> StressTable {
        let base = SimulationOutputs.summary(results[0], ctx)
        var next = 0
        let rows = entries.map { e -> StressRow in
            var summary = base, note = e.reason
            if e.reason == nil {
                let r = results[next]
                next += 1
                if next > 1 && StressApplicability.noEffect(r, base: results[0]) { note = StressApplicability.noEffectNote }
                else if next > 1 { summary = SimulationOutputs.summary(r, ctx) }
            }
            return StressRow(scenario: e.name, kind: e.kind, description: e.description, summary: summary, structure: ctx.structure,
                             notApplicable: note)
        }
        return StressTable(rows: rows, structure: ctx.structure != nil, leverage: ctx.leverage != nil)
    }
}

extension PartialResult {
    static let scenariosMagic = Array("HSST0001".utf8)

    /// `stress-partial.bin`: magic "HSST0001", the number of results (UInt64 LE), then each result's `partial.bin`
    /// bytes prefixed by their length (UInt64 LE).
    public static func encoded(scenarios: [PartialResult]) -> Data {
        var blob = Data(scenariosMagic)
        func u64(_ v: Int) { var x = UInt64(v).littleEndian; withUnsafeBytes(of: &x) { blob.append(contentsOf: $0) } }
        u64(scenarios.count)
        for r in scenarios {
            let d = r.encoded()
            u64(d.count); blob.append(d)
        }
        return blob
    }

    /// Decodes `encoded(scenarios:)`, which must hold `count` results.
    public static func decode(scenarios d: Data, count k: Int) throws -> [PartialResult] {
        let b = [UInt8](d)
        var pos = 0
        func u64() throws -> Int {
            guard pos + 8 <= b.count else { throw SimulateError.badShard("truncated") }
            var v: UInt64 = 0
            for j in 0..<8 { v |= UInt64(b[pos + j]) << (8 * UInt64(j)) }
            pos += 8
            guard v < UInt64(b.count) + 1 else { throw SimulateError.badShard("bad length") }
            return Int(v)
        }
        guard b.count >= 8, Array(b[0..<8]) == scenariosMagic else { throw SimulateError.badShard("not a stress shard file") }
        pos = 8
        guard try u64() == k else { throw SimulateError.badShard("scenario count differs from stress-shard.json") }
        var out: [PartialResult] = []
        for _ in 0..<k {
            let len = try u64()
            guard pos + len <= b.count else { throw SimulateError.badShard("truncated") }
            out.append(try PartialResult(encoded: Data(b[pos..<(pos + len)])))
            pos += len
        }
        guard pos == b.count else { throw SimulateError.badShard("trailing bytes") }
        return out
    }
}
