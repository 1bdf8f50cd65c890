/// A coding key named by a string: the outputs' JSON keys are spelled out where each type encodes itself.
public struct NameKey: CodingKey, ExpressibleByStringLiteral {
    public var stringValue: String
    public init(_ s: String) { stringValue = s }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init(stringLiteral s: String) { stringValue = s }
    public var intValue: Int? { nil }
    public init?(intValue: Int) { nil }
}

extension KeyedEncodingContainer {
    /// Encodes a number, or `null` when it is nil or not finite (no NaN or inf ever reaches an output).
    public mutating func encodeFinite(_ v: Double?, forKey k: Key) throws {
        if let v, v.isFinite { try encode(v, forKey: k) } else { try encodeNil(forKey: k) }
    }
}

extension KeyedDecodingContainer {
    /// A number written by `encodeFinite`: `null` reads back as NaN.
    public func decodeFinite(_ k: Key) throws -> Double { try decodeIfPresent(Double.self, forKey: k) ?? .nan }
}
