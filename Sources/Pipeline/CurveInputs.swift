import Domain
import FileIO
import Foundation
import Ingest
import Simulate
import Store

/// Where a run's forward curve comes from and how `simulate`/`stress`/`nightly` turn it into the forward measure and the
/// curve plan (SPEC §13).
public struct CurveOptions: Sendable, Equatable {
    /// `--curve FILE`: a curve file used in place of the store's (parsed and checked like `ingest`, not stored).
    public var path: String?
    /// Look the curve up in the store even when the run reads no calibration from it (the nightly).
    public var fromStore: Bool
    public var beyond: ForwardAdjustment.Beyond
    public var pilotPaths: Int
    public init(path: String? = nil, fromStore: Bool = false, beyond: ForwardAdjustment.Beyond = .hold,
                pilotPaths: Int = ForwardMeasure.defaultPilotPaths) {
        self.path = path; self.fromStore = fromStore; self.beyond = beyond; self.pilotPaths = pilotPaths
    }
}

/// The USD curve (and the BTC curve of the same quote date, when there is one) a run as of `asOf` uses.
package struct ResolvedCurve: Sendable {
    package var usd: ForwardCurve
    package var btc: ForwardCurve?
    /// `store` or the file's path.
    package var source: String
}

public enum CurveInputs {
    /// The USD forward curve a run as of `asOf` would use: the latest quote on or before `asOf` from `options.path` (a
    /// curve file, checked like `ingest`) when given, else from the store at `dbPath` (nil when there is none, or no
    /// store). With `ForwardCurve.levelHeld(on:)` it is a deterministic hashprice path (the stub before the first month at
    /// the first level, gaps at the previous level, held flat after the last month), e.g. for `hashsec calc`.
    public static func latestCurve(_ options: CurveOptions = CurveOptions(), dbPath: String, asOf: Day) throws -> ForwardCurve? {
        try latestCurve(options, store: JobInputs.StoreHandle(dbPath), asOf: asOf)
    }

    package static func latestCurve(_ options: CurveOptions = CurveOptions(), store: JobInputs.StoreHandle, asOf: Day) throws -> ForwardCurve? {
        try resolve(options, dbPath: store.path, store: store, asOf: asOf, storeRead: true, required: false)?.usd
    }

    /// The latest curve quoted on or before `asOf`: from `options.path` when given, else from the store at `dbPath` when
    /// the store is read anyway (`storeRead`), asked for (`fromStore`) or the curve is `required` (forward measure, hedge).
    /// nil when there is none and none is required; `SimulateError.forwardCurve` (exit 67) when required and missing.
    /// `store`: the run's one store handle (the nightly's open store), else the store at `dbPath` is opened through `files`.
    package static func resolve(_ options: CurveOptions, dbPath: String, store: JobInputs.StoreHandle? = nil, asOf: Day, storeRead: Bool,
                                required: Bool, files: InputFiles = DiskFiles.shared) throws -> ResolvedCurve? {
        let handle = store ?? JobInputs.StoreHandle(dbPath, files: files)
        var found: ResolvedCurve? = nil
        if let p = options.path {
            let parsed = try InputParser.parse(path: p, options: IngestOptions(format: .curve, files: files))
            func pick(_ u: CurveUnit, quote: Day?) -> ForwardCurve? {
                let pts = parsed.curve.filter { $0.unit == u && $0.quoteDate <= asOf && (quote == nil || $0.quoteDate == quote) }
                guard let q = quote ?? pts.map(\.quoteDate).max() else { return nil }
                let ofQ = pts.filter { $0.quoteDate == q }
                return ofQ.isEmpty ? nil : ForwardCurve(quoteDate: q, unit: u, months: ofQ.map(\.month), levels: ofQ.map(\.level))
            }
            if let usd = pick(.usd, quote: nil) { found = ResolvedCurve(usd: usd, btc: pick(.btc, quote: usd.quoteDate), source: p) }
            else if required {
                throw SimulateError.forwardCurve("\(p) has no USD curve quoted on or before the as-of date \(asOf.iso)")
            }
        } else if storeRead || options.fromStore || required, handle.exists {
            let store = try handle.open()
            if let usd = try store.curve(onOrBefore: asOf, unit: .usd) {
                found = ResolvedCurve(usd: usd, btc: try store.curve(quoteDate: usd.quoteDate, unit: .btc), source: "store")
            }
        }
        if found == nil, required {
            throw SimulateError.forwardCurve("no hashprice forward curve quoted on or before the as-of date \(asOf.iso) in \(dbPath) "
                                             + "(ingest one: hashsec ingest datasets/curves/example-curve.csv, or pass --curve FILE)")
        }
        return found
    }

    /// The curve a `simulate` run uses (resolved before the run): required under the forward measure, with a hedge or a
    /// `--curve FILE`; otherwise the store's when the run reads the store anyway (no `--calibration FILE`) or asks for it.
    static func forSimulation(_ o: SimulateJob.Options, calibration: Calibration, store: JobInputs.StoreHandle, files: InputFiles) throws -> ResolvedCurve? {
        let required = o.settings.measure == .forward || o.hedge != nil || o.curve.path != nil
        return try resolve(o.curve, dbPath: o.dbPath, store: store, asOf: calibration.initialState.date, storeRead: o.calibrationPath == nil,
                           required: required, files: files)
    }

    /// Under `measure: forward`, solves the drift adjustment on the run's own first paths and sets it in `settings`.
    static func applyForward(_ settings: inout SimulationSettings, deal: Deal, calibration: Calibration, curve: ResolvedCurve?,
                             options: CurveOptions) throws {
        guard settings.measure == .forward else { return }
        guard let c = curve else { throw SimulateError.forwardCurve("--measure forward needs a curve") }
        settings.forward = try ForwardMeasure.solve(deal: deal, calibration: calibration, settings: settings, curve: c.usd,
                                                    beyond: options.beyond, pilotPaths: options.pilotPaths)
    }
}
