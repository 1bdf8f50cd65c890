import Foundation

/// Per-day histograms of positive values on a fixed log₂ grid, for exactly mergeable per-day quantiles.
///
/// Bin of x > 0: `(e − eMin)·32 + m` where e is the binary exponent and m the top 5 mantissa bits, i.e. 32 bins per
/// octave, each of relative width ≤ 1/32 (≈ 3.1%). Bin 0 holds x ≤ 0 or below range; the last bin holds overflow.
/// Counts are integers, so shards/threads merge exactly by addition. Quantile resolution: within a bin the value is
/// interpolated linearly in count, so the error is below one bin width (≤ 3.1% relative).
public struct DayHistograms: Equatable {
    public static let binsPerOctave = 32
    public let days: Int
    public let eMin: Int, eMax: Int
    public let bins: Int
    public var counts: [UInt32]

    public init(days: Int, eMin: Int, eMax: Int) {
        self.days = days; self.eMin = eMin; self.eMax = eMax
        bins = (eMax - eMin) * DayHistograms.binsPerOctave + 2
        counts = [UInt32](repeating: 0, count: days * bins)
    }

    @inline(__always) public static func bin(_ x: Double, eMin: Int, eMax: Int) -> Int {
        if !(x > 0) { return 0 }
        let bits = x.bitPattern
        let e = Int((bits >> 52) & 0x7FF) - 1023
        if e < eMin { return 0 }
        if e >= eMax { return (eMax - eMin) * binsPerOctave + 1 }
        return 1 + (e - eMin) * binsPerOctave + Int((bits >> 47) & 31)
    }

    /// Lower edge of bin `b` (1 ≤ b ≤ last−1).
    func lower(_ b: Int) -> Double {
        let k = b - 1, e = eMin + k / DayHistograms.binsPerOctave, m = k % DayHistograms.binsPerOctave
        return Foundation.pow(2, Double(e)) * (1 + Double(m) / Double(DayHistograms.binsPerOctave))
    }

    public mutating func add(_ other: DayHistograms) {
        precondition(other.counts.count == counts.count)
        for i in 0..<counts.count { counts[i] &+= other.counts[i] }
    }

    /// Quantile `q` of day `d` (0-based).
    public func quantile(day d: Int, _ q: Double) -> Double {
        let base = d * bins
        var total = 0.0
        for b in 0..<bins { total += Double(counts[base + b]) }
        guard total > 0 else { return 0 }
        let target = q * total
        var cum = 0.0
        for b in 0..<bins {
            let c = Double(counts[base + b])
            if c > 0 && cum + c >= target {
                if b == 0 { return 0 }
                if b == bins - 1 { return Foundation.pow(2, Double(eMax)) }
                let lo = lower(b), hi = b + 1 == bins - 1 ? Foundation.pow(2, Double(eMax)) : lower(b + 1)
                let frac = max(0, min(1, (target - cum) / c))
                return lo + (hi - lo) * frac
            }
            cum += c
        }
        return Foundation.pow(2, Double(eMax))
    }
}
