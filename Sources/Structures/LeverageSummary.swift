import Domain
import Statistics

/// Reduction of per-path leverage results (stored back to back in path order, `LeveragePathLayout.width` each).
public struct LeverageSummary: Equatable, Sendable {
    /// Mean, quantiles at `Quantiles.levels`, VaR and CVaR 95/99 of the return sample.
    public typealias Returns = ReturnStatistics
    public var paths: Int
    public var levered: Returns
    public var unlevered: Returns
    public var probLiquidation: Double
    public var probBadDebt: Double
    public var meanBadDebtFraction: Double
    /// Cumulative P(first liquidation ≤ day d), d = 1…horizon (index d−1).
    public var liquidationByDay: [Double]
    /// Mean opening value of the position's token (its day-0 mark with the premium), USD per token.
    public var meanInitialEquity: Double = 0

    public static func reduce(results: [Double], horizonDays: Int) -> LeverageSummary {
        let w = LeveragePathLayout.width
        let n = results.count / w
        var lev = [Double](), unl = [Double]()
        lev.reserveCapacity(n); unl.reserveCapacity(n)
        var liq = 0.0, bad = 0.0, badFrac = 0.0, equity = 0.0
        var firstCount = [Double](repeating: 0, count: max(0, horizonDays))
        for p in 0..<n {
            let b = p * w
            lev.append(results[b]); unl.append(results[b + 1])
            liq += results[b + 2]; bad += results[b + 4]; badFrac += results[b + 5]; equity += results[b + 7]
            let d = Int(results[b + 3])
            if d >= 1 && d <= horizonDays { firstCount[d - 1] += 1 }
        }
        var cum = 0.0
        let dn = Double(max(n, 1))
        let byDay = firstCount.map { c -> Double in cum += c; return cum / dn }
        return LeverageSummary(paths: n, levered: Returns(sample: lev), unlevered: Returns(sample: unl), probLiquidation: liq / dn,
                               probBadDebt: bad / dn, meanBadDebtFraction: badFrac / dn, liquidationByDay: byDay, meanInitialEquity: equity / dn)
    }

    /// Rows of `leverage_returns.csv`: `measure,unlevered,levered`.
    public var returnsCSV: String {
        var rows = ["measure,unlevered,levered", "mean,\(unlevered.mean),\(levered.mean)"]
        for (k, (name, _)) in Quantiles.levels.enumerated() {
            rows.append("\(name),\(unlevered.quantiles[k]),\(levered.quantiles[k])")
        }
        rows.append("var95,\(unlevered.var95),\(levered.var95)")
        rows.append("cvar95,\(unlevered.cvar95),\(levered.cvar95)")
        rows.append("var99,\(unlevered.var99),\(levered.var99)")
        rows.append("cvar99,\(unlevered.cvar99),\(levered.cvar99)")
        rows.append("prob_bad_debt,0.0,\(probBadDebt)")
        rows.append("prob_liquidation,0.0,\(probLiquidation)")
        return rows.joined(separator: "\n") + "\n"
    }
}

/// Leverage sweep on the same paths and premium draws (SPEC §8: the highest leverage with P(liquidation) < 5%), two ways:
/// - **loops** 0…n_max at the deal's LTV (leverage `1 + L + … + L^n`);
/// - **ltv**: one loop at LTV 5 %, 10 %, … below the deal's (leverage `1 + L`) — finer steps where even one loop at the
///   deal's LTV is liquidated too often.
public enum LeverageSweep {
    public struct Row: Equatable, Sendable {
        /// `loops` or `ltv`: which family the row belongs to.
        public var sweep: String
        public var loops: Int
        public var ltv: Double
        /// Gross exposure per unit of equity, `1 + L + … + L^n`.
        public var leverage: Double
        public var summary: LeverageSummary
        public static let csvHeader = "sweep,loops,ltv,leverage,prob_liquidation,prob_bad_debt,return_mean,return_p05,var95,cvar95,var99,cvar99"
        public var csvRow: String {
            let s = summary, r = s.levered
            return "\(sweep),\(loops),\(ltv),\(leverage),\(s.probLiquidation),\(s.probBadDebt),\(r.mean),\(r.quantiles[1]),\(r.var95),\(r.cvar95),\(r.var99),\(r.cvar99)"
        }
    }

    /// The LTVs of the one-loop family: 5 %, 10 %, … strictly below the deal's LTV.
    public static func ltvGrid(below ltv: Double) -> [Double] {
        var g: [Double] = []
        var k = 1
        while Double(k) * 0.05 < ltv - 1e-9 { g.append(Double(k) * 0.05); k += 1 }
        return g
    }

    /// Width of one path's sweep record: the loops family (loops 0 first), then the LTV family, `LeveragePathLayout.width`
    /// values each.
    public static func width(maxLoops: Int, ltv: Double) -> Int { (maxLoops + 1 + ltvGrid(below: ltv).count) * LeveragePathLayout.width }

    /// Runs the whole sweep on one path with the path's marks (days 0…H; each run with a fresh
    /// `PathRandom(seed:path:stream: LeverageEngine.premiumStream)` so all leverages see the same premium draws) into `out`
    /// (`width(maxLoops:ltv:)` values).
    public static func run(engine: LeverageEngine, path: TokenPathView, marks: UnsafeBufferPointer<Double>, seed: UInt64, pathIndex: UInt64,
                           maxLoops: Int, into out: UnsafeMutableBufferPointer<Double>) {
        let w = LeveragePathLayout.width
        let grid = ltvGrid(below: engine.spec.ltvInitial)
        for slot in 0..<(maxLoops + 1 + grid.count) {
            var rng = PathRandom(seed: seed, path: pathIndex, stream: LeverageEngine.premiumStream)
            let part = UnsafeMutableBufferPointer(rebasing: out[(slot * w)..<((slot + 1) * w)])
            if slot <= maxLoops { engine.run(path, marks: marks, random: &rng, loops: slot, into: part) }
            else { engine.run(path, marks: marks, random: &rng, loops: 1, ltv: grid[slot - maxLoops - 1], into: part) }
        }
    }

    /// Reduces sweep records (path order) into one row per loops count, then one per LTV of the one-loop family.
    public static func reduce(results: [Double], ltv: Double, maxLoops: Int, horizonDays: Int) -> [Row] {
        let w = LeveragePathLayout.width, pw = width(maxLoops: maxLoops, ltv: ltv)
        let grid = ltvGrid(below: ltv)
        let n = results.count / pw
        return (0..<(maxLoops + 1 + grid.count)).map { k in
            var sub = [Double]()
            sub.reserveCapacity(n * w)
            for p in 0..<n { sub.append(contentsOf: results[(p * pw + k * w)..<(p * pw + (k + 1) * w)]) }
            let summary = LeverageSummary.reduce(results: sub, horizonDays: horizonDays)
            if k <= maxLoops {
                return Row(sweep: "loops", loops: k, ltv: ltv, leverage: 1 + LeverageEngine.loopSum(ltv: ltv, loops: k), summary: summary)
            }
            let l = grid[k - maxLoops - 1]
            return Row(sweep: "ltv", loops: 1, ltv: l, leverage: 1 + l, summary: summary)
        }
    }

    /// The highest leverage whose liquidation probability is below `limit` (default 5%), over both families (the fewer
    /// loops on a tie), or nil if none.
    public static func best(_ rows: [Row], limit: Double = 0.05) -> Row? {
        rows.filter { $0.summary.probLiquidation < limit }.max { ($0.leverage, -$0.loops) < ($1.leverage, -$1.loops) }
    }
}
