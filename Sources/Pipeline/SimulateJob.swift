import Bitcoin
import Config
import Domain
import Foundation
import LinearAlgebra
import Models
import Simulate
import Statistics
import Store

/// `hashsec simulate`: deal file + calibration (file, store, or calibrate now) → Monte Carlo → docs/outputs.md files.
public enum SimulateJob {
    public struct Options: Sendable {
        public var dealPath: String
        public var settings: SimulationSettings
        public var asOf: Day?
        public var calibrationPath: String?
        public var dbPath: String
        public var out: String?
        public var pathsCSV: Bool
        /// `--shard i/n`.
        public var shard: Shard?
        /// `--sweep-leverage N`: also run the deal's staking leverage with 0…N loops on every path.
        public var sweepMaxLoops: Int?
        /// With `sweepMaxLoops`: true (the command line) rejects a deal without `leverage:`; false (the nightly, for
        /// every deal) simply skips the sweep there.
        public var sweepRequiresLeverage: Bool
        /// `--sensitivities`: also revalue with the SPEC §13 bumps on the same paths (`SensitivityBump`).
        public var sensitivities: Bool
        /// The forward curve (`--curve`, the store), `--forward-beyond`, `--forward-pilot`.
        public var curve: CurveOptions
        /// `--hedge N|own|var|cvar` (nil: no hedge), `--hedge-settlement`, `--initial-margin` (nil: Luxor's 35 % / 18 %).
        public var hedge: HedgeSize?
        public var hedgeSettlement: HedgeSpec.Settlement
        public var initialMargin: Double?
        public init(dealPath: String, settings: SimulationSettings, asOf: Day? = nil, calibrationPath: String? = nil,
                    dbPath: String = "hashsec.sqlite", out: String? = nil, pathsCSV: Bool = false, shard: Shard? = nil,
                    sweepMaxLoops: Int? = nil, sweepRequiresLeverage: Bool = true, curve: CurveOptions = CurveOptions(),
                    hedge: HedgeSize? = nil, hedgeSettlement: HedgeSpec.Settlement = .usd, initialMargin: Double? = nil,
                    sensitivities: Bool = false) {
            self.sensitivities = sensitivities
            self.dealPath = dealPath; self.settings = settings; self.asOf = asOf; self.calibrationPath = calibrationPath
            self.dbPath = dbPath; self.out = out; self.pathsCSV = pathsCSV; self.shard = shard; self.sweepMaxLoops = sweepMaxLoops
            self.sweepRequiresLeverage = sweepRequiresLeverage; self.curve = curve; self.hedge = hedge
            self.hedgeSettlement = hedgeSettlement; self.initialMargin = initialMargin
        }
    }

    public struct Result {
        public var summaryText: String
        public var files: [(String, String)]
        public var seconds: Double
        /// The run's statistics (`summary.json`); nil for a shard.
        public var summary: RunSummary?
    }

    static func sha256(_ d: Data) -> String { SHA256.hex(SHA256.hash([UInt8](d), kernel: .portable)) }

    static func read(_ path: String) throws -> Data {
        guard let d = FileManager.default.contents(atPath: path) else { throw PipelineError.inputMissing(path: path, reason: "cannot read file") }
        return d
    }

    /// A calibration JSON file and its bytes.
    static func readCalibration(_ p: String) throws -> (Calibration, Data) {
        let d = try read(p)
        do { return (try JSONDecoder().decode(Calibration.self, from: d), d) } catch {
            throw PipelineError.invalidConfiguration("\(p) is not a calibration JSON: \(error)")
        }
    }

    /// Loads the calibration: `--calibration` JSON, else the store's calibration of the last stored day ≤ `asOf`, else calibrate now.
    static func loadCalibration(_ o: Options) throws -> (Calibration, Data, String) {
        if let p = o.calibrationPath {
            let (c, d) = try readCalibration(p)
            if let a = o.asOf, c.asOf > a { throw PipelineError.invalidConfiguration("\(p) is as of \(c.asOf), after --as-of \(a)") }
            return (c, d, p)
        }
        guard FileManager.default.fileExists(atPath: o.dbPath) else {
            throw PipelineError.inputMissing(path: o.dbPath, reason: "no store; pass --calibration FILE.json or run `hashsec ingest`")
        }
        let store = try Store(path: o.dbPath)
        // SPEC §4: the initial state is the last stored day at or before --as-of (default: the last stored day), so a
        // stored calibration is reused only when it is of exactly that day (an older one would be stale).
        let target = try o.asOf.map { a in try store.dateRange().map { min($0.upperBound, a) } ?? a } ?? store.dateRange()?.upperBound
        if let target, let (_, json) = try store.calibrationJSON(onOrBefore: target) {
            let d = Data(json.utf8)
            if let c = try? JSONDecoder().decode(Calibration.self, from: d), c.asOf == target { return (c, d, "store:\(c.asOf)") }
        }
        let r = try CalibrateJob.run(.init(dbPath: o.dbPath, asOf: o.asOf))
        return (r.calibration, Data(r.json.utf8), "store:\(r.calibration.asOf)")
    }

