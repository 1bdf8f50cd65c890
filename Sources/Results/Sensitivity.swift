import Foundation
import Statistics

/// One row of `sensitivities.csv` and of summary.json's `sensitivities` (SPEC §13): the change of PV per token, P(loss)
/// and the IRR median when one input is bumped, estimated on common random numbers (the bumped runs use the base run's
/// shocks path by path), with the standard errors of the differences.
///
/// Per path i (path order, antithetic pairs as one unit, `Moments.meanStderr`), with b, u, d the base, up- and
/// down-bumped outcomes:
///
///     central (± bumps):  Δ = mean((uᵢ − dᵢ)/2)      one-sided:  Δ = mean(uᵢ − bᵢ)
///     dpv_up = mean(uᵢ − bᵢ),  dpv_down = mean(dᵢ − bᵢ)
///     dprob_loss: the same on the loss indicators 1{USDᵢ < price}
///     dirr_median: (med(IRRᵘ) − med(IRRᵈ))/2, or med(IRRᵘ) − med(IRRᵇ) (medians over finite IRRs, `Quantiles.of`)
///
/// The standard error of a mean difference is that of the per-unit differences (so the common random numbers' positive
/// correlation cancels: far below √(se_u² + se_b²)). The median's difference is not a mean: its standard error is from
/// a paired bootstrap over units (`medianDifferenceStderr`).
public struct SensitivityRow: Codable, Equatable, Sendable {
    /// `btc_price`, `network_hash_rate`, `power_price`, `fees`, `volatility`.
    public var input: String
    /// The bump as stated, e.g. `±10%`, `±0.01 USD/kWh`, `×1.5`, `vol +5 points`.
    public var bump: String
    /// `central`, `forward` (one-sided up) or `none` (not applicable).
    public var method: String
    public var applies: Bool
    public var note: String
    public var pvBase: Double, pvUp: Double, pvDown: Double?
    public var dpv: Double, dpvStderr: Double
    public var dpvUp: Double, dpvUpStderr: Double, dpvDown: Double?, dpvDownStderr: Double?
    public var probLossBase: Double, dprobLoss: Double, dprobLossStderr: Double
    public var irrMedianBase: Double?, dirrMedian: Double?, dirrMedianStderr: Double?

    /// A bump that does not apply (e.g. power for a holder who pays none): every change is exactly 0.
    public init(notApplicable input: String, bump: String, note: String, base: OutcomeColumns, priceUSD: Double, antithetic: Bool) {
        self.input = input; self.bump = bump; method = "none"; applies = false; self.note = note
        pvBase = Moments.mean(base.pvUSD); pvUp = pvBase; pvDown = nil
        dpv = 0; dpvStderr = 0; dpvUp = 0; dpvUpStderr = 0; dpvDown = nil; dpvDownStderr = nil
        probLossBase = SensitivityRow.lossShare(base, priceUSD); dprobLoss = 0; dprobLossStderr = 0
        irrMedianBase = SensitivityRow.irrMedian(base.irr[...]); dirrMedian = irrMedianBase == nil ? nil : 0; dirrMedianStderr = dirrMedian
    }

