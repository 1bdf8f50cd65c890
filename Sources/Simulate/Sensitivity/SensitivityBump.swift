import Domain
import Foundation
import Models
import Results
import Statistics

/// One input of `simulate --sensitivities` (SPEC §13) and how it is bumped: an edit of the deal or of the calibration,
/// run as an input variant of the one engine (`PathScenario`) on the base run's random numbers.
///
/// | input | bump | edit |
/// |---|---|---|
/// | `btc_price` | ±10 % | `initialState.priceUSD × (1 ± 0.1)`: the start price (the past, `lnHashpriceHistory`, is history and stays) |
/// | `network_hash_rate` | ±10 % | `initialState.hashRateHs × (1 ± 0.1)`: blocks come faster or slower until the chain's retargets move the difficulty (the partial first epoch, then fully); the difficulty in force is a consensus fact and is not edited |
/// | `power_price` | ±0.01 USD/kWh | `operations.power_usd_kwh ± 0.01`; not applicable when the holder pays no power (`power_usd_kwh = 0`, a gross note: the operator bears it, so dPV = 0 exactly); one-sided (+) when the price is below 0.01 |
/// | `fees` | ×1.5 | `initialState.feePerBlockBTC × 1.5` and the fee model's long-run level `m + ln 1.5`: every path's fee is exactly 1.5× on every day (ln F is an OU process, so `x + ln 1.5` is the same process around `m + ln 1.5`) |
/// | `volatility` | vol +5 points | the annualized volatility of the log-price diffusion term `σ·Z₁` raised by 0.05: the daily σ of the calibration's fit (merton, gbm; both regime states) + `0.05/√365`; jumps untouched; the model's law re-derives its drift from the run's stated assumption (real, `historical`: the fitted μ is kept, so E[S_t] is unchanged and the median falls by the Itô term; a stated drift keeps the mean log return; risk-neutral keeps E[S_t] = S₀e^{rt}); not applicable to `bootstrap` (it resamples historical returns: no σ) |
public struct SensitivityBump: Sendable {
    public var input: String
    public var label: String
    /// The bumped inputs, nil when the bump does not apply.
    public var up: (deal: Deal, calibration: Calibration)?
    public var down: (deal: Deal, calibration: Calibration)?
    /// Why the bump does not apply, or a remark (e.g. one-sided).
    public var note: String

    public static let priceBump = 0.10, hashRateBump = 0.10, powerBumpUSDPerKWh = 0.01, feeFactor = 1.5, volatilityPoints = 0.05

    /// The five standard bumps of SPEC §13 for this deal, calibration and price model, in table order.
    public static func standard(deal: Deal, calibration: Calibration, model: PriceModel) -> [SensitivityBump] {
        func state(_ f: (inout InitialState) -> Void) -> (Deal, Calibration) {
            var c = calibration; f(&c.initialState); return (deal, c)
        }
        var rows: [SensitivityBump] = []
        rows.append(SensitivityBump(input: "btc_price", label: "±10%", up: state { $0.priceUSD *= 1 + priceBump },
                                    down: state { $0.priceUSD *= 1 - priceBump }, note: ""))
        rows.append(SensitivityBump(input: "network_hash_rate", label: "±10%", up: state { $0.hashRateHs *= 1 + hashRateBump },
                                    down: state { $0.hashRateHs *= 1 - hashRateBump }, note: ""))
        let p = deal.operations.powerUSDPerKWh
        func power(_ v: Double) -> (Deal, Calibration) { var d = deal; d.operations.powerUSDPerKWh = v; return (d, calibration) }
        if p > 0 {
            rows.append(SensitivityBump(input: "power_price", label: "±0.01 USD/kWh", up: power(p + powerBumpUSDPerKWh),
                                        down: p - powerBumpUSDPerKWh >= 0 ? power(p - powerBumpUSDPerKWh) : nil,
                                        note: p - powerBumpUSDPerKWh >= 0 ? "" : "one-sided: the power price is below 0.01 USD/kWh"))
        } else {
            rows.append(SensitivityBump(input: "power_price", label: "±0.01 USD/kWh", up: nil, down: nil,
                                        note: "the holder pays no power (power_usd_kwh = 0: the operator bears it)"))
        }
        var fees = calibration
        fees.initialState.feePerBlockBTC *= feeFactor
        fees.fees.m.value += Foundation.log(feeFactor)
        rows.append(SensitivityBump(input: "fees", label: "×1.5", up: (deal, fees), down: nil, note: ""))
        if model == .bootstrap {
            rows.append(SensitivityBump(input: "volatility", label: "vol +5 points", up: nil, down: nil,
                                        note: "bootstrap resamples historical returns: no diffusion volatility to bump"))
        } else {
            let dv = volatilityPoints / Foundation.sqrt(365)
            var v = calibration
            v.merton.sigma.value += dv; v.gbm.sigma.value += dv
            if var r = v.regime { r.sigma1.value += dv; r.sigma2.value += dv; v.regime = r }
            rows.append(SensitivityBump(input: "volatility", label: "vol +5 points", up: (deal, v), down: nil,
                                        note: "annualized σ of the log-price diffusion term + 0.05 (daily + 0.05/√365)"))
        }
        return rows
    }

    /// The engine scenarios of `bumps` after the base (outcomes only), and for each bump the indices of its up and down
    /// results among them. Power bumps come first: they share the base scenario's generated paths (same calibration).
    public static func scenarios(_ bumps: [SensitivityBump]) -> (scenarios: [PathScenario], index: [(up: Int?, down: Int?)]) {
        var list: [PathScenario] = []
        var index = [(up: Int?, down: Int?)](repeating: (nil, nil), count: bumps.count)
        let order = bumps.indices.sorted { (bumps[$0].input == "power_price" ? 0 : 1, $0) < (bumps[$1].input == "power_price" ? 0 : 1, $1) }
        for b in order {
            if let u = bumps[b].up { index[b].up = list.count; list.append(PathScenario(deal: u.deal, calibration: u.calibration, accumulate: [])) }
            if let d = bumps[b].down { index[b].down = list.count; list.append(PathScenario(deal: d.deal, calibration: d.calibration, accumulate: [])) }
        }
        return (list, index)
    }

    /// The rows of `sensitivities.csv` from the base result and the bumped results (`results[i]` for `scenarios(bumps)[i]`).
    public static func rows(_ bumps: [SensitivityBump], base: PartialResult, results: [PartialResult], priceUSD: Double,
                            antithetic: Bool) -> [SensitivityRow] {
        let index = scenarios(bumps).index
        return bumps.indices.map { b in
            let bump = bumps[b]
            guard let u = index[b].up else {
                return SensitivityRow(notApplicable: bump.input, bump: bump.label, note: bump.note, base: base.columns, priceUSD: priceUSD,
                                      antithetic: antithetic)
            }
            return SensitivityRow(input: bump.input, bump: bump.label, note: bump.note, base: base.columns, up: results[u].columns,
                                  down: index[b].down.map { results[$0].columns }, priceUSD: priceUSD, antithetic: antithetic)
        }
    }
}
