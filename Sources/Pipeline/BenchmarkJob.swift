import Benchmark
import Domain
import Foundation
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

    /// Reads the store, computes the index (and the fleet table), writes the CSV(s) atomically.
    /// - Throws: `BenchmarkError`, `PipelineError`, `StoreError`, `AsicCatalogError`.
    public static func run(_ o: Options) throws -> Result {
        if let f = o.from, let t = o.to, f > t { throw PipelineError.invalidConfiguration("--from \(f) is after --to \(t)") }
        guard o.powerPriceUSDPerKWh.isFinite, o.powerPriceUSDPerKWh > 0 else { throw BenchmarkError.invalidPowerPrice(o.powerPriceUSDPerKWh) }
        let store = try Store(path: o.dbPath)
        // One extra day before --from so the first day's height-based fallbacks and trailing fees have their predecessor.
        let obs = try store.observations(from: o.from.map { $0 - 1 }, through: o.to)
        var days = HashpriceIndex.compute(obs)
        if let f = o.from {
            // The 144-block window of the first day may reach back into the extra day; that is intended.
            days = days.filter { $0.date >= f }
        }
        guard let last = days.last else {
            throw BenchmarkError.noUsableDays("between \(o.from?.iso ?? "the start") and \(o.to?.iso ?? "the end") of \(o.dbPath)")
        }
        var fleet: FleetEconomics? = nil
        var fleetText: String? = nil
        if o.fleetOut != nil {
            let catalog = try loadCatalog(o.catalogPath)
            guard let day = days.last(where: { $0.hashpriceUSDPerPHDay != nil }) else { throw BenchmarkError.noUSDHashprice(last.date) }
            let f = try FleetEconomics(day: day, catalog: catalog, powerPriceUSDPerKWh: o.powerPriceUSDPerKWh)
            fleet = f
            fleetText = BenchmarkCSV.fleet(f)
        }
        // Write everything or nothing new: both files go to temp names first, renamed at the end.
        var pending: [(URL, URL)] = []
        defer { for (tmp, _) in pending { try? FileManager.default.removeItem(at: tmp) } }
        pending.append(try writeAside(BenchmarkCSV.index(days), to: o.out))
        if let t = fleetText, let p = o.fleetOut { pending.append(try writeAside(t, to: p)) }
        for (tmp, dest) in pending { try commit(tmp, dest) }
        pending.removeAll()

        var line = "benchmark: \(days.count) days \(days.first!.date)…\(last.date); last \(last.date) hashprice "
        if let usd = last.hashpriceUSDPerPHDay { line += "\(fmt(usd)) USD/PH/day (\(fmt(last.hashpriceBTCPerPHDay, 6)) BTC)" }
        else { line += "\(fmt(last.hashpriceBTCPerPHDay, 6)) BTC/PH/day (no price)" }
        if let f = fleet {
            let n = f.rows.filter(\.profitable).count
            line += "; switch-off efficiency \(fmt(f.switchOffEfficiencyJTH)) J/TH at \(f.powerPriceUSDPerKWh) USD/kWh on \(f.date) (\(n)/\(f.rows.count) catalog models profitable)"
        } else if let day = days.last(where: { $0.hashpriceUSDPerPHDay != nil }), let usd = day.hashpriceUSDPerPHDay {
            // hp_usd / (24·p): machines above this J/TH lose money at this power price.
            line += "; switch-off efficiency \(fmt(usd / (24 * o.powerPriceUSDPerKWh))) J/TH at \(o.powerPriceUSDPerKWh) USD/kWh on \(day.date)"
        }
        return Result(days: days, fleet: fleet, summary: line)
    }

    /// Loads and parses the ASIC catalog CSV.
    public static func loadCatalog(_ requested: String) throws -> AsicCatalog { try loadCatalogWithHash(requested).catalog }

    /// Loads and parses the ASIC catalog CSV; also returns the SHA-256 (hex) of its bytes.
    public static func loadCatalogWithHash(_ requested: String) throws -> (catalog: AsicCatalog, sha256: String) {
        let path = RepositoryData.resolve(requested)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PipelineError.inputMissing(path: path, reason: "ASIC catalog not found or unreadable (use --catalog)")
        }
        return (try AsicCatalog(csvText: text, fileName: path), SimulateJob.sha256(data))
    }

    static func fmt(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }

    static func writeAside(_ text: String, to path: String) throws -> (URL, URL) {
        let dest = URL(fileURLWithPath: path)
        let dir = dest.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw PipelineError.cannotWrite(path: path, reason: "directory \(dir.path) does not exist")
        }
        let tmp = dir.appendingPathComponent(".\(dest.lastPathComponent).tmp-\(UUID().uuidString)")
        do { try Data(text.utf8).write(to: tmp) } catch {
            throw PipelineError.cannotWrite(path: path, reason: "\(error.localizedDescription)")
        }
        return (tmp, dest)
    }

    static func commit(_ tmp: URL, _ dest: URL) throws {
        if rename(tmp.path, dest.path) != 0 {
            throw PipelineError.cannotWrite(path: dest.path, reason: String(cString: strerror(errno)))
        }
    }
}
