import Diagnostics
/// Invalid structure or leverage terms (Config reports YAML problems with line numbers; these are the engine's own checks).
public enum StructuresError: Error, CustomStringConvertible, Equatable {
    case invalidStructure(String)
    case invalidLeverage(String)
    public var description: String {
        switch self {
        case .invalidStructure(let m): return "invalid structure: \(m)"
        case .invalidLeverage(let m): return "invalid leverage: \(m)"
        }
    }
}

extension StructuresError: CategorizedError {
    /// Terms the engines refuse: the deal is invalid (78).
    public var category: ErrorCategory { .configInvalid }
}
