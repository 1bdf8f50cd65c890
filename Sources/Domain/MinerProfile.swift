/// A measured (or specified) miner: what `hashsec bench-hash --save-profile FILE` writes and what a deal's
/// `miner: profile: FILE` refers to. JSON keys are snake_case.
///
///     efficiency_j_th = watts / (hashes_per_second / 10^12)      (J per terahash)
///     hashrate_ths    = hashes_per_second / 10^12
public struct MinerProfile: Equatable, Sendable, Codable {
    public var name: String
    public var cpuModel: String
    /// The hash kernel measured (`portable` or `sha-ni`).
    public var kernel: String
    public var threads: Int
    /// SHA-256d nonces per second on all `threads`.
    public var hashesPerSecond: Double
    public var watts: Double?
    public var efficiencyJTH: Double?
    public var hashrateTHs: Double
    /// ISO-8601 UTC time of the measurement.
    public var measuredUTC: String

    enum CodingKeys: String, CodingKey {
        case name, kernel, threads, watts
        case cpuModel = "cpu_model"
        case hashesPerSecond = "hashes_per_second"
        case efficiencyJTH = "efficiency_j_th"
        case hashrateTHs = "hashrate_ths"
        case measuredUTC = "measured_utc"
    }

    public init(name: String, cpuModel: String, kernel: String, threads: Int, hashesPerSecond: Double, watts: Double?,
                measuredUTC: String) {
        self.name = name; self.cpuModel = cpuModel; self.kernel = kernel; self.threads = threads
        self.hashesPerSecond = hashesPerSecond; self.watts = watts; self.measuredUTC = measuredUTC
        self.hashrateTHs = hashesPerSecond / 1e12
        self.efficiencyJTH = watts.map { hashesPerSecond > 0 ? $0 / (hashesPerSecond / 1e12) : .infinity }
            .flatMap { $0.isFinite ? $0 : nil }
    }
}
