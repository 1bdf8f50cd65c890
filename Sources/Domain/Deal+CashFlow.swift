import Foundation

/// A token's daily cash flow per token (SPEC §6): the one definition that the pricer (`Simulate.TokenPricer`, whose
/// vectorised kernel `hashsec_token_terms` evaluates it day by day), the intrinsic collateral mark
/// (`Structures.TokenValueModel`) and the model-consistent mark (fitted on the pricer's realized payouts) all read, so
/// uptime, fees, hosting, degradation and curtailment cannot disagree between them.
///
///     gross_BTC   = revenuePerHashprice · (1−deg)^{t/365} · HP_btc      revenuePerHashprice = h·uptime/1000·(1−pool)(1−mgmt)
///     power_USD   = energyKWhPerDay · p                                  energyKWhPerDay     = h·e·24/1000·uptime
///     hosting_USD = hostingUSDPerDay                                     hostingUSDPerDay    = hosting_usd_th_day·h
///     economic curtailment: off ⇔ gross·S < power;  off ⇒ gross = power = 0 (hosting still due)
///     net_BTC     = gross − (power + hosting)/S
///
/// (h TH/s per token, e J/TH, p USD/kWh, HP_btc BTC/PH/day, S USD/BTC.) The machines run `uptime` of the time, so they
/// earn and draw power for that share of the day; hosting is a capacity fee per TH, owed whatever the uptime.
public struct TokenCashFlow: Equatable, Sendable {
    /// BTC per day per unit of hashprice (BTC/PH/day), before degradation: `h·uptime/1000·(1−pool)(1−mgmt)`.
    public let revenuePerHashprice: Double
    /// Energy the running machines draw, kWh per day: `h·e·24/1000·uptime`.
    public let energyKWhPerDay: Double
    /// The deal's power price, USD/kWh.
    public let powerUSDPerKWh: Double
    /// Hosting, USD per day: `hosting_usd_th_day·h`.
    public let hostingUSDPerDay: Double
    public let economic: Bool
    public let degradationPerYear: Double

    public init(deal: Deal) {
        let h = deal.token.hashrateTH, o = deal.operations
        revenuePerHashprice = h * o.uptime / 1000 * (1 - o.poolFee) * (1 - o.managementFee)
        energyKWhPerDay = h * deal.miner.efficiencyJTH * 24 / 1000 * o.uptime
        powerUSDPerKWh = o.powerUSDPerKWh
        hostingUSDPerDay = o.hostingUSDPerTHDay * h
        economic = o.curtailment == .economic
        degradationPerYear = deal.miner.degradationPerYear
    }

    /// Power cost per day at the deal's power price, USD.
    public var powerUSDPerDay: Double { energyKWhPerDay * powerUSDPerKWh }
    /// Power and hosting per day, USD: the running cost a day's output must cover.
    public var runningCostUSDPerDay: Double { powerUSDPerDay + hostingUSDPerDay }

    /// Output factor `(1−deg)^{t/365}` of token day `t`.
    public func degradation(day t: Int) -> Double { pow(1 - degradationPerYear, Double(t) / 365) }

    /// One day's terms, the reference (scalar) form of the pricer's kernel: `degradation` is `(1−deg)^{t/365}`, `power` the
    /// day's power cost in USD (the deal's, or a stress scenario's). Returns gross BTC, cost USD, net BTC and whether the
    /// machines were switched off by economic curtailment.
    public func day(hashpriceBTC hp: Double, priceUSD s: Double, degradation: Double, powerUSD: Double)
        -> (grossBTC: Double, costUSD: Double, netBTC: Double, off: Bool) {
        let g0 = revenuePerHashprice * degradation * hp
        let off = economic && g0 * s < powerUSD
        let g = off ? 0 : g0, c = (off ? 0 : powerUSD) + hostingUSDPerDay
        return (g, c, g - c / s, off)
    }
}

extension Deal {
    /// The token's daily cash-flow terms (`TokenCashFlow`).
    public var cashFlow: TokenCashFlow { TokenCashFlow(deal: self) }
}
