import Domain

/// The scores of one model at one horizon over every scored origin (a row of `scores.csv`).
///
/// - coverage: the share of origins whose realized value lies in the simulated 50 % / 90 % central band;
/// - PIT histogram: counts of the PITs in 10 equal bins ([0, 0.1), …, [0.9, 1]);
/// - uniformity: Pearson's χ² = Σₖ (Oₖ − n/10)² / (n/10) with 9 degrees of freedom, p-value `P(χ²₉ ≥ X²)`. That p-value
///   assumes independent origins. Forecasts whose horizon h exceeds the origin spacing s overlap in time, so their
///   errors are positively correlated: for a random walk, corr(e_i, e_{i+k}) = max(0, 1 − k·s/h). The variance of a
///   count (or a coverage share) is inflated by about
///
///       VIF = 1 + 2·Σ_{k ≥ 1} max(0, 1 − k·s/h)          (≈ h/s for h ≫ s; 1 when s ≥ h)
///
///   so `n_eff = n/VIF`, and `chi2_p_adj` is the p-value of X²/VIF. This is an approximation (the correlation of band
///   indicators is below that of the errors, so it errs toward not rejecting); the unadjusted p-value is kept beside it.
/// - pinball: mean over origins of the log pinball loss, the naive baseline's on the origins that have one, and
///   `skill = 1 − Σ loss / Σ loss_naive` over those origins (> 0: better than the random walk);
/// - payout: coverage of the deal's realized payout to date by its simulated 50 % / 90 % bands.
public struct HorizonScore: Equatable, Sendable {
    public var model: String
    public var horizon: Int
    public var n: Int
    /// Origin spacing (days) used for the dependence adjustment.
    public var spacingDays: Int
    public var varianceInflation: Double
    public var coverage50: Double?
    public var coverage90: Double?
    public var belowP05: Int
    public var aboveP95: Int
    public var pitHistogram: [Int]
    public var chiSquare: Double?
    public var chiSquareP: Double?
    public var chiSquarePAdjusted: Double?
    public var pinball: Double?
    /// Origins with a naive baseline, and the two mean losses over them.
    public var naiveN: Int
    public var pinballOnNaive: Double?
    public var naivePinball: Double?
    public var skill: Double?
    public var payoutN: Int
    public var payoutCoverage50: Double?
    public var payoutCoverage90: Double?

    public var effectiveN: Double { Double(n) / varianceInflation }

    public static let pitBins = 10
    /// Fewest origins for a χ² (expected count ≥ 1 per bin).
    public static let minimumForChiSquare = 10

    /// `VIF(h, s) = 1 + 2·Σ_{k≥1} max(0, 1 − k·s/h)`.
    public static func varianceInflation(horizon h: Int, spacing s: Int) -> Double {
        guard s > 0, h > s else { return 1 }
        var v = 1.0, k = 1
        while k * s < h { v += 2 * (1 - Double(k * s) / Double(h)); k += 1 }
        return v
    }

    /// Aggregates the records of one model and horizon (any order; the result does not depend on it).
    public static func aggregate(model: String, horizon: Int, records: [ForecastRecord], spacingDays: Int) -> HorizonScore {
        let r = records.sorted { $0.origin < $1.origin }
        let n = r.count
        let vif = varianceInflation(horizon: horizon, spacing: spacingDays)
        var hist = [Int](repeating: 0, count: pitBins)
        for x in r { hist[min(pitBins - 1, max(0, Int((x.pit * Double(pitBins)).rounded(.down))))] += 1 }
        func share(_ k: Int, _ of: Int) -> Double? { of > 0 ? Double(k) / Double(of) : nil }
        var chi: Double? = nil, p: Double? = nil, pAdj: Double? = nil
        if n >= minimumForChiSquare {
            let e = Double(n) / Double(pitBins)
            let x2 = hist.reduce(0.0) { $0 + (Double($1) - e) * (Double($1) - e) / e }
            chi = x2
            p = ChiSquare.survival(x2, degreesOfFreedom: pitBins - 1)
            pAdj = ChiSquare.survival(x2 / vif, degreesOfFreedom: pitBins - 1)
        }
        let withNaive = r.filter { $0.naivePinball != nil }
        let lossN = withNaive.reduce(0.0) { $0 + $1.pinball }, naiveSum = withNaive.reduce(0.0) { $0 + $1.naivePinball! }
        let pay = r.compactMap(\.payout)
        return HorizonScore(
            model: model, horizon: horizon, n: n, spacingDays: spacingDays, varianceInflation: vif,
            coverage50: share(r.filter(\.in50).count, n), coverage90: share(r.filter(\.in90).count, n),
            belowP05: r.filter { $0.realized < $0.quantiles.p05 }.count, aboveP95: r.filter { $0.realized > $0.quantiles.p95 }.count,
            pitHistogram: hist, chiSquare: chi, chiSquareP: p, chiSquarePAdjusted: pAdj,
            pinball: n > 0 ? r.reduce(0.0) { $0 + $1.pinball } / Double(n) : nil,
            naiveN: withNaive.count,
            pinballOnNaive: withNaive.isEmpty ? nil : lossN / Double(withNaive.count),
            naivePinball: withNaive.isEmpty ? nil : naiveSum / Double(withNaive.count),
            skill: withNaive.isEmpty || naiveSum <= 0 ? nil : 1 - lossN / naiveSum,
            payoutN: pay.count, payoutCoverage50: share(pay.filter(\.in50).count, pay.count),
            payoutCoverage90: share(pay.filter(\.in90).count, pay.count))
    }

    /// Scores of every (model, horizon) present in `records`, models in `models` order then horizons ascending.
    public static func table(records: [ForecastRecord], models: [String], horizons: [Int], spacingDays: Int) -> [HorizonScore] {
        var out: [HorizonScore] = []
        for m in models {
            for h in horizons.sorted() {
                out.append(aggregate(model: m, horizon: h, records: records.filter { $0.model == m && $0.horizon == h }, spacingDays: spacingDays))
            }
        }
        return out
    }

    /// The median gap between consecutive distinct origins (days); 0 with fewer than two origins.
    public static func spacing(of origins: [Day]) -> Int {
        let o = Array(Set(origins.map(\.ordinal))).sorted()
        guard o.count >= 2 else { return 0 }
        let gaps = zip(o.dropFirst(), o).map { $0 - $1 }.sorted()
        return gaps[gaps.count / 2]
    }
}
