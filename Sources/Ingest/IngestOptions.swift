import Domain

/// The input formats of SPEC §2, auto-detected from the header or forced with `--format`.
public enum InputFormat: String, CaseIterable, Sendable {
    case coinmetrics, tidy, series, headers
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
    public init(format: InputFormat? = nil, series: SeriesKind? = nil, unit: HashRateUnit? = nil, maxRecordBytes: Int = 1 << 20) {
        self.format = format; self.series = series; self.unit = unit; self.maxRecordBytes = maxRecordBytes
    }
}

/// A validated file, ready for `Store.apply`.
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
}
