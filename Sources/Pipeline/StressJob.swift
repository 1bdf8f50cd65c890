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
        /// (index, count) for `--shard i/n`: write `out/stress-shard-i-of-n/` for `hashsec merge`.
        public var shard: (Int, Int)?
        public init(dealPath: String, scenariosPath: String? = nil, dbPath: String, asOf: Day? = nil,
                    settings: SimulationSettings = SimulationSettings(paths: 2000), out: String? = nil, windowDays: Int = 1460,
                    calibrationPath: String? = nil, shard: (Int, Int)? = nil) {
            self.dealPath = dealPath; self.scenariosPath = scenariosPath; self.dbPath = dbPath; self.asOf = asOf
            self.settings = settings; self.out = out; self.windowDays = windowDays; self.calibrationPath = calibrationPath
            self.shard = shard
        }
    }

    public struct Result {
        public var rows: [StressRow]
        public var csv: String
        public var json: String
        public var table: String
        public var seconds: [String: Double]
    }

    /// Loads the deal, scenarios, calibration (stored on `asOf`, else fitted) and history, then runs everything.
    public static func run(_ o: Options) throws -> Result {
        let deal = try DealFile.load(path: o.dealPath, catalogPath: RepositoryData.resolve("datasets/asic-catalog.csv"))
        let scenPath = o.scenariosPath ?? RepositoryData.resolve(defaultScenarios)
        guard FileManager.default.fileExists(atPath: scenPath) else {
            throw PipelineError.inputMissing(path: scenPath, reason: "scenario file not found")
        }
        let scenarios = try ScenarioFile.load(path: scenPath)
        let store = try Store(path: o.dbPath)
        let calibration = try resolveCalibration(path: o.calibrationPath, store: store, dbPath: o.dbPath, asOf: o.asOf, windowDays: o.windowDays)
        try DealFile.checkFleet(deal, path: o.dealPath, networkHashRateHs: calibration.initialState.hashRateHs, on: calibration.initialState.date)
        var history: [DailyObservation] = []
        let replays = scenarios.compactMap { s -> (Day, Day)? in
            if case let .historicalReplay(f, t) = s.kind { return (f, t) }; return nil
        }
        if let lo = replays.map(\.0).min(), let hi = replays.map(\.1).max() {
            history = try store.observations(from: lo - 7, through: hi)
        }
        if let (i, n) = o.shard {
            guard let out = o.out else { throw PipelineError.invalidConfiguration("--shard needs --out") }
            let dealData = try SimulateJob.read(o.dealPath), scenData = try SimulateJob.read(scenPath)
            let calEncoder = JSONEncoder(); calEncoder.outputFormatting = [.sortedKeys]
            let calData = try calEncoder.encode(calibration)
            try runShard(deal: deal, dealYAML: String(decoding: dealData, as: UTF8.self), scenarios: scenarios,
                         scenariosSHA256: SimulateJob.sha256(scenData), calibration: calibration,
                         calibrationSHA256: SimulateJob.sha256(calData), history: history, settings: o.settings, index: i, of: n, out: out)
            return Result(rows: [], csv: "", json: "", table: "stress shard \(i)/\(n) written to \(out)/stress-shard-\(i)-of-\(n)", seconds: [:])
        }
        return try run(deal: deal, scenarios: scenarios, calibration: calibration, history: history, settings: o.settings, out: o.out)
    }

    /// `stress-shard.json`: what a stress shard belongs to, and what `merge` needs to reduce the scenarios.
    struct ShardInfo: Codable, Equatable {
        var dealSHA256: String, scenariosSHA256: String, calibrationSHA256: String
        var seed: UInt64, paths: Int, model: String, measure: String, antithetic: Bool, horizonDays: Int
        var shardCount: Int, index: Int
        /// (name, kind, description) of base + every scenario, in order.
        var scenarios: [[String]]
        var priceUSD: Double
        var dealYAML: String
        enum CodingKeys: String, CodingKey {
            case seed, paths, model, measure, antithetic, index, scenarios
            case dealSHA256 = "deal_sha256", scenariosSHA256 = "scenarios_sha256", calibrationSHA256 = "calibration_sha256"
            case horizonDays = "horizon_days", shardCount = "shard_count", priceUSD = "price_usd", dealYAML = "deal_yaml"
        }
        /// Equal except for the shard index.
        func sameRun(_ o: ShardInfo) -> Bool { var a = self; a.index = o.index; return a == o }
    }
    static let shardMagic = Array("HSST0001".utf8)

    /// One shard of a stress run: the paths `shardRange(i, n)` of the base case and of every scenario.
    static func runShard(deal: Deal, dealYAML: String, scenarios: [Scenario], scenariosSHA256: String, calibration: Calibration,
                         calibrationSHA256: String, history: [DailyObservation], settings: SimulationSettings, index i: Int, of n: Int,
                         out: String) throws {
        guard n >= 1, i >= 0, i < n else { throw PipelineError.invalidConfiguration("--shard \(i)/\(n): need 0 ≤ i < n") }
        let schedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: settings.horizonDays)
        let overlays = try scenarios.map { try StressOverlayBuilder.overlay(for: $0, horizonDays: schedule.horizonDays, history: history) }
        let range = MonteCarlo.shardRange(index: i, of: n, total: settings.paths)
        var blob = Data(shardMagic)
        func u64(_ v: Int) { var x = UInt64(v).littleEndian; withUnsafeBytes(of: &x) { blob.append(contentsOf: $0) } }
        u64(overlays.count + 1)
        for ov in [nil] + overlays {
            let r = try StressRunner.run(deal: deal, calibration: calibration, settings: settings, overlay: ov, range: range)
            let d = r.partial(firstPath: range.lowerBound).encoded()
            u64(d.count); blob.append(d)
        }
        let info = ShardInfo(dealSHA256: SimulateJob.sha256(Data(dealYAML.utf8)), scenariosSHA256: scenariosSHA256,
                             calibrationSHA256: calibrationSHA256, seed: settings.seed, paths: settings.paths, model: settings.model.rawValue,
                             measure: settings.measureStatement, antithetic: settings.antithetic, horizonDays: schedule.horizonDays,
                             shardCount: n, index: i,
                             scenarios: [["base", "base", "no shock"]] + scenarios.map { [$0.name, $0.kindName, $0.description] },
                             priceUSD: deal.token.priceUSD, dealYAML: dealYAML)
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try SimulateJob.writeFiles([("stress-shard.json", String(decoding: try enc.encode(info), as: UTF8.self) + "\n")],
                                   binary: ("stress-partial.bin", blob),
                                   to: (out as NSString).appendingPathComponent("stress-shard-\(i)-of-\(n)"))
    }

    /// `hashsec merge` of stress shards: checks they form one complete run, concatenates every scenario's paths in
    /// order and writes `stress.csv` / `stress.json` exactly as the single run does.
    public static func merge(shardDirs: [String], out: String) throws -> Result {
        let infos = try ShardSet.read(shardDirs, file: "stress-shard.json", kind: "stress shard", as: ShardInfo.self)
        guard let first = infos.first?.0 else { throw PipelineError.shardMismatch("no shard directories given") }
        for (i, d) in infos where !i.sameRun(first) {
            throw PipelineError.shardMismatch("\(d) belongs to a different stress run than \(infos[0].1) (deal, scenarios, calibration, seed, paths, model, horizon or shard count differ)")
        }
        let n = first.shardCount
        let ordered = try ShardSet.ordered(infos.map { ($0.0.index, $0.1) }, count: n, kind: "stress shard")
        let k = first.scenarios.count
        var merged = [PartialResult?](repeating: nil, count: k)
        for idx in 0..<n {
            let bp = (ordered[idx] as NSString).appendingPathComponent("stress-partial.bin")
            guard let data = FileManager.default.contents(atPath: bp) else { throw PipelineError.inputMissing(path: bp, reason: "missing stress-partial.bin") }
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
        var deal = DealScheduleSnapshot.minimalDeal(priceUSD: first.priceUSD)
        deal.structure = structure; deal.leverage = leverage
        let rows = zip(first.scenarios, merged).map { sc, part in
            StressRow.reduce(scenario: sc[0], kind: sc[1], description: sc[2], deal: deal, results: StressRunner.PathResults(part!))
        }
        let hasS = structure != nil, hasL = leverage != nil
        let csvText = csv(rows, structure: hasS, leverage: hasL), jsonText = try json(rows, structure: hasS, leverage: hasL)
        try writeAtomically([("stress.csv", csvText), ("stress.json", jsonText)], dir: out)
        return Result(rows: rows, csv: csvText, json: jsonText, table: table(rows, structure: hasS, leverage: hasL), seconds: [:])
    }

    /// A calibration JSON file when given; else the store's calibration of `asOf` (default: the last stored day), else a fit.
    static func resolveCalibration(path: String?, store: Store, dbPath: String, asOf: Day?, windowDays: Int) throws -> Calibration {
        if let cp = path {
            guard let d = FileManager.default.contents(atPath: cp) else { throw PipelineError.inputMissing(path: cp, reason: "cannot read") }
            do { return try JSONDecoder().decode(Calibration.self, from: d) } catch {
                throw PipelineError.invalidConfiguration("\(cp): not a calibration JSON (\(error))")
            }
        }
        guard let range = try store.dateRange() else { throw PipelineError.insufficientData("the store \(dbPath) is empty: run `hashsec ingest` first") }
        return try loadCalibration(store: store, asOf: asOf ?? range.upperBound, windowDays: windowDays)
    }

    /// The stored calibration of exactly `asOf`, else a fresh fit on the store's history up to `asOf`.
    static func loadCalibration(store: Store, asOf: Day, windowDays: Int) throws -> Calibration {
        if let c = try store.calibrationJSON(onOrBefore: asOf), c.asOf == asOf {
            return try JSONDecoder().decode(Calibration.self, from: Data(c.json.utf8))
        }
        return try CalibrateJob.calibrate(observations: try store.observations(from: nil, through: asOf), asOf: asOf, windowDays: windowDays)
    }

    /// Pure part (no store): runs base + scenarios, writes `stress.csv` / `stress.json` into `out` when given.
    public static func run(deal: Deal, scenarios: [Scenario], calibration: Calibration, history: [DailyObservation],
                           settings: SimulationSettings, out: String?) throws -> Result {
        let schedule = DealSchedule(deal: deal, asOf: calibration.initialState.date, horizon: settings.horizonDays)
        // Build every overlay first: a bad scenario fails before any simulation or write.
        let overlays = try scenarios.map { try StressOverlayBuilder.overlay(for: $0, horizonDays: schedule.horizonDays, history: history) }
        var rows: [StressRow] = []
        var seconds: [String: Double] = [:]
        let t0 = Date()
        let base = try StressRunner.run(deal: deal, calibration: calibration, settings: settings, overlay: nil)
        rows.append(StressRow.reduce(scenario: "base", kind: "base", description: "no shock", deal: deal, results: base))
        seconds["base"] = Date().timeIntervalSince(t0)
        for (s, ov) in zip(scenarios, overlays) {
            let t = Date()
            let r = try StressRunner.run(deal: deal, calibration: calibration, settings: settings, overlay: ov)
            rows.append(StressRow.reduce(scenario: s.name, kind: s.kindName, description: s.description, deal: deal, results: r))
            seconds[s.name] = Date().timeIntervalSince(t)
        }
        let hasS = deal.structure != nil, hasL = deal.leverage != nil
        let csvText = csv(rows, structure: hasS, leverage: hasL)
        let jsonText = try json(rows, structure: hasS, leverage: hasL)
        if let out {
            try writeAtomically([("stress.csv", csvText), ("stress.json", jsonText)], dir: out)
        }
        return Result(rows: rows, csv: csvText, json: jsonText, table: table(rows, structure: hasS, leverage: hasL), seconds: seconds)
    }

    static func columns(structure: Bool, leverage: Bool) -> [String] {
        StressRow.baseColumns + (structure ? StressRow.structureColumns : []) + (leverage ? StressRow.leverageColumns : [])
    }

    static func field(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public static func csv(_ rows: [StressRow], structure: Bool, leverage: Bool) -> String {
        var out = columns(structure: structure, leverage: leverage).joined(separator: ",") + "\n"
        for r in rows {
            let nums = r.values(structure: structure, leverage: leverage).map { v in v.map { $0.isFinite ? $0.description : "" } ?? "" }
            out += ([field(r.scenario), field(r.kind), field(r.description)] + nums).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func json(_ rows: [StressRow], structure: Bool, leverage: Bool) throws -> String {
        let cols = columns(structure: structure, leverage: leverage)
        let objs: [[String: Any]] = rows.map { r in
            var o: [String: Any] = ["scenario": r.scenario, "kind": r.kind, "description": r.description]
            for (c, v) in zip(cols.dropFirst(3), r.values(structure: structure, leverage: leverage)) {
                o[c] = v.flatMap { $0.isFinite ? $0 as Any : nil } ?? NSNull()
            }
            return o
        }
        let d = try JSONSerialization.data(withJSONObject: objs, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: d, as: UTF8.self) + "\n"
    }

    public static func table(_ rows: [StressRow], structure: Bool, leverage: Bool) -> String {
        var head = ["scenario", "PV mean", "PV p05", "PV p50", "IRR p50", "P(loss)", "P(payback)"]
        if structure { head += ["senior EL", "senior P(sf)", "senior P(loss)", "equity IRR p50"] }
        if leverage { head += ["P(liq)", "P(bad debt)"] }
        func f(_ x: Double?, _ pct: Bool = false) -> String {
            guard let x, x.isFinite else { return "—" }
            return pct ? String(format: "%.1f%%", 100 * x) : String(format: "%.4f", x)
        }
        var lines: [[String]] = [head]
        for r in rows {
            var l = [r.scenario, f(r.pvMean), f(r.pvP05), f(r.pvP50), f(r.irrP50, true), f(r.probLoss, true), f(r.probPayback, true)]
            if structure { l += [f(r.seniorExpectedLoss, true), f(r.seniorProbShortfall, true), f(r.seniorProbLoss, true), f(r.equityIRRP50, true)] }
            if leverage { l += [f(r.probLiquidation, true), f(r.probBadDebt, true)] }
            lines.append(l)
        }
        let widths = (0..<head.count).map { c in lines.map { $0[c].count }.max() ?? 0 }
        return lines.map { l in
            l.enumerated().map { c, s in c == 0 ? s.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[c] - s.count) + s }.joined(separator: "  ")
        }.joined(separator: "\n")
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
        _ = try StressRunner.run(deal: plainDeal, calibration: cal, settings: settings, overlay: nil)
        func time(_ body: () throws -> Void) rethrows -> Double { let t = Date(); try body(); return Date().timeIntervalSince(t) }
        for _ in 0..<max(1, repeats) {
            sim = min(sim, try time { _ = try MonteCarlo.run(deal: plainDeal, calibration: cal, settings: settings) })
            simFull = min(simFull, try time { _ = try MonteCarlo.run(deal: deal, calibration: cal, settings: settings) })
            plain = min(plain, try time { _ = try StressRunner.run(deal: plainDeal, calibration: cal, settings: settings, overlay: nil) })
            plainOv = min(plainOv, try time { _ = try StressRunner.run(deal: plainDeal, calibration: cal, settings: settings, overlay: overlay) })
            full = min(full, try time { _ = try StressRunner.run(deal: deal, calibration: cal, settings: settings, overlay: overlay) })
        }
        func pct(_ x: Double) -> String { String(format: "%+.1f%%", 100 * x) }
        func sec(_ x: Double) -> String { String(format: "%.3f s", x) }
        let text = """
        perf stress: \(paths) paths × \(schedule.horizonDays) days, \(threads) thread(s), best of \(max(1, repeats)); \(source)
          simulate (MonteCarlo.run: paths + daily quantile histograms)   \(sec(sim))
          simulate + waterfall + leverage (simulate of a structured deal) \(sec(simFull))  (\(pct(simFull / sim - 1)) vs simulate)
          stress runner, no structures, no overlay                       \(sec(plain))
          stress runner, no structures, price_crash overlay              \(sec(plainOv))
          stress runner + waterfall + leverage + price_crash overlay     \(sec(full))
          waterfall + leverage cost \(sec(full - plainOv)) = \(pct((full - plainOv) / sim)) of simulate; overlay \(pct((plainOv - plain) / sim))
          structures + overlay on the stress runner: \(pct(full / plain - 1)); whole stress run vs simulate: \(pct(full / sim - 1)) (target ≤ +30%)
        """
        return PerfResult(simulateSeconds: sim, plainPathsSeconds: plain, fullSeconds: full, paths: paths, text: text)
    }
}
