import Domain
import FileIO
import Foundation
import Hashprice
import Store

/// `hashsec benchmark`: store → hashprice index (SPEC §4) → CSV, plus fleet economics of the ASIC catalog on the last day.
public enum BenchmarkJob {
    public struct Options: Sendable {
        public var dbPath: String
        public var from: Day?
        public var to: Day?
        public var out: String
        public var fleetOut: String?
        public var powerPriceUSDPerKWh: Double
        public var catalogPath: String
        public init(dbPath: String, from: Day? = nil, to: Day? = nil, out: String, fleetOut: String? = nil,
                    powerPriceUSDPerKWh: Double = 0.05, catalogPath: String = "datasets/asic-catalog.csv") {
            self.dbPath = dbPath; self.from = from; self.to = to; self.out = out; self.fleetOut = fleetOut
            self.powerPriceUSDPerKWh = powerPriceUSDPerKWh; self.catalogPath = catalogPath
        }
    }

    /// The index, the fleet table and the summary line (`Hashprice.HashpriceReport`).
    public typealias Result = HashpriceReport

    /// Reads the store (and the catalog with `--fleet`), computes the index, writes the CSV(s) all or nothing.
    /// - Throws: `HashpriceError`, `PipelineError` (`--from` after `--to`: a usage error), `StoreError`, `AsicCatalogError`.
    public static func run(_ o: Options) throws -> Result {
        if let f = o.from, let t = o.to, f > t { throw PipelineError.invalidArgument("--from \(f) is after --to \(t)") }
        guard o.powerPriceUSDPerKWh.isFinite, o.powerPriceUSDPerKWh > 0 else { throw HashpriceError.invalidPowerPrice(o.powerPriceUSDPerKWh) }
        // One extra day before --from so the first day's height-based fallbacks and trailing fees have their predecessor.
        let obs = try HistoryStore(path: o.dbPath).observations(from: o.from.map { $0 - 1 }, through: o.to)
        let catalog = try o.fleetOut.map { _ in try JobInputs.catalog(o.catalogPath, files: DiskFiles.shared) }
        let r = try HashpriceReport(observations: obs, from: o.from, to: o.to, catalog: catalog, powerPriceUSDPerKWh: o.powerPriceUSDPerKWh, source: o.dbPath)
        var files = [(o.out, Data(HashpriceCSV.index(r.days).utf8))]
        if let f = r.fleet, let p = o.fleetOut { files.append((p, Data(HashpriceCSV.fleet(f).utf8))) }
        try OutputWriter.write(files)
        return r
    }
}
