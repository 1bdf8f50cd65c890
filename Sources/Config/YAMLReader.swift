import Domain
import Yams

/// A YAML node with its file name and key path, giving typed, line-numbered access (see README.md).
///
/// Usage:
///
///     let root = try YAMLNode.load(text: text, file: "deal.yaml")
///     let token = try root.mapping("token", allowed: ["count", "hashrate_th"])
///     let h = try token.double("hashrate_th", range: 0...1e9)       // throws deal.yaml:3: token.hashrate_th: ...
///     let count = try token.int("count", default: 1)
///
/// Every accessor throws `ConfigError` carrying the line of the offending node (or of the parent mapping when a
/// required key is missing). `mapping(_:allowed:)` / `checkKeys(_:)` reject unknown keys with a "did you mean" hint.
public struct YAMLNode {
    public let node: Node
    public let file: String
    /// Dotted key path of this node (empty for the document root).
    public let path: String

    public init(node: Node, file: String, path: String = "") { self.node = node; self.file = file; self.path = path }

    /// Parses YAML text; the document must be a mapping.
    public static func load(text: String, file: String) throws -> YAMLNode {
        let composed: Node?
        do { composed = try Yams.compose(yaml: text) } catch let e as YamlError {
            if case let .duplicatedKeysInMapping(duplicates, context) = e, let key = duplicates.first {
                let first = context.mark.line
                let second = YAMLNode.duplicateLine(in: text, key: key, firstLine: first, column: context.mark.column) ?? first
                throw ConfigError(file: file, line: second, key: key, reason: "duplicate key (first at line \(first))")
            }
            var line = YAMLNode.line(of: e)
            if case let .reader(_, offset?, _, _) = e, offset >= 0 {
                line = 1 + text.utf8.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            }
            throw ConfigError(file: file, line: line, key: "", reason: "YAML syntax error: \(YAMLNode.brief(e))")
        }
        guard let n = composed else { throw ConfigError(file: file, line: 0, key: "", reason: "empty document") }
        let root = YAMLNode(node: n, file: file)
        guard n.mapping != nil else { throw root.error("the document must be a mapping of keys") }
        return root
    }

    /// 1-based line of this node.
    public var line: Int { node.mark?.line ?? 0 }

    /// An error located at this node.
    public func error(_ reason: String) -> ConfigError { ConfigError(file: file, line: line, key: path, reason: reason) }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: mapping access

    /// The keys of this mapping, in file order (empty when not a mapping).
    public var keys: [String] { node.mapping?.keys.compactMap { $0.string } ?? [] }

    /// The child node for `key`, or nil when absent (or explicitly `null`/`~`).
    public func optional(_ key: String) throws -> YAMLNode? {
        guard let m = node.mapping else { throw error("expected a mapping of keys") }
        for (k, v) in m where k.string == key {
            if case .scalar(let s) = v, s.tag.description.hasSuffix("null") || (s.style == .plain && ["~", "null", "Null", "NULL", ""].contains(s.string)) {
                return nil
            }
            return YAMLNode(node: v, file: file, path: childPath(key))
        }
        return nil
    }

    /// The child node for `key`; throws "missing key" at this mapping's line when absent.
    public func required(_ key: String) throws -> YAMLNode {
        guard let c = try optional(key) else {
            throw ConfigError(file: file, line: line, key: childPath(key), reason: "missing required key")
        }
        return c
    }

    /// Throws on the first key not in `allowed` (at that key's line), suggesting the closest allowed key.
    public func checkKeys(_ allowed: [String]) throws {
        guard let m = node.mapping else { throw error("expected a mapping of keys") }
        var seen = Set<String>()
        for (k, _) in m {
            guard let name = k.string else { throw ConfigError(file: file, line: k.mark?.line ?? line, key: path, reason: "keys must be strings") }
            if !seen.insert(name).inserted {
                throw ConfigError(file: file, line: k.mark?.line ?? line, key: childPath(name), reason: "duplicate key")
            }
            if !allowed.contains(name) {
                let hint = YAMLNode.closest(name, in: allowed).map { " (did you mean \($0)?)" } ?? " (allowed: \(allowed.joined(separator: ", ")))"
                throw ConfigError(file: file, line: k.mark?.line ?? line, key: childPath(name), reason: "unknown key\(hint)")
            }
        }
    }

    /// A nested mapping under `key`, checked against `allowed` keys when given.
    public func mapping(_ key: String, allowed: [String]? = nil) throws -> YAMLNode {
        let c = try required(key)
        guard c.node.mapping != nil else { throw c.error("expected a mapping of keys, found \(c.kindName)") }
        if let allowed { try c.checkKeys(allowed) }
        return c
    }

    /// An optional nested mapping.
    public func optionalMapping(_ key: String, allowed: [String]? = nil) throws -> YAMLNode? {
        guard try optional(key) != nil else { return nil }
        return try mapping(key, allowed: allowed)
    }

    /// The elements of the sequence under `key` (paths `key[0]`, `key[1]`, ...).
    public func sequence(_ key: String) throws -> [YAMLNode] {
        let c = try required(key)
        return try c.elements()
    }

    /// The elements of this node, which must be a sequence.
    public func elements() throws -> [YAMLNode] {
        guard let s = node.sequence else { throw error("expected a list, found \(kindName)") }
        return s.enumerated().map { YAMLNode(node: $0.element, file: file, path: "\(path)[\($0.offset)]") }
    }

