import Calibrate
import Config
import Domain
import FileIO
import Foundation
import LinearAlgebra
import Models
import Results
import Simulate

/// `hashsec simulate`: resolve (the deal file and the calibration: the only part that reads files or the store), then
/// run (Monte Carlo and the outputs of docs/outputs.md, a pure function of the resolved inputs), then write.
public enum SimulateJob {
    public struct Options: Sendable {
        public var dealPath: String
        public var settings: SimulationSettings
        public var asOf: Day?
        public var calibrationPath: String?
        public var dbPath: String
        /// The calibration window of the fit the run asks the store for (or makes).
        public var windowDays: Int
        public var out: String?
        public var pathsCSV: Bool
        /// `--shard i/n`.
        public var shard: Shard?
        /// `--sweep-leverage N`: also run the deal's staking leverage with 0…N loops on every path.
        public var sweepMaxLoops: Int?
        /// With `sweepMaxLoops`: true (the command line) rejects a deal without `leverage:`; false (the nightly, for
        /// every deal) simply skips the sweep there.
        public var sweepRequiresLeverage: Bool
        /// The forward curve (`--curve`, the store), `--forward-beyond`, `--forward-pilot`.
        public var curve: CurveOptions
        /// `--hedge N|own|var|cvar` (nil: no hedge), `--hedge-settlement`, `--initial-margin` (nil: Luxor's 35 % / 18 %).
        public var hedge: HedgeSize?
        public var hedgeSettlement: HedgeSpec.Settlement
        public var initialMargin: Double?
        /// `--sensitivities`: also revalue with the SPEC §13 bumps on the same paths (`SensitivityBump`).
        public var sensitivities: Bool
        public init(dealPath: String, settings: SimulationSettings, asOf: Day? = nil, calibrationPath: String? = nil,
                    dbPath: String = "hashsec.sqlite", windowDays: Int = Calibrator.defaultWindowDays, out: String? = nil, pathsCSV: Bool = false,
                    shard: Shard? = nil, sweepMaxLoops: Int? = nil, sweepRequiresLeverage: Bool = true, curve: CurveOptions = CurveOptions(),
                    hedge: HedgeSize? = nil, hedgeSettlement: HedgeSpec.Settlement = .usd, initialMargin: Double? = nil,
                    sensitivities: Bool = false) {
            self.sensitivities = sensitivities
            self.dealPath = dealPath; self.settings = settings; self.asOf = asOf; self.calibrationPath = calibrationPath
            self.dbPath = dbPath; self.windowDays = windowDays; self.out = out; self.pathsCSV = pathsCSV; self.shard = shard
            self.sweepMaxLoops = sweepMaxLoops; self.sweepRequiresLeverage = sweepRequiresLeverage; self.curve = curve; self.hedge = hedge
            self.hedgeSettlement = hedgeSettlement; self.initialMargin = initialMargin
        }
    }

    /// What the run is a function of.
    public struct Resolved: Sendable {
        var deal: JobInputs.DealInput
        var calibration: CalibrationResolver.Resolved
        /// The forward curve (`CurveInputs.forSimulation`; nil: the run has no curve).
        var curve: ResolvedCurve? = nil
        package init(deal: JobInputs.DealInput, calibration: CalibrationResolver.Resolved, curve: ResolvedCurve? = nil) {
            self.deal = deal; self.calibration = calibration; self.curve = curve
        }
    }

    public struct Result {
        public var summaryText: String
        /// Every file of the output folder (manifest.json included; a shard's header and payload).
        public var files: [OutputFile]
        public var seconds: Double
        /// The run's statistics (`summary.json`); nil for a shard.
        public var summary: RunSummary?
        /// The folder the files go to under `--out` (the shard's own folder for a shard).
        public var folder: String?
    }

    /// Reads the deal, resolves the calibration (`CalibrationResolver`) and the forward curve (`CurveInputs.forSimulation`),
    /// through one store handle (opened at most once).
    public static func resolve(_ o: Options, files: InputFiles = DiskFiles.shared) throws -> Resolved {
        let deal = try JobInputs.deal(o.dealPath, files: files)
        let store = JobInputs.StoreHandle(o.dbPath, files: files)
        let cal = try CalibrationResolver.resolve(calibrationPath: o.calibrationPath, store: store, asOf: o.asOf, windowDays: o.windowDays,
                                                  files: files)
        return Resolved(deal: deal, calibration: cal, curve: try CurveInputs.forSimulation(o, calibration: cal.calibration, store: store, files: files))
    }

    /// Resolve, run, write.
    public static func run(_ o: Options) throws -> Result {
        let t0 = Date()
        let r = try run(o, try resolve(o), started: t0)
        try write(r)
        return r
    }

    /// Writes a result's files into its folder (all or nothing; a shard's durably, another machine merges it).
    public static func write(_ r: Result) throws {
        guard let folder = r.folder else { return }
        try OutputWriter.writeDirectory(r.files, to: folder, durable: r.summary == nil)
    }

