import ArgumentParser
import Domain
import Pipeline

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit the price, hash-rate and fee models (SPEC §5) on the stored history up to --as-of.",
        discussion: """
        Merton jump-diffusion and GBM by maximum likelihood on daily log returns (--window); the miner-supply hash-rate response ln H' − ln H = α + κ·(ln hp_{t−L} + δ·t) on 7-day hash rate (--hashrate-window, cut at the first ASIC release; robust Huber fit with Newey-West errors; lag chosen from 7, 14, 30, 60, 90 days), with the efficiency trend δ from the ASIC catalog's frontier as of --as-of (--efficiency-window) or stated (--efficiency-trend); the implied breakeven hashprice e^(−α/κ) checked against 24·e·p of the catalog's machines at 0.02–0.10 USD/kWh; the mean-reverting log fee per block (--fee-window); the residual correlation; the initial state at --as-of. Uses no data and no machine released after --as-of.

        The calibration is stored in the database (versioned by as-of) and written as JSON (sorted keys) with every option it used. Too few usable days in a window, or no positive supply response (κ̂ ≤ 0), exits 67; a bad option value exits 64.

        Examples:
          hashsec calibrate --out calibration.json
          hashsec calibrate --as-of 2022-06-30 --window 1460 --out cal-2022.json --table cal-2022.csv
          hashsec calibrate --as-of 2024-04-19 --db data/hashsec.sqlite
          hashsec calibrate --hashrate-window 2922 --efficiency-window 4 --fee-window 1460
          hashsec calibrate --efficiency-trend 0.2      # δ stated: breakeven falls 18 %/yr (1 − e^−0.2)
        """
    )

    @Option(help: "Last day of data used (YYYY-MM-DD); default: the newest complete day (a trailing partial row is skipped).", transform: parseDayOption) var asOf: Day?
    @Option(help: "Price models' window length in days.") var window: Int = 1460
    @Option(help: "Output JSON file.") var out: String?
    @Option(help: "Output CSV table model,parameter,value,stderr.") var table: String?
    @OptionGroup var fit: FitOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        try guarded {
            let r = try CalibrateJob.run(.init(dbPath: store.db, asOf: asOf, windowDays: window, out: out, table: table,
                                               fit: fit.options(priceWindowDays: window), catalogPath: fit.catalog))
            print(r.text)
        }
    }
}
