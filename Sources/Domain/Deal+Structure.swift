/// Securitization waterfall terms (SPEC §8), described as data: tranches, fees, a reserve account, coverage
/// triggers and an ordered list of steps interpreted each period by `Structures.WaterfallEngine`.
/// See Sources/Structures/README.md for the period convention (fixed 30-day periods) and every formula.
public struct StructureSpec: Equatable, Sendable {
    public enum Currency: String, Equatable, Sendable, CaseIterable { case usd, btc }

    /// Scheduled principal: `level` = initial/maturityPeriods each period; `bullet` = all at maturity;
    /// `custom` = fractions of the initial balance due in periods 1, 2, … (the remainder, if any, at maturity).
    public enum Amortization: Equatable, Sendable { case level, bullet, custom([Double]) }

    public struct Tranche: Equatable, Sendable {
        public var name: String
        /// Initial balance (USD); for the equity tranche, the equity investment.
        public var balanceUSD: Double
        /// Fixed annual coupon rate; accrues `balance · rate · periodDays/365` per period.
        public var annualRate: Double
        /// A `btc` coupon is fixed in BTC at the reference price (path day 1) and paid in USD at the period-end price.
        public var interestCurrency: Currency
        public var amortization: Amortization
        /// Periods over which scheduled principal is due (nil = the whole deal).
        public var maturityPeriods: Int?
        /// The residual (equity) tranche: no coupon, no schedule, receives `pay_residual`.
        public var isEquity: Bool
        public init(name: String, balanceUSD: Double, annualRate: Double = 0, interestCurrency: Currency = .usd,
                    amortization: Amortization = .level, maturityPeriods: Int? = nil, isEquity: Bool = false) {
            self.name = name; self.balanceUSD = balanceUSD; self.annualRate = annualRate; self.interestCurrency = interestCurrency
            self.amortization = amortization; self.maturityPeriods = maturityPeriods; self.isEquity = isEquity
        }
    }

    public struct Fees: Equatable, Sendable {
        /// Servicer fee as a share of the period's collections.
        public var servicerShare: Double
        /// Fixed fee per period (USD).
        public var fixedUSDPerPeriod: Double
        public init(servicerShare: Double = 0, fixedUSDPerPeriod: Double = 0) {
            self.servicerShare = servicerShare; self.fixedUSDPerPeriod = fixedUSDPerPeriod
        }
    }

    public struct Reserve: Equatable, Sendable {
        /// Target = this many months (periods) of the first (senior) tranche's scheduled interest, if set.
        public var targetMonthsSeniorInterest: Double?
        /// Target as a fixed USD amount, if set (the larger of the two when both are given).
        public var targetUSD: Double?
        /// Funded at closing (USD).
        public var initialUSD: Double
        public init(targetMonthsSeniorInterest: Double? = nil, targetUSD: Double? = nil, initialUSD: Double = 0) {
            self.targetMonthsSeniorInterest = targetMonthsSeniorInterest; self.targetUSD = targetUSD; self.initialUSD = initialUSD
        }
    }

    public enum TriggerAction: String, Equatable, Sendable, CaseIterable { case cashTrap = "cash_trap", turbo }

    public struct Triggers: Equatable, Sendable {
        /// Fires when the period's DSCR = (collections − fees due) / (debt interest + scheduled principal due) is below this.
        public var dscrBelow: Double?
        /// Fires when the reserve balance at the start of the period is below its target.
        public var reserveBelowTarget: Bool
        public var action: TriggerAction
        public init(dscrBelow: Double? = 1.2, reserveBelowTarget: Bool = false, action: TriggerAction = .cashTrap) {
            self.dscrBelow = dscrBelow; self.reserveBelowTarget = reserveBelowTarget; self.action = action
        }
    }

    public enum Step: Equatable, Sendable {
        case payFees
        case payInterest(String)
        case payPrincipal(String)
        case fillReserve
        case payResidual(String)
    }

    /// Tokens in the pool (nil = `token.count`).
    public var poolTokens: Int?
    /// Period length in days (fixed-length periods; default 30).
    public var periodDays: Int
    /// Senior first; the first tranche is the one the reserve protects and turbo pays down.
    public var tranches: [Tranche]
    public var fees: Fees
    public var reserve: Reserve
    public var triggers: Triggers
    public var steps: [Step]

    public init(poolTokens: Int? = nil, periodDays: Int = 30, tranches: [Tranche], fees: Fees = Fees(),
                reserve: Reserve = Reserve(), triggers: Triggers = Triggers(), steps: [Step]) {
        self.poolTokens = poolTokens; self.periodDays = periodDays; self.tranches = tranches; self.fees = fees
        self.reserve = reserve; self.triggers = triggers; self.steps = steps
    }
}
