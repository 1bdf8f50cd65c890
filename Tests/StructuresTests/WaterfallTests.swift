import Domain
import Foundation
import Structures
import Statistics
import XCTest

final class WaterfallTests: XCTestCase {
    typealias T = StructureSpec.Tranche
    let L = WaterfallPathLayout.self

    /// Senior 6000 @ 36.5% (3% per 30-day period), custom schedule 25%/0/75%; mezzanine 2000 @ 73% (6%/period) bullet;
    /// equity 1000. Fees 2% + 50/period. Reserve target max(400, 1 month senior interest), funded 400. DSCR < 1.2 → cash trap.
    func example1() throws -> (WaterfallEngine, TokenPath) {
        let spec = StructureSpec(
            tranches: [T(name: "senior", balanceUSD: 6000, annualRate: 0.365, amortization: .custom([0.25, 0, 0.75])),
                       T(name: "mezzanine", balanceUSD: 2000, annualRate: 0.73, amortization: .bullet),
                       T(name: "equity", balanceUSD: 1000, isEquity: true)],
            fees: .init(servicerShare: 0.02, fixedUSDPerPeriod: 50),
            reserve: .init(targetMonthsSeniorInterest: 1, targetUSD: 400, initialUSD: 400),
            triggers: .init(dscrBelow: 1.2, action: .cashTrap),
            steps: StructureSpec.defaultSteps(senior: "senior", mezzanine: "mezzanine", equity: "equity"))
        // 1000 tokens; per-token daily payout 0.2 → 6000 per period; period 2 pays nothing.
        return (try WaterfallEngine(spec: spec, deal: Fixtures.deal()), Fixtures.periodPath([0.2, 0, 0.2]))
    }

    func testHandWorkedReserveDrawAndMezzanineLoss() throws {
        let (engine, path) = try example1()
        var scratch = engine.makeScratch(days: path.days)
        var out = [Double](repeating: .nan, count: engine.resultWidth)
        path.withView { v in out.withUnsafeMutableBufferPointer { engine.run(v, scratch: &scratch, into: $0) } }
        // P1: C=6000; fees .02·6000+50=170; senior int 180; principal 6000−4500=1500; reserve at target (400);
        //     mezz int 120; residual 6000−170−180−1500−120 = 4030.  DSCR=(6000−170)/(180+1500+120)=3.24: no trigger.
        // P2: C=0; fees 50 and senior int 4500·.03=135 drawn from the reserve (400 → 215); mezz int 120 unpaid (arrears).
        //     DSCR = −50/255 < 1.2: trigger (nothing to trap).
        // P3 (last): C=6000 + reserve release 215 = 6215; fees 170; senior int 135 + principal 4500; mezz int 120+120=240,
        //     mezz principal 2000 due, 6215−170−135−4500−240 = 1170 paid → 830 unpaid: loss 830/2000 = 0.415. Equity 0.
        let c = WaterfallScratch.self
        _ = c
        let expect: [[Double]] = [ // collections, draw, trapRelease, fees, interest, principal, deposit, residual, trapDeposit, reserveEnd
            [6000, 0, 0, 170, 300, 1500, 0, 4030, 0, 400],
            [0, 185, 0, 50, 135, 0, 0, 0, 0, 215],
            [6000, 215, 0, 170, 375, 5670, 0, 0, 0, 0]]
        for k in 0..<3 { for col in 0..<10 {
            XCTAssertEqual(scratch.ledger(k, col), expect[k][col], accuracy: 0.005, "period \(k+1) column \(col)")
        } }
        XCTAssertEqual(scratch.ledger(1, 11), 1, "trigger fired in period 2")
        XCTAssertEqual(scratch.ledger(0, 11), 0)
        // senior: interest 180+135+135 = 450, principal 6000, no shortfall, no loss
        XCTAssertEqual(out[L.trancheOffset(0)], 450, accuracy: 0.005)
        XCTAssertEqual(out[L.trancheOffset(0) + 1], 6000, accuracy: 0.005)
        XCTAssertEqual(out[L.trancheOffset(0) + 2], 0)
        XCTAssertEqual(out[L.trancheOffset(0) + 3], 0)
        // senior paid exactly 3% per period on the outstanding balance → IRR = 1.03^(365/30) − 1
        XCTAssertEqual(out[L.trancheOffset(0) + 5], pow(1.03, 365.0 / 30) - 1, accuracy: 1e-9)
        // mezzanine: interest 120 + 240, principal 1170, shortfall, loss 0.415
        XCTAssertEqual(out[L.trancheOffset(1)], 360, accuracy: 0.005)
        XCTAssertEqual(out[L.trancheOffset(1) + 1], 1170, accuracy: 0.005)
        XCTAssertEqual(out[L.trancheOffset(1) + 2], 1)
        XCTAssertEqual(out[L.trancheOffset(1) + 3], 0.415, accuracy: 1e-12)
        // mezzanine WAL = (1170·90/365 + 830·90/365)/2000 = 90/365
        XCTAssertEqual(out[L.trancheOffset(1) + 4], 90.0 / 365, accuracy: 1e-12)
        // equity received 4030 ≥ 1000: no loss
        XCTAssertEqual(out[L.trancheOffset(2)], 4030, accuracy: 0.005)
        XCTAssertEqual(out[L.trancheOffset(2) + 3], 0)
        let g = L.globalOffset(tranches: 3)
        XCTAssertLessThan(out[g], 1e-12)
        XCTAssertEqual(out[g + 1], 400, accuracy: 0.005, "reserve draw 185 + release 215")
        XCTAssertEqual(out[g + 2], 1)
        XCTAssertFalse(out.contains { !$0.isFinite })
    }

