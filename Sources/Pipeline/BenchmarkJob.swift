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

    public struct Result: Sendable {
        public var days: [HashpriceDay]
        public var fleet: FleetEconomics?
        /// `benchmark: 5727 days 2010-07-18…2026-03-22; last 2026-03-22 hashprice 48.1 USD/PH/day (0.00056 BTC); switch-off efficiency 40.1 J/TH at 0.05 USD/kWh`
        public var summary: String
    }

    /// Reads the store (and the catalog with `--fleet`), computes the index, writes the CSV(s) all or nothing.
    /// - Throws: `HashpriceError`, `PipelineError` (`--from` after `--to`: a usage error), `StoreError`, `AsicCatalogError`.
    public static func run(_ o: Options) throws -> Result {
        if let f = o.from, let t = o.to, f > t { throw PipelineError.invalidArgument("--from \(f) is after --to \(t)") }
        guard o.powerPriceUSDPerKWh.isFinite, o.powerPriceUSDPerKWh > 0 else { throw HashpriceError.invalidPowerPrice(o.powerPriceUSDPerKWh) }
        // One extra day before --from so the first day's height-based fallbacks and trailing fees have their predecessor.
        let obs = try HistoryStore(path: o.dbPath).observations(from: o.from.map { $0 - 1 }, through: o.to)
        let catalog = try o.fleetOut.map { _ in try JobInputs.catalog(o.catalogPath, files: DiskFiles.shared) }
        let r = try compute(observations: obs, from: o.from, to: o.to, catalog: catalog, powerPriceUSDPerKWh: o.powerPriceUSDPerKWh, store: o.dbPath)
        var files = [(o.out, Data(HashpriceCSV.index(r.days).utf8))]
        if let f = r.fleet, let p = o.fleetOut { files.append((p, Data(HashpriceCSV.fleet(f).utf8))) }
        try OutputWriter.write(files)
        return r
    }

    /// The index of `observations` from `from` on (the 144-block window of the first day may reach back into the day
    /// before, which is intended), and the fleet table on the last day with a price (pure).
    public static func compute(observations: [DailyObservation], from: Day?, to: Day?, catalog: AsicCatalog?, powerPriceUSDPerKWh: Double,
                               store: String) throws -> Result {
        var days = HashpriceIndex.compute(observations)
        if let f = from { days = days.filter { $0.date >= f } }
        guard let last = days.last else {
            throw HashpriceError.noUsableDays("between \(from?.iso ?? "the start") and \(to?.iso ?? "the end") of \(store)")
        }
        var fleet: FleetEconomics? = nil
        if let catalog {
            guard let day = days.last(where: { $0.hashpriceUSDPerPHDay != nil }) else { throw HashpriceError.noUSDHashprice(last.date) }
            fleet = try FleetEconomics(day: day, catalog: catalog, powerPriceUSDPerKWh: powerPriceUSDPerKWh)
        }
        var line = "benchmark: \(days.count) days \(days.first!.date)…\(last.date); last \(last.date) hashprice "
        if let usd = last.hashpriceUSDPerPHDay { line += "\(fmt(usd)) USD/PH/day (\(fmt(last.hashpriceBTCPerPHDay, 6)) BTC)" }
        else { line += "\(fmt(last.hashpriceBTCPerPHDay, 6)) BTC/PH/day (no price)" }
        if let f = fleet {
            let n = f.rows.filter(\.profitable).count
            line += "; switch-off efficiency \(fmt(f.switchOffEfficiencyJTH)) J/TH at \(f.powerPriceUSDPerKWh) USD/kWh on \(f.date) (\(n)/\(f.rows.count) catalog models profitable)"
        } else if let day = days.last(where: { $0.hashpriceUSDPerPHDay != nil }), let usd = day.hashpriceUSDPerPHDay {
            // hp_usd / (24·p): machines above this J/TH lose money at this power price.
            line += "; switch-off efficiency \(fmt(usd / (24 * powerPriceUSDPerKWh))) J/TH at \(powerPriceUSDPerKWh) USD/kWh on \(day.date)"
        }
        return Result(days: days, fleet: fleet, summary: line)
    }

    static func fmt(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }
}
