import Domain
import Foundation

/// The forecast every model must beat (SPEC §12): a zero-drift random walk of log hashprice.
///
///     σ₇  = sample standard deviation (mean removed, n − 1) of the non-overlapping 7-day changes
///           ln hp(o − 7k) − ln hp(o − 7(k+1)),  k = 0 … 51   (the 364 days before the origin o)
///     ln q_τ(h) = ln hp(o) + σ₇·√(h/7)·Φ⁻¹(τ)
///
/// A change whose two ends are not both in the index is skipped; fewer than `minimumChanges` usable changes → no
/// baseline for that origin (it is then left out of the skill, not of the coverage).
public struct NaiveBaseline: Equatable, Sendable {
    public static let weeks = 52
    public static let minimumChanges = 20
    /// ln hashprice at the origin.
    public var lnOrigin: Double
    /// σ₇: volatility of one 7-day log change.
    public var sigma7: Double
    /// Usable 7-day changes behind `sigma7`.
    public var changes: Int

    public init(lnOrigin: Double, sigma7: Double, changes: Int) { self.lnOrigin = lnOrigin; self.sigma7 = sigma7; self.changes = changes }

    /// The baseline at `origin` from ln hashprice by day (days ≤ origin are read, nothing after).
    public init?(lnHashprice: (Day) -> Double?, origin: Day) {
        guard let l0 = lnHashprice(origin), l0.isFinite else { return nil }
        var d: [Double] = []
        for k in 0..<NaiveBaseline.weeks {
            if let a = lnHashprice(origin - 7 * k), let b = lnHashprice(origin - 7 * (k + 1)), a.isFinite, b.isFinite { d.append(a - b) }
        }
        guard d.count >= NaiveBaseline.minimumChanges else { return nil }
        let m = d.reduce(0, +) / Double(d.count)
        let v = d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(d.count - 1)
        self.init(lnOrigin: l0, sigma7: v.squareRoot(), changes: d.count)
    }

    /// Quantiles of hashprice at horizon `h` days (closed form, log-normal).
    public func quantiles(horizon h: Int) -> ForecastQuantiles {
        let s = sigma7 * (Double(h) / 7).squareRoot()
        return ForecastQuantiles(forecastLevels.map { exp(lnOrigin + s * Normal.quantile($0)) })
    }
}