    /// Senior 6000 @ 3%/period, custom 25%/25%/50%, + equity 7000; no fees/reserve. Period payouts 6000, 1875, 6000.
    func example2(_ action: StructureSpec.TriggerAction) throws -> (WaterfallEngine, TokenPath) {
        let spec = StructureSpec(
            tranches: [T(name: "senior", balanceUSD: 6000, annualRate: 0.365, amortization: .custom([0.25, 0.25, 0.5])),
                       T(name: "equity", balanceUSD: 7000, isEquity: true)],
            triggers: .init(dscrBelow: 1.2, action: action),
            steps: StructureSpec.defaultSteps(senior: "senior", mezzanine: nil, equity: "equity"))
        return (try WaterfallEngine(spec: spec, deal: Fixtures.deal()), Fixtures.periodPath([0.2, 0.0625, 0.2]))
    }

    func testCashTrapHeldAndReleased() throws {
        let (engine, path) = try example2(.cashTrap)
        var scratch = engine.makeScratch(days: path.days)
        var out = [Double](repeating: 0, count: engine.resultWidth)
        path.withView { v in out.withUnsafeMutableBufferPointer { engine.run(v, scratch: &scratch, into: $0) } }
        // P1: 6000 − 180 − 1500 = 4320 to equity. P2: C=1875, int 135, principal 1500, DSCR = 1875/1635 = 1.147 < 1.2
        // → the 240 left is trapped. P3 (last): 6000 + 240 released; int 90, principal 3000, residual 3150.
        XCTAssertEqual(scratch.ledger(1, 8), 240, accuracy: 0.005)
        XCTAssertEqual(scratch.ledger(1, 7), 0, accuracy: 0.005)
        XCTAssertEqual(scratch.ledger(1, 10), 240, accuracy: 0.005)
        XCTAssertEqual(scratch.ledger(2, 2), 240, accuracy: 0.005)
        XCTAssertEqual(scratch.ledger(2, 7), 3150, accuracy: 0.005)
        XCTAssertEqual(out[L.trancheOffset(1)], 4320 + 3150, accuracy: 0.005)
        // senior WAL = (1500·30 + 1500·60 + 3000·90)/365/6000
        let wal: Double = (45_000.0 + 90_000.0 + 270_000.0) / 365.0 / 6000.0  // 1500·30 + 1500·60 + 3000·90
        XCTAssertEqual(out[L.trancheOffset(0) + 4], wal, accuracy: 1e-12)
        XCTAssertEqual(out[L.trancheOffset(0) + 5], pow(1.03, 365.0 / 30) - 1, accuracy: 1e-9)
        // equity IRR: 7000 = 4320 y + 3150 y³, y = (1+r)^(−30/365); solved here by Newton on r directly.
        var r = 0.5
        for _ in 0..<200 {
            let y = pow(1 + r, -30.0 / 365)
            let y3: Double = y * y * y
            let f: Double = 4320.0 * y + 3150.0 * y3 - 7000.0
            let dy: Double = -30.0 / 365.0 * pow(1 + r, -30.0 / 365.0 - 1.0)
            let dfdy: Double = 4320.0 + 9450.0 * y * y
            r -= f / (dfdy * dy)
        }
        XCTAssertEqual(out[L.trancheOffset(1) + 5] / r, 1, accuracy: 1e-9)
    }

