import Domain
import FileIO
import Foundation

/// Reads a deal YAML file (SPEC §6) into `Domain.Deal`, with line-numbered errors (`ConfigError`).
///
/// `miner.model` is resolved through the ASIC catalog, `miner.profile` through a `MinerProfile` JSON file (both paths
/// relative to the deal file); an explicit `efficiency_j_th` overrides both. `structure:` and `leverage:` are handed to
/// `DealFile.parseStructure` / `DealFile.parseLeverage` (DealFile+Structure.swift / +Leverage.swift, Structures work).
public enum DealFile {
    public static let topKeys = ["name", "token", "miner", "operations", "valuation", "structure", "leverage"]
    public static let tokenKeys = ["count", "hashrate_th", "term_days", "start", "price_usd"]
    public static let minerKeys = ["model", "profile", "efficiency_j_th", "hashrate_th", "degradation_per_year"]
    public static let operationsKeys = ["power_usd_kwh", "uptime", "pool_fee", "management_fee", "hosting_usd_th_day",
                                        "curtailment", "deficit", "terminate_after_deficit_days"]
    public static let valuationKeys = ["discount_rate"]

    /// Loads and parses the deal at `path`. `catalogPath`: the ASIC catalog (default `datasets/asic-catalog.csv`
    /// found next to, or above, the deal file).
    public static func load(path: String, catalogPath: String? = nil, files: InputFiles = DiskFiles.shared) throws -> Deal {
        try read(path: path, resolver: MinerResolver(dealPath: path, catalogPath: catalogPath, files: files), files: files).deal
    }

    /// Reads the deal file at `path` once: its text (for its SHA-256 and the shard header) and the parsed deal, the miner
    /// resolved by `resolver`. Messages name the file by its last path component.
    public static func read(path: String, resolver: MinerResolver, files: InputFiles = DiskFiles.shared) throws -> (text: String, deal: Deal) {
        let file = (path as NSString).lastPathComponent
        let text = try YAMLNode.readText(path: path, file: file, files: files)
        return (text, try parse(text: text, file: file, resolver: resolver))
    }

    /// Only the `structure:` and `leverage:` sections of deal YAML text (what `hashsec merge` needs from the deal
    /// recorded in a shard, without resolving the miner through a catalog).
    public static func parseStructures(text: String, file: String) throws -> (StructureSpec?, LeverageSpec?) {
        let root = try YAMLNode.load(text: text, file: file)
        return (try root.optional("structure").map { try parseStructure($0) }, try root.optional("leverage").map { try parseLeverage($0) })
    }

    /// Parses deal YAML text. `resolver` resolves `miner.model` / `miner.profile` (nil: only explicit efficiency).
    public static func parse(text: String, file: String, resolver: MinerResolver? = nil) throws -> Deal {
        let root = try YAMLNode.load(text: text, file: file)
        try root.checkKeys(topKeys)
        let name = try root.string("name")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw try root.required("name").error("'\(name)' must be non-empty letters, digits, '-', '_' or '.'")
        }

        let t = try root.mapping("token", allowed: tokenKeys)
        let startNode = try t.optional("start")
        let start: TokenTerms.Start
        if let s = startNode, (try? s.asString()) == "as-of" { start = .asOf } else if let s = startNode { start = .date(try s.asDay()) } else { start = .asOf }
        let token = TokenTerms(count: try t.int("count", range: 1...1_000_000_000, default: 1)!,
                               hashrateTH: try t.double("hashrate_th", range: 1e-9...1e9),
                               termDays: try t.int("term_days", range: 1...36_500),
                               start: start,
                               priceUSD: try t.double("price_usd", range: 0...1e12))

        let m = try root.mapping("miner", allowed: minerKeys)
        let model = try m.string("model", default: nil)
        let profile = try m.string("profile", default: nil)
        let explicit = try m.double("efficiency_j_th", range: 1e-6...1e6, default: nil)
        var efficiency = explicit
        if efficiency == nil, let model {
            guard let resolver else { throw try m.required("model").error("no ASIC catalog available; give efficiency_j_th") }
            efficiency = try resolver.efficiency(model: model, node: try m.required("model"))
        }
        if efficiency == nil, let profile {
            guard let resolver else { throw try m.required("profile").error("cannot resolve a profile here; give efficiency_j_th") }
            efficiency = try resolver.efficiency(profile: profile, node: try m.required("profile"))
        }
        guard let eff = efficiency else { throw m.error("give efficiency_j_th, model (catalog) or profile") }
        let miner = MinerSpec(model: model, profile: profile, efficiencyJTH: eff,
                              degradationPerYear: try m.double("degradation_per_year", range: 0...0.99, default: 0)!)

        let o = try root.mapping("operations", allowed: operationsKeys)
        let ops = Operations(powerUSDPerKWh: try o.double("power_usd_kwh", range: 0...10),
                             uptime: try o.double("uptime", range: 0...1, default: 1)!,
                             poolFee: try o.double("pool_fee", range: 0...1, default: 0)!,
                             managementFee: try o.double("management_fee", range: 0...1, default: 0)!,
                             hostingUSDPerTHDay: try o.double("hosting_usd_th_day", range: 0...1000, default: 0)!,
                             curtailment: try o.enumValue("curtailment", Operations.Curtailment.self, default: .never),
                             deficit: try o.enumValue("deficit", Operations.DeficitRule.self, default: .floorZero),
                             terminateAfterDeficitDays: try o.int("terminate_after_deficit_days", range: 1...36_500, default: nil))

        let valuation: Valuation
        if let v = try root.optionalMapping("valuation", allowed: valuationKeys) {
            valuation = Valuation(discountRate: try v.double("discount_rate", range: -0.99...10))
        } else {
            valuation = Valuation(discountRate: 0)
        }
        let structure = try root.optional("structure").map { try parseStructure($0) }
        let leverage = try root.optional("leverage").map { try parseLeverage($0) }
        let deal = Deal(name: name, token: token, miner: miner, operations: ops, valuation: valuation,
                        structure: structure, leverage: leverage)
        try checkBounds(deal, root: root)
        return deal
    }
}
