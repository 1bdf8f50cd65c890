import CSHA256
import Foundation

/// Midstate nonce scanning over an 80-byte header: the first 64 bytes are compressed once (the midstate); each nonce
/// then costs two compressions — the second header block (bytes 64…79 + padding, length 640 bits) from the midstate,
/// and the 32-byte digest (+ padding, length 256 bits) from the initial state.
public struct NonceScanner {
    public let kernel: HashKernel
    public let midstate: [UInt32]
    /// Header bytes 64..<76 (merkle-root tail, time, bits).
    public let tail: [UInt8]

    /// `header` must be 80 bytes (its nonce field is ignored).
    public init(header: [UInt8], kernel: HashKernel = .best) throws {
        guard header.count == 80 else { throw HeaderError.wrongLength(height: nil, count: header.count) }
        self.kernel = (kernel == .shaNI && !HashKernel.fastAvailable) ? .portable : kernel
        var st = SHA256.initialState
        header.withUnsafeBufferPointer { SHA256.compress(&st, $0.baseAddress!, blocks: 1, kernel: .portable) }
        midstate = st
        tail = Array(header[64..<76])
    }

    /// The result of a scan.
    public struct Result: Equatable, Sendable {
        /// Nonces whose SHA-256d ≤ target, in scan order (at most `capacity`).
        public var found: [UInt32]
        /// Total hits (may exceed `found.count`).
        public var hits: Int
        /// Nonces hashed.
        public var hashes: UInt64
    }

    /// Hashes nonces `start, start+1, …` (`count` of them, wrapping mod 2^32) and returns those whose hash,
    /// read as a little-endian 256-bit number, is ≤ `target`; with `target == nil` it only counts hashes.
    public func scan(start: UInt32, count: UInt64, target: UInt256?, capacity: Int = 64) -> Result {
        let tlimbs: [UInt32]? = target.map { t in (0..<8).map { UInt32(truncatingIfNeeded: t.limbs[$0 / 2] >> UInt64(32 * ($0 % 2))) } }
        if kernel == .shaNI {
            var found = [UInt32](repeating: 0, count: max(capacity, 1))
            let hits: Int = midstate.withUnsafeBufferPointer { m in
                tail.withUnsafeBufferPointer { t in
                    found.withUnsafeMutableBufferPointer { f in
                        if let tl = tlimbs {
                            return tl.withUnsafeBufferPointer { tp in
                                hashsec_scan_shani(m.baseAddress!, t.baseAddress!, start, count, tp.baseAddress!, f.baseAddress!, capacity)
                            }
                        }
                        return hashsec_scan_shani(m.baseAddress!, t.baseAddress!, start, count, nil, f.baseAddress!, capacity)
                    }
                }
            }
            if hits >= 0 { return Result(found: Array(found.prefix(min(hits, capacity))), hits: hits, hashes: count) }
        }
        return portableScan(start: start, count: count, target: tlimbs, capacity: capacity)
    }

    private func portableScan(start: UInt32, count: UInt64, target: [UInt32]?, capacity: Int) -> Result {
        var found: [UInt32] = []
        var hits = 0
        func be(_ i: Int) -> UInt32 { UInt32(tail[i]) << 24 | UInt32(tail[i + 1]) << 16 | UInt32(tail[i + 2]) << 8 | UInt32(tail[i + 3]) }
        let w0 = be(0), w1 = be(4), w2 = be(8)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 48) { buf in
            let block2 = buf.baseAddress!, block3 = buf.baseAddress! + 16, st = buf.baseAddress! + 32, st2 = buf.baseAddress! + 40
            for i in 0..<16 { block2[i] = 0; block3[i] = 0 }
            block2[0] = w0; block2[1] = w1; block2[2] = w2; block2[4] = 0x8000_0000; block2[15] = 640
            block3[8] = 0x8000_0000; block3[15] = 256
            var nonce = start
            var k: UInt64 = 0
            while k < count {
                block2[3] = nonce.byteSwapped
                for i in 0..<8 { st[i] = midstate[i] }
                SHA256.compressWords(st, UnsafePointer(block2))
                for i in 0..<8 { block3[i] = st[i]; st2[i] = SHA256.initialState[i] }
                SHA256.compressWords(st2, UnsafePointer(block3))
                if let t = target, st2[7].byteSwapped <= t[7] {
                    var le = true
                    for j in stride(from: 7, through: 0, by: -1) {
                        let v = st2[j].byteSwapped
                        if v < t[j] { le = true; break }
                        if v > t[j] { le = false; break }
                    }
                    if le { if found.count < capacity { found.append(nonce) }; hits += 1 }
                }
                nonce &+= 1; k += 1
            }
        }
        return Result(found: found, hits: hits, hashes: count)
    }

    /// Scans `count` nonces from `start` split into `threads` contiguous slices run in parallel; results are merged in
    /// nonce order, so the answer does not depend on the thread count.
    public func scanParallel(start: UInt32, count: UInt64, target: UInt256?, threads: Int, capacity: Int = 64) -> Result {
        let t = max(1, threads)
        if t == 1 { return scan(start: start, count: count, target: target, capacity: capacity) }
        let per = count / UInt64(t)
        var parts = [Result?](repeating: nil, count: t)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: t) { i in
            let s = start &+ UInt32(truncatingIfNeeded: per * UInt64(i))
            let n = i == t - 1 ? count - per * UInt64(t - 1) : per
            let r = scan(start: s, count: n, target: target, capacity: capacity)
            lock.lock(); parts[i] = r; lock.unlock()
        }
        var out = Result(found: [], hits: 0, hashes: 0)
        for r in parts.compactMap({ $0 }) {
            out.hits += r.hits; out.hashes += r.hashes
            out.found += r.found.prefix(max(0, capacity - out.found.count))
        }
        return out
    }
}
