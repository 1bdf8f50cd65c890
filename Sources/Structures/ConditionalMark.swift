import Domain
import Foundation
import LinearAlgebra
import Statistics

/// A path's state on a token day, as the model-consistent mark sees it (filled by Simulate from the path generator's
/// state and the pricer's sequential state; see `MarkBasis` for how each enters the regression).
public struct MarkState: Equatable, Sendable {
    /// Today's hashprice in USD (`HP_btc·S`) relative to the as-of day's: the revenue driver.
    public var hashprice: Double
    /// Share of the remaining term before the next halving, in [0, 1] (days to the halving at today's block rate over the
    /// days left; 1 when the term ends first).
    public var beforeHalving: Double
    /// `ln(blocks per day at today's hash rate and difficulty / 144)`: the difficulty's lag behind the hash rate, which the
    /// next retarget undoes.
    public var blockRate: Double
    /// USD owed from later payouts under `carry_forward` (owed BTC × S).
    public var owedUSD: Double
    /// The current run of deficit days over `terminate_after_deficit_days` (≥ 1: the token has terminated).
    public var deficitRun: Double
    public init(hashprice: Double, beforeHalving: Double, blockRate: Double, owedUSD: Double = 0, deficitRun: Double = 0) {
        self.hashprice = hashprice; self.beforeHalving = beforeHalving; self.blockRate = blockRate
        self.owedUSD = owedUSD; self.deficitRun = deficitRun
    }
    /// A token that has terminated pays nothing more: its mark is exactly 0.
    public var terminated: Bool { deficitRun >= 1 }
}

/// The regressors of the model-consistent mark: functions of `MarkState` (u = relative hashprice), on fit day d with
/// knots k_1 < … < k_7 at the 2, 10, 25, 50, 75, 90 and 98 % quantiles of u over that day's pilot paths:
///
///     u, (u − k_1)⁺ … (u − k_7)⁺    a linear spline in today's hashprice: the value of the strip of options to produce
///                                   (each day pays max(0, revenue − cost), revenue ∝ hashprice) is convex near breakeven
///                                   and close to linear deep in the money; a spline follows that shape without the
///                                   swings of a polynomial in the tails (a cubic undershot to 0 below u ≈ 0.55, where the
///                                   pilot's mean remaining PV is still ≈ 10 % of the opening value)
///     w                             the coming halving: the share w of the remaining term before it, at full subsidy
///     g                             the next retarget: a hash rate ahead of the difficulty (g > 0) lowers the coming
///                                   hashprice
///     o, u·o   (carry_forward)      the deficit owed from later payouts
///     r        (termination rule)   the run of deficit days towards termination
///
/// plus an intercept. w and g enter additively: on one day they vary little across paths, so products u·w, u·g are
/// nearly collinear with u and their offsetting coefficients (±20 on standardized columns) made the fit swing out of
/// sample. Days left do not enter: the regression is fitted separately on each fit day, where every path has the same
/// days left. Columns that do not vary on a fit day (all of them on day 0 of a token that starts at the as-of date, when
/// every path starts from the same state) are dropped, so that day's mark is the pilot's mean remaining PV.
public struct MarkBasis: Equatable, Sendable {
    public var owed: Bool
    public var deficitRun: Bool
    public init(owed: Bool, deficitRun: Bool) { self.owed = owed; self.deficitRun = deficitRun }
    public init(deal: Deal) {
        self.init(owed: deal.operations.deficit == .carryForward, deficitRun: deal.operations.terminateAfterDeficitDays != nil)
    }

    /// Quantile levels of the spline's knots.
    public static let knotLevels = [0.02, 0.10, 0.25, 0.50, 0.75, 0.90, 0.98]
    /// Largest number of regressors after the intercept.
    static let maxCount = 1 + knotLevels.count + 2 + 3

    /// Names of the regressors after the intercept (docs).
    public var names: [String] {
        ["u"] + MarkBasis.knotLevels.map { "(u-q\(Int(($0 * 100).rounded())))+" } + ["w", "g"]
            + (owed ? ["o", "u*o"] : []) + (deficitRun ? ["r"] : [])
    }
    public var count: Int { names.count }

