import Foundation

/// The one JSON writer (and reader) of hashsec's files: `JSONEncoder` with sorted keys, two-space pretty printing,
/// slashes not escaped and a final newline, so key order and number formatting (the shortest decimal that reads back to
/// the same `Double`) are stable; the golden corpus pins the bytes. Types encode their own snake_case keys; a number that
/// may be non-finite is written with `encodeFinite` (null), never as NaN or inf.
public enum JSONText {
    /// A JSON file's text.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder(pretty: true).encode(value), as: UTF8.self) + "\n"
    }

    /// The same, as bytes.
    public static func data<T: Encodable>(_ value: T) throws -> Data { Data(try encode(value).utf8) }

    /// One line of JSON (sorted keys, no newline): JSON-lines logs and hashes of canonical content.
    public static func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder(pretty: false).encode(value), as: UTF8.self)
    }

    /// Decodes a file's bytes (exact numbers: `JSONDecoder`).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }

    static func encoder(pretty: Bool) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