    func testTurboPaysSeniorPrincipal() throws {
        let (engine, path) = try example2(.turbo)
        var scratch = engine.makeScratch(days: path.days)
        var out = [Double](repeating: 0, count: engine.resultWidth)
        path.withView { v in out.withUnsafeMutableBufferPointer { engine.run(v, scratch: &scratch, into: $0) } }
        // P2: the 240 pays senior principal (balance 3000 → 2760). P3: int 2760·.03 = 82.8, principal 2760,
        // residual 6000 − 2842.8 = 3157.2.
        XCTAssertEqual(scratch.ledger(1, 5), 1740, accuracy: 0.005)
        XCTAssertEqual(scratch.ledger(2, 4), 82.8, accuracy: 0.005)
        XCTAssertEqual(scratch.ledger(2, 7), 3157.2, accuracy: 0.005)
        XCTAssertEqual(out[L.trancheOffset(0) + 1], 6000, accuracy: 0.005)
        XCTAssertEqual(out[L.trancheOffset(1)], 4320 + 3157.2, accuracy: 0.005)
        XCTAssertEqual(out[L.trancheOffset(0) + 5], pow(1.03, 365.0 / 30) - 1, accuracy: 1e-9, "still 3% per period")
    }

    func testBTCCouponConvertedAtPeriodEndPrice() throws {
        let spec = StructureSpec(
            tranches: [T(name: "senior", balanceUSD: 6000, annualRate: 0.365, interestCurrency: .btc, amortization: .bullet),
                       T(name: "equity", balanceUSD: 1000, isEquity: true)],
            triggers: .init(dscrBelow: nil), steps: StructureSpec.defaultSteps(senior: "senior", mezzanine: nil, equity: "equity"))
        let engine = try WaterfallEngine(spec: spec, deal: Fixtures.deal())
        let price = [Double](repeating: 40_000, count: 30) + [Double](repeating: 20_000, count: 30)
        let out = Fixtures.periodPath([0.2, 0.2], price: price).withView { engine.run($0) }
        // coupon 180 USD = 0.0045 BTC at 40k; period 2 paid at 20k → 90. Interest 270.
        XCTAssertEqual(out[0], 270, accuracy: 1e-9)
    }

    func testConservationOnRandomPathsAndOrders() throws {
        let deal = Fixtures.deal(termDays: 365)
        var rng = PathRandom(seed: 7, path: 0, stream: 9)
        for trial in 0..<40 {
            let action: StructureSpec.TriggerAction = trial % 2 == 0 ? .cashTrap : .turbo
            var steps = StructureSpec.defaultSteps(senior: "A", mezzanine: "B", equity: "E")
            // shuffle the middle steps (fees and residual stay first/last in half the trials)
            for i in stride(from: steps.count - 1, to: 0, by: -1) where trial % 4 < 2 {
                let j = Int(rng.next() % UInt64(i + 1)); steps.swapAt(i, j)
            }
            let spec = StructureSpec(
                periodDays: [30, 31, 28][trial % 3],
                tranches: [T(name: "A", balanceUSD: 2000 + 8000 * rng.uniform(), annualRate: 0.2 * rng.uniform(),
                             interestCurrency: trial % 3 == 0 ? .btc : .usd, amortization: [.level, .bullet, .custom([0.1, 0.2])][trial % 3]),
                           T(name: "B", balanceUSD: 3000 * rng.uniform(), annualRate: 0.3 * rng.uniform(), amortization: .level,
                             maturityPeriods: 6),
                           T(name: "E", balanceUSD: 1000, isEquity: true)],
                fees: .init(servicerShare: 0.05 * rng.uniform(), fixedUSDPerPeriod: 100 * rng.uniform()),
                reserve: .init(targetMonthsSeniorInterest: 3 * rng.uniform(), targetUSD: 500 * rng.uniform(), initialUSD: 300 * rng.uniform()),
                triggers: .init(dscrBelow: 1 + rng.uniform(), reserveBelowTarget: trial % 5 == 0, action: action), steps: steps)
            let engine = try WaterfallEngine(spec: spec, deal: deal)
            for p in 0..<10 {
                let path = Fixtures.randomPath(seed: UInt64(trial), path: UInt64(p), days: 365)
                var scratch = engine.makeScratch(days: path.days)
                var out = [Double](repeating: 0, count: engine.resultWidth)
                path.withView { v in out.withUnsafeMutableBufferPointer { engine.run(v, scratch: &scratch, into: $0) } }
                var reserve = spec.reserve.initialUSD, trap = 0.0, collected = 0.0, paidOut = 0.0
                for k in 0..<scratch.usedPeriods {
                    let r = (0..<12).map { scratch.ledger(k, $0) }
                    let inflow = r[0] + r[1] + r[2], outflow = r[3] + r[4] + r[5] + r[6] + r[7] + r[8]
                    XCTAssertEqual(inflow, outflow, accuracy: 1e-9 * max(1, inflow), "trial \(trial) path \(p) period \(k)")
                    reserve += r[6] - r[1]; trap += r[8] - r[2]
                    XCTAssertEqual(reserve, r[9], accuracy: 1e-7); XCTAssertEqual(trap, r[10], accuracy: 1e-7)
                    XCTAssertGreaterThanOrEqual(r[9], -1e-9)
                    collected += r[0]; paidOut += r[3] + r[4] + r[5] + r[7]
                }
                // Whole life: collections + initial reserve = everything paid out (reserve and trap end empty).
                XCTAssertEqual(reserve, 0, accuracy: 1e-7); XCTAssertEqual(trap, 0, accuracy: 1e-7)
                XCTAssertEqual(collected + spec.reserve.initialUSD, paidOut, accuracy: 1e-7 * max(1, paidOut))
                XCTAssertFalse(out.contains { !$0.isFinite })
                for i in 0..<3 {
                    let loss = out[L.trancheOffset(i) + 3]
                    XCTAssert(loss >= 0 && loss <= 1)
                }
            }
        }
    }

