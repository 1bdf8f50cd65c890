import Domain
import Foundation
import Structures
import XCTest

final class LeverageTests: XCTestCase {
    /// A token whose value is exactly `x_t·(T−t)` with `x_t = HP_t·S_t`: h = 1000 TH (coefficient 1), no cost, no
    /// degradation, no discounting, T = 100 days.
    let deal = Fixtures.deal(hashrateTH: 1000, termDays: 100)

    func spec(loops: Int = 1, cf: Double = 0.5, bonus: Double = 0.05, apr: Double = 0, apy: Double = 0, horizon: Int = 10) -> LeverageSpec {
        LeverageSpec(ltvInitial: 0.5, liquidationThreshold: 0.8, liquidationBonus: bonus, closeFactor: cf, borrowAPR: apr,
                     stakingAPY: apy, loops: loops, horizonDays: horizon)
    }

    /// Path with x_0 = 1 (V_0 = 100) and token value `valueFrom5` from day 5 on (day t at index t−1), zero payouts.
    func path(valueFrom5 v: Double, payout: Double = 0) -> TokenPath {
        var hp = [Double](), s = [Double]()
        for t in 1...100 {
            let x = t >= 5 ? v / Double(100 - t) : 1
            hp.append(1); s.append(x)
        }
        hp[0] = 1; s[0] = 1  // index 0 is both "day 0" (opening value, T remaining) and day 1
        return TokenPath(priceUSD: s, hashpriceBTCPerPHDay: hp, netPayoutUSD: [Double](repeating: payout, count: 100))
    }

    func run(_ sp: LeverageSpec, _ p: TokenPath) throws -> [Double] {
        let e = try LeverageEngine(spec: sp, deal: deal)
        var rng = PathRandom(seed: 1, path: 0, stream: 1)
        return p.withView { e.run($0, random: &rng) }
    }

    func testValueModelMatchesBruteForceSum() {
        let d = Fixtures.deal(hashrateTH: 0.1, termDays: 400, eff: 20, deg: 0.1, power: 0.06, uptime: 0.95, pool: 0.02, mgmt: 0.05,
                              hosting: 0.01, discount: 0.15)
        let m = TokenValueModel(deal: d)
        // Power is drawn by the running machines only (uptime), as in the pricer; hosting is a capacity fee.
        let cost = 0.1 * 20 * 24 / 1000 * 0.95 * 0.06 + 0.01 * 0.1
        for (hp, s) in [(0.0006, 40_000.0), (0.0004, 30_000.0), (0.0008, 90_000.0), (0.0002, 20_000.0)] {
            for t in [0, 1, 50, 200, 399, 400] {
                var v = 0.0
                if t < 400 { for u in 1...(400 - t) {
                    let rev = 0.1 * pow(0.9, Double(t + u) / 365) * 0.95 * hp / 1000 * 0.98 * 0.95 * s
                    v += pow(1.15, -Double(u) / 365) * max(0, rev - cost)
                } }
                XCTAssertEqual(m.value(day: t, hashpriceBTC: hp, priceUSD: s), v, accuracy: 1e-9 * max(1, v), "hp \(hp) S \(s) t \(t)")
            }
        }
    }

    func testDropThatDoesNotLiquidate() throws {
        // Open: E = 100, N = 1.5 tokens, D = 50, HF = 150·0.8/50 = 2.4. Day 5: V = 42 → HF = 1.5·42·0.8/50 = 1.008 ≥ 1.
        let r = try run(spec(), path(valueFrom5: 42))
        XCTAssertEqual(r[2], 0); XCTAssertEqual(r[3], 0)
        XCTAssertEqual(r[0], (1.5 * 42 - 50) / 100 - 1, accuracy: 1e-12)   // −0.87
        XCTAssertEqual(r[1], 42.0 / 100 - 1, accuracy: 1e-12)              // −0.58
    }

    func testDropThatLiquidatesWithCloseFactorAndBonus() throws {
        // Day 5: V = 40 → collateral 60, HF = 60·0.8/50 = 0.96 < 1. Repay 0.5·50 = 25, seize 25·1.05 = 26.25 USD
        // = 0.65625 tokens → N = 0.84375, D = 25, HF = 0.84375·40·0.8/25 = 1.08: one liquidation.
        let r = try run(spec(), path(valueFrom5: 40))
        XCTAssertEqual(r[2], 1); XCTAssertEqual(r[3], 5); XCTAssertEqual(r[6], 1); XCTAssertEqual(r[4], 0)
        XCTAssertEqual(r[0], (0.84375 * 40 - 25) / 100 - 1, accuracy: 1e-12)  // −0.9125
    }

