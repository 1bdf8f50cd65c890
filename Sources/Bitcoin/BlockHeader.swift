/// An 80-byte Bitcoin block header. Integers are little-endian on the wire; `prevHash` and `merkleRoot` are kept in
/// internal byte order (as serialised), and `hashHex` shows the hash byte-reversed, as block explorers do.
public struct BlockHeader: Equatable, Sendable {
    public var version: Int32
    public var prevHash: [UInt8]
    public var merkleRoot: [UInt8]
    public var time: UInt32
    public var bits: UInt32
    public var nonce: UInt32

    /// Parses exactly 80 bytes.
    public init(bytes b: [UInt8]) throws {
        guard b.count == 80 else { throw HeaderError.wrongLength(height: nil, count: b.count) }
        func le32(_ i: Int) -> UInt32 { UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24 }
        version = Int32(bitPattern: le32(0))
        prevHash = Array(b[4..<36]); merkleRoot = Array(b[36..<68])
        time = le32(68); bits = le32(72); nonce = le32(76)
    }

    /// Parses 160 hex digits.
    public init(hex: String) throws {
        guard let b = BlockHeader.bytes(fromHex: hex) else { throw HeaderError.invalidHex(height: nil) }
        try self.init(bytes: b)
    }

    /// The 80 serialised bytes.
    public var bytes: [UInt8] {
        func le(_ v: UInt32) -> [UInt8] { [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 24)] }
        return le(UInt32(bitPattern: version)) + prevHash + merkleRoot + le(time) + le(bits) + le(nonce)
    }

    /// SHA-256d of the header, internal byte order.
    public var hash: [UInt8] { SHA256.sha256d(bytes) }
    /// The hash as displayed (byte-reversed hex).
    public var hashHex: String { SHA256.hex(hash.reversed()) }
    /// The previous block's hash as displayed.
    public var prevHashHex: String { SHA256.hex(prevHash.reversed()) }

    /// Decodes hex (even length, 0-9a-fA-F) into bytes; nil on any other character.
    public static func bytes(fromHex hex: String) -> [UInt8]? {
        let s = Array(hex.utf8)
        guard s.count % 2 == 0 else { return nil }
        var out = [UInt8](); out.reserveCapacity(s.count / 2)
        func nib(_ c: UInt8) -> UInt8? {
            switch c { case 48...57: return c - 48; case 97...102: return c - 87; case 65...70: return c - 55; default: return nil }
        }
        var i = 0
        while i < s.count {
            guard let h = nib(s[i]), let l = nib(s[i + 1]) else { return nil }
            out.append(h << 4 | l); i += 2
        }
        return out
    }
}