    /// The regressors (after the intercept) of `s` with the hashprice `u` and the day's knots.
    /// `owedCap`: the owed USD is clipped at the fit day's 99 % quantile (its tail is long: a linear term in it would
    /// extrapolate far out of sample).
    @inline(__always) func fill(_ s: MarkState, u: Double, knots: [Double], owedCap: Double, into x: UnsafeMutablePointer<Double>) {
        x[0] = u
        var k = 1
        for q in knots { x[k] = u > q ? u - q : 0; k += 1 }
        x[k] = s.beforeHalving; x[k + 1] = s.blockRate
        k += 2
        if owed { let o = min(s.owedUSD, owedCap); x[k] = o; x[k + 1] = u * o; k += 2 }
        if deficitRun { x[k] = s.deficitRun }
    }
}

/// One fit day's regression quality (a row of `leverage_mark.csv`).
public struct MarkFitRow: Equatable, Sendable {
    /// Token day of the fit (0 = the day the position opens).
    public var day: Int
    /// Pilot paths in the fit (those not terminated by that day).
    public var paths: Int
    /// Regressors used, intercept included (columns that do not vary that day are dropped).
    public var regressors: Int
    /// Mean realized remaining PV over the fit's paths (USD per token) and its standard error (antithetic pairs).
    public var meanRemainingPV: Double
    public var stderrMean: Double
    /// Standard deviation of the realized remaining PV.
    public var sdRemainingPV: Double
    /// In-sample R², and the out-of-sample R² and RMSE of two-fold cross-fitting (each half predicted by the fit on the
    /// other half; antithetic pairs stay in one half).
    public var r2: Double
    public var r2CV: Double
    public var rmseCV: Double

    public init(day: Int, paths: Int, regressors: Int, meanRemainingPV: Double, stderrMean: Double, sdRemainingPV: Double,
                r2: Double, r2CV: Double, rmseCV: Double) {
        self.day = day; self.paths = paths; self.regressors = regressors; self.meanRemainingPV = meanRemainingPV
        self.stderrMean = stderrMean; self.sdRemainingPV = sdRemainingPV; self.r2 = r2; self.r2CV = r2CV; self.rmseCV = rmseCV
    }

    /// Numbers per row in a flat encoding (`partial.bin`).
    public static let width = 9
    public var flat: [Double] {
        [Double(day), Double(paths), Double(regressors), meanRemainingPV, stderrMean, sdRemainingPV, r2, r2CV, rmseCV]
    }
    public init(flat f: ArraySlice<Double>) {
        let a = Array(f)
        self.init(day: Int(a[0]), paths: Int(a[1]), regressors: Int(a[2]), meanRemainingPV: a[3], stderrMean: a[4], sdRemainingPV: a[5],
                  r2: a[6], r2CV: a[7], rmseCV: a[8])
    }

    public static let csvHeader = "day,date,pilot_paths,regressors,remaining_pv_mean,remaining_pv_mean_stderr,remaining_pv_sd,r2,r2_cv,rmse_cv"
}

/// The pilot paths' samples for the model-consistent mark: on each fit day, every pilot path's state and its realized
/// remaining PV `Y_t = Σ_{u>t} payout_u·(1+r)^{−(u−t)/365}` (USD per token, the pricer's payouts). Filled by path index
/// (`record`), so its content does not depend on threads or shards.
public final class MarkSamples: @unchecked Sendable {
    public let fitDays: [Int]
    public let paths: Int
    /// Per (fit day, path): the state's five numbers, then Y.
    static let width = 6
    let data: UnsafeMutablePointer<Double>

    public init(fitDays: [Int], paths: Int) {
        self.fitDays = fitDays; self.paths = paths
        let n = max(1, fitDays.count * paths * MarkSamples.width)
        data = .allocate(capacity: n); data.initialize(repeating: 0, count: n)
    }
    deinit { data.deallocate() }

    /// Bytes per pilot path (memory estimates).
    public static func bytes(fitDays: Int) -> Int { fitDays * width * 8 }

    /// Records path `p`'s state and realized remaining PV on fit day number `k` (disjoint slots: safe from any thread).
    @inline(__always) public func record(fitDay k: Int, path p: Int, state s: MarkState, remainingPV y: Double) {
        let o = data + (k * paths + p) * MarkSamples.width
        o[0] = s.hashprice; o[1] = s.beforeHalving; o[2] = s.blockRate; o[3] = s.owedUSD; o[4] = s.deficitRun; o[5] = y
    }

    func state(fitDay k: Int, path p: Int) -> (MarkState, Double) {
        let o = data + (k * paths + p) * MarkSamples.width
        return (MarkState(hashprice: o[0], beforeHalving: o[1], blockRate: o[2], owedUSD: o[3], deficitRun: o[4]), o[5])
    }
}

