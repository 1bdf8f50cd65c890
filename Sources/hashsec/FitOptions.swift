import ArgumentParser
import Calibrate
import Domain
import Pipeline

/// The calibration options beyond the price window, shared by `calibrate` and `backtest` (`CalibrationOptions`).
struct FitOptions: ParsableArguments {
    @Option(name: .customLong("hashrate-window"), help: "Hash-rate fit's window in days (cut at the first ASIC release in the catalog).")
    var hashrateWindow: Int = CalibrationOptions.standard.hashRateWindowDays
    @Option(name: .customLong("fee-window"), help: "Fee model's window in days.")
    var feeWindow: Int = CalibrationOptions.standard.feeWindowDays
    @Option(name: .customLong("efficiency-trend"), help: "State the efficiency trend δ (per year, continuously compounded: 0.2 = J/TH falls 18 %/yr) instead of fitting it to the catalog's frontier.")
    var efficiencyTrend: Double?
    @Option(name: .customLong("efficiency-window"), help: "Years of frontier points (before the as-of) the δ fit uses.")
    var efficiencyWindow: Double = CalibrationOptions.standard.efficiencyWindowYears
    @Option(help: "ASIC catalog CSV (efficiency frontier, ASIC-era start, breakeven check).")
    var catalog: String = CalibrateJob.defaultCatalog

    /// `CalibrationOptions.standard` with these values and the price window `priceWindowDays`.
    func options(priceWindowDays: Int) -> CalibrationOptions {
        var o = CalibrationOptions.standard(priceWindowDays: priceWindowDays)
        o.hashRateWindowDays = hashrateWindow
        o.feeWindowDays = feeWindow
        o.efficiencyTrendPerYear = efficiencyTrend
        o.efficiencyWindowYears = efficiencyWindow
        return o
    }
}
