import ArgumentParser
import Pipeline

struct BenchHashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-hash",
        abstract: "Benchmark this machine's SHA-256d nonce scanning (after verifying the kernels on real block hashes).",
        discussion: """
        Verifies the portable and the SHA-NI kernels against the genesis block, block 1 and every row of the header \
        file (exit 79 and no rate if any check fails), then measures the SHA-256 compression limit, the midstate nonce \
        scan rate per core and on all cores, the fraction of the limit reached (nonce rate x 2 / compression rate), \
        the J/TH implied by --watts, and compares with the ASIC catalog.

        Examples:
          hashsec bench-hash --seconds 2
          hashsec bench-hash --threads 2 --watts 65 --save-profile out/cpu-profile.json
          hashsec bench-hash --seconds 1 --headers ../shared/datasets/btc_headers_822528_830592.csv
        """)

    @Option(help: "Seconds per measurement.") var seconds: Double = 2
    @Option(help: "Threads for the all-cores measurement (default: all cores).") var threads: Int?
    @Option(help: "Power draw of this machine in watts, for J/TH.") var watts: Double?
    @Option(name: .customLong("save-profile"), help: "Write a JSON miner profile here.") var saveProfile: String?
    @Option(help: "ASIC catalog CSV.") var catalog: String = "datasets/asic-catalog.csv"
    @Option(help: "Real block headers (height,header_hex,hash_hex) to verify the kernels against, when present.")
    var headers: String = "../shared/datasets/btc_headers_822528_830592.csv"

    func run() throws {
        try guarded {
            var o = BenchHashOptions()
            o.seconds = seconds
            if let t = threads { o.threads = t }
            o.watts = watts; o.saveProfile = saveProfile; o.catalog = catalog; o.headers = headers
            print(try BenchHashJob.run(o).render())
        }
    }
}
