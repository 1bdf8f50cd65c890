/// `deal.json` of a simulation (docs/outputs.md): the deal's terms as the run used them (the miner's efficiency resolved
/// from the catalog or profile, a forward start's date), so the report's "Terms" table shows the deal and not the run's
/// settings. Built from `Domain.Deal` by `Simulate` (`DealTerms(deal:)`); plain values only, every number finite (the
/// deal file's bounds guarantee it).
public struct DealTerms: Codable, Equatable, Sendable {
    public var name: String
    /// Issue price per token, USD; tokens issued; TH/s per token.
    public var priceUSD: Double, tokens: Int, hashrateTHPerToken: Double
    /// The deal's whole term in days and its start: `as_of` (starts at the run's as-of date) or an ISO date.
    public var termDays: Int, start: String
    /// The miner: catalog model or profile when named, efficiency (J/TH), annual hash-rate degradation.
    public var minerModel: String?, minerProfile: String?
    public var efficiencyJTH: Double, degradationPerYear: Double
    /// Operations: power price (USD/kWh), uptime, pool and management fees (shares of gross), hosting (USD/TH/day),
    /// curtailment rule, deficit (payout) rule, cloud-contract termination after N deficit days.
    public var powerUSDPerKWh: Double, uptime: Double, poolFee: Double, managementFee: Double, hostingUSDPerTHDay: Double
    public var curtailment: String, deficit: String
    public var terminateAfterDeficitDays: Int?
    /// Annual discount rate of the USD cash flows.
    public var discountRate: Double
    public var structure: Structure?
    public var leverage: Leverage?

    /// The fleet behind the whole issue: tokens × TH/s per token.
    public var fleetHashrateTH: Double { Double(tokens) * hashrateTHPerToken }

    /// A securitization waterfall's terms (SPEC §8).
    public struct Structure: Codable, Equatable, Sendable {
        public struct Tranche: Codable, Equatable, Sendable {
            public var name: String, balanceUSD: Double, annualRate: Double, interestCurrency: String, amortization: String, equity: Bool
            public init(name: String, balanceUSD: Double, annualRate: Double, interestCurrency: String, amortization: String, equity: Bool) {
                self.name = name; self.balanceUSD = balanceUSD; self.annualRate = annualRate; self.interestCurrency = interestCurrency
                self.amortization = amortization; self.equity = equity
            }
            enum CodingKeys: String, CodingKey {
                case name, amortization, equity
                case balanceUSD = "balance_usd", annualRate = "annual_rate", interestCurrency = "interest_currency"
            }
        }
        public var poolTokens: Int?, periodDays: Int
        public var tranches: [Tranche]
        public var servicerShare: Double, fixedFeeUSDPerPeriod: Double
        public var reserveInitialUSD: Double
        public var dscrTrigger: Double?, triggerAction: String
        public init(poolTokens: Int?, periodDays: Int, tranches: [Tranche], servicerShare: Double, fixedFeeUSDPerPeriod: Double,
                    reserveInitialUSD: Double, dscrTrigger: Double?, triggerAction: String) {
            self.poolTokens = poolTokens; self.periodDays = periodDays; self.tranches = tranches; self.servicerShare = servicerShare
            self.fixedFeeUSDPerPeriod = fixedFeeUSDPerPeriod; self.reserveInitialUSD = reserveInitialUSD; self.dscrTrigger = dscrTrigger
            self.triggerAction = triggerAction
        }
        enum CodingKeys: String, CodingKey {
            case tranches
            case poolTokens = "pool_tokens", periodDays = "period_days", servicerShare = "servicer_share"
            case fixedFeeUSDPerPeriod = "fixed_fee_usd_per_period", reserveInitialUSD = "reserve_initial_usd"
            case dscrTrigger = "dscr_trigger", triggerAction = "trigger_action"
        }
    }

    /// Staking leverage's terms (SPEC §8).
    public struct Leverage: Codable, Equatable, Sendable {
        public var ltvInitial: Double, liquidationThreshold: Double, liquidationBonus: Double, closeFactor: Double
        public var borrowAPR: Double, stakingAPY: Double, loops: Int, horizonDays: Int, mark: String
        /// Leverage of `loops` loops at the initial LTV (`1 + LeverageEngine.loopSum`: 1 + L + … + L^loops).
        public var leverage: Double
        public init(ltvInitial: Double, liquidationThreshold: Double, liquidationBonus: Double, closeFactor: Double, borrowAPR: Double,
                    stakingAPY: Double, loops: Int, horizonDays: Int, mark: String, leverage: Double) {
            self.ltvInitial = ltvInitial; self.liquidationThreshold = liquidationThreshold; self.liquidationBonus = liquidationBonus
            self.closeFactor = closeFactor; self.borrowAPR = borrowAPR; self.stakingAPY = stakingAPY; self.loops = loops
            self.horizonDays = horizonDays; self.mark = mark; self.leverage = leverage
        }
        enum CodingKeys: String, CodingKey {
            case loops, mark, leverage
            case ltvInitial = "ltv_initial", liquidationThreshold = "liquidation_threshold", liquidationBonus = "liquidation_bonus"
            case closeFactor = "close_factor", borrowAPR = "borrow_apr", stakingAPY = "staking_apy", horizonDays = "horizon_days"
        }
    }

    public init(name: String, priceUSD: Double, tokens: Int, hashrateTHPerToken: Double, termDays: Int, start: String, minerModel: String?,
                minerProfile: String?, efficiencyJTH: Double, degradationPerYear: Double, powerUSDPerKWh: Double, uptime: Double,
                poolFee: Double, managementFee: Double, hostingUSDPerTHDay: Double, curtailment: String, deficit: String,
                terminateAfterDeficitDays: Int?, discountRate: Double, structure: Structure?, leverage: Leverage?) {
        self.name = name; self.priceUSD = priceUSD; self.tokens = tokens; self.hashrateTHPerToken = hashrateTHPerToken
        self.termDays = termDays; self.start = start; self.minerModel = minerModel; self.minerProfile = minerProfile
        self.efficiencyJTH = efficiencyJTH; self.degradationPerYear = degradationPerYear; self.powerUSDPerKWh = powerUSDPerKWh
        self.uptime = uptime; self.poolFee = poolFee; self.managementFee = managementFee; self.hostingUSDPerTHDay = hostingUSDPerTHDay
        self.curtailment = curtailment; self.deficit = deficit; self.terminateAfterDeficitDays = terminateAfterDeficitDays
        self.discountRate = discountRate; self.structure = structure; self.leverage = leverage
    }

    enum CodingKeys: String, CodingKey {
        case name, tokens, start, uptime, curtailment, deficit, structure, leverage
        case priceUSD = "price_usd", hashrateTHPerToken = "hashrate_th_per_token", termDays = "term_days", minerModel = "miner_model"
        case minerProfile = "miner_profile", efficiencyJTH = "efficiency_j_th", degradationPerYear = "degradation_per_year"
        case powerUSDPerKWh = "power_usd_per_kwh", poolFee = "pool_fee", managementFee = "management_fee"
        case hostingUSDPerTHDay = "hosting_usd_per_th_day", terminateAfterDeficitDays = "terminate_after_deficit_days"
        case discountRate = "discount_rate"
    }
}
