import Domain
import Foundation

/// Staking leverage, holder view (SPEC §8), on one path. Scale-free: the holder deposits 1 token worth `E = V_0`.
///
/// Opening (n loops at LTV `L`): collateral `N = 1 + L + … + L^n` tokens, debt `D = E·(L + … + L^n)` USD.
/// Each day t = 1…H (H = min(horizon_days, path days)):
///   1. debt accrues `D ← D·(1 + apr/365)`; staking accrues on collateral `N ← N·(1+apy)^{1/365}`;
///   2. the collateral's net payout `N·max(0, payoutUSD_t)` repays debt; any excess is kept as holder cash;
///   3. value `V_t = mark_t · max(0, 1 + p_t)` (mark: the model-consistent `ConditionalMark` or the intrinsic
///      `TokenValueModel`, per token, given by the caller for days 0…H; p = optional OU premium, `PathRandom` stream 2);
///   4. health factor `HF = N·V_t·θ / D`; while `HF < 1`: if `N·V_t ≤ D` the position is closed with bad debt
///      `D − N·V_t`; otherwise repay `x = close_factor·D`, seize `x·(1+bonus)/V_t` tokens (if that exceeds the collateral,
///      all collateral is seized for `N·V_t/(1+bonus)` of debt and the rest is bad debt).
/// Returns at the horizon: levered `(N·V_H − D + cash)/E − 1`; unlevered (1 token, staked, payouts kept as cash)
/// `(N_u·V_H + cash_u)/E − 1`. A token worth nothing at the start (E = 0) gives returns 0.
public struct LeverageEngine: Sendable {
    public let spec: LeverageSpec
    public let model: TokenValueModel
    /// `PathRandom` stream of the premium OU process (stream 0 = model shocks, 1 = Poisson block counts in Simulate).
    public static let premiumStream: UInt64 = 2

    public init(spec: LeverageSpec, deal: Deal, termDays: Int? = nil) throws {
        func check(_ ok: Bool, _ m: String) throws { if !ok { throw StructuresError.invalidLeverage(m) } }
        try check(spec.ltvInitial >= 0 && spec.ltvInitial < 1, "ltv_initial must be in [0, 1)")
        try check(spec.liquidationThreshold > 0 && spec.liquidationThreshold <= 1, "liquidation_threshold must be in (0, 1]")
        try check(spec.liquidationBonus >= 0 && spec.liquidationBonus < 1, "liquidation_bonus must be in [0, 1)")
        try check(spec.closeFactor > 0 && spec.closeFactor <= 1, "close_factor must be in (0, 1]")
        try check(spec.borrowAPR >= 0 && spec.borrowAPR.isFinite, "borrow_apr must be ≥ 0")
        try check(spec.stakingAPY > -1 && spec.stakingAPY.isFinite, "staking_apy must be > −1")
        try check(spec.loops >= 0 && spec.loops <= 100, "loops must be in 0…100")
        try check(spec.horizonDays >= 1, "horizon_days must be ≥ 1")
        self.spec = spec
        self.model = TokenValueModel(deal: deal, termDays: termDays)
    }

    /// `L + L² + … + L^n`.
    public static func loopSum(ltv: Double, loops: Int) -> Double {
        var s = 0.0, p = 1.0
        for _ in 0..<max(0, loops) { p *= ltv; s += p }
        return s
    }

    /// Days of the position on a path of `pathDays` token days: `H = min(horizon_days, path days, term)`; the marks of
    /// days 0…H are needed.
    public func horizon(pathDays: Int) -> Int { max(0, min(spec.horizonDays, pathDays, model.termDays)) }

    /// The intrinsic marks of days 0…H on `path` (allocates), day 0 at the path's first day.
    public func intrinsicMarks(_ path: TokenPathView) -> [Double] {
        var marks = [Double](repeating: 0, count: horizon(pathDays: path.days) + 1)
        marks.withUnsafeMutableBufferPointer { model.marks(path, day0: nil, into: $0) }
        return marks
    }

    /// Convenience (allocates): the intrinsic marks, day 0 at the path's first day.
    public func run(_ path: TokenPathView, random: inout PathRandom) -> [Double] {
        run(path, marks: intrinsicMarks(path), random: &random)
    }

