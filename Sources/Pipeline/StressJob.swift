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
        public init(dealPath: String, scenariosPath: String? = nil, dbPath: String, asOf: Day? = nil,
                    settings: SimulationSettings = SimulationSettings(paths: 2000), out: String? = nil, windowDays: Int = 1460,
                    calibrationPath: String? = nil) {
            self.dealPath = dealPath; self.scenariosPath = scenariosPath; self.dbPath = dbPath; self.asOf = asOf
            self.settings = settings; self.out = out; self.windowDays = windowDays; self.calibrationPath = calibrationPath
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
        var history: [DailyObservation] = []
        let replays = scenarios.compactMap { s -> (Day, Day)? in
            if case let .historicalReplay(f, t) = s.kind { return (f, t) }; return nil
        }
        if let lo = replays.map(\.0).min(), let hi = replays.map(\.1).max() {
            history = try store.observations(from: lo - 7, through: hi)
        }
        return try run(deal: deal, scenarios: scenarios, calibration: calibration, history: history, settings: o.settings, out: o.out)
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
        if structure { head += ["senior EL", "senior P(sf)", "equity IRR p50"] }
        if leverage { head += ["P(liq)", "P(bad debt)"] }
        func f(_ x: Double?, _ pct: Bool = false) -> String {
            guard let x, x.isFinite else { return "—" }
            return pct ? String(format: "%.1f%%", 100 * x) : String(format: "%.4f", x)
        }
        var lines: [[String]] = [head]
        for r in rows {
            var l = [r.scenario, f(r.pvMean), f(r.pvP05), f(r.pvP50), f(r.irrP50, true), f(r.probLoss, true), f(r.probPayback, true)]
            if structure { l += [f(r.seniorExpectedLoss, true), f(r.seniorProbShortfall, true), f(r.equityIRRP50, true)] }
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
