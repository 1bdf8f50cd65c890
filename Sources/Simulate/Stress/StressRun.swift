import Domain
import FileIO
import Foundation
import Results

/// One stress run on resolved inputs (pure: nothing read or written): the plan (`StressPlan`), one call of the engine
/// for base + the applicable scenarios on common random numbers, the run's identity and manifest parameters; then its
/// outputs — the stress table (`stress.csv`, `stress.json`) or, for a shard, `stress-shard.json` + `stress-partial.bin`.
public struct StressRun {
    /// The SHA-256 of the run's inputs (deal text, calibration JSON, scenario file): part of its identity.
    public struct Hashes: Sendable {
        public var deal: String, calibration: String, scenarios: String
        public init(deal: String, calibration: String, scenarios: String) { self.deal = deal; self.calibration = calibration; self.scenarios = scenarios }
    }

    public var plan: StressPlan
    /// Base and the applicable scenarios, in plan order (this shard's paths only for a shard).
    public var results: [PartialResult]
    public var schedule: DealSchedule
    public var identity: RunIdentity
    public var parameters: SimulationParameters
    public var shard: Shard?
    /// Seconds in the engine.
    public var seconds: Double

    /// `settings`: the run's (under the forward measure with the solved shift already set).
    public init(deal: Deal, scenarios: [Scenario], history: [DailyObservation], calibration cal: Calibration, settings s: SimulationSettings,
                shard: Shard?, hashes: Hashes) throws {
        schedule = DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: s.horizonDays)
        let range = shard.map { $0.paths(of: s.paths) }
        plan = try StressPlan(deal: deal, scenarios: scenarios, schedule: schedule, history: history, calibration: cal, settings: s, range: range)
        let t0 = Date()
        results = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, range: range, scenarios: plan.runs, accumulate: .structures)
        seconds = Date().timeIntervalSince(t0)
        identity = RunIdentity(dealSHA256: hashes.deal, calibrationSHA256: hashes.calibration, scenariosSHA256: hashes.scenarios,
                               seed: s.seed, paths: s.paths, model: s.model.rawValue, measure: s.measureStatement, rate: s.rate,
                               antithetic: s.antithetic, poissonBlocks: s.poissonBlocks, horizonDays: schedule.horizonDays,
                               shardCount: shard?.count ?? 1)
        var settings = s
        settings.horizonDays = schedule.horizonDays
        parameters = SimulationOutputs.parameters(settings, identity: identity, schedule: schedule, calibration: cal)
        self.shard = shard
    }

    /// The stress table of an unsharded run.
    public func table(deal: Deal) -> StressTable {
        let ctx = SimulationOutputs.Context(dealName: deal.name, identity: identity, schedule: schedule, priceUSD: deal.token.priceUSD,
                                            pathsCSV: false, structure: deal.structure, leverage: deal.leverage)
        return plan.table(results: results, context: ctx)
    }

    /// A shard's folder under `out` and its files (the header records the inputs whole, and the calibration used).
    public func shardOutput(dealYAML: String, efficiencyJTH: Double, calibrationJSON: String, scenariosYAML: String,
                            calibration: CalibrationReference?, out: String) throws -> (folder: String, files: [OutputFile]) {
        let header = ShardHeader(kind: .stress, identity: identity, index: shard?.index ?? 0, dealYAML: dealYAML, efficiencyJTH: efficiencyJTH,
                                 calibrationJSON: calibrationJSON, scenariosYAML: scenariosYAML, pathsCSV: false, parameters: parameters,
                                 calibration: calibration, payload: .init(file: "", bytes: 0, sha256: ""))
        return try ShardSet.output(header, payload: PartialResult.encoded(scenarios: results), out: out)
    }

    /// The days the historical replays of `scenarios` read: their windows, plus the week before the first (the 7-day
    /// hash rate); nil when there is no replay.
    public static func replayWindow(_ scenarios: [Scenario]) -> (lo: Day, hi: Day)? {
        let replays = scenarios.compactMap { s -> (Day, Day)? in
            if case let .historicalReplay(f, t) = s.kind { return (f, t) }; return nil
        }
        guard let lo = replays.map(\.0).min(), let hi = replays.map(\.1).max() else { return nil }
        return (lo - 7, hi)
    }
}
