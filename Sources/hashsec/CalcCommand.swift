import ArgumentParser
import Domain
import Foundation
import Pipeline
import Simulate

struct CalcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calc",
        abstract: "Deterministic mining calculator: one machine or a deal's fleet, day by day (SPEC §13).",
        discussion: """
        The network's hash rate grows --difficulty-growth % per month (default 0: today's network held; the difficulty
        follows at each retarget), the BTC price --price-growth % per month (default 0), fees held, halvings at the
        Consensus heights: the simulation's own path generator with every random term at zero, priced by the same
        cash-flow function as `simulate` (a zero-volatility simulate gives the same numbers). Prints daily and monthly
        revenue, cost and profit, the breakeven power price and hashprice and the payback of --capex-usd; writes
        calc.csv (by month), calc_daily.csv and calc.svg with --out. Machine defaults: 0.05 USD/kWh, uptime 100 %,
        pool fee 2 %, no hosting, no degradation, 1,095 days, switched off on days revenue < power (economic).

        Examples:
          hashsec calc --machine "Antminer S21" --power-usd-kwh 0.06 --capex-usd 3500 --difficulty-growth 2 --calibration cal.json
          hashsec calc --hashrate-th 200 --power-w 3500 --count 100 --db real.sqlite --as-of 2025-06-30 --out runs/calc
          hashsec calc --deal datasets/deals/s21-token.yaml --calibration cal.json --difficulty-growth 1.5
        """
    )

    @Option(help: "Deal YAML file: project one token (and the fleet of its token count).") var deal: String?
    @Option(help: "ASIC catalog model (datasets/asic-catalog.csv), e.g. \"Antminer S21\".") var machine: String?
    @Option(name: .customLong("hashrate-th"), help: "Machine hash rate, TH/s.") var hashrateTH: Double?
    @Option(name: .customLong("power-w"), help: "Machine power draw, W.") var powerW: Double?
    @Option(name: .customLong("efficiency-j-th"), help: "Machine efficiency, J/TH.") var efficiencyJTH: Double?
    @Option(help: "Machines in the fleet (machine mode).") var count: Int = 1
    @Option(name: .customLong("power-usd-kwh"), help: "Power price, USD/kWh.") var powerUSDPerKWh: Double?
    @Option(help: "Uptime share (0, 1].") var uptime: Double?
    @Option(name: .customLong("pool-fee"), help: "Pool fee share [0, 1).") var poolFee: Double?
    @Option(name: .customLong("hosting-usd-th-day"), help: "Hosting, USD per TH/s per day.") var hosting: Double?
    @Option(help: "Annual hash-rate degradation [0, 1).") var degradation: Double?
    @Option(help: "Days to project (default: the deal's term, or 1095).") var days: Int?
    @Option(name: .customLong("capex-usd"), help: "Capex per unit for payback and IRR (default: the deal's price_usd, or none).") var capexUSD: Double?
    @Option(name: .customLong("discount-rate"), help: "Annual discount rate for the PV (default: the deal's, or 0).") var discountRate: Double?
    @Option(help: "never (always on) or economic (off on days revenue < power).") var curtailment: String?
    @Option(name: .customLong("difficulty-growth"), help: "Network hash-rate (difficulty) growth, % per month (default 0).") var difficultyGrowth: Double = 0
    @Option(name: .customLong("price-growth"), help: "BTC price growth, % per month (default 0).") var priceGrowth: Double = 0
    @Option(name: .customLong("btc-price"), help: "BTC price at the start, USD (default: the as-of day's).") var btcPrice: Double?
    @Option(name: .customLong("fee-btc"), help: "Fees per block, BTC (default: the as-of state's).") var feeBTC: Double?
    @Option(help: "Start from the last stored day at or before this day (YYYY-MM-DD).", transform: parseDayOption) var asOf: Day?
    @Option(help: "Calibration JSON for the as-of state (default: the store's).") var calibration: String?
    @Option(help: "Output directory.") var out: String?
    @Option(help: "Hashprice path from this forward-curve file (quote_date,month,hashprice_usd_ph_day) instead of the projected network.")
    var curve: String?
    @Flag(name: .customLong("forward-curve"), help: "Hashprice path from the store's latest forward curve quoted on or before the as-of day.")
    var forwardCurve = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        try guarded {
            for (name, v) in [("--difficulty-growth", difficultyGrowth), ("--price-growth", priceGrowth)] {
                guard v.isFinite, v > -100, v <= 1000 else { throw ValidationError("\(name) is % per month in (−100, 1000], got \(v)") }
            }
            if let p = btcPrice { guard p.isFinite, p > 0 else { throw ValidationError("--btc-price must be > 0, got \(p)") } }
            for (name, v) in [("--hashrate-th", hashrateTH), ("--power-w", powerW), ("--efficiency-j-th", efficiencyJTH)] {
                if let v { guard v.isFinite, v > 0 else { throw ValidationError("\(name) must be > 0, got \(v)") } }
            }
            guard count >= 1 else { throw ValidationError("--count must be ≥ 1, got \(count)") }
            if let f = feeBTC { guard f.isFinite, f >= 0, f < 100 else { throw ValidationError("--fee-btc must be in [0, 100), got \(f)") } }
            let cur = try curtailment.map { c -> Operations.Curtailment in
                guard let v = Operations.Curtailment(rawValue: c) else { throw ValidationError("--curtailment must be never or economic") }
                return v
            }
            let r = try CalcJob.run(.init(
                dealPath: deal,
                machine: .init(model: machine, hashrateTH: hashrateTH, powerW: powerW, efficiencyJTH: efficiencyJTH, count: count),
                terms: .init(powerUSDPerKWh: powerUSDPerKWh, uptime: uptime, poolFee: poolFee, hostingUSDPerTHDay: hosting,
                             degradationPerYear: degradation, days: days, capexUSD: capexUSD, discountRate: discountRate, curtailment: cur),
                assumptions: .init(hashRateGrowthPerMonth: difficultyGrowth / 100, priceGrowthPerMonth: priceGrowth / 100, priceUSD: btcPrice,
                                   feePerBlockBTC: feeBTC),
                asOf: asOf, calibrationPath: calibration, dbPath: store.db, out: out,
                curve: curve != nil || forwardCurve ? CurveOptions(path: curve, fromStore: true) : nil))
            print(r.text)
            if let o = out { print("wrote \(o)") }
        }
    }
}
