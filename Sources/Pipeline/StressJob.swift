import Config
import Domain
import Foundation
import Simulate
import Store
import Structures

/// `hashsec stress`: the base case and every scenario on the same paths and random streams (common random numbers).
public enum StressJob {
    public static let defaultScenarios = "datasets/scenarios/default.yaml"

    public struct Options: Sendable {
        public var dealPath: String
        public var scenariosPath: String?
        public var dbPath: String
        public var asOf: Day?
        public var settings: SimulationSettings
        public var out: String?
        public var windowDays: Int
        /// Calibration JSON file (default: the store's calibration of `asOf`, or a fresh fit).
        public var calibrationPath: String?
        /// `--shard i/n`: write `out/stress-shard-i-of-n/` for `hashsec merge`.
        public var shard: Shard?
        /// Under `--measure forward`: where the curve comes from (`--curve`, the store), `--forward-beyond`, `--forward-pilot`.
        public var curve: CurveOptions
        public init(dealPath: String, scenariosPath: String? = nil, dbPath: String, asOf: Day? = nil,
                    settings: SimulationSettings = SimulationSettings(paths: 2000), out: String? = nil, windowDays: Int = 1460,
                    calibrationPath: String? = nil, shard: Shard? = nil, curve: CurveOptions = CurveOptions()) {
            self.dealPath = dealPath; self.scenariosPath = scenariosPath; self.dbPath = dbPath; self.asOf = asOf
            self.settings = settings; self.out = out; self.windowDays = windowDays; self.calibrationPath = calibrationPath
            self.shard = shard; self.curve = curve
        }
    }

    public struct Result {
        public var table: StressTable
        public var seconds: [String: Double]
        public var rows: [StressRow] { table.rows }
        public var csv: String { table.csv }
        public var json: String { table.json }
        /// The terminal table (or what a shard wrote).
        public var text: String
        init(table: StressTable, seconds: [String: Double], text: String? = nil) { self.table = table; self.seconds = seconds; self.text = text ?? table.text }
    }

    /// Loads the deal, scenarios, calibration (stored on `asOf`, else fitted) and history, then runs everything.
    public static func run(_ o: Options) throws -> Result {
        let deal = try DealFile.load(path: o.dealPath, catalogPath: RepositoryData.resolve("datasets/asic-catalog.csv"))
        let scenPath = o.scenariosPath ?? RepositoryData.resolve(defaultScenarios)
        guard FileManager.default.fileExists(atPath: scenPath) else {
            throw PipelineError.inputMissing(path: scenPath, reason: "scenario file not found")
        }
        let scenarios = try ScenarioFile.load(path: scenPath)
        let replays = scenarios.compactMap { s -> (Day, Day)? in
            if case let .historicalReplay(f, t) = s.kind { return (f, t) }; return nil
        }
        // The store only when the run reads it (a calibration to fit or look up, history to replay); a missing one is not
        // created (nothing is written before the run).
        var opened: Store? = nil
        func store() throws -> Store {
            if let s = opened { return s }
            guard FileManager.default.fileExists(atPath: o.dbPath) else {
                throw PipelineError.inputMissing(path: o.dbPath, reason: o.calibrationPath == nil
                    ? "no store; pass --calibration FILE.json or run `hashsec ingest`"
                    : "no store for the scenarios' historical replays; run `hashsec ingest`")
            }
            opened = try Store(path: o.dbPath)
            return opened!
        }
        let calibration = try o.calibrationPath == nil
            ? resolveCalibration(path: nil, store: store(), dbPath: o.dbPath, asOf: o.asOf, windowDays: o.windowDays)
            : resolveCalibration(path: o.calibrationPath, store: nil, dbPath: o.dbPath, asOf: o.asOf, windowDays: o.windowDays)
        try DealFile.checkFleet(deal, path: o.dealPath, networkHashRateHs: calibration.initialState.hashRateHs, on: calibration.initialState.date)
        // `--measure forward`: the drift shift is solved once, on the base case's first paths (the same for every shard), and
        // every scenario runs on the shifted law (a scenario is a shock relative to the curve-matched base).
        var settings = o.settings
        if settings.measure == .forward {
            let rc = try CurveInputs.resolve(o.curve, dbPath: o.dbPath, asOf: calibration.initialState.date,
                                             storeRead: o.calibrationPath == nil, required: true)
            try CurveInputs.applyForward(&settings, deal: deal, calibration: calibration, curve: rc, options: o.curve)
        }
        var history: [DailyObservation] = []
        if let lo = replays.map(\.0).min(), let hi = replays.map(\.1).max() {
            history = try store().observations(from: lo - 7, through: hi)
        }
        if let sh = o.shard {
            guard let out = o.out else { throw PipelineError.invalidConfiguration("--shard needs --out") }
            let dealData = try SimulateJob.read(o.dealPath), scenData = try SimulateJob.read(scenPath)
            let calEncoder = JSONEncoder(); calEncoder.outputFormatting = [.sortedKeys]
            let calData = try calEncoder.encode(calibration)
            try runShard(deal: deal, dealYAML: String(decoding: dealData, as: UTF8.self), scenarios: scenarios,
                         scenariosSHA256: SimulateJob.sha256(scenData), calibration: calibration,
                         calibrationSHA256: SimulateJob.sha256(calData), history: history, settings: settings, shard: sh, out: out)
            return Result(table: StressTable(rows: [], structure: false, leverage: false), seconds: [:],
                          text: "stress shard \(sh) written to \(out)/stress-shard-\(sh.index)-of-\(sh.count)")
        }
        var result = try run(deal: deal, scenarios: scenarios, calibration: calibration, history: history, settings: settings, out: o.out)
        if settings.measure != .real { result.text = "measure: \(settings.measureStatement)\n" + result.text }
        return result
    }

