import Calibrate
import Domain
import FileIO
import Foundation
import Hashprice
import Results
import Store

/// `hashsec calibrate`: store → hashprice index → Calibrate → the store (filed under the fit's key: as-of, window,
/// options, data hash; `CalibrationResolver`) + JSON (+ table CSV).
public enum CalibrateJob {
    public struct Options: Sendable {
        public var dbPath: String
        public var asOf: Day?
        /// The price models' window (`--window`).
        public var windowDays: Int
        public var out: String?
        public var table: String?
        /// Every other fit option (`--hashrate-window`, `--fee-window`, `--efficiency-trend`, `--efficiency-window`);
        /// its `priceWindowDays` is replaced by `windowDays`.
        public var fit: CalibrationOptions
        /// The ASIC catalog CSV (frontier for δ, ASIC-era start, breakeven check).
        public var catalogPath: String
        public init(dbPath: String, asOf: Day? = nil, windowDays: Int = Calibrator.defaultWindowDays, out: String? = nil, table: String? = nil,
                    fit: CalibrationOptions = .standard, catalogPath: String = defaultCatalog) {
            self.dbPath = dbPath; self.asOf = asOf; self.windowDays = windowDays; self.out = out; self.table = table
            self.fit = fit; self.catalogPath = catalogPath
        }
    }

    public static let defaultCatalog = "datasets/asic-catalog.csv"

    public struct Result: Sendable {
        public var calibration: Calibration
        public var json: String
        /// Human-readable parameter table (and the key the fit is stored under).
        public var text: String
        public var reference: CalibrationReference
    }

    /// Runs the calibration. `asOf` defaults to the newest complete day (every value the model needs; a trailing
    /// partial row still being filled is not an as-of), else the last stored day; a later `--as-of` is clamped to the
    /// last stored day. Uses only data ≤ asOf. Always fits (and replaces the store's fit of the same key).
    public static func run(_ o: Options) throws -> Result {
        let store = try HistoryStore(path: o.dbPath, verify: true)
        let asOf = try CalibrationResolver.asOf(requested: o.asOf, store: store)
        let history = try store.observations(through: asOf)
        // The files first (aside), so a bad --out path stores nothing.
        guard o.out.map(writable) ?? true, o.table.map(writable) ?? true else {
            let bad = [o.out, o.table].compactMap { $0 }.first { !writable($0) }!
            throw OutputError.cannotWrite(path: bad, reason: "directory \((bad as NSString).deletingLastPathComponent) does not exist")
        }
        var fit = o.fit
        fit.priceWindowDays = o.windowDays
        let r = try CalibrationResolver.stored(store: store, history: history, asOf: asOf, options: fit, catalogPath: o.catalogPath, refit: true)
        var files: [(String, Data)] = []
        if let out = o.out { files.append((out, Data(r.json.utf8))) }
        if let t = o.table { files.append((t, Data(CalibrationTable.csv(r.calibration).utf8))) }
        try OutputWriter.write(files)
        let text = CalibrationTable.text(r.calibration) + "\nstored in \(o.dbPath) under key \(r.reference.key ?? "") (as of \(asOf), window \(o.windowDays) days, data \(r.reference.dataSHA256?.prefix(16) ?? "")…)"
        return Result(calibration: r.calibration, json: r.json, text: text, reference: r.reference)
    }

    /// The hashprice index then the fit with the default options and the repository's ASIC catalog, the price window
    /// set to `windowDays`, on the observations ≤ `asOf` (pure but for reading the catalog).
    public static func calibrate(observations: [DailyObservation], asOf: Day, windowDays: Int, hashprice: [HashpriceDay]? = nil) throws -> Calibration {
        try calibrate(observations: observations, asOf: asOf, options: .standard(priceWindowDays: windowDays), hashprice: hashprice)
    }

    /// The hashprice index (unless given) then the fit with `options`, the catalog at `catalogPath` read (its SHA-256
    /// recorded in the calibration's options).
    public static func calibrate(observations: [DailyObservation], asOf: Day, options: CalibrationOptions, catalogPath: String = defaultCatalog,
                                 hashprice: [HashpriceDay]? = nil) throws -> Calibration {
        let (catalog, sha) = try JobInputs.catalogWithHash(catalogPath)
        var o = options
        o.catalogSHA256 = sha
        return try calibrate(observations: observations, asOf: asOf, options: o, catalog: catalog, hashprice: hashprice)
    }

    /// The fit with a catalog already read (`options.catalogSHA256` set by the caller).
    static func calibrate(observations: [DailyObservation], asOf: Day, options: CalibrationOptions, catalog: AsicCatalog,
                          hashprice: [HashpriceDay]?) throws -> Calibration {
        let honest = observations.filter { $0.date <= asOf }
        return try Calibrator.calibrate(observations: honest, hashprice: hashprice ?? HashpriceIndex.compute(honest), asOf: asOf, options: options,
                                        catalog: catalog)
    }

    /// The calibration's JSON (the one JSON writer: what is stored, written and hashed).
    public static func encode(_ c: Calibration) throws -> String { try JSONText.encode(c) }

    static func writable(_ path: String) -> Bool {
        let dir = (path as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: dir.isEmpty ? "." : dir, isDirectory: &isDir) && isDir.boolValue
    }
}
