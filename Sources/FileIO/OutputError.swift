import Diagnostics

/// An output that could not be written (exit 73); nothing partial is left behind.
public enum OutputError: Error, CustomStringConvertible, Equatable {
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotWrite(p, r): return "cannot write \(p): \(r)"
        }
    }
}

extension OutputError: CategorizedError {
    public var category: ErrorCategory { .cannotWrite }
}
