import Domain
import Diagnostics

/// Economics of one machine model at power price `p` (USD/kWh) against one day of the hashprice index (SPEC §4).
///
/// With efficiency `e` (J/TH): one PH/s draws `e` kW, so
///
///     power_cost_usd_ph_day   = 24 · e · p
///     breakeven_power_usd_kwh = hashprice_usd_ph_day / (24 · e)
///     cost_per_btc_usd        = 24 · e · p / hashprice_btc_ph_day
///     profitable              = power_cost_usd_ph_day < hashprice_usd_ph_day
public struct FleetRow: Equatable, Sendable {
    public var model: AsicModel
    public var powerCostUSDPerPHDay: Double
    public var breakevenPowerUSDPerKWh: Double
    public var costPerBTCUSD: Double
    public var profitable: Bool
}

/// Fleet-level economics of one day.
public struct FleetEconomics: Equatable, Sendable {
    public var date: Day
    public var powerPriceUSDPerKWh: Double
    public var hashpriceUSDPerPHDay: Double
    public var hashpriceBTCPerPHDay: Double
    /// Efficiency at which a machine's power cost equals its revenue: `hashprice_usd_ph_day / (24 · p)` J/TH.
    /// Machines less efficient (higher J/TH) than this switch off.
    public var switchOffEfficiencyJTH: Double
    /// One row per catalog model, in catalog order (profitable or not).
    public var rows: [FleetRow]
}

/// Errors of the hashprice index and fleet economics.
public enum HashpriceError: Error, CustomStringConvertible, Equatable {
    /// No day with the values the index needs (difficulty, blocks, fees, issuance) in the range.
    case noUsableDays(String)
    /// A power price that is not a positive finite number.
    case invalidPowerPrice(Double)
    /// The day has no USD hashprice (price missing) or a non-positive hashprice.
    case noUSDHashprice(Day)

    public var description: String {
        switch self {
        case .noUsableDays(let s): return "no usable day for the hashprice index \(s) (needs difficulty, block count, fees and issuance or heights)"
        case .invalidPowerPrice(let p): return "power price must be a positive number of USD/kWh, got \(p)"
        case .noUSDHashprice(let d): return "\(d): no USD hashprice (price missing)"
        }
    }
}

extension FleetEconomics {
    /// Fleet economics of every `catalog` model on `day` at power price `p` USD/kWh.
    public init(day: HashpriceDay, catalog: AsicCatalog, powerPriceUSDPerKWh p: Double) throws {
        guard p.isFinite, p > 0 else { throw HashpriceError.invalidPowerPrice(p) }
        guard let hpUSD = day.hashpriceUSDPerPHDay, hpUSD > 0, day.hashpriceBTCPerPHDay > 0 else {
            throw HashpriceError.noUSDHashprice(day.date)
        }
        let hpBTC = day.hashpriceBTCPerPHDay
        date = day.date
        powerPriceUSDPerKWh = p
        hashpriceUSDPerPHDay = hpUSD
        hashpriceBTCPerPHDay = hpBTC
        switchOffEfficiencyJTH = hpUSD / (24 * p)
        rows = catalog.models.map { m in
            let e = m.efficiencyJTH
            let cost = 24 * e * p
            return FleetRow(model: m, powerCostUSDPerPHDay: cost, breakevenPowerUSDPerKWh: hpUSD / (24 * e),
                            costPerBTCUSD: cost / hpBTC, profitable: cost < hpUSD)
        }
    }
}

extension HashpriceError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .invalidPowerPrice: return .usage
        case .noUsableDays, .noUSDHashprice: return .insufficientData
        }
    }
}