    /// `stress-shard.json`: what a stress shard belongs to, and what `merge` needs to reduce the scenarios.
    struct StressShardFile: Codable, Equatable {
        var dealSHA256: String, scenariosSHA256: String, calibrationSHA256: String
        var seed: UInt64, paths: Int, model: String, measure: String, antithetic: Bool, horizonDays: Int
        var shardCount: Int, index: Int
        /// The deal's schedule in the run (`DealSchedule`).
        var asOf: Day, offset: Int, tokenDays: Int, termDays: Int
        /// (name, kind, description, why it does not apply or "") of base + every scenario, in order; `stress-partial.bin`
        /// holds the results of base and of the applicable scenarios, in that order.
        var scenarios: [[String]]
        var priceUSD: Double
        var dealYAML: String
        enum CodingKeys: String, CodingKey {
            case seed, paths, model, measure, antithetic, index, scenarios
            case dealSHA256 = "deal_sha256", scenariosSHA256 = "scenarios_sha256", calibrationSHA256 = "calibration_sha256"
            case horizonDays = "horizon_days", shardCount = "shard_count", priceUSD = "price_usd", dealYAML = "deal_yaml"
            case asOf = "as_of", offset, tokenDays = "token_days", termDays = "term_days"
        }
        /// Equal except for the shard index.
        func sameRun(_ o: StressShardFile) -> Bool { var a = self; a.index = o.index; return a == o }
    }
    static let shardMagic = Array("HSST0001".utf8)