/// The model-consistent collateral mark (SPEC §8, `mark: model`): the conditional expectation, under the simulation's own
/// model, of the token's remaining discounted net payouts given the path's state on day t,
///
///     V_t = E[ Σ_{u=t+1}^{T} payout_u·δ^{u−t} | state_t ],   δ = (1+r)^{−1/365},
///
/// estimated Longstaff–Schwartz style: on each fit day d_k the realized remaining PV of the pilot paths is regressed by
/// least squares (`LinearAlgebra.leastSquares`, Householder QR) on `MarkBasis` functions of their state, standardized
/// (each regressor centred and scaled over the day's paths); between fit days the two neighbouring fits are interpolated
/// linearly in t. The payouts are the pricer's (`TokenPricer` on `TokenCashFlow`), so the option to switch off
/// (curtailment), the coming halvings (the simulated chain reaches them), uptime, fees, hosting, degradation, the deficit
/// rule and termination are in it by construction. Below the 2 % knot of today's hashprice the fit is continued as a
/// power law and above the pilot's range linearly (`evaluate`); the mark is floored at 0 (payouts are non-negative); a
/// terminated token is worth exactly 0.
///
/// The fit is applied to other paths than the pilot's (out of sample); its quality is reported per fit day (`MarkFitRow`:
/// in-sample R², two-fold cross-fitted R² and RMSE of the mark as applied).
public struct ConditionalMark: Sendable {
    public let fitDays: [Int]
    public let basis: MarkBasis
    public let rows: [MarkFitRow]
    struct DayFit: Sendable {
        /// Regressor indices kept (into `basis.names`), their means and scales, and the coefficients (intercept first).
        var kept: [Int], mean: [Double], scale: [Double], beta: [Double]
        /// The spline's knots and the range of u over the day's pilot paths.
        var knots: [Double], uLo: Double, uHi: Double
        /// The owed USD's clip (`MarkBasis.fill`).
        var owedCap: Double
    }
    let fits: [DayFit]

    /// The fit days of a position of `horizon` days: every day when the horizon is short, else at most `maxFitDays`
    /// evenly spaced days from 0 to the horizon (both included).
    public static func fitDays(horizon: Int, maxFitDays: Int = 61) -> [Int] {
        let h = max(0, horizon)
        if h + 1 <= maxFitDays { return Array(0...h) }
        var d: [Int] = []
        for k in 0..<maxFitDays { let v = Int((Double(k) * Double(h) / Double(maxFitDays - 1)).rounded()); if d.last != v { d.append(v) } }
        return d
    }

    /// Fits the mark on `samples` (antithetic pairs at paths 2k, 2k+1 when `antithetic`).
    public static func fit(samples: MarkSamples, basis: MarkBasis, antithetic: Bool) throws -> ConditionalMark {
        var fits: [DayFit] = [], rows: [MarkFitRow] = []
        for (k, day) in samples.fitDays.enumerated() {
            let (f, row) = try fitDay(samples: samples, k: k, day: day, basis: basis, antithetic: antithetic)
            fits.append(f); rows.append(row)
        }
        return ConditionalMark(fitDays: samples.fitDays, basis: basis, rows: rows, fits: fits)
    }

    init(fitDays: [Int], basis: MarkBasis, rows: [MarkFitRow], fits: [DayFit]) {
        self.fitDays = fitDays; self.basis = basis; self.rows = rows; self.fits = fits
    }