    /// The run: a pure function of the options and the resolved inputs (nothing is read or written).
    public static func run(_ o: Options, _ inputs: Resolved, started t0: Date = Date()) throws -> Result {
        let deal = inputs.deal.deal, cal = inputs.calibration.calibration
        if o.sweepMaxLoops != nil, deal.leverage == nil, o.sweepRequiresLeverage {
            throw PipelineError.invalidConfiguration("\(o.dealPath): --sweep-leverage needs a `leverage:` section in the deal")
        }
        let sweepMaxLoops = deal.leverage == nil ? nil : o.sweepMaxLoops
        if o.sensitivities, o.settings.sampling.method != .pseudo {
            throw PipelineError.invalidConfiguration("--sensitivities cannot be combined with --sampling \(o.settings.sampling.method.rawValue): the bump table's standard errors are those of antithetic pairs (use --sampling pseudo)")
        }
        if o.sensitivities, o.shard != nil {
            throw PipelineError.invalidConfiguration("--sensitivities cannot be combined with --shard: the paired differences need every path of the base and bumped runs in one process (run it unsharded)")
        }
        try DealFile.checkFleet(deal, text: inputs.deal.text, file: o.dealPath, networkHashRateHs: cal.initialState.hashRateHs, on: cal.initialState.date)
        var s = o.settings
        let schedule = DealSchedule(deal: deal, asOf: cal.initialState.date, horizon: s.horizonDays)
        s.horizonDays = schedule.horizonDays
        let range = o.shard.map { $0.paths(of: s.paths) }
        let tCurve = Date()
        let curve = try curveContext(o, inputs.curve, deal: deal, calibration: cal, schedule: schedule, settings: &s)
        let curveSeconds = Date().timeIntervalSince(tCurve)
        var identity = RunIdentity(dealSHA256: inputs.deal.sha256, calibrationSHA256: inputs.calibration.sha256, seed: s.seed, paths: s.paths,
                                   model: s.model.rawValue, measure: s.measureStatement, rate: s.rate, antithetic: s.antithetic,
                                   poissonBlocks: s.poissonBlocks, horizonDays: schedule.horizonDays, shardCount: o.shard?.count ?? 1,
                                   sweepMaxLoops: sweepMaxLoops)
        identity.curve = curve?.plan.statement
        if s.sampling.method == .sobol {
            identity.sampling = s.sampling.description; identity.samplingReplicates = s.sampling.replicates
        }
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
            try DealFile.checkIssuance(deal, text: inputs.deal.text, file: o.dealPath, btcPerTokenMean: result.btcTotal.reduce(0, +) / Double(result.count))
        }
        let parameters = SimulationOutputs.parameters(s, identity: identity, schedule: schedule, calibration: cal)
        var files: [OutputFile], text: String, summary: RunSummary? = nil
        var folder = o.out
        if let sh = o.shard {
            let header = ShardHeader(kind: .simulate, identity: identity, index: sh.index, dealYAML: inputs.deal.text,
                                     efficiencyJTH: deal.miner.efficiencyJTH, calibrationJSON: inputs.calibration.json, scenariosYAML: nil,
                                     pathsCSV: o.pathsCSV, parameters: parameters, curveJSON: try curve.map { try JSONText.encode($0) },
                                     calibration: inputs.calibration.reference, payload: .init(file: "", bytes: 0, sha256: ""))
            let shard = try ShardSet.output(header, payload: result.encoded(), out: o.out ?? "")
            files = shard.files
            folder = o.out.map { _ in shard.folder }
            text = "shard \(sh): paths \(range!.lowerBound)..<\(range!.upperBound) simulated in \(String(format: "%.2f", simSeconds)) s"
        } else {
            let ctx = SimulationOutputs.Context(deal: deal, identity: identity, schedule: schedule, state: cal.initialState, pathsCSV: o.pathsCSV,
                                                curve: curve)
            let rendered = try SimulationOutputs.render(result, ctx, sensitivities: sensitivities)
            files = rendered.files
            summary = rendered.summary
            text = SimulationOutputs.summaryLine(rendered, priceUSD: deal.token.priceUSD, seconds: simSeconds)
            if let rows = sensitivities { text += "\n" + SensitivityTable.text(rows) }
        }
        let seconds = Date().timeIntervalSince(t0)
        let rng = PathGenerator.rngDescription(sampling: s.sampling, drawDimension: try ModelProcess(calibration: cal, settings: s).drawDimension,
                                               days: schedule.horizonDays)
        let manifest = RunManifest.engineRun("simulate", identity: identity,
                                             inputs: [.init(path: o.dealPath, sha256: inputs.deal.sha256),
                                                      .init(path: inputs.calibration.inputName, sha256: inputs.calibration.sha256)],
                                             parameters: SimulateParameters(simulation: parameters, curve: curve), rng: rng, runID: identity.runID,
                                             kernel: KernelVariant.inUse.description, threads: s.threads, shard: o.shard?.description,
                                             calibration: inputs.calibration.reference,
                                             timings: ["simulate": simSeconds, "total": seconds]
                                                .merging(curve == nil ? [:] : ["curve_and_forward_solve": curveSeconds]) { a, _ in a })
        files.append(OutputFile("manifest.json", try JSONText.encode(manifest)))
        return Result(summaryText: text, files: files, seconds: seconds, summary: summary, folder: folder)
    }

    /// The run's forward curve (resolved before the run: `CurveInputs.forSimulation`), the forward measure solved into
    /// `settings`, the plan with the hedge sized (`var`/`cvar` from a first pass on the same paths: outcomes and curve
    /// records only), the curve value.
    static func curveContext(_ o: Options, _ resolved: ResolvedCurve?, deal: Deal, calibration cal: Calibration, schedule: DealSchedule,
                             settings s: inout SimulationSettings) throws -> CurveContext? {
        let required = s.measure == .forward || o.hedge != nil || o.curve.path != nil
        guard let rc = resolved else { return nil }
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
}
