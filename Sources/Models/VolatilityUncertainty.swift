import Domain
import Foundation

/// How uncertain the volatility of the forecast period is, measured on the calibration window's own returns (issue 11).
///
/// BTC's volatility moves between periods (calm quarters at 2 %/day, turbulent ones at 5 %), so the σ̂ of a 4-year window
/// is not the volatility of the next quarter or year; its standard error (≈ σ̂/√(2n), 2 %) says nothing about that. The
/// window's returns are cut into consecutive blocks of `blockDays` (a quarter), the last one ending at the as-of;
/// `ln σ̂_k` is each block's log standard deviation. Its variance across the blocks is the spread of volatility between
/// periods plus the sampling noise of `ln σ̂_k`, which for returns of kurtosis `K` is `(K − 1)/(4B)` for a block of `B`
/// returns (`K` measured on the returns standardised by their own block's σ̂_k, so that volatility moving between blocks
/// does not count as kurtosis). So
///
///     s_v² = max(0, Var_k(ln σ̂_k) − (K − 1)/(4B))
///
/// and a world of constant volatility gives `s_v ≈ 0` whatever its tails (the synthetic self-backtest is such a world).
/// With parameter uncertainty on, each path scales every volatility of its price lane (diffusion, jump size, both regimes)
/// by `k = exp(s_v·z − s_v²)`, `z` one more normal of its parameter draw clamped to ±3 (`PriceLaw.lane`): `E[k²] = 1`, so
/// the simulated variance is kept on average and the forecast becomes a scale mixture — a narrower centre and fatter
/// tails, the shape the real-history backtest asks for (Sources/Models/README.md). The mean daily log return of the
/// lane is kept. Models `merton` and `gbm`; not `regime` (its Markov chain already moves the volatility between calm and turbulent
/// periods: adding the scale counted that spread twice, 30-day 50 % band on quarter starts 0.51 → 0.38), not `bootstrap`
/// (it resamples returns), not under the risk-neutral measure (its drift depends on σ).
///
/// On the real history (4-year windows) `s_v` is 0.19–0.50: 0.50 as of 2016-01, 0.33 2018-01, 0.25 2021-01,
/// 0.19 2023-01, 0.25 2025-01.
public enum VolatilityUncertainty {
    /// Block length in days: a quarter (16 blocks in the default 1,460-day window).
    public static let blockDays = 91
    /// At least this many blocks, or `s_v = 0`.
    public static let minimumBlocks = 4

    /// `s_v` of a calibration under these assumptions: 0 without parameter uncertainty, under the risk-neutral measure, or
    /// without stored window returns (a calibration written before them, or one with fixed parameters such as the
    /// synthetic reference).
    public static func dispersion(_ c: Calibration, _ a: PriceAssumptions) -> Double {
        guard a.parameterUncertainty, a.measure == .real else { return 0 }
        return dispersion(c.historicalLogReturns)
    }

    /// `s_v` of the returns `r` (oldest first; the blocks end at the last return, leftover oldest returns unused).
    public static func dispersion(_ r: [Double], blockDays b: Int = VolatilityUncertainty.blockDays) -> Double {
        let k = r.count / b
        guard k >= minimumBlocks, b >= 10, r.allSatisfy({ $0.isFinite }) else { return 0 }
        let start = r.count - k * b
        var lnSD: [Double] = [], m2 = 0.0, m4 = 0.0
        for i in 0..<k {
            let x = r[(start + i * b)..<(start + (i + 1) * b)]
            let m = x.reduce(0, +) / Double(b)
            let v = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(b - 1)
            guard v > 0 else { return 0 }
            lnSD.append(0.5 * Foundation.log(v))
            for y in x { let u = (y - m) * (y - m) / v; m2 += u; m4 += u * u }
        }
        let n = Double(k * b)
        let kurtosis = (m4 / n) / ((m2 / n) * (m2 / n))
        let mean = lnSD.reduce(0, +) / Double(k)
        let varLn = lnSD.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(k - 1)
        let s2 = varLn - (kurtosis - 1) / (4 * Double(b))
        return s2 > 0 && s2.isFinite ? s2.squareRoot() : 0
    }
}