    /// One fit day: the fit on every pilot path not terminated that day, and its two-fold cross-fitted error (each half
    /// predicted, by the same evaluation rule as the mark — tail continuations and floor included — from the fit on the
    /// other half; antithetic pairs stay in one half).
    static func fitDay(samples: MarkSamples, k: Int, day: Int, basis: MarkBasis, antithetic: Bool) throws -> (DayFit, MarkFitRow) {
        let (d, yAll) = DayDesign.build(samples: samples, k: k, basis: basis)
        let ys = d.ys, states = d.states
        let n = ys.count
        let se = Moments.meanStderr(yAll, antithetic: antithetic).stderr
        guard n > 0 else {
            return (DayFit(kept: [], mean: [], scale: [], beta: [0], knots: d.knots, uLo: 1, uHi: 1, owedCap: 0),
                    MarkFitRow(day: day, paths: 0, regressors: 0, meanRemainingPV: 0, stderrMean: se, sdRemainingPV: 0, r2: .nan, r2CV: .nan, rmseCV: .nan))
        }
        let yMean = ys.reduce(0, +) / Double(n)
        var tss = 0.0
        for y in ys { tss += (y - yMean) * (y - yMean) }
        let all = Array(0..<n)
        let fit = try d.fit(all)
        var rss = 0.0
        for i in all { let e = ys[i] - ConditionalMark.raw(fit, basis, states[i], u: states[i].hashprice); rss += e * e }
        var sse = 0.0, cvOK = true
        for f in 0..<2 {
            let train = all.filter { d.fold[$0] != f }, test = all.filter { d.fold[$0] == f }
            guard train.count > 20, !test.isEmpty else { cvOK = false; break }
            let g = try d.fit(train)
            for i in test { let e = ys[i] - ConditionalMark.evaluate(g, basis, states[i]); sse += e * e
            }
        }
        let r2 = tss > 0 ? 1 - rss / tss : .nan
        let r2cv = cvOK && tss > 0 ? 1 - sse / tss : .nan
        let rmse = cvOK ? (sse / Double(n)).squareRoot() : .nan
        let row = MarkFitRow(day: day, paths: n, regressors: fit.kept.count + 1, meanRemainingPV: yMean, stderrMean: se,
                             sdRemainingPV: (tss / Double(n)).squareRoot(), r2: r2, r2CV: r2cv, rmseCV: rmse)
        return (fit, row)
    }

    /// One fit day's regression data: the basis row (`m` regressors, `xs` row-major) and remaining PV of every pilot path
    /// not terminated that day, its fold, its state; the knots (hashprice quantiles) and the 99 % cap of the amount owed.
    struct DayDesign {
        var m: Int, xs: [Double], ys: [Double], fold: [Int], states: [MarkState], knots: [Double], owedCap: Double

        /// The design of fit day `k`, and the remaining PV of every path (0 where terminated) for the mean's error.
        static func build(samples: MarkSamples, k: Int, basis: MarkBasis) -> (DayDesign, yAll: [Double]) {
            let m = basis.count
            var xs: [Double] = [], ys: [Double] = [], fold: [Int] = [], yAll: [Double] = [], us: [Double] = [], states: [MarkState] = []
            var x = [Double](repeating: 0, count: m)
            for p in 0..<samples.paths {
                let (s, y) = samples.state(fitDay: k, path: p)
                yAll.append(s.terminated ? 0 : y)
                if !s.terminated { us.append(s.hashprice) }
            }
            us.sort()
            let knots = MarkBasis.knotLevels.map { Quantiles.of(sorted: us, $0) ?? 1 }
            var owedAll: [Double] = []
            for p in 0..<samples.paths { let (s, _) = samples.state(fitDay: k, path: p); if !s.terminated { owedAll.append(s.owedUSD) } }
            owedAll.sort()
            let owedCap = Quantiles.of(sorted: owedAll, 0.99) ?? 0
            for p in 0..<samples.paths {
                let (s, y) = samples.state(fitDay: k, path: p)
                if s.terminated { continue }
                x.withUnsafeMutableBufferPointer { basis.fill(s, u: s.hashprice, knots: knots, owedCap: owedCap, into: $0.baseAddress!) }
                xs.append(contentsOf: x); ys.append(y); fold.append((p / 2) % 2); states.append(s)
            }
            return (DayDesign(m: m, xs: xs, ys: ys, fold: fold, states: states, knots: knots, owedCap: owedCap), yAll)
        }