    /// The row from the base run's and the bumped runs' per-path outcomes (same paths, same order); `down` nil: one-sided.
    public init(input: String, bump: String, note: String = "", base: OutcomeColumns, up: OutcomeColumns, down: OutcomeColumns?,
                priceUSD: Double, antithetic: Bool) {
        precondition(up.count == base.count && (down?.count ?? base.count) == base.count)
        self.input = input; self.bump = bump; self.note = note; applies = true
        method = down == nil ? "forward" : "central"
        let n = base.count
        func diff(_ a: [Double], _ b: [Double], _ f: Double) -> (Double, Double) {
            Moments.meanStderr((0..<n).map { (a[$0] - b[$0]) * f }, antithetic: antithetic)
        }
        func loss(_ o: OutcomeColumns) -> [Double] { o.usdTotal.map { $0 < priceUSD ? 1 : 0 } }
        pvBase = Moments.mean(base.pvUSD); pvUp = Moments.mean(up.pvUSD); pvDown = down.map { Moments.mean($0.pvUSD) }
        (dpvUp, dpvUpStderr) = diff(up.pvUSD, base.pvUSD, 1)
        if let d = down {
            let (m, s) = diff(d.pvUSD, base.pvUSD, 1); dpvDown = m; dpvDownStderr = s
            (dpv, dpvStderr) = diff(up.pvUSD, d.pvUSD, 0.5)
            (dprobLoss, dprobLossStderr) = diff(loss(up), loss(d), 0.5)
        } else {
            dpvDown = nil; dpvDownStderr = nil
            (dpv, dpvStderr) = (dpvUp, dpvUpStderr)
            (dprobLoss, dprobLossStderr) = diff(loss(up), loss(base), 1)
        }
        probLossBase = SensitivityRow.lossShare(base, priceUSD)
        irrMedianBase = SensitivityRow.irrMedian(base.irr[...])
        let lower = down ?? base, f = down == nil ? 1.0 : 0.5
        func medDiff(_ r: Range<Int>) -> Double? {
            guard let a = SensitivityRow.irrMedian(up.irr[r]), let b = SensitivityRow.irrMedian(lower.irr[r]) else { return nil }
            return (a - b) * f
        }
        dirrMedian = medDiff(0..<n)
        dirrMedianStderr = dirrMedian == nil ? nil : SensitivityRow.medianDifferenceStderr(up.irr, lower.irr, factor: f, antithetic: antithetic)
    }

    /// Bootstrap replicates of the median difference's standard error.
    public static let bootstrapReplicates = 200

    /// Standard error of `f·(med(a) − med(b))` for paired samples (same paths): a paired Poisson bootstrap over units
    /// (antithetic pairs as one unit). Replicate `r` gives unit `k` the weight `w ~ Poisson(1)` (SplitMix64 of (r, k),
    /// Knuth's product method: deterministic, thread- and CPU-independent) on both samples; the replicate's statistic is
    /// `f·(wmed(a) − wmed(b))` with `wmed` the weighted median over finite IRRs (walk the values in sorted order until half
    /// the weight); the standard error is the replicates' standard deviation. The first-order (influence-function) error
    /// cancels almost entirely on common random numbers, so a bootstrap is used: it also carries the higher-order term.
    /// nil with fewer than 8 units or when a replicate has no finite value.
    static func medianDifferenceStderr(_ a: [Double], _ b: [Double], factor f: Double, antithetic: Bool) -> Double? {
        let n = a.count, unit = antithetic && n >= 4 ? 2 : 1
        let units = (n + unit - 1) / unit
        guard units >= 8 else { return nil }
        func order(_ x: [Double]) -> [Int] { x.indices.filter { x[$0].isFinite }.sorted { (x[$0], $0) < (x[$1], $1) } }
        let oa = order(a), ob = order(b)
        guard !oa.isEmpty, !ob.isEmpty else { return nil }
        var w = [Double](repeating: 0, count: units)
        func weightedMedian(_ x: [Double], _ o: [Int]) -> Double? {
            var total = 0.0
            for i in o { total += w[i / unit] }
            guard total > 0 else { return nil }
            var c = 0.0
            for i in o { c += w[i / unit]; if c >= total / 2 { return x[i] } }
            return x[o[o.count - 1]]
        }
        var stats: [Double] = []
        let limit = Foundation.exp(-1.0)
        for r in 0..<bootstrapReplicates {
            for k in 0..<units {
                var state = UInt64(r) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(k) &* 0xD1B5_4A32_D192_ED03 &+ 0x5851_F42D_4C95_7F2D
                func next() -> Double {
                    state &+= 0x9E37_79B9_7F4A_7C15
                    var z = state
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
                }
                var count = 0.0, p = next()
                while p > limit && count < 20 { count += 1; p *= next() }
                w[k] = count
            }
            guard let ma = weightedMedian(a, oa), let mb = weightedMedian(b, ob) else { return nil }
            stats.append(f * (ma - mb))
        }
        let m = Moments.mean(stats)
        var ss = 0.0
        for v in stats { ss += (v - m) * (v - m) }
        return (ss / Double(stats.count - 1)).squareRoot()
    }

