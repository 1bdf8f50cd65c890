/// An unsigned 256-bit integer (four 64-bit limbs, least significant first) — just enough arithmetic for Bitcoin
/// targets: comparison, shifts, multiplication and division by a `UInt64`, and the compact ("nBits") encoding.
public struct UInt256: Equatable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Limbs, least significant first.
    public var limbs: [UInt64]

    public init(limbs: [UInt64]) { precondition(limbs.count == 4); self.limbs = limbs }
    public init(_ v: UInt64) { limbs = [v, 0, 0, 0] }
    public static let zero = UInt256(0)

    /// Reads 32 bytes as a little-endian number (Bitcoin's reading of a hash in internal byte order).
    public init(littleEndianBytes b: [UInt8]) {
        precondition(b.count == 32)
        var l = [UInt64](repeating: 0, count: 4)
        for i in 0..<32 { l[i / 8] |= UInt64(b[i]) << UInt64(8 * (i % 8)) }
        limbs = l
    }

    /// Parses big-endian hex (as hashes are displayed), up to 64 digits.
    public init?(hex: String) {
        let s = Array(hex.utf8)
        guard !s.isEmpty, s.count <= 64 else { return nil }
        var v = UInt256.zero
        for c in s {
            let d: UInt64
            switch c {
            case 48...57: d = UInt64(c - 48)
            case 97...102: d = UInt64(c - 87)
            case 65...70: d = UInt64(c - 55)
            default: return nil
            }
            v = (v << 4); v.limbs[0] |= d
        }
        self = v
    }

    /// 64 lower-case hex digits, most significant first.
    public var hex: String {
        limbs.reversed().map { l -> String in let s = String(l, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }.joined()
    }
    public var description: String { hex }

    public var isZero: Bool { limbs.allSatisfy { $0 == 0 } }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        for i in stride(from: 3, through: 0, by: -1) where limbs[i] != 0 { return 64 * i + 64 - limbs[i].leadingZeroBitCount }
        return 0
    }

    public static func < (a: UInt256, b: UInt256) -> Bool {
        for i in stride(from: 3, through: 0, by: -1) where a.limbs[i] != b.limbs[i] { return a.limbs[i] < b.limbs[i] }
        return false
    }

    public static func << (a: UInt256, n: Int) -> UInt256 {
        if n <= 0 { return n == 0 ? a : a >> -n }
        if n >= 256 { return .zero }
        var r = [UInt64](repeating: 0, count: 4)
        let q = n / 64, s = n % 64
        for i in stride(from: 3, through: q, by: -1) {
            var v = a.limbs[i - q] << UInt64(s)
            if s > 0 && i - q - 1 >= 0 { v |= a.limbs[i - q - 1] >> UInt64(64 - s) }
            r[i] = v
        }
        return UInt256(limbs: r)
    }

    public static func >> (a: UInt256, n: Int) -> UInt256 {
        if n <= 0 { return n == 0 ? a : a << -n }
        if n >= 256 { return .zero }
        var r = [UInt64](repeating: 0, count: 4)
        let q = n / 64, s = n % 64
        for i in 0..<(4 - q) {
            var v = a.limbs[i + q] >> UInt64(s)
            if s > 0 && i + q + 1 < 4 { v |= a.limbs[i + q + 1] << UInt64(64 - s) }
            r[i] = v
        }
        return UInt256(limbs: r)
    }

    /// `a·m mod 2^256` and whether the exact product overflowed 256 bits.
    public func multipliedReportingOverflow(by m: UInt64) -> (partialValue: UInt256, overflow: Bool) {
        var r = [UInt64](repeating: 0, count: 4)
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (hi, lo) = limbs[i].multipliedFullWidth(by: m)
            let (sum, c) = lo.addingReportingOverflow(carry)
            r[i] = sum
            carry = hi &+ (c ? 1 : 0)
        }
        return (UInt256(limbs: r), carry != 0)
    }

    /// Floor division by a non-zero `UInt64`, with the remainder.
    public func quotientAndRemainder(dividingBy d: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(d != 0, "division by zero")
        var r = [UInt64](repeating: 0, count: 4)
        var rem: UInt64 = 0
        for i in stride(from: 3, through: 0, by: -1) {
            let (q, rr) = d.dividingFullWidth((high: rem, low: limbs[i]))
            r[i] = q; rem = rr
        }
        return (UInt256(limbs: r), rem)
    }

    /// The nearest Double (correctly rounded from the top 64 significant bits plus a sticky bit).
    public var doubleValue: Double {
        let w = bitWidth
        if w <= 64 { return Double(limbs[0]) }
        let shift = w - 64
        var top = (self >> shift).limbs[0]
        // sticky bit: any bit shifted out makes round-to-nearest see "more than half" correctly
        let shiftedOut = !((self >> shift) << shift == self)
        if shiftedOut { top |= 1 }
        return Double(top) * Double(sign: .plus, exponent: shift, significand: 1)
    }
}

extension UInt256 {
    /// The result of decoding a compact number as Bitcoin Core's `arith_uint256::SetCompact` does.
    public struct CompactDecoding: Equatable, Sendable {
        public var value: UInt256
        public var negative: Bool
        public var overflow: Bool
    }

    /// Decodes compact `nBits` = size byte `s` and 23-bit mantissa `m` (bit 23 is a sign bit):
    /// `value = m · 256^(s−3)` (for `s ≤ 3`, `m >> 8·(3−s)`), exactly as Core's `SetCompact`.
    public static func decodeCompact(_ compact: UInt32) -> CompactDecoding {
        let size = Int(compact >> 24)
        var word = compact & 0x007f_ffff
        var value: UInt256
        if size <= 3 {
            word >>= UInt32(8 * (3 - size))
            value = UInt256(UInt64(word))
        } else {
            value = UInt256(UInt64(word)) << (8 * (size - 3))
        }
        let negative = word != 0 && (compact & 0x0080_0000) != 0
        let overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))
        if overflow { value = .zero }
        return CompactDecoding(value: value, negative: negative, overflow: overflow)
    }

    /// Encodes as compact `nBits` exactly as Core's `GetCompact` (truncating to a 3-byte mantissa; if the mantissa's
    /// top bit would be set, it is shifted down one byte and the size incremented so the sign bit stays clear).
    public var compact: UInt32 {
        var size = (bitWidth + 7) / 8
        var c: UInt64
        if size <= 3 {
            c = limbs[0] << UInt64(8 * (3 - size))
        } else {
            c = (self >> (8 * (size - 3))).limbs[0]
        }
        if c & 0x0080_0000 != 0 { c >>= 8; size += 1 }
        return UInt32(truncatingIfNeeded: c) | UInt32(size) << 24
    }
}
