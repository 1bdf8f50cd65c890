#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import FileIO

/// The input formats of SPEC §2, auto-detected from the header or forced with `--format`.
public enum InputFormat: String, CaseIterable, Sendable {
    case coinmetrics, tidy, series, headers
    /// A hashprice forward curve (`quote_date,month,hashprice_usd_ph_day`, or `hashprice_btc_ph_day`): stored apart
    /// from the daily history (`ParsedFile.curve`).
    case curve
}

/// Which daily field a single-series file holds (`--series`).
public enum SeriesKind: String, CaseIterable, Sendable {
    case price, difficulty, hashrate, fees, issuance, blocks

    var field: DailyObservation.Field {
        switch self {
        case .price: return .priceUSD
        case .difficulty: return .difficulty
        case .hashrate: return .hashRateHs
        case .fees: return .feesBTC
        case .issuance: return .issuanceBTC
        case .blocks: return .blockCount
        }
    }
}

/// Unit of a hash-rate column (`--unit`); the store keeps H/s.
public enum HashRateUnit: String, CaseIterable, Sendable {
    case hs = "H/s", ths = "TH/s", ehs = "EH/s"

    /// Multiplier to H/s.
    public var toHs: Double {
        switch self {
        case .hs: return 1
        case .ths: return 1e12
        case .ehs: return 1e18
        }
    }

    /// Unit named by a column suffix (`hash_rate_ths` → TH/s).
    static func fromSuffix(_ s: String) -> HashRateUnit? {
        switch s.lowercased() {
        case "hs", "h/s": return .hs
        case "ths", "th/s": return .ths
        case "ehs", "eh/s": return .ehs
        default: return nil
        }
    }
}

/// Ingest options from the command line.
public struct IngestOptions: Sendable {
    public var format: InputFormat?
    public var series: SeriesKind?
    public var unit: HashRateUnit?
    /// Longest accepted record (bytes).
    public var maxRecordBytes: Int
    /// The date bounds of the plausibility rules (default: genesis day … tomorrow by the system clock, UTC).
    /// Tests inject another "today" with `.ingest(today:)`.
    public var limits: DailyObservation.PlausibilityLimits
    /// Total deadline of each `http(s)://` download, seconds (`--download-timeout`).
    public var downloadTimeout: Double
    public static let defaultDownloadTimeout = 120.0
    /// Told about every file the parser opens (a counting reader in tests).
    public var files: InputFiles
    public init(format: InputFormat? = nil, series: SeriesKind? = nil, unit: HashRateUnit? = nil, maxRecordBytes: Int = 1 << 20,
                limits: DailyObservation.PlausibilityLimits? = nil, downloadTimeout: Double = IngestOptions.defaultDownloadTimeout,
                files: InputFiles = DiskFiles.shared) {
        self.format = format; self.series = series; self.unit = unit; self.maxRecordBytes = maxRecordBytes
        self.limits = limits ?? .ingest(today: InputParser.todayUTC())
        self.downloadTimeout = downloadTimeout; self.files = files
    }
}

extension InputParser {
    /// Today's UTC date by the system clock.
    public static func todayUTC() -> Day { Day(unixSeconds: Int64(time(nil))) }
}

/// A validated file, ready for `HistoryStore.apply`.
public struct ParsedFile: Sendable {
    /// The name used in messages (the path, or the URL it was downloaded from).
    public var name: String
    public var format: InputFormat
    /// One observation per distinct date, sorted by date.
    public var observations: [DailyObservation]
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256: String
    /// Data rows read (for headers: blocks).
    public var rows: Int
    /// Difficulty epochs seen (headers format only): retargets verified.
    public var retargets: Int = 0
    /// Line of each observation (for problems found later, e.g. by the store against stored neighbours).
    public var lines: [Int] = []
    /// The file's column for each stored field, for messages.
    public var columns = Columns(date: "date", names: [:])
    /// Headers format: embedded checkpoints (block hashes at known heights) the file's headers matched.
    public var checkpoints: Int = 0
    /// Curve format: the quoted levels, sorted by (quote date, unit, month), and the line of each (`observations` is empty).
    public var curve: [CurvePoint] = []
    public var curveLines: [Int] = []

    /// The file's column name of each stored field.
    public struct Columns: Sendable, Equatable {
        public var date: String
        public var names: [DailyObservation.Field: String]
        public init(date: String, names: [DailyObservation.Field: String]) { self.date = date; self.names = names }
        /// The column of `field` (nil: the date column).
        public func name(_ field: DailyObservation.Field?) -> String { field.map { names[$0] ?? $0.rawValue } ?? date }
    }

    /// The line of the observation dated `d` (0 when absent).
    public func line(of d: Day) -> Int {
        var lo = 0, hi = observations.count
        while lo < hi { let m = (lo + hi) / 2; if observations[m].date < d { lo = m + 1 } else { hi = m } }
        return lo < observations.count && observations[lo].date == d && lo < lines.count ? lines[lo] : 0
    }
}
