import Domain
import Foundation

/// What `hashsec benchmark` computes (pure): the hashprice index of the observations from `from` on, the fleet
/// economics of the ASIC catalog on the last day with a USD hashprice, and the one-line summary.
public struct HashpriceReport: Sendable {
    public var days: [HashpriceDay]
    public var fleet: FleetEconomics?
    /// `benchmark: 5727 days 2010-07-18…2026-03-22; last 2026-03-22 hashprice 48.1 USD/PH/day (0.00056 BTC); switch-off efficiency 40.1 J/TH at 0.05 USD/kWh`
    public var summary: String

    /// The index of `observations` from `from` on (the 144-block window of the first day may reach back into the day
    /// before, which is intended), and the fleet table on the last day with a price when `catalog` is given. `source`
    /// names the observations' origin (the store) in messages.
    /// - Throws: `HashpriceError.noUsableDays`, `.noUSDHashprice`, the fleet table's errors.
    public init(observations: [DailyObservation], from: Day?, to: Day?, catalog: AsicCatalog?, powerPriceUSDPerKWh: Double,
                source: String) throws {
        var days = HashpriceIndex.compute(observations)
        if let f = from { days = days.filter { $0.date >= f } }
        guard let last = days.last else {
            throw HashpriceError.noUsableDays("between \(from?.iso ?? "the start") and \(to?.iso ?? "the end") of \(source)")
        }
        var fleet: FleetEconomics? = nil
        if let catalog {
            guard let day = days.last(where: { $0.hashpriceUSDPerPHDay != nil }) else { throw HashpriceError.noUSDHashprice(last.date) }
            fleet = try FleetEconomics(day: day, catalog: catalog, powerPriceUSDPerKWh: powerPriceUSDPerKWh)
        }
        func fmt(_ v: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", v) }
        var line = "benchmark: \(days.count) days \(days.first!.date)…\(last.date); last \(last.date) hashprice "
        if let usd = last.hashpriceUSDPerPHDay { line += "\(fmt(usd)) USD/PH/day (\(fmt(last.hashpriceBTCPerPHDay, 6)) BTC)" }
        else { line += "\(fmt(last.hashpriceBTCPerPHDay, 6)) BTC/PH/day (no price)" }
        if let f = fleet {
            let n = f.rows.filter(\.profitable).count
            line += "; switch-off efficiency \(fmt(f.switchOffEfficiencyJTH)) J/TH at \(f.powerPriceUSDPerKWh) USD/kWh on \(f.date) (\(n)/\(f.rows.count) catalog models profitable)"
        } else if let day = days.last(where: { $0.hashpriceUSDPerPHDay != nil }), let usd = day.hashpriceUSDPerPHDay {
            // hp_usd / (24·p): machines above this J/TH lose money at this power price.
            line += "; switch-off efficiency \(fmt(usd / (24 * powerPriceUSDPerKWh))) J/TH at \(powerPriceUSDPerKWh) USD/kWh on \(day.date)"
        }
        self.days = days; self.fleet = fleet; summary = line
    }
}
