import Foundation

/// The measurements of `hashsec bench-hash` (SPEC §4), after `HashSelfCheck` passed: the SHA-256 compression limit of one
/// thread and the midstate nonce-scan rate per kernel and thread count.
public enum HashBenchmark {
    /// One measured nonce-scan rate.
    public struct Rate: Equatable, Sendable {
        public var kernel: HashKernel
        public var threads: Int
        public var hashesPerSecond: Double
        public init(kernel: HashKernel, threads: Int, hashesPerSecond: Double) {
            self.kernel = kernel; self.threads = threads; self.hashesPerSecond = hashesPerSecond
        }
    }

    /// Single-thread compressions per second, two ways: chained 16 KiB messages (like `openssl speed`, latency-bound)
    /// and the calibration loop of independent single compressions (throughput-bound). The limit is the larger.
    public static func compressionRates(kernel: HashKernel, seconds: Double) -> (chained: Double, independent: Double) {
        let buf = [UInt8](repeating: 0x5a, count: 64 * 256)
        var state = SHA256.initialState
        var blocks = 0
        var start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        buf.withUnsafeBufferPointer { p in
            repeat {
                for _ in 0..<16 { SHA256.compress(&state, p.baseAddress!, blocks: 256, kernel: kernel) }
                blocks += 16 * 256
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < seconds / 2
        }
        precondition(state != SHA256.initialState)
        let chained = Double(blocks) / elapsed
        var n = 0
        var sink: UInt32 = 0
        let step = kernel == .shaNI ? 1 << 20 : 1 << 14
        start = DispatchTime.now().uptimeNanoseconds
        repeat {
            sink ^= SHA256.calibrationLoop(count: step, kernel: kernel)
            n += step
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds / 2
        precondition(sink != 1 || n > 0)
        return (chained, Double(n) / elapsed)
    }

    /// Nonce-scan rate: every thread scans its own nonce range in chunks until the deadline; total hashes / wall time.
    public static func scanRate(header: [UInt8], kernel: HashKernel, threads: Int, seconds: Double) throws -> Double {
        let scanner = try NonceScanner(header: header, kernel: kernel)
        let chunk: UInt64 = kernel == .shaNI ? 1 << 18 : 1 << 15
        let target = UInt256(1)   // essentially never hit; keeps the comparison in the loop
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        var counts = [UInt64](repeating: 0, count: threads)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: threads) { i in
            var n: UInt64 = 0
            var nonce = UInt32(truncatingIfNeeded: UInt64(i) << 28)
            repeat {
                n += scanner.scan(start: nonce, count: chunk, target: target).hashes
                nonce &+= UInt32(chunk)
            } while DispatchTime.now().uptimeNanoseconds < deadline
            lock.lock(); counts[i] = n; lock.unlock()
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(counts.reduce(0, +)) / elapsed
    }

    /// The compression limit (fastest kernel, one thread) and the scan rates of every kernel on 1 and `threads` threads.
    public static func measure(header: [UInt8], kernels: [HashKernel], threads: Int, seconds: Double) throws
        -> (compression: Double, chained: Double, rates: [Rate]) {
        let (chained, independent) = compressionRates(kernel: kernels.last!, seconds: seconds)
        var rates: [Rate] = []
        for k in kernels {
            for t in Set([1, threads]).sorted() {
                rates.append(Rate(kernel: k, threads: t, hashesPerSecond: try scanRate(header: header, kernel: k, threads: t, seconds: seconds)))
            }
        }
        return (max(chained, independent), chained, rates)
    }

    /// The CPU's model name (`/proc/cpuinfo`), "unknown" elsewhere.
    public static func cpuModel() -> String {
        if let s = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = s.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return "unknown"
    }
}
