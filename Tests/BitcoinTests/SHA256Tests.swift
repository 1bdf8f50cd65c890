import XCTest
@testable import Bitcoin

final class SHA256Tests: XCTestCase {
    var kernels: [HashKernel] { HashKernel.fastAvailable ? [.portable, .shaNI] : [.portable] }

    func testFIPSVectors() {
        let vectors: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ]
        for k in kernels {
            for (m, d) in vectors { XCTAssertEqual(hexString(SHA256.hash(Array(m.utf8), kernel: k)), d, "\(k) \(m)") }
        }
    }

    func testMillionAStreamedInUnevenChunks() {
        for k in kernels {
            var h = SHA256(kernel: k)
            let chunk = [UInt8](repeating: 0x61, count: 997)
            var left = 1_000_000
            while left > 0 { let n = min(left, chunk.count); h.update(Array(chunk.prefix(n))); left -= n }
            XCTAssertEqual(hexString(h.finalize()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "\(k)")
        }
    }

    func testIncrementalEqualsOneShotAcrossBlockBoundaries() {
        let msg = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let whole = SHA256.hash(msg, kernel: .portable)
        for k in kernels {
            for split in [0, 1, 55, 56, 63, 64, 65, 127, 128, 200] {
                var h = SHA256(kernel: k)
                h.update(msg[..<split]); h.update(AnySequence(msg[split...]))   // contiguous slice, then per-byte path
                XCTAssertEqual(h.finalize(), whole, "\(k) split \(split)")
            }
        }
    }

    func testGenesisAndBlock1HashesBothKernels() throws {
        for k in kernels {
            XCTAssertEqual(hexString(SHA256.sha256d(hexBytes(KnownHeaders.genesis), kernel: k).reversed()), KnownHeaders.genesisHash)
            XCTAssertEqual(hexString(SHA256.sha256d(hexBytes(KnownHeaders.block1), kernel: k).reversed()), KnownHeaders.block1Hash)
        }
        let h = try BlockHeader(hex: KnownHeaders.block1)
        XCTAssertEqual(h.prevHashHex, KnownHeaders.genesisHash)
        XCTAssertEqual(h.time, 1_231_469_665)
        XCTAssertEqual(h.bits, 0x1d00ffff)
        XCTAssertEqual(h.bytes, hexBytes(KnownHeaders.block1))
    }

    func testBothKernelsReproduceEveryRealHash() throws {
        for file in ["btc_headers_822528_830592.csv", "btc_headers_retarget_boundaries.csv"] {
            guard let rows = try loadHeaderRows(file) else { throw XCTSkip("\(file) absent") }
            if file.hasPrefix("btc_headers_8") { XCTAssertEqual(rows.count, 8065) }
            for k in kernels {
                var bad = 0
                for r in rows where hexString(SHA256.sha256d(r.header, kernel: k).reversed()) != r.hashHex { bad += 1 }
                XCTAssertEqual(bad, 0, "\(file) \(k)")
            }
        }
    }

    /// Zero the real nonce, scan a 2^16 window (2^12 for the slow portable debug build) containing it: the scan must
    /// find exactly that nonce among the hits, and every reported hit must really satisfy hash ≤ target.
    func testNonceScanFindsRealNonce() throws {
        guard let rows = try loadHeaderRows("btc_headers_822528_830592.csv") else { throw XCTSkip("headers absent") }
        let row = rows[1234]
        let hdr = try BlockHeader(bytes: row.header)
        var zeroed = row.header; for i in 76..<80 { zeroed[i] = 0 }
        let target = Consensus.target(bits: hdr.bits)!
        for k in kernels {
            let window: UInt32 = k == .shaNI ? 1 << 16 : 1 << 12
            let start = hdr.nonce &- window / 3
            let scanner = try NonceScanner(header: zeroed, kernel: k)
            let r = scanner.scan(start: start, count: UInt64(window), target: target)
            XCTAssertEqual(r.found, [hdr.nonce], "\(k)")
            XCTAssertEqual(r.hashes, UInt64(window))
            let par = scanner.scanParallel(start: start, count: UInt64(window), target: target, threads: 3)
            XCTAssertEqual(par, r)
        }
    }

    /// With an easy target, the scan's hits equal an independent brute force using the one-shot SHA-256d.
    func testScanAgreesWithBruteForceOnEasyTarget() throws {
        let header = hexBytes(KnownHeaders.genesis)
        let easy = UInt256(1) << 250   // about 1 hit in 64
        var expected: [UInt32] = []
        var h = header
        for n in UInt32(1000)..<UInt32(1000 + 2048) {
            h[76] = UInt8(n & 0xff); h[77] = UInt8((n >> 8) & 0xff); h[78] = UInt8((n >> 16) & 0xff); h[79] = UInt8(n >> 24)
            let d = SHA256.sha256d(h, kernel: .portable)
            // independent comparison: most significant byte is d[31]
            var le = true
            let t = hexBytes(easy.hex)   // big-endian bytes of target
            for i in 0..<32 { let hb = d[31 - i]; if hb != t[i] { le = hb < t[i]; break } }
            if le { expected.append(n) }
        }
        XCTAssertGreaterThan(expected.count, 5)
        for k in kernels {
            let r = try NonceScanner(header: header, kernel: k).scan(start: 1000, count: 2048, target: easy, capacity: 1000)
            XCTAssertEqual(r.found, expected, "\(k)")
        }
    }
}