    /// One shard of a stress run: the shard's paths of the base case and of every applicable scenario.
    static func runShard(deal: Deal, dealYAML: String, scenarios: [Scenario], scenariosSHA256: String, calibration: Calibration,
                         calibrationSHA256: String, history: [DailyObservation], settings: SimulationSettings, shard: Shard,
                         out: String) throws {
        let i = shard.index, n = shard.count
        let schedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: settings.horizonDays)
        let range = shard.paths(of: settings.paths)
        let plan = try Plan(deal: deal, scenarios: scenarios, schedule: schedule, history: history, calibration: calibration,
                            settings: settings, range: range)
        var blob = Data(shardMagic)
        func u64(_ v: Int) { var x = UInt64(v).littleEndian; withUnsafeBytes(of: &x) { blob.append(contentsOf: $0) } }
        u64(plan.runs.count)
        for r in try MonteCarlo.run(deal: deal, calibration: calibration, settings: settings, range: range, scenarios: plan.runs,
                                    accumulate: .structures) {
            let d = r.encoded()
            u64(d.count); blob.append(d)
        }
        let info = StressShardFile(dealSHA256: SimulateJob.sha256(Data(dealYAML.utf8)), scenariosSHA256: scenariosSHA256,
                             calibrationSHA256: calibrationSHA256, seed: settings.seed, paths: settings.paths, model: settings.model.rawValue,
                             measure: settings.measureStatement, antithetic: settings.antithetic, horizonDays: schedule.horizonDays,
                             shardCount: n, index: i, asOf: schedule.asOf, offset: schedule.offset, tokenDays: schedule.tokenDays, termDays: schedule.termDays,
                             scenarios: plan.entries.map { [$0.name, $0.kind, $0.description, $0.reason ?? ""] },
                             priceUSD: deal.token.priceUSD, dealYAML: dealYAML)
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try SimulateJob.writeFiles([("stress-shard.json", String(decoding: try enc.encode(info), as: UTF8.self) + "\n")],
                                   binary: ("stress-partial.bin", blob),
                                   to: (out as NSString).appendingPathComponent("stress-shard-\(i)-of-\(n)"))
    }

    /// `hashsec merge` of stress shards: checks they form one complete run, concatenates every scenario's paths in
    /// order and writes `stress.csv` / `stress.json` exactly as the single run does.
    public static func merge(shardDirs: [String], out: String) throws -> Result {
        let infos = try ShardSet.read(shardDirs, file: "stress-shard.json", kind: "stress shard", as: StressShardFile.self)
        guard let first = infos.first?.0 else { throw PipelineError.shardMismatch("no shard directories given") }
        for (i, d) in infos where !i.sameRun(first) {
            throw PipelineError.shardMismatch("\(d) belongs to a different stress run than \(infos[0].1) (deal, scenarios, calibration, seed, paths, model, horizon or shard count differ)")
        }
        let n = first.shardCount
        let ordered = try ShardSet.ordered(infos.map { ($0.0.index, $0.1) }, count: n, kind: "stress shard")
        let entries = try first.scenarios.map { e -> Plan.Entry in
            guard e.count == 4 else { throw PipelineError.shardMismatch("\(infos[0].1)/stress-shard.json: bad scenario entry \(e)") }
            return Plan.Entry(name: e[0], kind: e[1], description: e[2], reason: e[3].isEmpty ? nil : e[3])
        }
        let k = entries.filter { $0.reason == nil }.count
        var merged = [PartialResult?](repeating: nil, count: k)
        for idx in 0..<n {
            let bp = (ordered[idx] as NSString).appendingPathComponent("stress-partial.bin")
            guard let data = FileManager.default.contents(atPath: bp) else {
                throw PipelineError.shardMismatch("incomplete stress shard: \(bp) does not exist (shard failed or removed)")
            }
            let b = [UInt8](data)
            var pos = 0
            func u64() throws -> Int {
                guard pos + 8 <= b.count else { throw PipelineError.shardMismatch("\(bp): truncated") }
                var v: UInt64 = 0
                for j in 0..<8 { v |= UInt64(b[pos + j]) << (8 * UInt64(j)) }
                pos += 8
                guard v < UInt64(b.count) + 1 else { throw PipelineError.shardMismatch("\(bp): bad length") }
                return Int(v)
            }
            guard b.count >= 8, Array(b[0..<8]) == shardMagic else { throw PipelineError.shardMismatch("\(bp): not a stress shard file") }
            pos = 8
            guard try u64() == k else { throw PipelineError.shardMismatch("\(bp): scenario count differs from stress-shard.json") }
            let expect = MonteCarlo.shardRange(index: idx, of: n, total: first.paths)
            for s in 0..<k {
                let len = try u64()
                guard pos + len <= b.count else { throw PipelineError.shardMismatch("\(bp): truncated") }
                let part: PartialResult
                do { part = try PartialResult(encoded: Data(b[pos..<(pos + len)])) } catch { throw PipelineError.shardMismatch("\(bp): \(error)") }
                pos += len
                guard part.firstPath == expect.lowerBound, part.count == expect.count else {
                    throw PipelineError.shardMismatch("\(bp) holds paths \(part.firstPath)..<\(part.firstPath + part.count), expected \(expect)")
                }
                if merged[s] == nil { merged[s] = part } else {
                    do { try merged[s]!.append(part) } catch { throw PipelineError.shardMismatch("\(bp): \(error)") }
                }
            }
            guard pos == b.count else { throw PipelineError.shardMismatch("\(bp): trailing bytes") }
        }
        let (structure, leverage): (StructureSpec?, LeverageSpec?)
        do { (structure, leverage) = try DealFile.parseStructures(text: first.dealYAML, file: "stress-shard.json deal_yaml") } catch {
            throw PipelineError.shardMismatch("\(error)")
        }
        let identity = RunIdentity(dealSHA256: first.dealSHA256, calibrationSHA256: first.calibrationSHA256, seed: first.seed, paths: first.paths,
                                   model: first.model, measure: first.measure, rate: 0, antithetic: first.antithetic, poissonBlocks: false,
                                   horizonDays: first.horizonDays, shardCount: 1)
        let ctx = SimulationOutputs.Context(dealName: "", identity: identity,
                                            schedule: DealSchedule(asOf: first.asOf, offset: first.offset, tokenDays: first.tokenDays,
                                                                   horizonDays: first.horizonDays, termDays: first.termDays),
                                            priceUSD: first.priceUSD, pathsCSV: false, structure: structure, leverage: leverage)
        let table = stressTable(entries, results: merged.map { $0! }, context: ctx)
        try writeAtomically([("stress.csv", table.csv), ("stress.json", table.json)], dir: out)
        return Result(table: table, seconds: [:])
    }

    /// Base + scenarios, and which of them the engine runs (`StressApplicability`).
    struct Plan {
        struct Entry { var name: String, kind: String, description: String, reason: String? }
        /// Base first, then every scenario in file order.
        var entries: [Entry]
        /// The overlays the engine runs: nil (base), then those of the applicable scenarios, in order.
        var runs: [StressOverlay?]

        /// Builds every overlay first, so a bad scenario fails before any simulation or write, applicable or not.
        init(deal: Deal, scenarios: [Scenario], schedule: DealSchedule, history: [DailyObservation], calibration: Calibration,
             settings: SimulationSettings, range: Range<Int>? = nil) throws {
            // The overlays are arrays over the horizon: refuse an impossible horizon before building them.
            try MonteCarlo.checkMemory(deal: deal, calibration: calibration, settings: settings, range: range, scenarios: 1 + scenarios.count,
                                       accumulate: .structures)
            let overlays = try scenarios.map { try StressOverlayBuilder.overlay(for: $0, horizonDays: schedule.horizonDays, history: history) }
            entries = [Entry(name: "base", kind: "base", description: "no shock", reason: nil)]
            runs = [nil]
            for (s, ov) in zip(scenarios, overlays) {
                let why = StressApplicability.reason(s, deal: deal, schedule: schedule)
                entries.append(Entry(name: s.name, kind: s.kindName, description: s.description, reason: why))
                if why == nil { runs.append(ov) }
            }
        }
    }

    /// The stress table: each row a projection of its scenario's `RunSummary`; `results` holds base and the applicable
    /// scenarios in order. A scenario that does not apply, or changes no path, repeats the base row, flagged.
    static func stressTable(_ entries: [Plan.Entry], results: [PartialResult], context ctx: SimulationOutputs.Context) -> StressTable {
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

    /// A calibration JSON file when given; else the store's calibration of `asOf` (default: the last stored day), else a fit.
    static func resolveCalibration(path: String?, store: Store?, dbPath: String, asOf: Day?, windowDays: Int) throws -> Calibration {
        if let cp = path {
            guard let d = FileManager.default.contents(atPath: cp) else { throw PipelineError.inputMissing(path: cp, reason: "cannot read") }
            do { return try JSONDecoder().decode(Calibration.self, from: d) } catch {
                throw PipelineError.invalidConfiguration("\(cp): not a calibration JSON (\(error))")
            }
        }
        guard let store, let range = try store.dateRange() else { throw PipelineError.insufficientData("the store \(dbPath) is empty: run `hashsec ingest` first") }
        return try loadCalibration(store: store, asOf: asOf ?? range.upperBound, windowDays: windowDays)
    }

    /// The stored calibration of exactly `asOf`, else a fresh fit on the store's history up to `asOf`.
    static func loadCalibration(store: Store, asOf: Day, windowDays: Int) throws -> Calibration {
        if let c = try store.calibrationJSON(onOrBefore: asOf), c.asOf == asOf {
            return try JSONDecoder().decode(Calibration.self, from: Data(c.json.utf8))
        }
        return try CalibrateJob.calibrate(observations: try store.observations(from: nil, through: asOf), asOf: asOf, windowDays: windowDays)
    }

    /// Pure part (no store): runs base + scenarios in one pass of the engine, writes `stress.csv` / `stress.json` into `out`
    /// when given.
    public static func run(deal: Deal, scenarios: [Scenario], calibration: Calibration, history: [DailyObservation],
                           settings: SimulationSettings, out: String?) throws -> Result {
        let schedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: settings.horizonDays)
        let plan = try Plan(deal: deal, scenarios: scenarios, schedule: schedule, history: history, calibration: calibration, settings: settings)
        let t0 = Date()
        let results = try MonteCarlo.run(deal: deal, calibration: calibration, settings: settings, scenarios: plan.runs, accumulate: .structures)
        let seconds = Date().timeIntervalSince(t0)
        let identity = RunIdentity(dealSHA256: "", calibrationSHA256: "", seed: settings.seed, paths: settings.paths, model: settings.model.rawValue,
                                   measure: settings.measureStatement, rate: settings.rate, antithetic: settings.antithetic,
                                   poissonBlocks: settings.poissonBlocks, horizonDays: schedule.horizonDays, shardCount: 1)
        let ctx = SimulationOutputs.Context(dealName: deal.name, identity: identity, schedule: schedule, priceUSD: deal.token.priceUSD,
                                            pathsCSV: false, structure: deal.structure, leverage: deal.leverage)
        let table = stressTable(plan.entries, results: results, context: ctx)
        if let out { try writeAtomically([("stress.csv", table.csv), ("stress.json", table.json)], dir: out) }
        return Result(table: table, seconds: ["stress": seconds])
    }

    /// Writes every file beside its destination first, then renames (no partial output on failure).
    static func writeAtomically(_ files: [(String, String)], dir: String) throws {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw PipelineError.cannotWrite(path: dir, reason: "\(error.localizedDescription)")
        }
        var pending: [(URL, URL)] = []
        defer { for (tmp, _) in pending { try? FileManager.default.removeItem(at: tmp) } }
        for (name, text) in files { pending.append(try BenchmarkJob.writeAside(text, to: (dir as NSString).appendingPathComponent(name))) }
        for (tmp, dest) in pending { try BenchmarkJob.commit(tmp, dest) }
        pending.removeAll()
    }
}