    // MARK: scalars (of this node)

    var kindName: String {
        switch node {
        case .scalar(let s): return "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// This node as a string scalar.
    public func asString() throws -> String {
        guard case .scalar(let s) = node else { throw error("expected a text value, found \(kindName)") }
        return s.string
    }

    /// This node as a finite number; `range` is checked when given.
    public func asDouble(range: ClosedRange<Double>? = nil) throws -> Double {
        guard case .scalar(let s) = node else { throw error("expected a number, found \(kindName)") }
        let t = s.string.replacingOccurrences(of: "_", with: "")
        guard s.style == .plain, let v = Double(t), v.isFinite else { throw error("expected a number, found '\(s.string)'") }
        if let r = range, !r.contains(v) { throw error("\(s.string) is out of range \(YAMLNode.fmt(r.lowerBound))…\(YAMLNode.fmt(r.upperBound))") }
        return v
    }

    /// This node as an integer; `range` is checked when given.
    public func asInt(range: ClosedRange<Int>? = nil) throws -> Int {
        guard case .scalar(let s) = node else { throw error("expected an integer, found \(kindName)") }
        guard s.style == .plain, let v = Int(s.string.replacingOccurrences(of: "_", with: "")) else {
            throw error("expected an integer, found '\(s.string)'")
        }
        if let r = range, !r.contains(v) { throw error("\(s.string) is out of range \(r.lowerBound)…\(r.upperBound)") }
        return v
    }

    /// This node as a boolean (`true`/`false`/`yes`/`no`).
    public func asBool() throws -> Bool {
        guard case .scalar(let s) = node else { throw error("expected true or false, found \(kindName)") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found '\(s.string)'")
        }
    }

    /// This node as a `YYYY-MM-DD` day.
    public func asDay() throws -> Day {
        let s = try asString()
        guard let d = Day(iso: s), s.count == 10 else { throw error("expected a date YYYY-MM-DD, found '\(s)'") }
        return d
    }

    /// This node as one of `E`'s raw values.
    public func asEnum<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws -> E where E.RawValue == String {
        let s = try asString()
        guard let v = E(rawValue: s) else {
            let allowed = E.allCases.map { $0.rawValue }
            let hint = YAMLNode.closest(s, in: allowed).map { " (did you mean \($0)?)" } ?? ""
            throw error("'\(s)' is not one of \(allowed.joined(separator: ", "))\(hint)")
        }
        return v
    }

    /// This node as one of the `allowed` strings.
    public func asChoice(_ allowed: [String]) throws -> String {
        let s = try asString()
        guard allowed.contains(s) else { throw error("'\(s)' is not one of \(allowed.joined(separator: ", "))") }
        return s
    }

    // MARK: keyed scalars (required, or with a default)

    public func string(_ key: String) throws -> String { try required(key).asString() }
    public func string(_ key: String, default d: String?) throws -> String? { try optional(key)?.asString() ?? d }
    public func double(_ key: String, range: ClosedRange<Double>? = nil) throws -> Double { try required(key).asDouble(range: range) }
    public func double(_ key: String, range: ClosedRange<Double>? = nil, default d: Double?) throws -> Double? {
        try optional(key)?.asDouble(range: range) ?? d
    }
    public func int(_ key: String, range: ClosedRange<Int>? = nil) throws -> Int { try required(key).asInt(range: range) }
    public func int(_ key: String, range: ClosedRange<Int>? = nil, default d: Int?) throws -> Int? { try optional(key)?.asInt(range: range) ?? d }
    public func bool(_ key: String) throws -> Bool { try required(key).asBool() }
    public func bool(_ key: String, default d: Bool) throws -> Bool { try optional(key)?.asBool() ?? d }
    public func day(_ key: String) throws -> Day { try required(key).asDay() }
    public func day(_ key: String, default d: Day?) throws -> Day? { try optional(key)?.asDay() ?? d }
    public func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws -> E where E.RawValue == String {
        try required(key).asEnum(type)
    }
    public func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, default d: E) throws -> E where E.RawValue == String {
        try optional(key)?.asEnum(type) ?? d
    }
    public func choice(_ key: String, _ allowed: [String], default d: String? = nil) throws -> String {
        if let n = try optional(key) { return try n.asChoice(allowed) }
        if let d { return d }
        return try required(key).asChoice(allowed)
    }

    // MARK: helpers

    static func fmt(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }

    static func brief(_ e: YamlError) -> String {
        let s = "\(e)"
        return s.split(separator: "\n").first.map(String.init) ?? s
    }

    static func line(of e: YamlError) -> Int {
        switch e {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): return mark.line
        default: return 0
        }
    }

    /// The allowed key closest to `s` by edit distance (≤ 3, or a prefix relation), if any.
    static func closest(_ s: String, in allowed: [String]) -> String? {
        func dist(_ a: [Character], _ b: [Character]) -> Int {
            var prev = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var cur = [i] + Array(repeating: 0, count: b.count)
                for j in stride(from: 1, through: b.count, by: 1) {
                    cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
                prev = cur
            }
            return a.isEmpty ? b.count : prev[b.count]
        }
        let a = Array(s)
        var best: (String, Int)?
        for c in allowed {
            var d = dist(a, Array(c))
            if c.hasPrefix(s) || s.hasPrefix(c) { d = min(d, 1) }
            if d <= 3, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }
}
