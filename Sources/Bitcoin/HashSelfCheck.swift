import Diagnostics
/// Self-verification of the hash kernels against real block headers, run before any hash rate is reported.
public enum HashSelfCheck {
    /// Well-known public headers embedded in code: (height, header hex, displayed hash).
    public static let embedded: [(height: Int, header: String, hash: String)] = [
        (0, "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c",
         "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"),
        (1, "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e36299",
         "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048"),
    ]

    /// Checks `kernel` on every header: SHA-256d equals the displayed hash, and for the first `scanChecks` headers a
    /// midstate scan of 4096 nonces around the real nonce (with the nonce field zeroed) finds exactly the real nonce.
    /// Returns the number of headers checked; throws `HashSelfCheckError` on the first failure.
    @discardableResult
    public static func verify(kernel: HashKernel, headers: [(height: Int, header: [UInt8], hash: String)], scanChecks: Int = 4) throws -> Int {
        for (i, row) in headers.enumerated() {
            guard row.header.count == 80 else { throw HashSelfCheckError.badHeader(height: row.height) }
            let got = SHA256.hex(SHA256.sha256d(row.header, kernel: kernel).reversed())
            if got != row.hash.lowercased() {
                throw HashSelfCheckError.hashMismatch(kernel: kernel, height: row.height, expected: row.hash, got: got)
            }
            if i < scanChecks {
                let hdr = try BlockHeader(bytes: row.header)
                guard let target = Consensus.target(bits: hdr.bits) else { throw HashSelfCheckError.badHeader(height: row.height) }
                var zeroed = row.header; for j in 76..<80 { zeroed[j] = 0 }
                let r = try NonceScanner(header: zeroed, kernel: kernel).scan(start: hdr.nonce &- 2000, count: 4096, target: target)
                if r.found != [hdr.nonce] {
                    throw HashSelfCheckError.scanMissed(kernel: kernel, height: row.height, nonce: hdr.nonce, found: r.found)
                }
            }
        }
        return headers.count
    }

    /// The embedded headers in `verify`'s format.
    public static var embeddedRows: [(height: Int, header: [UInt8], hash: String)] {
        embedded.map { ($0.height, BlockHeader.bytes(fromHex: $0.header)!, $0.hash) }
    }
}

/// A hash kernel failed to reproduce a real block hash: no rate may be reported.
public enum HashSelfCheckError: Error, CustomStringConvertible, Equatable {
    case hashMismatch(kernel: HashKernel, height: Int, expected: String, got: String)
    case scanMissed(kernel: HashKernel, height: Int, nonce: UInt32, found: [UInt32])
    case badHeader(height: Int)

    public var description: String {
        switch self {
        case let .hashMismatch(k, h, e, g): return "self-check failed: \(k.rawValue) kernel hashes block \(h) to \(g), expected \(e); refusing to report a rate"
        case let .scanMissed(k, h, n, f): return "self-check failed: \(k.rawValue) nonce scan of block \(h) did not find nonce \(n) (found \(f)); refusing to report a rate"
        case let .badHeader(h): return "self-check failed: header at height \(h) is not a valid 80-byte header"
        }
    }
}

extension HashSelfCheckError: CategorizedError {
    public var category: ErrorCategory { .verificationFailed }
}
