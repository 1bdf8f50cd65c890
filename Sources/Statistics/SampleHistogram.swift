/// Equal-width histogram of a sample's finite values between its 0.5 % and 99.5 % quantiles (`pv_histogram.csv`,
/// `irr_histogram.csv`): `bins` bins of width `w = (q₀.₉₉₅ − q₀.₀₀₅)/bins` (1 when the range is empty), values outside
/// the range counted in the first / last bin.
public struct SampleHistogram: Equatable, Sendable {
    public struct Bin: Equatable, Sendable { public var low: Double, high: Double, count: Int }
    public var bins: [Bin]

    public init(sample v: [Double], bins nb: Int = 40) {
        let s = v.filter { $0.isFinite }.sorted()
        guard let lo = Quantiles.of(sorted: s, 0.005), let hi = Quantiles.of(sorted: s, 0.995) else { bins = []; return }
        let width = hi > lo ? (hi - lo) / Double(nb) : 1
        var c = [Int](repeating: 0, count: nb)
        for x in s { c[max(0, min(nb - 1, Int(((x - lo) / width).rounded(.down))))] += 1 }
        bins = (0..<nb).map { Bin(low: lo + Double($0) * width, high: lo + Double($0 + 1) * width, count: c[$0]) }
    }
}