    func testSummaryReductionByHand() throws {
        let (engine, _) = try example2(.cashTrap)
        let good = Fixtures.periodPath([0.2, 0.2, 0.2]).withView { engine.run($0) }
        let bad = Fixtures.periodPath([0.2, 0, 0]).withView { engine.run($0) }
        // bad path: P1 pays 180 + 1500 (equity 4320); P2 nothing (int 135 arrears); P3 nothing → loss 4500/6000 = 0.75
        XCTAssertEqual(bad[3], 0.75, accuracy: 1e-12)
        let rows = WaterfallSummary.reduce(spec: engine.spec, results: good + bad + good + good)
        XCTAssertEqual(rows[0].probShortfall, 0.25)
        XCTAssertEqual(rows[0].expectedLoss, 0.75 / 4, accuracy: 1e-12)
        XCTAssertEqual(rows[0].lossGivenShortfall, 0.75, accuracy: 1e-12)
        // equity (7000): good paths receive 4320 + 4365 + 2910; the bad path only 4320 → loss 1 − 4320/7000
        XCTAssertEqual(rows[1].probShortfall, 0.25)
        XCTAssertEqual(rows[1].expectedLoss, (1 - 4320.0 / 7000) / 4, accuracy: 1e-12)
        let csv = StructureOutputs.tranchesCSV(rows).split(separator: "\n")
        XCTAssertEqual(csv[1].split(separator: ",").count, StructureOutputs.tranchesHeader.count)
        // Here every shortfall ends in a loss.
        XCTAssertEqual(rows[0].probLoss, 0.25); XCTAssertEqual(rows[1].probLoss, 0.25)
    }

    /// Arrears caught up later count as a shortfall but not as a loss: P(loss) ≤ P(shortfall), with a gap.
    func testCaughtUpArrearsAreAShortfallButNoLoss() throws {
        let (engine, _) = try example2(.cashTrap)
        let late = Fixtures.periodPath([0.2, 0, 0.6]).withView { engine.run($0) }   // P2 pays nothing, P3 pays it all back
        let o = L.trancheOffset(0)
        XCTAssertEqual(late[o + 2], 1, "an interest/principal shortfall in P2")
        XCTAssertEqual(late[o + 3], 0, accuracy: 1e-12, "fully repaid by maturity")
        let good = Fixtures.periodPath([0.2, 0.2, 0.2]).withView { engine.run($0) }
        let bad = Fixtures.periodPath([0.2, 0, 0]).withView { engine.run($0) }
        let rows = WaterfallSummary.reduce(spec: engine.spec, results: good + late + bad + late)
        XCTAssertEqual(rows[0].probShortfall, 0.75)
        XCTAssertEqual(rows[0].probLoss, 0.25)
        XCTAssertEqual(rows[0].expectedLoss, 0.75 / 4, accuracy: 1e-12)
    }

    func testInvalidSpecIsRejected() {
        let spec = StructureSpec(tranches: [T(name: "A", balanceUSD: 1)], steps: [.payInterest("Z")])
        XCTAssertThrowsError(try WaterfallEngine(spec: spec, deal: Fixtures.deal()))
    }
}