extension StressJob {
    /// `hashsec perf stress`: wall time of plain simulation vs simulation + waterfall + leverage + a stress overlay on the
    /// same paths (SPEC §11: the structures and overlay may add at most 30%).
    public struct PerfResult {
        public var simulateSeconds: Double
        public var plainPathsSeconds: Double
        public var fullSeconds: Double
        public var paths: Int
        public var text: String
    }

    public static func perf(dealPath: String?, dbPath: String, asOf: Day?, paths: Int, threads: Int, repeats: Int = 3) throws -> PerfResult {
        var deal = try DealFile.load(path: dealPath ?? RepositoryData.resolve("datasets/deals/structured-example.yaml"),
                                     catalogPath: RepositoryData.resolve("datasets/asic-catalog.csv"))
        if deal.structure == nil {
            deal.structure = try DealFile.load(path: RepositoryData.resolve("datasets/deals/structured-example.yaml")).structure
        }
        if deal.leverage == nil {
            deal.leverage = try DealFile.load(path: RepositoryData.resolve("datasets/deals/leveraged-example.yaml")).leverage
        }
        // The store's history when there is one; otherwise the reference calibration of the synthetic history.
        let cal: Calibration
        var source = "reference calibration (datasets/synthetic-calibration.json)"
        if FileManager.default.fileExists(atPath: dbPath), let store = try? Store(path: dbPath), let range = try store.dateRange() {
            cal = try loadCalibration(store: store, asOf: asOf ?? range.upperBound, windowDays: 1460)
            source = "calibration of \(dbPath) as of \(cal.asOf)"
        } else {
            cal = SyntheticHistory.referenceCalibration
        }
        let settings = SimulationSettings(paths: paths, seed: 1, threads: threads)
        var plainDeal = deal
        plainDeal.structure = nil; plainDeal.leverage = nil
        let schedule = DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: nil)
        let overlay = try StressOverlayBuilder.overlay(for: Scenario(name: "price_crash_50", kind: .priceCrash(pct: 0.5, day: 30)),
                                                       horizonDays: schedule.horizonDays)
        // Interleaved repetitions (best of each), after one warm-up, so background load hits every variant alike.
        var sim = Double.infinity, simFull = Double.infinity, plain = Double.infinity, plainOv = Double.infinity, full = Double.infinity
        func stress(_ d: Deal, _ ov: StressOverlay?) throws {
            _ = try MonteCarlo.run(deal: d, calibration: cal, settings: settings, scenarios: [ov], accumulate: .structures)
        }
        try stress(plainDeal, nil)
        func time(_ body: () throws -> Void) rethrows -> Double { let t = Date(); try body(); return Date().timeIntervalSince(t) }
        for _ in 0..<max(1, repeats) {
            sim = min(sim, try time { _ = try MonteCarlo.run(deal: plainDeal, calibration: cal, settings: settings) })
            simFull = min(simFull, try time { _ = try MonteCarlo.run(deal: deal, calibration: cal, settings: settings) })
            plain = min(plain, try time { try stress(plainDeal, nil) })
            plainOv = min(plainOv, try time { try stress(plainDeal, overlay) })
            full = min(full, try time { try stress(deal, overlay) })
        }
        func pct(_ x: Double) -> String { String(format: "%+.1f%%", 100 * x) }
        func sec(_ x: Double) -> String { String(format: "%.3f s", x) }
        let text = """
        perf stress: \(paths) paths × \(schedule.horizonDays) days, \(threads) thread(s), best of \(max(1, repeats)); \(source)
          simulate (paths + daily quantile histograms)                   \(sec(sim))
          simulate + waterfall + leverage (simulate of a structured deal) \(sec(simFull))  (\(pct(simFull / sim - 1)) vs simulate)
          stress scenario (outcomes only), no structures, no overlay     \(sec(plain))
          stress scenario, no structures, price_crash overlay            \(sec(plainOv))
          stress scenario + waterfall + leverage + price_crash overlay   \(sec(full))
          waterfall + leverage cost \(sec(full - plainOv)) = \(pct((full - plainOv) / sim)) of simulate; overlay \(pct((plainOv - plain) / sim))
          structures + overlay on a stress scenario: \(pct(full / plain - 1)); whole stress scenario vs simulate: \(pct(full / sim - 1)) (target ≤ +30%)
        """
        return PerfResult(simulateSeconds: sim, plainPathsSeconds: plain, fullSeconds: full, paths: paths, text: text)
    }
}
