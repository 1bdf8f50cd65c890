import Domain
import FileIO

/// The tidy ingest format of SPEC §2 written back (hash rate in TH/s, `difficulty_mean`), so `hashsec ingest` reads it
/// as `tidy`: what `hashsec synth` writes.
public enum TidyCSV {
    /// The columns `InputParser` detects as tidy, and `height_end`.
    public static let header = InputParser.tidyColumns + ["height_end"]

    /// One row per observation, through the one CSV writer (`CSVText`).
    public static func text(_ obs: [DailyObservation]) -> String {
        var t = CSVText(header: header)
        for o in obs {
            t.append([.text(o.date.iso), .number(o.priceUSD), .number(o.blockCount), .number(o.hashRateHs.map { $0 / 1e12 }), .number(o.difficulty),
                      .number(o.feesBTC), .number(o.issuanceBTC), o.heightEnd.map { .integer($0) } ?? .empty])
        }
        return t.text
    }
}
