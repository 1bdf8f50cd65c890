import Diagnostics
/// Errors of the price models (fit and run-time resolution); mapped to exit codes in `hashsec/ExitCodes.swift`.
public enum ModelsError: Error, CustomStringConvertible, Equatable {
    /// Too few (or degenerate) returns for a fit (exit 67, as the calibration's).
    case insufficientData(String)
    /// A calibration or assumption that cannot be simulated, e.g. a field missing from an old calibration (exit as
    /// invalid simulation settings).
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .insufficientData(let m): return "insufficient data for calibration: \(m)"
        case .invalidSettings(let m): return "invalid simulation settings: \(m)"
        }
    }
}

extension ModelsError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .insufficientData: return .insufficientData
        case .invalidSettings: return .configInvalid
        }
    }
}
