import Domain

/// CSV renderings of the benchmark outputs (docs/outputs.md). Numbers use `Double.description`; missing values are empty.
public enum BenchmarkCSV {
    public static let indexHeader = "date,difficulty,hashrate_ehs,price_usd,subsidy_btc_per_block,fees_btc_per_block,fee_share,"
        + "hashprice_btc_ph_day,hashprice_usd_ph_day,fees_btc_per_block_144,hashprice_btc_ph_day_144,hashprice_usd_ph_day_144"
    public static let fleetHeader = "model,release,hashrate_ths,power_w,efficiency_j_th,power_cost_usd_ph_day,"
        + "breakeven_power_usd_kwh,cost_per_btc_usd,profitable"

    /// The hashprice index table.
    public static func index(_ days: [HashpriceDay]) -> String {
        var s = indexHeader + "\n"
        for d in days {
            let cells: [String] = [
                d.date.iso, d.difficulty.description, d.hashRateEHs.description, opt(d.priceUSD),
                d.subsidyBTCPerBlock.description, d.feesBTCPerBlock.description, d.feeShare.description,
                d.hashpriceBTCPerPHDay.description, opt(d.hashpriceUSDPerPHDay),
                d.feesTrailing144PerBlockBTC.description, d.hashpriceTrailing144BTCPerPHDay.description,
                opt(d.hashpriceTrailing144USDPerPHDay),
            ]
            s += cells.joined(separator: ",") + "\n"
        }
        return s
    }

    /// The fleet economics table (one row per model).
    public static func fleet(_ f: FleetEconomics) -> String {
        var s = fleetHeader + "\n"
        for r in f.rows {
            s += [quote(r.model.model), r.model.releaseDate.iso, r.model.hashrateTHs.description, r.model.powerW.description,
                  r.model.efficiencyJTH.description, r.powerCostUSDPerPHDay.description, r.breakevenPowerUSDPerKWh.description,
                  r.costPerBTCUSD.description, r.profitable ? "true" : "false"].joined(separator: ",") + "\n"
        }
        return s
    }

    private static func opt(_ v: Double?) -> String { v.map { $0.description } ?? "" }

    /// RFC 4180 quoting when needed.
    static func quote(_ s: String) -> String {
        guard s.contains(",") || s.contains("\"") || s.contains("\n") else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
