import Diagnostics
/// One ASIC miner model from public manufacturer specifications.
///
/// `efficiencyJTH` is the manufacturer's quoted J/TH (≈ `powerW / hashrateTHs`; the parser checks they agree within 5%).
/// `releaseDate` is the release month (day set to the 1st).
public struct AsicModel: Equatable, Sendable, Codable {
    public var manufacturer: String
    public var model: String
    public var releaseDate: Day
    public var hashrateTHs: Double
    public var powerW: Double
    public var efficiencyJTH: Double
    public var source: String

    public init(manufacturer: String, model: String, releaseDate: Day, hashrateTHs: Double, powerW: Double,
                efficiencyJTH: Double, source: String) {
        self.manufacturer = manufacturer; self.model = model; self.releaseDate = releaseDate
        self.hashrateTHs = hashrateTHs; self.powerW = powerW; self.efficiencyJTH = efficiencyJTH; self.source = source
    }
}

/// A problem in an ASIC catalog CSV, reported as `file:line: column: reason`.
public struct AsicCatalogError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var column: String
    public var reason: String
    public init(file: String, line: Int, column: String, reason: String) {
        self.file = file; self.line = line; self.column = column; self.reason = reason
    }
    public var description: String { "\(file):\(line): \(column): \(reason)" }
}

/// The ASIC catalog (`datasets/asic-catalog.csv`): text in, values out (no I/O), so Config and Benchmark can both use it.
///
/// Columns (header required, this order): `manufacturer,model,release_date,hashrate_ths,power_w,efficiency_j_th,source`.
/// Plain comma-separated cells (no quoting needed: names hold no commas); blank lines are ignored.
public struct AsicCatalog: Equatable, Sendable {
    public static let header = ["manufacturer", "model", "release_date", "hashrate_ths", "power_w", "efficiency_j_th", "source"]
    public var models: [AsicModel]

    public init(models: [AsicModel]) { self.models = models }

    /// Parses the catalog. Throws `AsicCatalogError` (first problem) on a bad header, cell count, date, non-positive
    /// or non-finite number, efficiency inconsistent with power/hashrate (> 5% apart), or a duplicate model name.
    public init(csvText: String, fileName: String = "asic-catalog.csv") throws {
        var lines = csvText.split(separator: "\n", omittingEmptySubsequences: false).map { l -> Substring in
            l.hasSuffix("\r") ? l.dropLast() : l
        }
        guard let head = lines.first else { throw AsicCatalogError(file: fileName, line: 1, column: "header", reason: "empty file") }
        let headerCells = head.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard headerCells == AsicCatalog.header else {
            throw AsicCatalogError(file: fileName, line: 1, column: "header",
                                   reason: "expected \(AsicCatalog.header.joined(separator: ",")), got \(head)")
        }
        lines.removeFirst()
        var out: [AsicModel] = []
        var seen = Set<String>()
        for (i, line) in lines.enumerated() {
            let n = i + 2
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            guard c.count == 7 else {
                throw AsicCatalogError(file: fileName, line: n, column: "row", reason: "expected 7 cells, got \(c.count)")
            }
            func number(_ k: Int) throws -> Double {
                guard let v = Double(c[k]), v.isFinite, v > 0 else {
                    throw AsicCatalogError(file: fileName, line: n, column: AsicCatalog.header[k], reason: "not a positive number: '\(c[k])'")
                }
                return v
            }
            guard !c[0].isEmpty else { throw AsicCatalogError(file: fileName, line: n, column: "manufacturer", reason: "empty") }
            guard !c[1].isEmpty else { throw AsicCatalogError(file: fileName, line: n, column: "model", reason: "empty") }
            guard let day = Day(iso: c[2]), c[2].count == 10 else {
                throw AsicCatalogError(file: fileName, line: n, column: "release_date", reason: "not a YYYY-MM-DD date: '\(c[2])'")
            }
            let th = try number(3), w = try number(4), e = try number(5)
            guard abs(w / th - e) <= 0.05 * e else {
                throw AsicCatalogError(file: fileName, line: n, column: "efficiency_j_th",
                                       reason: "\(e) J/TH disagrees with power_w/hashrate_ths = \(w / th)")
            }
            guard seen.insert(c[1].lowercased()).inserted else {
                throw AsicCatalogError(file: fileName, line: n, column: "model", reason: "duplicate model '\(c[1])'")
            }
            out.append(AsicModel(manufacturer: c[0], model: c[1], releaseDate: day, hashrateTHs: th, powerW: w,
                                 efficiencyJTH: e, source: c[6]))
        }
        models = out
    }

    /// Case-insensitive lookup by model name; also matches without the manufacturer's series prefix
    /// (`"s19 pro"` finds `Antminer S19 Pro`).
    public func lookup(model name: String) -> AsicModel? {
        let key = name.trimmingSpaces.lowercased()
        if let m = models.first(where: { $0.model.lowercased() == key }) { return m }
        return models.first { m in
            let parts = m.model.lowercased().split(separator: " ", maxSplits: 1)
            return parts.count == 2 && String(parts[1]) == key
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

extension String {
    fileprivate var trimmingSpaces: String { Substring(self).trimmingSpaces }
}

extension AsicCatalogError: CategorizedError {
    /// A malformed catalog file: 65.
    public var category: ErrorCategory { .dataRejected }
}
