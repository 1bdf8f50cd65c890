import Diagnostics
/// Errors of the report stage.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    /// The run folder does not exist or holds nothing the report can show.
    case notARunFolder(path: String, reason: String)
    /// A file of the run folder is malformed (`file:line: column: reason`).
    case malformed(file: String, line: Int, column: String, reason: String)
    /// A template could not be loaded or parsed (a packaging bug).
    case template(String)
    /// An output could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notARunFolder(p, r): return "\(p): not a run folder: \(r)"
        case let .malformed(f, l, c, r): return "\(f):\(l): \(c): \(r)"
        case let .template(m): return "report template error: \(m)"
        case let .cannotWrite(p, r): return "cannot write \(p): \(r)"
        }
    }
}

extension ReportError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .notARunFolder: return .inputMissing
        case .malformed: return .dataRejected
        case .cannotWrite: return .cannotWrite
        case .template: return .internalError
        }
    }
}