    func testBadDebtWhenCollateralBelowDebt() throws {
        // Day 5: V = 30 → collateral 45 < debt 50: bad debt 5 (= 5% of equity), position closed, return −100%.
        let r = try run(spec(), path(valueFrom5: 30))
        XCTAssertEqual(r[4], 1); XCTAssertEqual(r[5], 0.05, accuracy: 1e-12); XCTAssertEqual(r[0], -1, accuracy: 1e-12)
        // close factor 1: V = 34 → collateral 51 > 50 but seizing 50·1.05 = 52.5 > 51 → all seized, repaying 51/1.05;
        // bad debt 50 − 48.571428… = 1.428571…
        let r2 = try run(spec(cf: 1), path(valueFrom5: 34))
        XCTAssertEqual(r2[4], 1); XCTAssertEqual(r2[5], (50 - 51 / 1.05) / 100, accuracy: 1e-12)
    }

    func testDebtAccrualPayoutRepaymentAndStaking() throws {
        // Constant x = 1 (V_t = 100 − t); apr 36.5% → ×1.001 per day; payouts 0.2 USD/token/day repay debt;
        // staking 10%/yr on collateral tokens.
        let sp = spec(apr: 0.365, apy: 0.1)
        var hp = [Double](repeating: 1, count: 100), s = hp
        hp[0] = 1; s[0] = 1
        let p = TokenPath(priceUSD: s, hashpriceBTCPerPHDay: hp, netPayoutUSD: [Double](repeating: 0.2, count: 100))
        let r = try run(sp, p)
        var N = 1.5, D = 50.0, cash = 0.0, Nu = 1.0, cashU = 0.0
        let g = pow(1.1, 1.0 / 365)
        for _ in 1...10 {
            D *= 1.001; N *= g; Nu *= g
            let pay = N * 0.2; let x = min(D, pay); D -= x; cash += pay - x
            cashU += Nu * 0.2
        }
        XCTAssertEqual(r[0], (N * 90 - D + cash) / 100 - 1, accuracy: 1e-12)
        XCTAssertEqual(r[1], (Nu * 90 + cashU) / 100 - 1, accuracy: 1e-12)
        XCTAssertEqual(r[2], 0)
    }