        /// The least-squares fit on `rows`: the columns that vary over them, standardized; a column that makes the design
        /// rank deficient is dropped and the fit repeated. With fewer than 10 paths per regressor (a token that has
        /// terminated on most paths) only u is kept, and with 20 paths or fewer only the intercept (the mean).
        func fit(_ rows: [Int]) throws -> DayFit {
            var kept: [Int] = [], mean: [Double] = [], scale: [Double] = []
            let r = Double(rows.count)
            let candidates = rows.count >= 10 * (m + 1) ? m : (rows.count > 20 ? 1 : 0)
            for j in 0..<candidates {
                var mu = 0.0
                for i in rows { mu += xs[i * m + j] }
                mu /= r
                var v = 0.0
                for i in rows { let d = xs[i * m + j] - mu; v += d * d }
                let sd = (v / r).squareRoot()
                if sd > 1e-9 * max(1, abs(mu)) { kept.append(j); mean.append(mu); scale.append(sd) }
            }
            let y = rows.map { ys[$0] }
            while true {
                var a = Matrix(rows: rows.count, cols: kept.count + 1)
                for (row, i) in rows.enumerated() {
                    a[row, 0] = 1
                    for (c, j) in kept.enumerated() { a[row, c + 1] = (xs[i * m + j] - mean[c]) / scale[c] }
                }
                do {
                    let f = try leastSquares(a, y)
                    var lo = Double.infinity, hi = -Double.infinity
                    for i in rows { lo = min(lo, states[i].hashprice); hi = max(hi, states[i].hashprice) }
                    return DayFit(kept: kept, mean: mean, scale: scale, beta: f.coefficients, knots: knots, uLo: lo, uHi: hi, owedCap: owedCap)
                } catch LinearAlgebraError.rankDeficient(let c) where c >= 2 && c - 2 < kept.count {
                    kept.remove(at: c - 2); mean.remove(at: c - 2); scale.remove(at: c - 2)
                } catch LinearAlgebraError.rankDeficient where !kept.isEmpty {
                    kept.removeLast(); mean.removeLast(); scale.removeLast()
                }
            }
        }
    }

    /// The fitted function `f` at state `s` with hashprice `u` (no continuation, no floor).
    @inline(__always) static func raw(_ f: DayFit, _ basis: MarkBasis, _ s: MarkState, u: Double) -> Double {
        var x = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        return withUnsafeMutableBytes(of: &x) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: Double.self)
            basis.fill(s, u: u, knots: f.knots, owedCap: f.owedCap, into: p)
            var v = f.beta[0]
            for c in 0..<f.kept.count { v += f.beta[c + 1] * (p[f.kept[c]] - f.mean[c]) / f.scale[c] }
            return v
        }
    }

    /// The fit `f` at `s`, floored at 0, with its two continuations in today's hashprice u:
    ///
    /// * below the lowest knot k₁ (2 % of the paths, where the linear piece is fitted on few points and would cross zero
    ///   at a positive hashprice): `V(u) = V(k₁)·(u/k₁)^β`, β = max(1, the fit's elasticity `V′·u/V` on [k₁, k₂]). The
    ///   value of the option to produce is convex in u and 0 at u = 0, so `V(u)/u` rises with u (β ≥ 1); it stays
    ///   positive, as every path keeps a chance of recovering before the term ends;
    /// * above the pilot's highest u: linear from there with the fit's slope at the edge, floored at 0 (a higher hashprice
    ///   never lowers the value; deep in the money the value is linear in u).
    @inline(__always) static func evaluate(_ f: DayFit, _ basis: MarkBasis, _ s: MarkState) -> Double {
        let u = s.hashprice
        let k1 = f.knots[0], k2 = f.knots[1]
        let v: Double
        if u < k1 && k2 > k1 && k1 > 0 && !f.kept.isEmpty {
            let v1 = raw(f, basis, s, u: k1)
            if v1 <= 0 { return 0 }
            let slope = (raw(f, basis, s, u: k2) - v1) / (k2 - k1)
            let beta = max(1, slope * k1 / v1)
            v = u > 0 ? v1 * Foundation.pow(u / k1, beta) : 0
        } else if u > f.uHi && !f.kept.isEmpty {
            let h = max(1e-6, 0.01 * (f.uHi - f.uLo))
            let e = raw(f, basis, s, u: f.uHi)
            v = e + max(0, (e - raw(f, basis, s, u: f.uHi - h)) / h) * (u - f.uHi)
        } else {
            v = raw(f, basis, s, u: u)
        }
        return v > 0 ? v : 0
    }

    /// The mark on token day `t` (0 ≤ t ≤ the last fit day) at state `s`, USD per token.
    public func value(day t: Int, state s: MarkState) -> Double {
        if s.terminated { return 0 }
        let d = fitDays
        var k = 0
        // The last fit day ≤ t (fit days ascending; at most a few dozen).
        var lo = 0, hi = d.count - 1
        if t >= d[hi] { k = hi } else {
            while hi - lo > 1 { let mid = (lo + hi) / 2; if d[mid] <= t { lo = mid } else { hi = mid } }
            k = lo
        }
        var v = ConditionalMark.evaluate(fits[k], basis, s)
        if t > d[k], k + 1 < d.count {
            let w = Double(t - d[k]) / Double(d[k + 1] - d[k])
            v = (1 - w) * v + w * ConditionalMark.evaluate(fits[k + 1], basis, s)
        }
        return v
    }
}
