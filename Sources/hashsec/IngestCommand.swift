import ArgumentParser
import Ingest
import Pipeline

extension InputFormat: ExpressibleByArgument {}
extension SeriesKind: ExpressibleByArgument {}
extension HashRateUnit: ExpressibleByArgument {}

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load daily history (CSV files, URLs or block headers) into the store.",
        discussion: """
        Formats are detected from the header (Coin Metrics, tidy daily, single series, block headers) or forced with --format. \
        Every input is validated completely before anything is written; if any is rejected, nothing is stored and every bad cell \
        is listed as file:line: column: reason (exit 65; a missing file or failed download exits 66). Rows must be plausible, not \
        only well-formed (SPEC §2: dates from 2009-01-03 to tomorrow UTC, prices, difficulty, block counts, issuance against the \
        subsidy schedule, heights, hash rate against blocks and difficulty); a file that ends inside its last record is refused; \
        block headers must match the embedded checkpoints. Each file is then applied \
        in one transaction. Re-ingesting the same file (same SHA-256) changes nothing; a later file that changes a stored value \
        logs the revision in the store's revisions table.

        Examples:
          hashsec ingest ../shared/datasets/btc_daily_network_market.csv
          hashsec ingest coinmetrics_btc.csv --db data/hashsec.sqlite
          hashsec ingest difficulty.csv --series difficulty
          hashsec ingest hash-rate.csv --series hashrate --unit TH/s
          hashsec ingest https://example.org/btc.csv --download-timeout 60
        """
    )

    @Argument(help: "CSV files or http(s):// URLs.")
    var inputs: [String]

    @Option(help: "Force the format: \(InputFormat.allCases.map(\.rawValue).joined(separator: "|")).")
    var format: InputFormat?

    @Option(help: "For single-series files: \(SeriesKind.allCases.map(\.rawValue).joined(separator: "|")).")
    var series: SeriesKind?

    @Option(help: "Hash-rate unit of a series file: H/s|TH/s|EH/s.")
    var unit: HashRateUnit?

    @Option(help: "Total deadline of each http(s) download, seconds (connection, headers and body).")
    var downloadTimeout: Double = IngestOptions.defaultDownloadTimeout

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard downloadTimeout.isFinite, downloadTimeout > 0, downloadTimeout <= 86_400 else {
            throw ValidationError("--download-timeout must be a number of seconds in (0, 86400]")
        }
    }

    func run() throws {
        try guarded {
            let results = try IngestJob.run(inputs: inputs, dbPath: store.db,
                                            options: IngestOptions(format: format, series: series, unit: unit, downloadTimeout: downloadTimeout))
            for r in results { print(r.line) }
        }
    }
}