    func testSummaryAndSweepOnRandomPaths() throws {
        let d = Fixtures.deal(hashrateTH: 0.1, termDays: 365, eff: 20, power: 0.05, discount: 0.1)
        var sp = LeverageSpec(ltvInitial: 0.6, liquidationThreshold: 0.75, liquidationBonus: 0.05, closeFactor: 0.5,
                              borrowAPR: 0.08, stakingAPY: 0.03, loops: 3, horizonDays: 180,
                              premium: .init(kappa: 5, sigma: 0.3, initial: 0))
        let maxLoops = 6
        let engine = try LeverageEngine(spec: sp, deal: d)
        let n = 300, w = LeverageSweep.width(maxLoops: maxLoops, ltv: 0.6)
        var flat = [Double](repeating: 0, count: n * w)
        for p in 0..<n {
            let path = Fixtures.randomPath(seed: 3, path: UInt64(p), days: 365, vol: 0.03, cost: 0.0)
            path.withView { v in
                let marks = engine.intrinsicMarks(v)
                marks.withUnsafeBufferPointer { m in
                    flat.withUnsafeMutableBufferPointer { b in
                        LeverageSweep.run(engine: engine, path: v, marks: m, seed: 3, pathIndex: UInt64(p), maxLoops: maxLoops,
                                          into: UnsafeMutableBufferPointer(rebasing: b[(p * w)..<((p + 1) * w)]))
                    }
                }
            }
        }
        XCTAssertFalse(flat.contains { !$0.isFinite })
        let rows = LeverageSweep.reduce(results: flat, ltv: 0.6, maxLoops: maxLoops, horizonDays: 180)
        XCTAssertEqual(rows[0].summary.probLiquidation, 0, "no debt, no liquidation")
        print("sweep prob_liquidation:", rows.map { $0.summary.probLiquidation }, "bad debt:", rows.map { $0.summary.probBadDebt })
        XCTAssertGreaterThan(rows[maxLoops].summary.probLiquidation, 0, "the fixture must exercise liquidations")
        for k in 1...maxLoops {   // same paths and premium draws: more loops can only liquidate more often
            XCTAssertGreaterThanOrEqual(rows[k].summary.probLiquidation, rows[k - 1].summary.probLiquidation)
        }
        // independent count for loops = 3 and the cumulative-by-day curve
        var liq = 0, lastDayHits = 0
        for p in 0..<n where flat[p * w + 3 * LeveragePathLayout.width + 2] == 1 {
            liq += 1; if flat[p * w + 3 * LeveragePathLayout.width + 3] <= 180 { lastDayHits += 1 }
        }
        XCTAssertEqual(rows[3].summary.probLiquidation, Double(liq) / Double(n))
        XCTAssertEqual(rows[3].summary.liquidationByDay.last!, Double(lastDayHits) / Double(n))
        // The one-loop family: LTV 5 %…55 % (below the deal's 60 %), leverage 1 + LTV, liquidations non-decreasing in LTV.
        let ltvRows = Array(rows[(maxLoops + 1)...])
        XCTAssertEqual(ltvRows.map(\.ltv), LeverageSweep.ltvGrid(below: 0.6))
        XCTAssertEqual(ltvRows.count, 11)
        XCTAssert(ltvRows.allSatisfy { $0.sweep == "ltv" && $0.loops == 1 && abs($0.leverage - 1 - $0.ltv) < 1e-15 })
        for k in 1..<ltvRows.count {
            XCTAssertGreaterThanOrEqual(ltvRows[k].summary.probLiquidation, ltvRows[k - 1].summary.probLiquidation)
        }
        if let best = LeverageSweep.best(rows) {
            XCTAssertLessThan(best.summary.probLiquidation, 0.05)
            XCTAssert(rows.filter { $0.leverage > best.leverage }.allSatisfy { $0.summary.probLiquidation >= 0.05 })
        }
        // An LTV-family slot equals a run of an engine whose spec has that LTV and one loop.
        var sp30 = sp; sp30.ltvInitial = 0.3; sp30.loops = 1
        let e30 = try LeverageEngine(spec: sp30, deal: d)
        var rng30 = PathRandom(seed: 3, path: 11, stream: LeverageEngine.premiumStream)
        let one30 = Fixtures.randomPath(seed: 3, path: 11, days: 365, vol: 0.03, cost: 0.0).withView { e30.run($0, random: &rng30) }
        let slot = maxLoops + 1 + LeverageSweep.ltvGrid(below: 0.6).firstIndex { abs($0 - 0.3) < 1e-12 }!
        XCTAssertEqual(one30, Array(flat[(11 * w + slot * LeveragePathLayout.width)..<(11 * w + (slot + 1) * LeveragePathLayout.width)]))
        // VaR/CVaR by hand for loops = 3
        let lev = (0..<n).map { flat[$0 * w + 3 * LeveragePathLayout.width] }.sorted()
        let h = Double(n - 1) * 0.05, lo = Int(h)
        let q05 = lev[lo] + (h - Double(lo)) * (lev[lo + 1] - lev[lo])
        XCTAssertEqual(rows[3].summary.levered.var95, -q05, accuracy: 1e-12)
        let tail = lev.filter { $0 <= q05 }
        XCTAssertEqual(rows[3].summary.levered.cvar95, -tail.reduce(0, +) / Double(tail.count), accuracy: 1e-12)
        XCTAssertGreaterThanOrEqual(rows[3].summary.levered.cvar95, rows[3].summary.levered.var95)
        // the single-run API gives the same record as the sweep slot
        sp.loops = 3
        let e3 = try LeverageEngine(spec: sp, deal: d)
        var rng = PathRandom(seed: 3, path: 7, stream: LeverageEngine.premiumStream)
        let one = Fixtures.randomPath(seed: 3, path: 7, days: 365, vol: 0.03, cost: 0.0).withView { e3.run($0, random: &rng) }
        XCTAssertEqual(one, Array(flat[(7 * w + 3 * LeveragePathLayout.width)..<(7 * w + 4 * LeveragePathLayout.width)]))
    }
}
