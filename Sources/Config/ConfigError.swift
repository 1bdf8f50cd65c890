import Diagnostics
/// A configuration file problem, always rendered `file:line: column: reason`, where `column` names the YAML key path
/// (e.g. `deal.yaml:7: operations.uptime: 1.4 is out of range 0…1`).
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    /// 1-based line of the offending node (0 when unknown, e.g. an empty file).
    public var line: Int
    /// Dotted key path, e.g. `operations.uptime`.
    public var key: String
    public var reason: String
    /// `.missing`: the file itself is missing or unreadable (exit 66); `.invalid`: its content is wrong (exit 78).
    public var kind: Kind
    public enum Kind: Sendable { case invalid, missing }
    public init(file: String, line: Int, key: String, reason: String, kind: Kind = .invalid) {
        self.file = file; self.line = line; self.key = key; self.reason = reason; self.kind = kind
    }
    public var description: String { "\(file):\(line): \(key.isEmpty ? "(document)" : key): \(reason)" }
}

extension ConfigError: CategorizedError {
    /// A missing or unreadable file is 66; anything wrong with its content 78.
    public var category: ErrorCategory { kind == .missing ? .inputMissing : .configInvalid }
}
