import Domain
import Foundation
import Statistics
import Structures

/// The memory a run will need, from the buffers it allocates (issue 12 item 8): checked before anything is allocated, so
/// an impossible run (`--paths 10000000000`, `--horizon 100000000`, `synth --days 2000000000`) is refused with the
/// estimate instead of aborting in the allocator.
public struct MemoryEstimate: Equatable, Sendable {
    /// (what, bytes), largest first when printed.
    public var parts: [(name: String, bytes: Double)]
    public var bytes: Double { parts.reduce(0) { $0 + $1.bytes } }

    public init(parts: [(name: String, bytes: Double)]) { self.parts = parts }

    public static func == (a: MemoryEstimate, b: MemoryEstimate) -> Bool {
        a.parts.count == b.parts.count && zip(a.parts, b.parts).allSatisfy { $0.name == $1.name && $0.bytes == $1.bytes }
    }

    /// "1.2 GiB (per-path outcomes 800.0 MiB, per-day histograms 400.0 MiB)".
    public var description: String {
        let shown = parts.filter { $0.bytes > 0 }.sorted { $0.bytes > $1.bytes }
        return MemoryBudget.format(bytes) + " (" + shown.map { "\($0.name) \(MemoryBudget.format($0.bytes))" }.joined(separator: ", ") + ")"
    }
}

/// The memory a run may use: `HASHSEC_MEMORY_LIMIT` (bytes, or a number with K, M, G or T: powers of 1024) when set,
/// else half of the machine's physical memory.
public struct MemoryBudget: Equatable, Sendable {
    public var limitBytes: Double
    /// Where the limit comes from, for the message.
    public var source: String

    public init(limitBytes: Double, source: String) { self.limitBytes = limitBytes; self.source = source }

    public static let environmentKey = "HASHSEC_MEMORY_LIMIT"

    /// From the environment (a malformed `HASHSEC_MEMORY_LIMIT` is refused: exit 64).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> MemoryBudget {
        if let v = env[environmentKey] {
            guard let b = parse(v), b > 0 else {
                throw SimulateError.invalidMemoryLimit("\(environmentKey)=\(v): give bytes or a number with K, M, G or T (e.g. 16G)")
            }
            return MemoryBudget(limitBytes: b, source: "\(environmentKey)=\(v)")
        }
        let physical = Double(ProcessInfo.processInfo.physicalMemory)
        return MemoryBudget(limitBytes: physical / 2,
                            source: "half of the \(format(physical)) of physical memory; set \(environmentKey) (e.g. \(environmentKey)=16G) to change it")
    }

    /// "123", "512M", "16G", "1.5T" → bytes (K/M/G/T are powers of 1024).
    public static func parse(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
        var body = Substring(t), scale = 1.0
        if let last = t.last, let u = units[last] { scale = u; body = t.dropLast() }
        if body.hasSuffix("I") || body.hasSuffix("B") { return nil }
        guard let x = Double(body), x.isFinite, x > 0 else { return nil }
        return x * scale
    }

    static func format(_ b: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var x = b, k = 0
        while x >= 1024 && k < units.count - 1 { x /= 1024; k += 1 }
        return String(format: k == 0 ? "%.0f" : "%.1f", x) + " " + units[k]
    }

    /// Throws `SimulateError.insufficientMemory` when `estimate` exceeds the limit; `advice` says how to shrink the run.
    public func check(_ estimate: MemoryEstimate, advice: String) throws {
        guard estimate.bytes > limitBytes || !estimate.bytes.isFinite else { return }
        throw SimulateError.insufficientMemory(
            "this run needs about \(estimate.description), above the limit of \(MemoryBudget.format(limitBytes)) (\(source)); \(advice)")
    }
}

