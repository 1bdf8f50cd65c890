import Domain
import Foundation

/// The files and the terminal table of `hashsec calc` (docs/outputs.md): `calc.csv` by calendar month, `calc_daily.csv`
/// by day, per unit (one machine or one token); the terminal table adds the fleet (× units).
public enum CalcOutputs {
    /// One calendar month of the projection (the first and last months may be partial).
    public struct Month: Equatable, Sendable {
        public var first: Domain.Day, days: Int
        public var hashpriceUSD: Double, priceUSD: Double
        public var revenueBTC = 0.0, revenueUSD = 0.0, powerUSD = 0.0, hostingUSD = 0.0, profitUSD = 0.0
        public var payoutBTC = 0.0, payoutUSD = 0.0, cumulativePayoutUSD = 0.0, energyKWh = 0.0
        /// Over the month, running every day: `Σ(revenue − hosting)/Σ energy`, and hashprice × cost/revenue.
        public var breakevenPowerUSDPerKWh: Double? {
            energyKWh > 0 ? (revenueUSD - hostingUSD) / energyKWh : nil
        }
        public var breakevenHashpriceUSD: Double? { revenueUSD > 0 ? hashpriceUSD * (powerUSD + hostingUSD) / revenueUSD : nil }
    }

    /// Calendar months: hashprice and price are the month's daily means; flows are sums.
    public static func months(_ p: MiningCalculator.Projection) -> [Month] {
        var out: [Month] = []
        for d in p.days {
            let c = d.date.civil
            if let last = out.last, last.first.civil.year == c.year, last.first.civil.month == c.month {} else {
                out.append(Month(first: d.date, days: 0, hashpriceUSD: 0, priceUSD: 0))
            }
            var m = out.removeLast()
            m.days += 1; m.hashpriceUSD += d.hashpriceUSD; m.priceUSD += d.priceUSD
            m.revenueBTC += d.revenueBTC; m.revenueUSD += d.revenueUSD; m.powerUSD += d.powerUSD; m.hostingUSD += d.hostingUSD
            m.profitUSD += d.profitUSD; m.payoutBTC += d.payoutBTC; m.payoutUSD += d.payoutUSD; m.cumulativePayoutUSD = d.cumulativePayoutUSD
            m.energyKWh += d.energyKWh
            out.append(m)
        }
        return out.map { var m = $0; m.hashpriceUSD /= Double(m.days); m.priceUSD /= Double(m.days); return m }
    }

    static func n(_ x: Double?) -> String { x.flatMap { $0.isFinite ? "\($0)" : nil } ?? "" }

    /// `calc.csv`: one row per calendar month, per unit.
    public static func monthlyCSV(_ p: MiningCalculator.Projection) -> String {
        var s = "month,first_day,days,hashprice_usd_ph_day,btc_price_usd,revenue_btc,revenue_usd,power_usd,hosting_usd,profit_usd,"
            + "payout_btc,payout_usd,cumulative_payout_usd,energy_kwh,breakeven_power_usd_kwh,breakeven_hashprice_usd_ph_day\n"
        for m in months(p) {
            let c = m.first.civil
            s += String(format: "%04d-%02d", c.year, c.month) + ",\(m.first.iso),\(m.days)," + [m.hashpriceUSD, m.priceUSD, m.revenueBTC,
                m.revenueUSD, m.powerUSD, m.hostingUSD, m.profitUSD, m.payoutBTC, m.payoutUSD, m.cumulativePayoutUSD, m.energyKWh,
                m.breakevenPowerUSDPerKWh, m.breakevenHashpriceUSD].map(n).joined(separator: ",") + "\n"
        }
        return s
    }

    /// `calc_daily.csv`: one row per token day, per unit.
    public static func dailyCSV(_ p: MiningCalculator.Projection) -> String {
        var s = "day,date,hashprice_usd_ph_day,btc_price_usd,revenue_btc,revenue_usd,power_usd,hosting_usd,profit_usd,payout_btc,payout_usd,"
            + "cumulative_payout_usd,energy_kwh,breakeven_power_usd_kwh,breakeven_hashprice_usd_ph_day\n"
        for (i, d) in p.days.enumerated() {
            s += "\(i + 1),\(d.date.iso)," + [d.hashpriceUSD, d.priceUSD, d.revenueBTC, d.revenueUSD, d.powerUSD, d.hostingUSD, d.profitUSD,
                                               d.payoutBTC, d.payoutUSD, d.cumulativePayoutUSD, d.energyKWh, d.breakevenPowerUSDPerKWh,
                                               d.breakevenHashpriceUSD].map(n).joined(separator: ",") + "\n"
        }
        return s
    }

