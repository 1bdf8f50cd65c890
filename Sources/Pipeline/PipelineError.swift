import Diagnostics
/// Errors raised while wiring the stages together (locks, gates, missing data, outputs).
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    /// Another run holds the lock file.
    case locked(path: String, holder: String)
    /// The lock path is not a plain regular file of its own (a symlink, FIFO, directory, device or hard link): refused
    /// without opening or changing what it points to.
    case unsafeLock(path: String, reason: String)
    /// The nightly data-quality gate failed.
    case qualityGate(String)
    /// The store lacks data the command needs.
    case insufficientData(String)
    /// A required input file is missing or unreadable.
    case inputMissing(path: String, reason: String)
    /// An output could not be written.
    case cannotWrite(path: String, reason: String)
    /// A configuration value is invalid (outside the YAML parser's checks).
    case invalidConfiguration(String)
    /// A command-line value that is impossible (e.g. `--from` after `--to`, `--seconds 0`): a usage error (64).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .locked(path, holder): return "another run holds the lock \(path) (\(holder)); exiting without doing anything"
        case let .unsafeLock(path, reason): return "refusing the lock file \(path): \(reason); nothing was done"
        case let .qualityGate(m): return "data-quality gate failed: \(m)"
        case let .insufficientData(m): return "insufficient data: \(m)"
        case let .inputMissing(path, reason): return "\(path): \(reason)"
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        case let .invalidConfiguration(m): return "invalid configuration: \(m)"
        case let .invalidArgument(m): return m
        }
    }
}

extension PipelineError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .locked: return .locked
        case .unsafeLock: return .cannotWrite
        case .qualityGate: return .qualityGate
        case .insufficientData: return .insufficientData
        case .inputMissing: return .inputMissing
        case .cannotWrite: return .cannotWrite
        case .invalidConfiguration: return .configInvalid
        case .invalidArgument: return .usage
        }
    }
}