extension MonteCarlo {
    /// Refuses (`SimulateError.insufficientMemory`) a run whose buffers would not fit `budget` (default: the environment's),
    /// before anything is allocated. Called by `run`, and by callers that allocate per-scenario data first (stress overlays).
    public static func checkMemory(deal: Deal, calibration: Calibration, settings: SimulationSettings, range: Range<Int>? = nil,
                                   scenarios: Int, accumulate: Accumulation, sweepMaxLoops: Int? = nil, captureDays: Int = 0,
                                   dailyScenarios: Int? = nil, curveWidth: Int = 0, budget: MemoryBudget? = nil) throws {
        let schedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: settings.horizonDays)
        let structures = try StructurePricer(deal: deal, schedule: schedule, seed: settings.seed, sweepMaxLoops: sweepMaxLoops,
                                             enabled: accumulate.contains(.structures))
        var e = memoryEstimate(paths: (range ?? 0..<settings.paths).count, days: schedule.horizonDays, tokenDays: schedule.tokenDays,
                               scenarios: scenarios, threads: settings.threads, blockSize: settings.blockSize, accumulate: accumulate,
                               recordWidth: structures.waterfallWidth + structures.leverageWidth + structures.sweepWidth + curveWidth,
                               captureDays: captureDays, antithetic: settings.antithetic, dailyScenarios: dailyScenarios)
        // The model mark's pilot (pass 1): a base run of its paths over the whole term, the samples it records on the fit
        // days, and the recorded generator state of both passes.
        if let lev = structures.leverage, case let .model(pilot) = lev.spec.mark, schedule.tokenDays > 0 {
            let fitDays = Structures.ConditionalMark.fitDays(horizon: lev.horizon(pathDays: schedule.tokenDays)).count
            let full = schedule.offset + schedule.termDays
            let run = memoryEstimate(paths: pilot, days: full, tokenDays: schedule.termDays, scenarios: 1, threads: settings.threads,
                                     blockSize: settings.blockSize, accumulate: [], antithetic: settings.antithetic).bytes
            let workers = Double(max(1, min(settings.threads, (max(pilot, 1) + settings.blockSize - 1) / max(settings.blockSize, 2))))
            let recording = workers * Double(full) * 8 * Double(4 * settings.blockSize + 3)
            e.parts.append(("leverage mark pilot", run + recording + Double(pilot) * Double(MarkSamples.bytes(fitDays: fitDays))))
        }
        try (budget ?? MemoryBudget.fromEnvironment()).check(e, advice: "use fewer --paths, a shorter --horizon, fewer --threads or shards (--shard i/n)")
    }

    /// The engine's buffers for a run of `paths` paths × `days` simulated days and `scenarios` scenarios (see
    /// `MonteCarlo.run`), in bytes. Per worker (`threads`, at most one per block): the generator's block scratch
    /// (`PathGenerator.Scratch`: correlated normals 3·rows, six per-path series, per simulated day), the token
    /// series of a block (five per path per token day), the waterfall ledger and, with `.daily`, per scenario the histogram
    /// counts (`DailyQuantileSet`: 4 × days × bins × 4 B), their batch of pending bin indices and the copy returned.
    /// Per path and scenario: the outcome columns (41 B), the structure records and captures, the copy in the returned
    /// `PartialResult` and the statistics' sorted copies (≈ 64 B). Per scenario: the stress overlay (≤ 3 series per day).
    /// `dailyScenarios`: how many scenarios accumulate `.daily` (default: all).
    public static func memoryEstimate(paths: Int, days: Int, tokenDays: Int, scenarios: Int, threads: Int, blockSize: Int,
                                      accumulate: Accumulation, recordWidth: Int = 0, captureDays: Int = 0, antithetic: Bool = true,
                                      dailyScenarios: Int? = nil) -> MemoryEstimate {
        let n = Double(max(paths, 0)), d = Double(max(days, 1)), td = Double(max(tokenDays, 1)), k = Double(max(scenarios, 1))
        let bs = Double(max(blockSize, 2))
        let workers = Double(max(1, min(threads, (max(paths, 1) + max(blockSize, 2) - 1) / max(blockSize, 2))))
        let rows = antithetic ? (bs / 2).rounded(.up) : bs
        let generator = workers * d * 8 * (3 * rows + 6 * bs + 2)
        let token = workers * td * 8 * (5 * bs + 1) + 2 * td * 8 + workers * 2 * d * 8
        let structures = accumulate.contains(.structures) ? workers * td * 8 * 32 : 0
        let perPath = 41 + 8 * Double(recordWidth) + 24 * Double(captureDays)
        let outcomes = k * n * (2 * perPath + 64)
        var histograms = 0.0
        if accumulate.contains(.daily) {
            let bins = Double(DailyQuantileSet(days: 0).all.reduce(0) { $0 + $1.bins })
            let batch = Double(histogramBatch(blockSize: blockSize))
            let tiles = (d / Double(HistogramBatch.tile)).rounded(.up) * Double(HistogramBatch.tile)
            let kd = Double(max(dailyScenarios ?? scenarios, 1))
            histograms = kd * (workers * (2 * d * bins * 4 + 4 * tiles * batch * 2 + d * 4) + 2 * d * bins * 4 + d * 4)
        }
        let overlays = k > 1 ? (k - 1) * d * 8 * 3 : 0
        return MemoryEstimate(parts: [("per-path outcomes and records", outcomes), ("per-day histograms", histograms),
                                      ("path generator buffers", generator), ("token cash-flow buffers", token + structures),
                                      ("stress overlays", overlays)])
    }
}