    /// The terminal table: assumptions, the first day, the first 12 months and the whole horizon, per unit and fleet.
    public static func text(_ p: MiningCalculator.Projection, unit: String, units: Int, deal: Deal) -> String {
        func f(_ x: Double?, _ fmt: String = "%.2f") -> String { x.flatMap { $0.isFinite ? String(format: fmt, $0) : nil } ?? "n/a" }
        let st = p.calibration.initialState, a = p.assumptions, o = deal.operations
        var t = ["\(unit): \(f(deal.token.hashrateTH, "%.4g")) TH/s at \(f(deal.miner.efficiencyJTH, "%.4g")) J/TH, "
                 + "power \(f(o.powerUSDPerKWh, "%.4g")) USD/kWh, uptime \(f(o.uptime * 100, "%.3g")) %, pool fee \(f(o.poolFee * 100, "%.3g")) %, "
                 + "hosting \(f(o.hostingUSDPerTHDay, "%.4g")) USD/TH/day, curtailment \(o.curtailment.rawValue); \(p.days.count) days from \(st.date)",
                 "  assumptions: BTC \(f(st.priceUSD, "%.0f")) USD growing \(f(a.priceGrowthPerMonth * 100, "%.3g")) %/month; network hash rate "
                 + "\(f(st.hashRateHs / 1e18, "%.4g")) EH/s growing \(f(a.hashRateGrowthPerMonth * 100, "%.3g")) %/month (difficulty follows at each retarget); "
                 + "fees \(f(st.feePerBlockBTC, "%.4g")) BTC/block held; halvings at the Consensus heights"
                 + (p.halvings.isEmpty ? " (none within the horizon)" : " (next: \(p.halvings.map(\.iso).joined(separator: ", ")))")
                 + (p.curve.map { "; HASHPRICE FROM THE FORWARD CURVE quoted \($0.quoteDate) (\($0.months.first?.iso ?? "")…\($0.months.last?.iso ?? ""), each month's level held, the last held after it)" } ?? "")]
        let ms = months(p)
        func row(_ label: String, _ days: Int, _ rev: Double, _ cost: Double, _ profit: Double, _ pay: Double) -> String {
            label.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%6d", days)
                + [rev, cost, profit, pay, profit * Double(units)].map { String(format: "%14.2f", $0) }.joined()
        }
        t.append("  " + "period".padding(toLength: 22, withPad: " ", startingAt: 0) + "  days" + ["revenue USD", "cost USD", "profit USD",
                 "payout USD", "fleet profit"].map { $0.leftPad(14) }.joined())
        if let d = p.days.first {
            t.append("  " + row("day 1 (\(d.date))", 1, d.revenueUSD, d.powerUSD + d.hostingUSD, d.profitUSD, d.payoutUSD))
        }
        for m in ms.prefix(12) {
            let c = m.first.civil
            t.append("  " + row(String(format: "%04d-%02d", c.year, c.month), m.days, m.revenueUSD, m.powerUSD + m.hostingUSD, m.profitUSD, m.payoutUSD))
        }
        let tot = ms.reduce(into: (0.0, 0.0, 0.0, 0.0)) { $0.0 += $1.revenueUSD; $0.1 += $1.powerUSD + $1.hostingUSD; $0.2 += $1.profitUSD; $0.3 += $1.payoutUSD }
        t.append("  " + row("whole horizon", p.days.count, tot.0, tot.1, tot.2, tot.3))
        let d1 = p.days.first
        t.append("  breakeven power price: day 1 \(f(d1?.breakevenPowerUSDPerKWh, "%.4f")), whole horizon \(f(p.breakevenPowerUSDPerKWh, "%.4f")) USD/kWh; "
                 + "breakeven hashprice day 1 \(f(d1?.breakevenHashpriceUSD, "%.2f")) USD/PH/day (today \(f(d1?.hashpriceUSD, "%.2f")))")
        let capex = p.capexUSD
        t.append("  PV at \(f(deal.valuation.discountRate * 100, "%.3g")) %: \(f(p.outcome.pvUSD)) USD per unit; BTC paid \(f(p.outcome.btcTotal, "%.6g")); "
                 + (capex > 0 ? "payback of \(f(capex)) USD capex: " + (p.outcome.paybackDay > 0
                    ? "day \(p.outcome.paybackDay) (\(p.days[p.outcome.paybackDay - 1].date)), IRR \(f(p.outcome.irr * 100, "%.1f")) %/yr"
                    : "not within \(p.days.count) days, IRR \(f(p.outcome.irr * 100, "%.1f")) %/yr") : "no capex given (--capex-usd) for payback")
                 + (units > 1 ? "; fleet of \(units): PV \(f(p.outcome.pvUSD * Double(units), "%.0f")) USD" : ""))
        return t.joined(separator: "\n")
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
