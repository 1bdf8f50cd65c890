import CSHA256

/// Which SHA-256 compression implementation to use.
public enum HashKernel: String, CaseIterable, Sendable, Codable {
    /// Portable Swift (FIPS 180-4, one round at a time); works everywhere.
    case portable
    /// x86-64 SHA extensions in C (`Sources/CSHA256`); only where `HashKernel.fastAvailable`.
    case shaNI = "sha-ni"

    /// True when this CPU has the SHA extensions (cpuid leaf 7, EBX bit 29) and the binary is x86-64.
    public static let fastAvailable: Bool = hashsec_cpu_has_sha_ni() != 0

    /// The fastest kernel this machine supports.
    public static var best: HashKernel { fastAvailable ? .shaNI : .portable }
}

/// SHA-256 (FIPS 180-4), incremental: `var h = SHA256(); h.update(bytes); let digest = h.finalize()`.
///
/// The message is padded with `0x80`, zeros, and the 64-bit big-endian bit length to a multiple of 64 bytes; each
/// 64-byte block is fed to the compression function `H ← H + F(H, W)` (64 rounds, message schedule
/// `W_t = σ1(W_{t-2}) + W_{t-7} + σ0(W_{t-15}) + W_{t-16}`).
public struct SHA256 {
    /// The initial hash value H(0).
    public static let initialState: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]

    public let kernel: HashKernel
    private var state: [UInt32] = SHA256.initialState
    private var buffer: [UInt8] = []
    private var length: UInt64 = 0

    /// A fresh hasher; `kernel` defaults to the fastest available (both give identical digests).
    public init(kernel: HashKernel = .best) {
        self.kernel = (kernel == .shaNI && !HashKernel.fastAvailable) ? .portable : kernel
        buffer.reserveCapacity(64)
    }

    /// Feeds more message bytes (any sequence; contiguous ones take the fast path).
    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ update(buffer: $0) }) != nil { return }
        for b in bytes {
            buffer.append(b)
            if buffer.count == 64 { compressBuffer() }
        }
    }

    /// Feeds a contiguous run of bytes (fast path for files).
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { update(buffer: $0) }
    }

    /// Feeds bytes from memory: whole 64-byte blocks are compressed in place, the rest is buffered.
    public mutating func update(buffer bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var i = 0
        if !buffer.isEmpty {
            while i < bytes.count && buffer.count < 64 { buffer.append(bytes[i]); i += 1 }
            if buffer.count == 64 { compressBuffer() } else { return }
        }
        let whole = (bytes.count - i) / 64
        if whole > 0 {
            SHA256.compress(&state, base + i, blocks: whole, kernel: kernel)
            length &+= UInt64(whole * 64)
            i += whole * 64
        }
        while i < bytes.count { buffer.append(bytes[i]); i += 1 }
    }

    private mutating func compressBuffer() {
        buffer.withUnsafeBufferPointer { p in SHA256.compress(&state, p.baseAddress!, blocks: 1, kernel: kernel) }
        length &+= 64
        buffer.removeAll(keepingCapacity: true)
    }

    /// Pads, finishes, and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        let bits = (length &+ UInt64(buffer.count)) &* 8
        var tail = buffer
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for s in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(s))) }
        tail.withUnsafeBufferPointer { p in SHA256.compress(&state, p.baseAddress!, blocks: tail.count / 64, kernel: kernel) }
        buffer.removeAll()
        return SHA256.bytes(of: state)
    }

    /// SHA-256 of a whole message.
    public static func hash(_ bytes: [UInt8], kernel: HashKernel = .best) -> [UInt8] {
        var h = SHA256(kernel: kernel); h.update(bytes); return h.finalize()
    }

    /// SHA-256d = SHA-256(SHA-256(m)), Bitcoin's block and transaction hash (internal byte order).
    public static func sha256d(_ bytes: [UInt8], kernel: HashKernel = .best) -> [UInt8] {
        hash(hash(bytes, kernel: kernel), kernel: kernel)
    }

    /// Lower-case hex of bytes in the given order.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Big-endian serialisation of the 8 state words (the digest).
    public static func bytes(of state: [UInt32]) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(32)
        for w in state { out += [UInt8(w >> 24), UInt8(truncatingIfNeeded: w >> 16), UInt8(truncatingIfNeeded: w >> 8), UInt8(truncatingIfNeeded: w)] }
        return out
    }

    /// Compresses `blocks` 64-byte blocks into `state` with the chosen kernel.
    public static func compress(_ state: inout [UInt32], _ data: UnsafePointer<UInt8>, blocks: Int, kernel: HashKernel) {
        precondition(state.count == 8)
        state.withUnsafeMutableBufferPointer { s in
            if kernel == .shaNI, hashsec_sha256_compress_shani(s.baseAddress!, data, blocks) != 0 { return }
            var w = [UInt32](repeating: 0, count: 16)
            w.withUnsafeMutableBufferPointer { wp in
                for b in 0..<blocks {
                    let p = data + 64 * b
                    for i in 0..<16 {
                        wp[i] = UInt32(p[4 * i]) << 24 | UInt32(p[4 * i + 1]) << 16 | UInt32(p[4 * i + 2]) << 8 | UInt32(p[4 * i + 3])
                    }
                    compressWords(s.baseAddress!, UnsafePointer(wp.baseAddress!))
                }
            }
        }
    }

    /// The portable compression function on 16 big-endian message words: `H ← H + F(H, W)`.
    @inline(__always)
    public static func compressWords(_ h: UnsafeMutablePointer<UInt32>, _ block: UnsafePointer<UInt32>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 { w[t] = block[t] }
            for t in 16..<64 {
                let x = w[t - 15], y = w[t - 2]
                let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3)
                let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
            kTable.withUnsafeBufferPointer { kp in
                for t in 0..<64 {
                    let S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ S1 &+ ch &+ kp[t] &+ w[t]
                    let S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = S0 &+ maj
                    hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
            h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
        }
    }

    @usableFromInline static let kTable: [UInt32] = k

    @inline(__always) @usableFromInline static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}

extension SHA256 {
    /// Calibration loop of `count` independent single compressions (each from the initial state) with `kernel`;
    /// returns a checksum so the work cannot be optimised away. This is the compression unit's throughput limit
    /// (independent blocks may overlap in the pipeline, unlike chained blocks of one message).
    public static func calibrationLoop(count: Int, kernel: HashKernel) -> UInt32 {
        var sink: UInt32 = 0
        if kernel == .shaNI, hashsec_calibrate_shani(UInt64(count), &sink) == 0 { return sink }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 24) { b in
            let st = b.baseAddress!, w = b.baseAddress! + 8
            for i in 0..<16 { w[i] = 0 }
            w[15] = 512
            for i in 0..<count {
                w[0] = UInt32(truncatingIfNeeded: i); w[1] = UInt32(truncatingIfNeeded: i >> 32)
                for j in 0..<8 { st[j] = initialState[j] }
                compressWords(st, UnsafePointer(w))
                sink ^= st[5] ^ st[7]   // same checksum as the C loop: F ^ H
            }
        }
        return sink
    }
}
