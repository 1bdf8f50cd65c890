import Bitcoin

/// What a fitted calibration depends on (SPEC §5: "a stored calibration is identified by everything it depends on"):
/// the as-of date, the fit's windows and model options, and the SHA-256 of the data it read. Two different fits have
/// different keys, so they never overwrite each other in the store, and a run that asks for the same fit finds it.
///
///     id = SHA-256("hashsec-calibration-v1|as_of=<ISO>|window_days=<n>|<option>=<value>…|data=<dataSHA256>")
///
/// with the options sorted by name (an option added later, e.g. a hash-rate window, is part of the key from then on).
public struct CalibrationKey: Codable, Equatable, Sendable {
    public var asOf: Day
    public var windowDays: Int
    /// Fit options beyond the window, name → value.
    public var options: [String: String]
    /// `DailyObservation.digest` of every stored day up to the as-of (the fit reads no other).
    public var dataSHA256: String

    public init(asOf: Day, windowDays: Int, options: [String: String] = [:], dataSHA256: String) {
        self.asOf = asOf; self.windowDays = windowDays; self.options = options; self.dataSHA256 = dataSHA256
    }

    /// The key's canonical text (what `id` hashes).
    public var canonical: String {
        (["hashsec-calibration-v1", "as_of=\(asOf.iso)", "window_days=\(windowDays)"]
            + options.keys.sorted().map { "\($0)=\(options[$0]!)" } + ["data=\(dataSHA256)"]).joined(separator: "|")
    }

    /// The store's key: hex SHA-256 of `canonical`.
    public var id: String { SHA256.hex(SHA256.hash(Array(canonical.utf8))) }
}

extension DailyObservation {
    /// Hex SHA-256 of the observations' values in order: per day the date's ordinal, then for each field a presence
    /// byte and the value's IEEE-754 bits (little-endian), so any change of any stored value changes the digest.
    public static func digest(_ obs: [DailyObservation]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(obs.count * 72)
        func u64(_ v: UInt64) { var x = v.littleEndian; withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) } }
        func opt(_ v: Double?) { if let v { bytes.append(1); u64(v.bitPattern) } else { bytes.append(0) } }
        for o in obs {
            u64(UInt64(bitPattern: Int64(o.date.ordinal)))
            opt(o.priceUSD); opt(o.blockCount); opt(o.difficulty); opt(o.hashRateHs); opt(o.feesBTC); opt(o.issuanceBTC)
            if let h = o.heightEnd { bytes.append(1); u64(UInt64(bitPattern: Int64(h))) } else { bytes.append(0) }
        }
        return SHA256.hex(SHA256.hash(bytes))
    }
}
