import Domain
import FileIO

/// CSV renderings of the benchmark outputs (docs/outputs.md), through the one CSV writer: numbers in full precision,
/// missing values empty.
public enum HashpriceCSV {
    public static let indexColumns = ["date", "difficulty", "hashrate_ehs", "price_usd", "subsidy_btc_per_block", "fees_btc_per_block", "fee_share",
                                      "hashprice_btc_ph_day", "hashprice_usd_ph_day", "fees_btc_per_block_144", "hashprice_btc_ph_day_144",
                                      "hashprice_usd_ph_day_144"]
    public static let fleetColumns = ["model", "release", "hashrate_ths", "power_w", "efficiency_j_th", "power_cost_usd_ph_day",
                                      "breakeven_power_usd_kwh", "cost_per_btc_usd", "profitable"]

    /// The hashprice index table.
    public static func index(_ days: [HashpriceDay]) -> String {
        var t = CSVText(header: indexColumns)
        for d in days {
            t.append([.text(d.date.iso)] + [d.difficulty, d.hashRateEHs, d.priceUSD, d.subsidyBTCPerBlock, d.feesBTCPerBlock, d.feeShare,
                                            d.hashpriceBTCPerPHDay, d.hashpriceUSDPerPHDay, d.feesTrailing144PerBlockBTC,
                                            d.hashpriceTrailing144BTCPerPHDay, d.hashpriceTrailing144USDPerPHDay].map { .number($0) })
        }
        return t.text
    }

    /// The fleet economics table (one row per model).
    public static func fleet(_ f: FleetEconomics) -> String {
        var t = CSVText(header: fleetColumns)
        for r in f.rows {
            t.append([.text(r.model.model), .text(r.model.releaseDate.iso)]
                     + [r.model.hashrateTHs, r.model.powerW, r.model.efficiencyJTH, r.powerCostUSDPerPHDay, r.breakevenPowerUSDPerKWh,
                        r.costPerBTCUSD].map { .number($0) } + [.flag(r.profitable)])
        }
        return t.text
    }
}
