import XCTest
@testable import Bitcoin

final class ConsensusTests: XCTestCase {
    func testSubsidySchedule() {
        let cases: [(Int, Int64)] = [(0, 5_000_000_000), (209_999, 5_000_000_000), (210_000, 2_500_000_000),
                                     (839_999, 625_000_000), (840_000, 312_500_000), (1_049_999, 312_500_000),
                                     (1_050_000, 156_250_000), (6_929_999, 1), (6_930_000, 0), (13_440_000, 0)]
        for (h, s) in cases { XCTAssertEqual(Consensus.subsidy(height: h), s, "height \(h)") }
        XCTAssertEqual(Consensus.halvingHeight(4), 840_000)
        // total issuance just under 21M BTC (independent closed sum)
        var total: Int64 = 0
        for i in 0..<64 { total += Int64(210_000) * (5_000_000_000 >> Int64(i)) }
        XCTAssertEqual(total, 2_099_999_997_690_000)
    }

    func testCompactRoundTripAndCoreRules() {
        XCTAssertEqual(UInt256.decodeCompact(0x1d00ffff).value.hex, "00000000ffff0000000000000000000000000000000000000000000000000000")
        XCTAssertEqual(UInt256.decodeCompact(0x1d00ffff).value.compact, 0x1d00ffff)
        XCTAssertEqual(Consensus.powLimit.compact, 0x1d00ffff)          // rounding down of 2^224-1
        // Core's arith_uint256 tests
        XCTAssertEqual(UInt256.decodeCompact(0x01123456).value, UInt256(0x12))
        XCTAssertEqual(UInt256(0x12).compact, 0x01120000)
        XCTAssertEqual(UInt256.decodeCompact(0x02123456).value, UInt256(0x1234))
        XCTAssertEqual(UInt256.decodeCompact(0x05009234).value, UInt256(0x92340000))
        XCTAssertEqual(UInt256(0x80).compact, 0x02008000)               // sign bit avoided
        XCTAssertTrue(UInt256.decodeCompact(0x04923456).negative)
        XCTAssertTrue(UInt256.decodeCompact(0xff123456).overflow)
        XCTAssertEqual(UInt256.decodeCompact(0x20123456).value.compact, 0x20123456)
        XCTAssertNil(Consensus.target(bits: 0x1d01ffff))                // above powLimit
        XCTAssertNil(Consensus.target(bits: 0x00000000))
    }

    func testUInt256Arithmetic() {
        let a = UInt256(hex: "123456789abcdef0fedcba9876543210")!
        XCTAssertEqual((a << 100) >> 100, a)
        let (p, o) = a.multipliedReportingOverflow(by: 1_209_600)
        XCTAssertFalse(o)
        let (q, r) = p.quotientAndRemainder(dividingBy: 1_209_600)
        XCTAssertEqual(q, a); XCTAssertEqual(r, 0)
        XCTAssertTrue((UInt256(1) << 255).multipliedReportingOverflow(by: 2).overflow)
        XCTAssertEqual((UInt256(1) << 200).doubleValue, pow(2.0, 200))
        XCTAssertEqual(Consensus.difficulty(bits: 0x1d00ffff), 1.0)
        // D = T_max / target, checked against a Double division of the 256-bit values
        let bits: UInt32 = 0x17034219
        let d = Consensus.maxTarget.doubleValue / Consensus.target(bits: bits)!.doubleValue
        XCTAssertEqual(Consensus.difficulty(bits: bits), d, accuracy: d * 1e-15)
    }

    func testRetargetClampOnConstructedNumbers() {
        let bits: UInt32 = 0x1b0404cb
        let t = UInt256.decodeCompact(bits).value
        // 10x too slow: clamped to x4
        let slow = Consensus.nextBits(lastBits: bits, firstTime: 0, lastTime: 12_096_000)
        XCTAssertEqual(slow, t.multipliedReportingOverflow(by: 4).partialValue.compact)
        // 100x too fast: clamped to /4
        let fast = Consensus.nextBits(lastBits: bits, firstTime: 1000, lastTime: 1000 + 12_096)
        XCTAssertEqual(fast, t.quotientAndRemainder(dividingBy: 4).quotient.compact)
        // exactly on time: unchanged target (up to compact rounding: same bits)
        XCTAssertEqual(Consensus.nextBits(lastBits: bits, firstTime: 5, lastTime: 5 + 1_209_600), bits)
        // cap at powLimit
        XCTAssertEqual(Consensus.nextBits(lastBits: 0x1d00ffff, firstTime: 0, lastTime: 3 * 1_209_600), 0x1d00ffff)
        XCTAssertEqual(Consensus.clampedTimespan(firstTime: 10, lastTime: 0), 302_400)
        // network hash rate: 144 blocks at difficulty 1 = 144·2^32/86400
        XCTAssertEqual(Consensus.networkHashrate(blocksPerDay: 144, difficulty: 1), 144 * 4_294_967_296 / 86_400)
    }

    /// Every boundary in the boundaries file (rows come in pairs 2016k−1, 2016k) recomputes exactly; the epoch's first
    /// timestamp is the previous boundary row. The expected value is the nBits the real chain actually used.
    func testRealRetargetsRecomputeExactly() throws {
        guard let rows = try loadHeaderRows("btc_headers_retarget_boundaries.csv") else { throw XCTSkip("boundaries absent") }
        var byHeight: [Int: BlockHeader] = [:]
        for r in rows { byHeight[r.height] = try BlockHeader(bytes: r.header) }
        var checked = 0, clampHigh = 0, clampLow = 0
        for (h, hdr) in byHeight where h % 2016 == 0 && h > 0 {
            guard let last = byHeight[h - 1], let first = byHeight[h - 2016] else { continue }
            let span = Int64(last.time) - Int64(first.time)
            if span > 4 * 1_209_600 { clampHigh += 1 }
            if span < 1_209_600 / 4 { clampLow += 1 }
            XCTAssertEqual(Consensus.nextBits(lastBits: last.bits, firstTime: Int64(first.time), lastTime: Int64(last.time)), hdr.bits, "height \(h)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 300)
        print("retargets recomputed: \(checked) (x4 clamp binding: \(clampHigh), /4 clamp: \(clampLow))")
    }
}
