import ArgumentParser
import Domain
import Pipeline

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit the price, hash-rate and fee models (SPEC §5) on the stored history up to --as-of.",
        discussion: """
        Merton jump-diffusion and GBM by maximum likelihood on daily log returns; the lagged hash-rate response (lag chosen by AIC from 7, 14, 30, 60, 90 days) on 7-day hash rate with Newey-West errors; the mean-reverting log fee per block; the residual correlation; the initial state at --as-of. Uses no data after --as-of.

        The calibration is stored in the database (versioned by as-of) and written as JSON (sorted keys). Too few usable days in the window exits 67.

        Examples:
          hashsec calibrate --out calibration.json
          hashsec calibrate --as-of 2022-06-30 --window 1460 --out cal-2022.json --table cal-2022.csv
          hashsec calibrate --as-of 2024-04-19 --db data/hashsec.sqlite
        """
    )

    @Option(help: "Last day of data used (YYYY-MM-DD); default: the newest complete day (a trailing partial row is skipped).", transform: parseDayOption) var asOf: Day?
    @Option(help: "Window length in days.") var window: Int = 1460
    @Option(help: "Output JSON file.") var out: String?
    @Option(help: "Output CSV table model,parameter,value,stderr.") var table: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
        try guarded {
            let r = try CalibrateJob.run(.init(dbPath: store.db, asOf: asOf, windowDays: window, out: out, table: table))
            print(r.text)
        }
    }
}
