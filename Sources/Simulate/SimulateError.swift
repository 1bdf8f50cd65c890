import Diagnostics
/// Errors of the Monte Carlo engine.
public enum SimulateError: Error, CustomStringConvertible, Equatable {
    /// Settings or calibration values that cannot be simulated (reason given).
    case invalidSettings(String)
    /// A shard file is unreadable or inconsistent.
    case badShard(String)
    /// Shard folders that do not form one complete, intact run (`ShardSet`: another run's shard, a missing or repeated
    /// index, a payload or recorded input that does not match its SHA-256).
    case shardSet(String)
    /// The run would need more memory than the limit (`MemoryBudget`): the estimate, the limit and what to change.
    case insufficientMemory(String)
    /// `HASHSEC_MEMORY_LIMIT` is not a size.
    case invalidMemoryLimit(String)
    /// The forward curve cannot serve the run (none stored at or before the as-of date, no month within the simulated
    /// days, a BTC curve missing for BTC settlement, the forward-measure solve not converging).
    case forwardCurve(String)

    public var description: String {
        switch self {
        case .invalidSettings(let m): return "invalid simulation settings: \(m)"
        case .badShard(let m): return "bad shard: \(m)"
        case .shardSet(let m): return "shards do not form one run: \(m)"
        case .insufficientMemory(let m): return "not enough memory: \(m)"
        case .invalidMemoryLimit(let m): return "invalid memory limit: \(m)"
        case .forwardCurve(let m): return "forward curve: \(m)"
        }
    }
}

extension SimulateError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .invalidSettings: return .configInvalid
        case .badShard, .shardSet: return .shardMismatch
        case .forwardCurve: return .insufficientData
        case .insufficientMemory, .invalidMemoryLimit: return .usage
        }
    }
}
