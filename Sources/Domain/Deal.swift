/// A tokenized-hashrate deal (SPEC §6), as read from a deal YAML file by the `Config` module.
public struct Deal: Equatable, Sendable {
    public var name: String
    public var token: TokenTerms
    public var miner: MinerSpec
    public var operations: Operations
    public var valuation: Valuation
    /// Optional securitization waterfall (SPEC §8).
    public var structure: StructureSpec?
    /// Optional staking leverage (SPEC §8).
    public var leverage: LeverageSpec?

    public init(name: String, token: TokenTerms, miner: MinerSpec, operations: Operations, valuation: Valuation,
                structure: StructureSpec? = nil, leverage: LeverageSpec? = nil) {
        self.name = name; self.token = token; self.miner = miner; self.operations = operations
        self.valuation = valuation; self.structure = structure; self.leverage = leverage
    }
}

public struct TokenTerms: Equatable, Sendable {
    public enum Start: Equatable, Sendable { case asOf, date(Day) }
    /// Tokens issued.
    public var count: Int
    /// TH/s backing each token.
    public var hashrateTH: Double
    public var termDays: Int
    public var start: Start
    /// Issue price per token (USD), for IRR and payback.
    public var priceUSD: Double
    public init(count: Int, hashrateTH: Double, termDays: Int, start: Start, priceUSD: Double) {
        self.count = count; self.hashrateTH = hashrateTH; self.termDays = termDays; self.start = start; self.priceUSD = priceUSD
    }
}

public struct MinerSpec: Equatable, Sendable {
    /// Catalog model name, if the deal referenced one (`datasets/asic-catalog.csv`).
    public var model: String?
    /// Measured profile file written by `hashsec bench-hash --save-profile`, if referenced.
    public var profile: String?
    /// Efficiency, J/TH (resolved from the catalog or profile when not given).
    public var efficiencyJTH: Double
    /// Annual hash-rate degradation, e.g. 0.03: output factor `(1−deg)^{t/365}`.
    public var degradationPerYear: Double
    public init(model: String?, profile: String? = nil, efficiencyJTH: Double, degradationPerYear: Double) {
        self.model = model; self.profile = profile; self.efficiencyJTH = efficiencyJTH; self.degradationPerYear = degradationPerYear
    }
}

public struct Operations: Equatable, Sendable {
    public enum Curtailment: String, Equatable, Sendable, CaseIterable { case economic, never }
    public enum DeficitRule: String, Equatable, Sendable, CaseIterable { case floorZero = "floor_zero", carryForward = "carry_forward" }
    public var powerUSDPerKWh: Double
    public var uptime: Double
    public var poolFee: Double
    /// Share of gross revenue.
    public var managementFee: Double
    public var hostingUSDPerTHDay: Double
    public var curtailment: Curtailment
    public var deficit: DeficitRule
    /// Cloud-contract style termination after this many consecutive deficit days; nil for none.
    public var terminateAfterDeficitDays: Int?
    public init(powerUSDPerKWh: Double, uptime: Double, poolFee: Double, managementFee: Double, hostingUSDPerTHDay: Double,
                curtailment: Curtailment, deficit: DeficitRule, terminateAfterDeficitDays: Int?) {
        self.powerUSDPerKWh = powerUSDPerKWh; self.uptime = uptime; self.poolFee = poolFee; self.managementFee = managementFee
        self.hostingUSDPerTHDay = hostingUSDPerTHDay; self.curtailment = curtailment; self.deficit = deficit
        self.terminateAfterDeficitDays = terminateAfterDeficitDays
    }
}

public struct Valuation: Equatable, Sendable {
    /// Annual discount rate for USD cash flows; daily discount factor `(1+r)^{-t/365}`.
    public var discountRate: Double
    public init(discountRate: Double) { self.discountRate = discountRate }
}
