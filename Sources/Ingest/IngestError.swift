import Diagnostics
/// One rejected cell or row, printed as `file:line: column: reason`.
public struct IngestProblem: Equatable, Sendable, CustomStringConvertible {
    /// 1-based physical line where the record starts (1 = header).
    public var line: Int
    /// The CSV column name (or `-` when the problem concerns the whole row).
    public var column: String
    public var reason: String
    public init(line: Int, column: String, reason: String) { self.line = line; self.column = column; self.reason = reason }
    public var description: String { "\(line): \(column): \(reason)" }
}

/// Errors of the ingest stage. Exit codes (see `ExitCodes.swift`): `rejected` 65, `fileMissing`/`download` 66.
public enum IngestError: Error, CustomStringConvertible, Equatable {
    /// The file's content was rejected; nothing from it is stored.
    case rejected(file: String, problems: [IngestProblem])
    /// Several files were rejected (each a `.rejected`); nothing from any input is stored.
    case rejectedFiles([IngestError])
    /// The file does not exist or cannot be read.
    case fileMissing(path: String, reason: String)
    /// An `http(s)://` input could not be downloaded.
    case download(url: String, reason: String)

    /// How many problem lines are printed before "and N more".
    public static let listingCap = 20

    public var description: String {
        switch self {
        case let .rejected(file, problems):
            var lines = problems.prefix(IngestError.listingCap).map { "\(file):\($0.line): \($0.column): \($0.reason)" }
            if problems.count > IngestError.listingCap { lines.append("... and \(problems.count - IngestError.listingCap) more") }
            let head = problems.count == 1 ? "" : "\(file): \(problems.count) problems, file rejected (nothing stored):\n"
            return head + lines.joined(separator: "\n")
        case let .rejectedFiles(errors): return errors.map(\.description).joined(separator: "\n")
        case let .fileMissing(path, reason): return "\(path): \(reason)"
        case let .download(url, reason): return "\(url): download failed: \(reason)"
        }
    }
}

extension IngestError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .rejected, .rejectedFiles: return .dataRejected
        case .fileMissing, .download: return .inputMissing
        }
    }
}
