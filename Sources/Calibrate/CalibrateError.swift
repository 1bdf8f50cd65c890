import Diagnostics
// Calibrate module — see README.md

/// Errors of the calibration stage.
public enum CalibrateError: Error, CustomStringConvertible, Equatable {
    /// The window has too few usable days for a fit (exit 67).
    case insufficientData(String)
    /// A window length that is not positive.
    case invalidWindow(Int)
    /// An option value outside its domain (e.g. a negative efficiency trend).
    case invalidOption(String)
    /// The hash-rate history shows no positive supply response (κ̂ ≤ 0): the model would be unstable (exit 67).
    case noSupplyResponse(String)

    public var description: String {
        switch self {
        case .insufficientData(let m): return "insufficient data for calibration: \(m)"
        case .invalidWindow(let w): return "calibration window must be a positive number of days, got \(w)"
        case .invalidOption(let m): return "invalid calibration option: \(m)"
        case .noSupplyResponse(let m): return "no miner-supply response in the hash-rate history: \(m)"
        }
    }
}

extension CalibrateError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .insufficientData, .noSupplyResponse: return .insufficientData
        case .invalidWindow, .invalidOption: return .usage
        }
    }
}
