import Domain
import Foundation
@testable import Simulate
import XCTest

/// σ = 0: the engine must reproduce an independent, block-by-block work-based calculation of SPEC §3 (retargets with
/// the 2015-interval timespan and the ×4 clamp, a halving at 1,050,000) and of the SPEC §6 token cash flows.
final class DeterministicPathTests: XCTestCase {
    /// Independent bookkeeping: block n needs work D_n·2³²; the network does H_day·86400 work per day; block n is found
    /// when the cumulative work reaches it. D changes for block 2016k from T(2016k−1) − T(2016(k−1)), clamped.
    /// Returns per-day hashprice (BTC/PH/day), per-day H and the heights where the retargets happened with their clamp flag.
    func reference(cal: Calibration, days: Int, lnHShock: [Double]) -> (hp: [Double], H: [Double], retargets: [(Int, Bool, Double)], endHeight: Int, halvingDay: Int) {
        let st = cal.initialState
        var lnH = log(st.hashRateHs)
        var D = st.difficulty
        var n = st.height + 1                 // next block to find
        var workLeft = D * 4294967296.0       // work still needed for block n
        let firstOfEpoch = st.height / 2016 * 2016
        var tEpochStart = -st.epochElapsedDays * 86400  // T(first block of the current epoch)
        var hp: [Double] = [], hs: [Double] = [], rts: [(Int, Bool, Double)] = [], halvingDay = -1
        _ = firstOfEpoch
        let F = st.feePerBlockBTC
        for day in 0..<days {
            lnH += cal.hashRate.a.value + (day < lnHShock.count ? lnHShock[day] : 0)
            let H = exp(lnH)
            var dayWork = H * 86400
            var rev = 0.0
            var t = Double(day) * 86400
            while true {
                let subsidy = Double(5_000_000_000 >> Int64(n / 210_000)) / 1e8
                if workLeft > dayWork {
                    rev += dayWork / (D * 4294967296.0) * (subsidy + F)
                    workLeft -= dayWork
                    break
                }
                // block n found
                rev += workLeft / (D * 4294967296.0) * (subsidy + F)
                dayWork -= workLeft
                t += workLeft / H
                if n % 2016 == 2015 {           // block 2016k−1: retarget for block 2016k
                    let actual = t - tEpochStart
                    let clamped = min(max(actual, 1_209_600 / 4), 1_209_600 * 4)
                    rts.append((n + 1, clamped != actual, 1_209_600 / clamped))
                    D = max(1, D * 1_209_600 / clamped)
                }
                if n % 2016 == 0 { tEpochStart = t }
                if (n + 1) % 210_000 == 0 && halvingDay < 0 { halvingDay = day }   // the next block earns the halved subsidy
                n += 1
                workLeft = D * 4294967296.0
            }
            hp.append(1e15 / H * rev); hs.append(H)
        }
        return (hp, hs, rts, n - 1, halvingDay)
    }

