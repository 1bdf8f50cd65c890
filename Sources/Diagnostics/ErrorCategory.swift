/// What kind of failure an error is: the exit status of `hashsec` (README "Exit codes"). Every error type of every module
/// declares its category by conforming to `CategorizedError`, so the command line maps errors to exit codes without
/// knowing the modules, and an error type cannot be forgotten: the conformance is checked by the compiler, and a
/// `switch` over the type's own cases inside `category` is exhaustive.
///
/// The raw value is the exit code (sysexits.h where one fits).
public enum ErrorCategory: Int32, CaseIterable, Sendable {
    /// Bad command-line usage (swift-argument-parser's own code), a value out of range on the command line, or a run
    /// too large for the memory limit (the message gives the estimate).
    case usage = 64
    /// Input data rejected: a parse, validation, plausibility or proof-of-work error in a file; nothing was stored.
    case dataRejected = 65
    /// An input file or directory does not exist or cannot be read.
    case inputMissing = 66
    /// The data cannot support what was asked: too few days before `--as-of`, a gap in the calibration window, or a
    /// history that cannot identify a model (a degenerate regression).
    case insufficientData = 67
    /// An unexpected failure (a bug): please report it.
    case internalError = 70
    /// An output could not be written (also: the nightly lock path is a symlink, FIFO, directory or hard link).
    case cannotWrite = 73
    /// The SQLite store could not be opened, migrated or written, or is damaged.
    case storeError = 74
    /// Another nightly run holds the lock.
    case locked = 75
    /// The nightly data-quality gate failed (stale or invalid data).
    case qualityGate = 76
    /// `merge` was given shards that do not belong to one run, an incomplete set, or a shard whose payload or inputs do
    /// not match their recorded SHA-256.
    case shardMismatch = 77
    /// A deal, scenario or nightly YAML file is invalid (or a value that only becomes impossible with the calibration).
    case configInvalid = 78
    /// A self-verification failed (e.g. the hash kernel does not reproduce real block hashes).
    case verificationFailed = 79
    /// `backtest --require`: a check on the scores failed (the outputs were written).
    case requirementsFailed = 80

    /// The process exit code.
    public var exitCode: Int32 { rawValue }
}

/// An error that knows its exit category. Conform every module's error type (in the file that declares it).
public protocol CategorizedError: Error {
    var category: ErrorCategory { get }
}

extension ErrorCategory {
    /// The category of any error: its own when it declares one, else `internalError` (an undeclared error is a bug).
    public static func of(_ error: Error) -> ErrorCategory {
        (error as? CategorizedError)?.category ?? .internalError
    }
}