    public static func run(_ o: Options) throws -> Result {
        let t0 = Date()
        if o.sensitivities, o.shard != nil {
            throw PipelineError.invalidConfiguration("--sensitivities cannot be combined with --shard: the paired differences need every path of the base and bumped runs in one process (run it unsharded)")
        }
        let dealData = try read(o.dealPath)
        let deal = try DealFile.load(path: o.dealPath, catalogPath: RepositoryData.resolve("datasets/asic-catalog.csv"))
        if o.sweepMaxLoops != nil, deal.leverage == nil, o.sweepRequiresLeverage {
            throw PipelineError.invalidConfiguration("\(o.dealPath): --sweep-leverage needs a `leverage:` section in the deal")
        }
        let sweepMaxLoops = deal.leverage == nil ? nil : o.sweepMaxLoops
        let (cal, calData, calSource) = try loadCalibration(o)
        try DealFile.checkFleet(deal, path: o.dealPath, networkHashRateHs: cal.initialState.hashRateHs, on: cal.initialState.date)
        var s = o.settings
        let schedule = DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: s.horizonDays)
        s.horizonDays = schedule.horizonDays
        let n = o.shard?.count ?? 1
        let range = o.shard.map { $0.paths(of: s.paths) }
        let tCurve = Date()
        let curve = try curveContext(o, deal: deal, calibration: cal, schedule: schedule, settings: &s)
        let curveSeconds = Date().timeIntervalSince(tCurve)
        var identity = RunIdentity(dealSHA256: sha256(dealData), calibrationSHA256: sha256(calData), seed: s.seed, paths: s.paths,
                                   model: s.model.rawValue, measure: s.measureStatement, rate: s.rate, antithetic: s.antithetic,
                                   poissonBlocks: s.poissonBlocks, horizonDays: schedule.horizonDays, shardCount: n,
                                   sweepMaxLoops: sweepMaxLoops)
        identity.curve = curve?.plan.statement
        let tSim = Date()
        let bumps = o.sensitivities ? SensitivityBump.standard(deal: deal, calibration: cal, model: s.model) : []
        let runs = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, range: range,
                                      paths: [PathScenario()] + SensitivityBump.scenarios(bumps).scenarios, accumulate: [.daily, .structures],
                                      sweepMaxLoops: sweepMaxLoops, curve: curve?.plan)
        let result = runs[0]
        let sensitivities = o.sensitivities
            ? SensitivityBump.rows(bumps, base: result, results: Array(runs.dropFirst()), priceUSD: deal.token.priceUSD, antithetic: s.antithetic) : nil
        let simSeconds = Date().timeIntervalSince(tSim)
        if result.count > 0 {
            try DealFile.checkIssuance(deal, path: o.dealPath, btcPerTokenMean: result.btcTotal.reduce(0, +) / Double(result.count))
        }
        let ctx = SimulationOutputs.Context(dealName: deal.name, identity: identity, schedule: schedule, priceUSD: deal.token.priceUSD,
                                            pathsCSV: o.pathsCSV, structure: deal.structure, leverage: deal.leverage, curve: curve)
        var files: [(String, String)]
        var text: String
        let shardFile = SimulateShardFile(identity: identity, index: o.shard?.index ?? 0, dealName: deal.name, asOf: schedule.asOf,
                                  offset: schedule.offset, tokenDays: schedule.tokenDays, termDays: schedule.termDays, priceUSD: deal.token.priceUSD,
                                  pathsCSV: o.pathsCSV,
                                  dealYAML: String(decoding: dealData, as: UTF8.self), curve: curve)
        var binary: Data? = nil
        var summary: RunSummary? = nil
        if let sh = o.shard {
            files = [("shard.json", SimulationOutputs.json(try shardFile.jsonObject()))]
            binary = result.encoded()
            text = "shard \(sh): paths \(range!.lowerBound)..<\(range!.upperBound) simulated in \(String(format: "%.2f", simSeconds)) s"
        } else {
            let rendered = SimulationOutputs.render(result, ctx, sensitivities: sensitivities)
            files = rendered.files
            summary = rendered.summary
            text = summaryLine(rendered, dealName: deal.name, priceUSD: deal.token.priceUSD, seconds: simSeconds)
            if let rows = sensitivities { text += "\n" + SensitivityTable.text(rows) }
        }
        let seconds = Date().timeIntervalSince(t0)
        if let out = o.out {
            var dir = out
            if let sh = o.shard { dir = (out as NSString).appendingPathComponent("shard-\(sh.index)-of-\(sh.count)") }
            var all = files
            all.append(("manifest.json", manifest(command: "simulate", inputs: [(o.dealPath, sha256(dealData)), (calSource, sha256(calData))],
                                                  settings: s, calibration: cal, identity: identity, schedule: schedule, shard: o.shard,
                                                  timings: ["simulate": simSeconds, "total": seconds]
                                                    .merging(curve == nil ? [:] : ["curve_and_forward_solve": curveSeconds]) { a, _ in a },
                                                  curve: curve)))
            try writeFiles(all, binary: binary.map { ("partial.bin", $0) }, to: dir)
        }
        return Result(summaryText: text, files: files, seconds: seconds, summary: summary)
    }

    /// The run's forward curve: resolved (`CurveInputs.resolve`), the forward measure solved into `settings`, the plan with
    /// the hedge sized (`var`/`cvar` from a first pass on the same paths: outcomes and curve records only), the curve value.
    static func curveContext(_ o: Options, deal: Deal, calibration cal: Calibration, schedule: DealSchedule,
                             settings s: inout SimulationSettings) throws -> CurveContext? {
        let asOf = cal.initialState.date
        let required = s.measure == .forward || o.hedge != nil || o.curve.path != nil
        guard let rc = try CurveInputs.resolve(o.curve, dbPath: o.dbPath, asOf: asOf, storeRead: o.calibrationPath == nil,
                                               required: required) else { return nil }
        var plan: CurvePlan
        do {
            plan = try CurvePlan(curve: rc.usd, btcCurve: rc.btc, schedule: schedule, discountRate: deal.valuation.discountRate)
        } catch SimulateError.forwardCurve(_) where !required {
            // A stored curve that was not asked for and has no month within the simulated days (quoted long before the
            // as-of date): the run has no curve outputs, as without a stored curve.
            return nil
        }
        try CurveInputs.applyForward(&s, deal: deal, calibration: cal, curve: rc, options: o.curve)
        let own = plan.ownHashrate(deal: deal, offset: schedule.offset)
        if let size = o.hedge {
            guard !plan.hedgedMonths.isEmpty else {
                throw SimulateError.forwardCurve("the token earns nothing in the curve's months \(plan.months.first!.month.iso)…\(plan.months.last!.month.iso): nothing to hedge")
            }
            let notional: [Double], label: String
            switch size {
            case .phs(let v): notional = CurveOutputs.constant(v, plan); label = "\(v) PH/s"
            case .own: notional = own; label = "own"
            case .varianceMinimizing, .cvarMinimizing:
                guard o.shard == nil else {
                    throw PipelineError.invalidConfiguration("--hedge \(size) is chosen on all the run's paths: run it without --shard, or pass --hedge N or own")
                }
                let first = try MonteCarlo.run(deal: deal, calibration: cal, settings: s, scenarios: [nil], accumulate: [], curve: plan)[0]
                let opt = CurveOutputs.optimalRatios(first, plan, settlement: o.hedgeSettlement, own: CurveOutputs.meanOverHedged(own, plan),
                                                     antithetic: s.antithetic)
                let v = size == .varianceMinimizing ? max(opt.variance?.ratio ?? 0, 0) : opt.cvar
                notional = CurveOutputs.constant(v, plan); label = "\(size) (\(String(format: "%.6g", v)) PH/s)"
            }
            if let im = o.initialMargin, !(im.isFinite && im >= 0 && im <= 1) {
                throw PipelineError.invalidConfiguration("--initial-margin must be a share of notional in [0, 1], got \(im)")
            }
            try plan.setHedge(HedgeSpec(notional: notional, settlement: o.hedgeSettlement, initialMargin: o.initialMargin, label: label))
        }
        let value = CurveValue.outcome(deal: deal, schedule: schedule, curve: rc.usd, initialPriceUSD: cal.initialState.priceUSD)
        return CurveContext(plan: plan, source: rc.source, forward: s.forward, value: value, ownHashrate: own, initialPriceUSD: cal.initialState.priceUSD)
    }

    /// The terminal summary (plus the leverage sweep table when there is one).
    static func summaryLine(_ r: SimulationOutputs.Rendered, dealName: String, priceUSD: Double, seconds: Double?) -> String {
        let s = r.summary
        func f(_ x: Double?) -> String { x.flatMap { $0.isFinite ? String(format: "%.4g", $0) : nil } ?? "n/a" }
        return """
        \(dealName): \(s.paths) paths, \(s.run.model) / \(s.run.measure), \(s.run.horizonDays) days from \(s.run.startDate)\(s.run.truncated ? " — TRUNCATED: the deal's term is \(s.run.termDays) days" : "")
          PV/token USD mean \(f(s.pvMean)) ± \(f(s.pvStderr)) (p05 \(f(s.pvQuantiles["p05"])), p50 \(f(s.pvQuantiles["p50"])), p95 \(f(s.pvQuantiles["p95"]))) vs price \(priceUSD)
          BTC/token mean \(f(s.btcMean)), IRR p50 \(f(s.irrQuantiles["p50"])), P(loss) \(f(s.probLoss)), P(PV < price) \(f(s.probPVBelowPrice)), P(payback) \(f(s.probPayback)), P(terminated) \(f(s.probTerminated))
          \(seconds.map { String(format: "simulated in %.2f s", $0) } ?? "merged from shards")
        """ + (s.curve.map { "\n" + curveLines($0) } ?? "") + (r.sweep.map { "\n" + LeverageSweepText.table($0) } ?? "")
    }

    /// The curve, forward and hedge lines of the terminal summary.
    static func curveLines(_ c: CurveSummary) -> String {
        func f(_ x: Finite?) -> String { x.flatMap { $0.value.isFinite ? String(format: "%.4g", $0.value) : nil } ?? "n/a" }
        var t = "  curve \(c.curve.quoteDate) (\(c.curve.unit.uppercased()), \(c.curve.months.first ?? "")…\(c.curve.months.last ?? ""), \(c.curve.source))"
        if let v = c.value { t += ": curve value PV \(f(v.pvUSD)), USD paid \(f(v.usdTotal)), IRR \(f(v.irr))" }
        if let fw = c.forward {
            let worst = fw.months.map { abs($0.relativeError.value) }.max() ?? 0
            t += "\n  forward measure: drift shifted per month on \(fw.pilotPaths) pilot paths (\(fw.iterations) iterations); simulated monthly "
                + "mean hashprice vs curve: largest relative difference \(String(format: "%.3g", worst)); \(fw.beyond)"
        }
        if let h = c.hedge {
            t += "\n  hedge \(h.size), \(h.settlement.uppercased())-settled NDFs, \(f(h.notionalPHsMean)) PH/s per token (\(f(h.ratioToOwn))× own): "
                + "PV mean \(f(h.pvMean)) ± \(f(h.pvStderr)), sd \(f(h.pvSD)) vs \(f(h.unhedgedPVSD)) unhedged (variance ×\(f(h.varianceRatio))), "
                + "worst-5 % mean \(f(h.pvTailMean5pct)) vs \(f(h.unhedgedPVTailMean5pct)), IRR p50 \(f(Finite(h.irrQuantiles["p50"] ?? .nan)))"
            if let v = h.varianceMinimizing { t += "\n    variance-minimizing \(f(v.phs)) ± \(f(v.stderr)) PH/s (\(f(v.ratioToOwn))× own, variance ×\(f(v.varianceRatio)))" }
            if let v = h.cvarMinimizing { t += "; CVaR95-minimizing \(f(v.phs)) PH/s (worst-5 % mean \(f(v.pvTailMean5pct)))" }
            t += "\n    margin: initial \(f(h.initialMarginUSD)) (\(f(h.initialMarginShare)) of notional), peak p50 \(f(Finite(h.peakMarginQuantiles["p50"] ?? .nan))), "
                + "p95 \(f(Finite(h.peakMarginQuantiles["p95"] ?? .nan))), p99 \(f(Finite(h.peakMarginQuantiles["p99"] ?? .nan))) USD per token"
        }
        return t
    }

    static func manifest(command: String, inputs: [(String, String)], settings s: SimulationSettings, calibration: Calibration?,
                         identity: RunIdentity, schedule: DealSchedule, shard: Shard?, timings: [String: Double],
                         curve: CurveContext? = nil) -> String {
        let iso = ISO8601DateFormatter().string(from: Date())
        let law = calibration.flatMap { try? ModelProcess(calibration: $0, settings: s) }
        let params: [String: Any] = [
            "paths": s.paths, "seed": NSNumber(value: s.seed), "model": s.model.rawValue, "measure": s.measure.rawValue, "rate": s.rate,
            "drift": s.drift.description, "drift_statement": law?.price.driftStatement ?? NSNull(),
            "drift_prior": ["mean_per_year": s.driftPrior.meanPerYear, "sd_per_year": s.driftPrior.sdPerYear],
            "parameter_uncertainty": s.parameterUncertainty,
            "antithetic": s.antithetic, "poisson_blocks": s.poissonBlocks, "horizon_days": identity.horizonDays, "block_size": s.blockSize,
            "term_days": schedule.termDays, "truncated": schedule.truncated,
            "deal_sha256": identity.dealSHA256, "calibration_sha256": identity.calibrationSHA256,
            "curve": curve.flatMap { c in (try? JSONEncoder().encode(c)).flatMap { try? JSONSerialization.jsonObject(with: $0) } } ?? NSNull(),
        ]
        let o: [String: Any] = [
            "command": command, "version": "hashsec 0.1", "run_id": "\(identity.dealSHA256.prefix(8))-\(identity.seed)-\(identity.paths)",
            "created_utc": iso, "inputs": inputs.map { ["path": $0.0, "sha256": $0.1] }, "parameters": params,
            "seed": NSNumber(value: s.seed), "rng": PathGenerator.rngDescription, "kernel": KernelVariant.inUse.description,
            "paths": s.paths, "threads": s.threads, "shard": shard.map { $0.description } ?? NSNull(), "timings_s": timings,
        ]
        return SimulationOutputs.json(o)
    }

    /// Writes all files into a sibling temp directory, then renames it into place (no partial outputs).
    static func writeFiles(_ files: [(String, String)], binary: (String, Data)?, to dir: String) throws {
        let fm = FileManager.default
        let dest = URL(fileURLWithPath: dir)
        let parent = dest.deletingLastPathComponent()
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw PipelineError.cannotWrite(path: parent.path, reason: "\(error)")
        }
        let tmp = parent.appendingPathComponent(".\(dest.lastPathComponent).tmp-\(getpid())")
        try? fm.removeItem(at: tmp)
        do {
            try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
            for (name, content) in files { try Data(content.utf8).write(to: tmp.appendingPathComponent(name)) }
            if let (name, d) = binary { try d.write(to: tmp.appendingPathComponent(name)) }
            if fm.fileExists(atPath: dest.path) {
                // Replace only our own files in an existing directory.
                for (name, _) in files + (binary.map { [($0.0, "")] } ?? []) {
                    let target = dest.appendingPathComponent(name)
                    try? fm.removeItem(at: target)
                    try fm.moveItem(at: tmp.appendingPathComponent(name), to: target)
                }
                try fm.removeItem(at: tmp)
            } else {
                try fm.moveItem(at: tmp, to: dest)
            }
        } catch {
            try? fm.removeItem(at: tmp)
            throw PipelineError.cannotWrite(path: dir, reason: "\(error)")
        }
    }
}

/// `shard.json` of a simulate shard: the run identity plus what the merge needs to render the outputs.
struct SimulateShardFile: Codable, Equatable {
    var identity: RunIdentity
    var index: Int
    var dealName: String
    var asOf: Day
    var offset: Int
    var tokenDays: Int
    var termDays: Int
    var priceUSD: Double
    var pathsCSV: Bool
    /// The deal file's text (its SHA-256 is in `identity`): `merge` reads the structure sections from it.
    var dealYAML: String
    /// The run's forward curve, forward measure and hedge (nil without a curve).
    var curve: CurveContext? = nil
    enum CodingKeys: String, CodingKey {
        case curve
        case identity, index
        case dealName = "deal_name", asOf = "as_of", offset, tokenDays = "token_days", termDays = "term_days", priceUSD = "price_usd"
        case pathsCSV = "paths_csv"
        case dealYAML = "deal_yaml"
    }
    func jsonObject() throws -> Any {
        try JSONSerialization.jsonObject(with: JSONEncoder().encode(self))
    }
}