    static func lossShare(_ o: OutcomeColumns, _ price: Double) -> Double {
        Double(o.usdTotal.reduce(0) { $0 + ($1 < price ? 1 : 0) }) / Double(max(o.count, 1))
    }

    /// Median of the finite IRRs (nil when none).
    static func irrMedian(_ irr: ArraySlice<Double>) -> Double? {
        Quantiles.of(sorted: irr.filter { $0.isFinite }.sorted(), 0.5)
    }

    /// The columns of `sensitivities.csv` (docs/outputs.md), in order.
    public static let csvHeader = ["input", "bump", "method", "applies", "pv_per_token_base", "pv_per_token_bumped",
                                   "pv_per_token_bumped_down", "dpv", "dpv_se", "dpv_up", "dpv_up_se", "dpv_down", "dpv_down_se",
                                   "prob_loss_base", "dprob_loss", "dprob_loss_se", "irr_median_base", "dirr_median",
                                   "dirr_median_se", "note"]

    /// The row's cells in `csvHeader` order (numbers in full precision; missing = empty).
    public var csvCells: [String] {
        func n(_ x: Double?) -> String { x.flatMap { $0.isFinite ? "\($0)" : nil } ?? "" }
        return [input, bump, method, applies ? "true" : "false", n(pvBase), n(pvUp), n(pvDown), n(dpv), n(dpvStderr), n(dpvUp),
                n(dpvUpStderr), n(dpvDown), n(dpvDownStderr), n(probLossBase), n(dprobLoss), n(dprobLossStderr), n(irrMedianBase),
                n(dirrMedian), n(dirrMedianStderr), note]
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        for (k, v) in [("input", input), ("bump", bump), ("method", method), ("note", note)] { try c.encode(v, forKey: NameKey(k)) }
        try c.encode(applies, forKey: "applies")
        let nums: [(String, Double?)] = [("pv_per_token_base", pvBase), ("pv_per_token_bumped", pvUp), ("pv_per_token_bumped_down", pvDown),
                                         ("dpv", dpv), ("dpv_se", dpvStderr), ("dpv_up", dpvUp), ("dpv_up_se", dpvUpStderr),
                                         ("dpv_down", dpvDown), ("dpv_down_se", dpvDownStderr), ("prob_loss_base", probLossBase),
                                         ("dprob_loss", dprobLoss), ("dprob_loss_se", dprobLossStderr), ("irr_median_base", irrMedianBase),
                                         ("dirr_median", dirrMedian), ("dirr_median_se", dirrMedianStderr)]
        for (k, v) in nums { try c.encodeFinite(v, forKey: NameKey(k)) }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        input = try c.decode(String.self, forKey: "input"); bump = try c.decode(String.self, forKey: "bump")
        method = try c.decode(String.self, forKey: "method"); note = try c.decode(String.self, forKey: "note")
        applies = try c.decode(Bool.self, forKey: "applies")
        func o(_ k: String) throws -> Double? { try c.decodeIfPresent(Double.self, forKey: NameKey(k)) }
        pvBase = try c.decodeFinite("pv_per_token_base"); pvUp = try c.decodeFinite("pv_per_token_bumped"); pvDown = try o("pv_per_token_bumped_down")
        dpv = try c.decodeFinite("dpv"); dpvStderr = try c.decodeFinite("dpv_se")
        dpvUp = try c.decodeFinite("dpv_up"); dpvUpStderr = try c.decodeFinite("dpv_up_se")
        dpvDown = try o("dpv_down"); dpvDownStderr = try o("dpv_down_se")
        probLossBase = try c.decodeFinite("prob_loss_base"); dprobLoss = try c.decodeFinite("dprob_loss")
        dprobLossStderr = try c.decodeFinite("dprob_loss_se")
        irrMedianBase = try o("irr_median_base"); dirrMedian = try o("dirr_median"); dirrMedianStderr = try o("dirr_median_se")
    }
}
