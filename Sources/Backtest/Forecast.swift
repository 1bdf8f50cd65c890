import Foundation
import Statistics

/// The five quantile levels every forecast is scored on (SPEC §12): `Statistics.Quantiles.band` (p05 … p95).
public let forecastLevels: [Double] = Quantiles.band.map(\.p)

/// A forecast's quantiles at `forecastLevels` (p05, p25, p50, p75, p95), in the forecast's units.
public struct ForecastQuantiles: Equatable, Sendable {
    public var values: [Double]
    public init(_ values: [Double]) { precondition(values.count == forecastLevels.count); self.values = values }
    public var p05: Double { values[0] }
    public var p25: Double { values[1] }
    public var p50: Double { values[2] }
    public var p75: Double { values[3] }
    public var p95: Double { values[4] }

    /// `p25 ≤ y ≤ p75` (the 50 % central band, ends included).
    public func in50(_ y: Double) -> Bool { p25 <= y && y <= p75 }
    /// `p05 ≤ y ≤ p95` (the 90 % central band, ends included).
    public func in90(_ y: Double) -> Bool { p05 <= y && y <= p95 }
}

/// A simulated sample (the forecast distribution of one quantity at one origin and horizon), sorted once.
public struct EmpiricalForecast: Sendable {
    public let sorted: [Double]

    /// `sample` must be non-empty and finite.
    public init(_ sample: [Double]) {
        precondition(!sample.isEmpty && sample.allSatisfy { $0.isFinite }, "a forecast sample is non-empty and finite")
        sorted = sample.sorted()
    }

    /// Quantile at the Weibull plotting position `h = (n+1)·p` (Hyndman–Fan type 6, `Quantiles.Definition.weibull`),
    /// clamped to the smallest/largest value:
    ///
    ///     Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)
    ///
    /// Chosen because `E[F(x₍k₎)] = k/(n+1)`: a new draw from the same law falls between Q(p) and Q(q) with probability
    /// q − p (to first order in the interpolation), so band coverage is not biased by the number of paths (type 7 would
    /// bias a 90 % band of 200 paths to 0.891).
    public func quantile(_ p: Double) -> Double { Quantiles.of(sorted: sorted, p, definition: .weibull)! }

    public var quantiles: ForecastQuantiles { ForecastQuantiles(forecastLevels.map(quantile)) }

    /// Randomised probability integral transform of the realized value `y` (the rank of `y` among the n simulated values
    /// and itself):
    ///
    ///     PIT = (L + U·(E + 1)) / (n + 1),   L = #{xᵢ < y},  E = #{xᵢ = y},  U ∈ (0, 1)
    ///
    /// When `y` is a draw from the same law as the sample, PIT is exactly Uniform(0, 1) (ties included, e.g. many paths
    /// paying 0). `u` is the caller's deterministic uniform (a function of the run's seed), so reruns are identical.
    public func pit(_ y: Double, u: Double) -> Double {
        let lower = lowerBound(y), upper = upperBound(y)
        return (Double(lower) + u * Double(upper - lower + 1)) / Double(sorted.count + 1)
    }

    /// First index with `sorted[i] ≥ y`.
    func lowerBound(_ y: Double) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi { let m = (lo + hi) / 2; if sorted[m] < y { lo = m + 1 } else { hi = m } }
        return lo
    }
    /// First index with `sorted[i] > y`.
    func upperBound(_ y: Double) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi { let m = (lo + hi) / 2; if sorted[m] <= y { lo = m + 1 } else { hi = m } }
        return lo
    }
}

/// Pinball (quantile) loss in log space, averaged over `forecastLevels`:
///
///     ρ_τ(u) = u·(τ − 1{u < 0}),   u = ln y − ln q_τ,    loss = (1/5)·Σ_τ ρ_τ(u_τ)
///
/// Scale-free (a 10 % miss costs the same at 50 and at 500 USD/PH/day); `y` and every quantile must be > 0.
public enum PinballLoss {
    public static func rho(_ u: Double, _ tau: Double) -> Double { u * (tau - (u < 0 ? 1 : 0)) }

    public static func logLoss(realized y: Double, _ q: ForecastQuantiles) -> Double {
        let ly = log(y)
        var s = 0.0
        for (t, v) in zip(forecastLevels, q.values) { s += rho(ly - log(v), t) }
        return s / Double(forecastLevels.count)
    }
}
