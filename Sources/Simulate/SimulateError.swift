/// Errors of the Monte Carlo engine.
public enum SimulateError: Error, CustomStringConvertible, Equatable {
    /// Settings or calibration values that cannot be simulated (reason given).
    case invalidSettings(String)
    /// A shard file is unreadable or inconsistent.
    case badShard(String)

    public var description: String {
        switch self {
        case .invalidSettings(let m): return "invalid simulation settings: \(m)"
        case .badShard(let m): return "bad shard: \(m)"
        }
    }
}
