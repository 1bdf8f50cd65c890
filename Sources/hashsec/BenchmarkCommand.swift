import ArgumentParser
import Domain
import Pipeline

struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Compute the hashprice index (USD and BTC per PH/s per day) and fleet economics from the store.",
        discussion: """
        hashprice_btc_ph_day = 86400·1e15/(D·2^32) · (issuance + fees)/blocks; hashprice_usd = btc · price. Also the fee share and the trailing-144-block fee variant. Days lacking difficulty, blocks, fees or issuance (and heights to derive it) are skipped.

        --fleet writes, for the last day with a price, the power cost, breakeven power price, cost per mined BTC and profitability of every ASIC in the catalog (datasets/asic-catalog.csv, public manufacturer specs).

        Examples:
          hashsec benchmark --out benchmark.csv
          hashsec benchmark --from 2024-01-01 --to 2024-12-31 --out hp-2024.csv --db data/hashsec.sqlite
          hashsec benchmark --out benchmark.csv --fleet fleet.csv --power-price 0.06
        """
    )

    @Option(help: "First day (YYYY-MM-DD).", transform: parseDayOption) var from: Day?
    @Option(help: "Last day (YYYY-MM-DD).", transform: parseDayOption) var to: Day?
    @Option(help: "Output CSV of the hashprice index.") var out: String
    @Option(help: "Output CSV of fleet economics on the last day.") var fleet: String?
    @Option(help: "Power price, USD/kWh (fleet economics).") var powerPrice: Double = 0.05
    @Option(help: "ASIC catalog CSV.") var catalog: String = "datasets/asic-catalog.csv"
    @OptionGroup var store: StoreOptions

    func run() throws {
        try guarded {
            let r = try BenchmarkJob.run(.init(dbPath: store.db, from: from, to: to, out: out, fleetOut: fleet,
                                               powerPriceUSDPerKWh: powerPrice, catalogPath: catalog))
            print(r.summary)
        }
    }
}
