import Diagnostics
// Calibrate module — see README.md

/// Errors of the calibration stage.
public enum CalibrateError: Error, CustomStringConvertible, Equatable {
    /// The window has too few usable days for a fit (exit 67).
    case insufficientData(String)
    /// A window length that is not positive.
    case invalidWindow(Int)

    public var description: String {
        switch self {
        case .insufficientData(let m): return "insufficient data for calibration: \(m)"
        case .invalidWindow(let w): return "calibration window must be a positive number of days, got \(w)"
        }
    }
}

extension CalibrateError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .insufficientData: return .insufficientData
        case .invalidWindow: return .usage
        }
    }
}