    /// Convenience (allocates): `marks` for days 0…H.
    public func run(_ path: TokenPathView, marks: [Double], random: inout PathRandom) -> [Double] {
        var out = [Double](repeating: 0, count: LeveragePathLayout.width)
        marks.withUnsafeBufferPointer { m in out.withUnsafeMutableBufferPointer { run(path, marks: m, random: &random, loops: spec.loops, into: $0) } }
        return out
    }

    /// Runs one path with `loops` at LTV `ltv` (default `spec.ltvInitial`; pass `spec.loops` normally; the sweep passes
    /// 0…n_max, and LTVs below the spec's at one loop, with a fresh `PathRandom` each time so every leverage sees the same
    /// premium draws). `marks[t]`: the token's mark on day t = 0…H (before the premium). Writes `LeveragePathLayout.width`
    /// values into `out`.
    public func run(_ path: TokenPathView, marks: UnsafeBufferPointer<Double>, random: inout PathRandom, loops: Int, ltv: Double? = nil,
                    into out: UnsafeMutableBufferPointer<Double>) {
        let H = min(horizon(pathDays: path.days), marks.count - 1)
        let dt = 1.0 / 365
        var prem = spec.premium?.initial ?? 0
        let kappa = spec.premium?.kappa ?? 0, sigma = spec.premium?.sigma ?? 0, sq = dt.squareRoot()
        let hasPremium = spec.premium != nil
        @inline(__always) func val(_ t: Int) -> Double { marks[t] * max(0, 1 + prem) }
        let E = path.days > 0 && marks.count > 0 ? val(0) : 0
        let lsum = LeverageEngine.loopSum(ltv: ltv ?? spec.ltvInitial, loops: loops)
        var N = 1 + lsum, D = E * lsum, cash = 0.0
        var Nu = 1.0, cashU = 0.0
        let borrow = 1 + spec.borrowAPR / 365, stake = pow(1 + spec.stakingAPY, dt)
        let theta = spec.liquidationThreshold, cf = spec.closeFactor, bonus = spec.liquidationBonus
        var firstLiq = 0, liqCount = 0, badDebt = 0.0, closed = false
        var V = E
        if E > 0 && H > 0 {
            for t in 1...H {
                let i = t - 1
                if hasPremium { prem += -kappa * prem * dt + sigma * sq * LeverageEngine.normal(&random) }
                let payout = max(0, path.netPayoutUSD[i])
                Nu *= stake; cashU += Nu * payout
                V = val(t)
                if closed { continue }
                D *= borrow; N *= stake
                let pay = N * payout
                let x = min(D, pay); D -= x; cash += pay - x
                var guardN = 0
                while D > 1e-12 * E, N * V * theta < D, guardN < 1000 {
                    guardN += 1
                    liqCount += 1
                    if firstLiq == 0 { firstLiq = t }
                    let coll = N * V
                    if coll <= D {
                        badDebt += D - coll; N = 0; D = 0; closed = true; break
                    }
                    let repay = cf * D, seize = repay * (1 + bonus)
                    if seize >= coll {
                        let covered = coll / (1 + bonus)
                        badDebt += D - covered; N = 0; D = 0; closed = true; break
                    }
                    N -= seize / V; D -= repay
                }
            }
        }
        let levered = E > 0 ? (N * V - D + cash) / E - 1 : 0
        let unlevered = E > 0 ? (Nu * V + cashU) / E - 1 : 0
        out[0] = levered; out[1] = unlevered
        out[2] = liqCount > 0 ? 1 : 0; out[3] = Double(firstLiq)
        out[4] = badDebt > 0 ? 1 : 0; out[5] = E > 0 ? badDebt / E : 0
        out[6] = Double(liqCount); out[7] = E
    }
}

extension LeverageEngine {
    /// Standard normal by the Marsaglia polar method (as `PathRandom.normal`, with the libm logarithm for speed).
    @inline(__always) static func normal(_ r: inout PathRandom) -> Double {
        while true {
            let u = 2 * r.uniform() - 1, v = 2 * r.uniform() - 1
            let s = u * u + v * v
            if s < 1, s > 0 { return u * (-2 * log(s) / s).squareRoot() }
        }
    }
}

/// Layout of one path's leverage result:
/// `[levered_return, unlevered_return, liquidated(0/1), first_liquidation_day (0 = none), bad_debt(0/1),
///   bad_debt_fraction_of_equity, liquidation_count, initial_equity_usd_per_token]`.
public enum LeveragePathLayout {
    public static let width = 8
}
