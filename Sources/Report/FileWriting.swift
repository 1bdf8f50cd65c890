import Foundation

/// Writes `data` to `url` through a temporary sibling file and `rename(2)`, so readers never see a partial file.
func writeAtomically(_ data: Data, to url: URL) throws {
    let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    do {
        try data.write(to: tmp)
        if rename(tmp.path, url.path) != 0 { throw ReportError.cannotWrite(path: url.path, reason: String(cString: strerror(errno))) }
    } catch let e as ReportError { try? FileManager.default.removeItem(at: tmp); throw e } catch {
        try? FileManager.default.removeItem(at: tmp)
        throw ReportError.cannotWrite(path: url.path, reason: "\(error)")
    }
}

/// Reads a JSON object file; nil when absent. Numbers are decoded exactly with `JSONDecoder` (Foundation's
/// `JSONSerialization` on Linux can be off in the last digit) and returned as `Double`, booleans as `Bool`.
func readJSONObject(_ url: URL) throws -> [String: Any]? {
    guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
    guard let v = try? JSONDecoder().decode(JSONValue.self, from: data), let obj = v.any as? [String: Any] else {
        throw ReportError.malformed(file: url.path, line: 1, column: "json", reason: "not a JSON object")
    }
    return obj
}

/// A decoded JSON value (exact numbers).
public enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// Plain Swift value: `NSNull`, `Bool`, `Double`, `String`, `[Any]`, `[String: Any]`.
    public var any: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map { $0.any }
        case .object(let o): return o.mapValues { $0.any }
        }
    }

    /// Parses JSON text into a plain `[String: Any]` (nil when not an object).
    public static func object(_ data: Data) -> [String: Any]? {
        (try? JSONDecoder().decode(JSONValue.self, from: data))?.any as? [String: Any]
    }
}