    /// Two paths of a deterministic calibration with a one-off ln hash-rate shock on day 5, and the reference bookkeeping.
    func shockedPaths(_ cal: Calibration, days: Int, shockDay5 jump: Double, seed: UInt64)
        throws -> (PathGenerator.Scratch, (hp: [Double], H: [Double], retargets: [(Int, Bool, Double)], endHeight: Int, halvingDay: Int)) {
        var shock = [Double](repeating: 0, count: days)
        shock[4] = jump
        let s = SimulationSettings(paths: 2, seed: seed, threads: 1, horizonDays: days, blockSize: 2)
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s,
                                days: days, overlay: StressOverlay(name: "shock", lnHashRateShock: shock))
        let scratch = gen.makeScratch()
        gen.generate(first: 0, count: 2, into: scratch)
        return (scratch, reference(cal: cal, days: days, lnHShock: shock))
    }

    func testDeterministicPathMatchesIndependentBookkeeping() throws {
        // Starts 3000 blocks before the 1,050,000 halving; a ×10 hash-rate jump on day 5 makes the next retarget hit the ×4 clamp.
        let cal = Fixture.calibration(hashA: 0.003, height: 1_047_000, epochElapsedDays: 3)
        let days = 120
        let (scratch, ref) = try shockedPaths(cal, days: days, shockDay5: log(10), seed: 9)
        XCTAssertTrue(ref.retargets.contains { $0.1 && $0.2 == 4 }, "the ×4 clamp must bind in this scenario")
        XCTAssertGreaterThanOrEqual(ref.retargets.count, 3)
        XCTAssertGreaterThan(ref.endHeight, 1_050_000, "the path must cross the halving")
        XCTAssertGreaterThan(ref.halvingDay, 0)
        for p in 0..<2 { XCTAssertEqual(Int(scratch.halvingDay[p]), ref.halvingDay, "path \(p): day of the halving") }
        for p in 0..<2 {
            for d in 0..<days {
                XCTAssertEqual(scratch.hashpriceBTC[p * days + d], ref.hp[d], accuracy: 1e-9 * ref.hp[d], "path \(p) day \(d + 1)")
                XCTAssertEqual(scratch.price[p * days + d], 80_000, accuracy: 1e-6)
            }
        }
    }

    func testSlowEpochHitsTheQuarterClamp() throws {
        // A ÷10 hash-rate fall on day 5 stretches the epoch to ≈ 140 days > 8 weeks: the retarget divides D by exactly 4
        // (timespan clamped to 4,838,400 s); the following epoch (≈ 35 days) retargets unclamped.
        let cal = Fixture.calibration(hashA: 0, height: 1_047_000, epochElapsedDays: 3)
        let days = 200
        let (scratch, ref) = try shockedPaths(cal, days: days, shockDay5: -log(10), seed: 3)
        XCTAssertTrue(ref.retargets.contains { $0.1 && $0.2 == 0.25 }, "the ÷4 clamp must bind: \(ref.retargets)")
        XCTAssertTrue(ref.retargets.contains { !$0.1 }, "an unclamped retarget follows: \(ref.retargets)")
        for p in 0..<2 {
            for d in 0..<days {
                XCTAssertEqual(scratch.hashpriceBTC[p * days + d], ref.hp[d], accuracy: 1e-9 * ref.hp[d], "path \(p) day \(d + 1)")
            }
        }
    }

    func testHalvingHalvesRevenueAndMidDaySplit() throws {
        // Constant H: before and after the halving the hashprice ratio is (3.125+F)/(1.5625+F); the crossing day lies between.
        let cal = Fixture.calibration(hashA: 0, height: 1_049_500, epochElapsedDays: 0.5)
        let days = 8
        let s = SimulationSettings(paths: 1, seed: 1, threads: 1, antithetic: false, horizonDays: days, blockSize: 2)
        let gen = PathGenerator(process: try ModelProcess(calibration: cal, settings: s), initial: cal.initialState, settings: s, days: days)
        let sc = gen.makeScratch()
        gen.generate(first: 0, count: 1, into: sc)
        let ref = reference(cal: cal, days: days, lnHShock: [])
        for d in 0..<days { XCTAssertEqual(sc.hashpriceBTC[d], ref.hp[d], accuracy: 1e-9 * ref.hp[d]) }
        // Day 1 and day 5 are both before the next retarget (≈ day 6); the halving lands on day 4.
        let first = sc.hashpriceBTC[0], last = sc.hashpriceBTC[4]
        XCTAssertEqual(first / last, (3.125 + 0.08) / (1.5625 + 0.08), accuracy: 1e-9)
    }

    /// Token payouts: independent loop over days with the SPEC §6 formulas.
    func testTokenCashFlowsMatchIndependentCalculation() throws {
        let cal = Fixture.calibration(hashA: 0.004, height: 1_047_000)
        for (curt, deficit, power, hosting, term) in [(Operations.Curtailment.never, Operations.DeficitRule.floorZero, 0.05, 0.0, Int?.none),
                                                     (.economic, .floorZero, 0.09, 0.001, nil),
                                                     (.never, .carryForward, 0.09, 0.0, nil),
                                                     (.never, .floorZero, 0.12, 0.0, 20),
                                                     // curtailed days carry hosting, so deficits end the token; curtailed days after the end do not count
                                                     (.economic, .floorZero, 0.12, 0.002, 20),
                                                     // issue 12 item 13: no hosting, so a curtailed day nets 0; it still counts as
                                                     // a deficit day (output below the running cost), and the token ends
                                                     (.economic, .floorZero, 0.12, 0.0, 20),
                                                     (.economic, .carryForward, 0.12, 0.0, 20)] {
            let deal = Fixture.deal(term: 300, curtailment: curt, deficit: deficit, power: power, hosting: hosting, terminate: term)
            let r = try MonteCarlo.run(deal: deal, calibration: cal, settings: SimulationSettings(paths: 2, seed: 3, threads: 1))
            let ref = reference(cal: cal, days: 300, lnHShock: [])
            let S = 80_000.0
            var pv = 0.0, btc = 0.0, owed = 0.0, run = 0, curtailed = 0, terminated = false
            for t in 1...300 where !terminated {
                var gross = 1.0 * pow(0.97, Double(t) / 365) * 0.95 * ref.hp[t - 1] / 1000 * 0.98 * 0.95
                var pw = 1.0 * 20 * 24 / 1000 * power * 0.95
                let off = curt == .economic && gross * S < pw
                if off { gross = 0; pw = 0; curtailed += 1 }
                let net = gross - (pw + hosting * 1.0) / S
                var pay = 0.0
                if deficit == .carryForward { let b = net - owed; if b >= 0 { pay = b; owed = 0 } else { owed = -b } } else { pay = max(0, net) }
                run = net < 0 || off ? run + 1 : 0
                btc += pay; pv += pay * S / pow(1.1, Double(t) / 365)
                if let n = term, run >= n { terminated = true }
            }
            let o = r.outcome(0)
            XCTAssertEqual(o.btcTotal, btc, accuracy: 1e-12 + 1e-9 * btc, "\(curt) \(deficit)")
            XCTAssertEqual(o.pvUSD, pv, accuracy: 1e-9 * max(pv, 1))
            XCTAssertEqual(o.daysCurtailed, curtailed)
            XCTAssertEqual(o.terminated, terminated)
            if curt == .economic && term != nil { XCTAssertTrue(terminated && curtailed > 0, "the combined case must terminate after curtailing") }
            XCTAssertFalse(o.pvUSD.isNaN)
        }
    }

    func testIRRAgainstClosedForm() {
        // A single flow of 121 on day 730 against a price of 100: IRR = 1.21^{1/2} − 1 = 10%.
        var flows = [Double](repeating: 0, count: 730)
        flows[729] = 121
        let r = flows.withUnsafeBufferPointer { TokenPricer.irr(flows: $0.baseAddress!, count: 730, price: 100) }
        XCTAssertEqual(r, 0.1, accuracy: 1e-10)
        let none = [Double](repeating: 0, count: 10).withUnsafeBufferPointer { TokenPricer.irr(flows: $0.baseAddress!, count: 10, price: 5) }
        XCTAssertEqual(none, -1, "no payout → the whole price is lost: −100 %")
    }
}
