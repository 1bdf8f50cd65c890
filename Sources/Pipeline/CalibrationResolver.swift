import Calibrate
import Domain
import FileIO
import Foundation
import Results
import Store

/// The one way a run gets its calibration (SPEC §5; issue 12 item 12): `simulate`, `stress`, `calibrate` and the
/// nightly all come here.
///
/// - A `--calibration FILE` is used as given (its bytes are hashed).
/// - Otherwise the run asks for the fit a fresh calibration would make: as-of (the requested date clamped to the last
///   stored day; by default the newest complete day), window, fit options and the SHA-256 of every stored day up to the
///   as-of (`CalibrationKey`). The store's fit under that key is used when there is one; otherwise the fit is made now
///   and stored under it. Two different fits never overwrite each other, and the manifest names the one used
///   (`CalibrationReference`: source `file`, `store` or `fit`, the key, as-of, window and data hash).
public enum CalibrationResolver {
    public struct Resolved: Sendable {
        public var calibration: Calibration
        /// The JSON its SHA-256 is of (the file's text, or the stored or fitted JSON).
        public var json: String
        public var sha256: String
        public var reference: CalibrationReference
        /// How a manifest's `inputs` names it.
        public var inputName: String
    }

    /// A calibration JSON file; refused when it is as of a day after `asOf`.
    public static func file(_ path: String, asOf: Day?, files: InputFiles = DiskFiles.shared) throws -> Resolved {
        let data = try JobInputs.bytes(path, files: files)
        let c: Calibration
        do { c = try JSONText.decode(Calibration.self, from: data) } catch {
            throw PipelineError.invalidConfiguration("\(path) is not a calibration JSON: \(error)")
        }
        if let a = asOf, c.asOf > a { throw PipelineError.invalidConfiguration("\(path) is as of \(c.asOf), after --as-of \(a)") }
        let sha = JobInputs.sha256(data)
        return Resolved(calibration: c, json: String(decoding: data, as: UTF8.self), sha256: sha,
                        reference: CalibrationReference(source: "file", key: nil, asOf: c.asOf.iso, windowDays: nil, dataSHA256: nil, sha256: sha, path: path),
                        inputName: path)
    }

    /// The as-of of a fit: the requested day clamped to the last stored day; by default the newest complete day (a
    /// trailing partial row still being filled is not an as-of), else the last stored day.
    public static func asOf(requested: Day?, store: HistoryStore) throws -> Day {
        guard let range = try store.dateRange() else { throw PipelineError.insufficientData("the store \(store.path) is empty: run `hashsec ingest` first") }
        if let r = requested {
            guard r >= range.lowerBound else { throw PipelineError.insufficientData("no history on or before --as-of \(r) (store starts \(range.lowerBound))") }
            return min(r, range.upperBound)
        }
        return try store.lastCompleteDay() ?? range.upperBound
    }

    /// The key of the fit on `history` (every stored day ≤ `asOf`, ascending) with these options (the price window and
    /// every other fit option, the catalog's SHA-256 included).
    public static func key(history: [DailyObservation], asOf: Day, options: CalibrationOptions) -> CalibrationKey {
        CalibrationKey(asOf: asOf, windowDays: options.priceWindowDays, options: options.keyValues, dataSHA256: DailyObservation.digest(history))
    }

    /// The store's fit of the key, else a fresh fit (`hashprice`: the index of `history`, when already computed) stored
    /// under it. `refit`: fit and store even when the key is present (`hashsec calibrate`). The catalog is read first: its
    /// SHA-256 is part of the key (`catalog`: already read by the caller, else read here through `files`).
    public static func stored(store: HistoryStore, history: [DailyObservation], hashprice: [HashpriceDay]? = nil, asOf: Day,
                              options: CalibrationOptions, catalogPath: String = CalibrateJob.defaultCatalog, refit: Bool = false,
                              files: InputFiles = DiskFiles.shared) throws -> Resolved {
        try stored(store: store, history: history, hashprice: hashprice, asOf: asOf, options: options,
                   catalog: try JobInputs.catalogWithHash(catalogPath, files: files), refit: refit)
    }

    package static func stored(store: HistoryStore, history: [DailyObservation], hashprice: [HashpriceDay]? = nil, asOf: Day, options: CalibrationOptions,
                       catalog hashed: JobInputs.HashedCatalog, refit: Bool = false) throws -> Resolved {
        let (catalog, catalogSHA) = hashed
        var options = options
        options.catalogSHA256 = catalogSHA
        let windowDays = options.priceWindowDays
        let k = key(history: history, asOf: asOf, options: options)
        func resolved(_ c: Calibration, _ json: String, _ source: String) -> Resolved {
            let sha = JobInputs.sha256(json)
            return Resolved(calibration: c, json: json, sha256: sha,
                            reference: CalibrationReference(source: source, key: k.id, asOf: asOf.iso, windowDays: windowDays,
                                                            dataSHA256: k.dataSHA256, sha256: sha),
                            inputName: "\(store.path) (calibration \(k.id.prefix(16)))")
        }
        if !refit, let json = try store.calibrationJSON(k) {
            do { return resolved(try JSONText.decode(Calibration.self, from: Data(json.utf8)), json, "store") } catch {
                throw StoreError.corruptRow(path: store.path, table: "calibration_fits", reason: "calibration \(k.id) is not a calibration JSON: \(error)")
            }
        }
        let cal = try CalibrateJob.calibrate(observations: history, asOf: asOf, options: options, catalog: catalog, hashprice: hashprice)
        let json = try CalibrateJob.encode(cal)
        try store.quickCheck()
        try store.saveCalibration(k, json: json)
        return resolved(cal, json, "fit")
    }

    /// A command's calibration: the file when given, else the store at `dbPath` (which must exist), through the run's
    /// one handle `store` when given.
    public static func resolve(calibrationPath: String?, dbPath: String, asOf: Day?, windowDays: Int,
                               files: InputFiles = DiskFiles.shared) throws -> Resolved {
        try resolve(calibrationPath: calibrationPath, store: JobInputs.StoreHandle(dbPath, files: files), asOf: asOf, windowDays: windowDays, files: files)
    }

    package static func resolve(calibrationPath: String?, store handle: JobInputs.StoreHandle, asOf: Day?, windowDays: Int,
                                files: InputFiles = DiskFiles.shared) throws -> Resolved {
        if let p = calibrationPath { return try file(p, asOf: asOf, files: files) }
        guard handle.exists else {
            throw PipelineError.inputMissing(path: handle.path, reason: "no store; pass --calibration FILE.json or run `hashsec ingest`")
        }
        let store = try handle.open()
        let day = try Self.asOf(requested: asOf, store: store)
        return try stored(store: store, history: try store.observations(through: day), asOf: day, options: .standard(priceWindowDays: windowDays),
                          files: files)
    }
}
