import XCTest
@testable import Bitcoin

final class HeaderChainVerifierTests: XCTestCase {
    func testContinuousFileVerifiesWithFourRetargets() throws {
        guard let rows = try loadHeaderRows("btc_headers_822528_830592.csv") else { throw XCTSkip("headers absent") }
        var v = HeaderChainVerifier()
        for r in rows { try v.append(height: r.height, header: r.header, claimedHash: hexBytes(r.hashHex)) }
        let s = v.summary
        XCTAssertEqual(s.count, 8065)
        XCTAssertEqual(s.firstHeight, 822_528); XCTAssertEqual(s.lastHeight, 830_592)
        XCTAssertEqual(s.retargetsVerified, 4)
        XCTAssertEqual(s.retargetsUnverifiable, 1); XCTAssertEqual(s.unverifiableRetargetHeights, [822_528])
        XCTAssertEqual(s.epochs.count, 5)
        // MTP independently: median of the 11 timestamps ending at block i
        let times = rows.map { try! BlockHeader(bytes: $0.header).time }
        for i in [10, 500, 8064] {
            XCTAssertEqual(s.blocks[i].medianTimePast, times[(i - 10)...i].sorted()[5])
        }
        XCTAssertEqual(s.blocks[2].medianTimePast, times[0...2].sorted()[1])
    }

    func testBoundariesFileWithGaps() throws {
        guard let rows = try loadHeaderRows("btc_headers_retarget_boundaries.csv") else { throw XCTSkip("boundaries absent") }
        var v = HeaderChainVerifier(allowGaps: true)
        for r in rows { try v.append(height: r.height, header: r.header, claimedHash: hexBytes(r.hashHex)) }
        XCTAssertGreaterThan(v.summary.retargetsVerified, 300)
        var strict = HeaderChainVerifier()
        try strict.append(height: rows[0].height, header: rows[0].header, claimedHash: nil)
        XCTAssertThrowsError(try strict.append(height: rows[1].height, header: rows[1].header, claimedHash: nil)) {
            XCTAssertEqual($0 as? HeaderError, .heightSequence(expected: 1, got: 2015))
        }
    }

    func testRejections() throws {
        guard let rows = try loadHeaderRows("btc_headers_822528_830592.csv") else { throw XCTSkip("headers absent") }
        // Chain from the start of an epoch up to the retarget at 824544
        var v = HeaderChainVerifier()
        for r in rows.prefix(2016) { try v.append(height: r.height, header: r.header, claimedHash: nil) }
        let next = rows[2016]
        XCTAssertEqual(next.height, 824_544)
        // wrong length
        XCTAssertThrowsError(try v.append(height: next.height, header: Array(next.header.prefix(79)), claimedHash: nil)) {
            guard case .wrongLength = $0 as! HeaderError else { return XCTFail("\($0)") }
        }
        // one flipped bit in the merkle root: proof of work fails
        var flipped = next.header; flipped[40] ^= 0x01
        XCTAssertThrowsError(try v.append(height: next.height, header: flipped, claimedHash: nil)) {
            guard case .proofOfWork = $0 as! HeaderError else { return XCTFail("\($0)") }
            XCTAssertTrue("\($0)".contains("proof of work fails"))
        }
        // same flip with the claimed hash: hash mismatch
        XCTAssertThrowsError(try v.append(height: next.height, header: flipped, claimedHash: hexBytes(next.hashHex))) {
            guard case .hashMismatch = $0 as! HeaderError else { return XCTFail("\($0)") }
        }
        // broken link: skip a header
        XCTAssertThrowsError(try v.append(height: next.height, header: rows[2017].header, claimedHash: nil)) {
            guard case .brokenLink = $0 as! HeaderError else { return XCTFail("\($0)") }
        }
        // wrong height
        XCTAssertThrowsError(try v.append(height: next.height + 1, header: next.header, claimedHash: nil))
        // the state is unchanged after rejections: the real header is accepted and the retarget verified
        try v.append(height: next.height, header: next.header, claimedHash: hexBytes(next.hashHex))
        XCTAssertEqual(v.summary.retargetsVerified, 1)
    }

    /// A wrong nBits at the retarget boundary (and inside an epoch) is rejected with the retarget / epoch reason.
    func testWrongRetargetAndInsideEpochBitsRejected() throws {
        guard let rows = try loadHeaderRows("btc_headers_822528_830592.csv") else { throw XCTSkip("headers absent") }
        func withBits(_ header: [UInt8], _ b: UInt32) -> [UInt8] {
            var h = header
            h[72] = UInt8(b & 0xff); h[73] = UInt8((b >> 8) & 0xff); h[74] = UInt8((b >> 16) & 0xff); h[75] = UInt8(b >> 24)
            return h
        }
        var v = HeaderChainVerifier()
        for r in rows.prefix(2016) { try v.append(height: r.height, header: r.header, claimedHash: nil) }
        let real = try BlockHeader(bytes: rows[2016].header).bits
        let oldBits = try BlockHeader(bytes: rows[2015].header).bits
        XCTAssertNotEqual(real, oldBits)
        XCTAssertThrowsError(try v.append(height: rows[2016].height, header: withBits(rows[2016].header, oldBits), claimedHash: nil)) {
            XCTAssertEqual($0 as? HeaderError, .retargetMismatch(height: 824_544, expected: real, got: oldBits))
            XCTAssertTrue("\($0)".contains("retarget mismatch at height 824544"))
        }
        var w = HeaderChainVerifier()
        try w.append(height: rows[0].height, header: rows[0].header, claimedHash: nil)
        XCTAssertThrowsError(try w.append(height: rows[1].height, header: withBits(rows[1].header, real), claimedHash: nil)) {
            guard case .bitsChangedInsideEpoch = $0 as! HeaderError else { return XCTFail("\($0)") }
        }
    }
}
