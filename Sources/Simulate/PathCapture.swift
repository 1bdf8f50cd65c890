/// Per-path values at chosen simulated days, collected by `MonteCarlo.run(…, capture:)` (the backtest's accumulation
/// option; not written to shard files).
///
/// Day `d` (1-based) is the date `asOf + d`. For path `p` (0-based within the run's range) and the `k`-th capture day:
/// - `hashpriceUSD[p·days.count + k]`: the simulated hashprice, USD/PH/day, of day `d` (as in `hashprice_quantiles.csv`);
/// - `payoutUSD[p·days.count + k]`: the deal's cumulative net payout per token, USD, undiscounted, over token days
///   ending on or before day `d` (`Σ pay_t·S_t` of `TokenPricer`; 0 before the token starts, the total after it ends).
public struct PathCapture: Equatable, Sendable {
    public var days: [Int]
    public var hashpriceUSD: [Double]
    public var payoutUSD: [Double]

    public init(days: [Int], paths: Int) {
        self.days = days
        hashpriceUSD = .init(repeating: 0, count: paths * days.count)
        payoutUSD = hashpriceUSD
    }

    /// Paths' values of the `k`-th capture day.
    public func hashprice(day k: Int) -> [Double] { column(hashpriceUSD, k) }
    public func payout(day k: Int) -> [Double] { column(payoutUSD, k) }

    func column(_ a: [Double], _ k: Int) -> [Double] {
        let w = days.count
        return stride(from: k, to: a.count, by: w).map { a[$0] }
    }

    /// Records path `idx` from its simulated hashprice (USD, by simulated day − 1) and its token-day USD payouts
    /// (`netUSD`, token day t at index t − 1 = simulated day offset + t).
    @inline(__always)
    static func record(days: [Int], into hp: UnsafeMutablePointer<Double>, _ pay: UnsafeMutablePointer<Double>, index idx: Int,
                hashpriceUSD: UnsafePointer<Double>, netUSD: UnsafePointer<Double>, offset: Int, tokenDays: Int) {
        let w = days.count
        var sum = 0.0, t = 0   // t token days summed so far
        for (k, d) in days.enumerated() {
            let upTo = min(max(d - offset, 0), tokenDays)
            while t < upTo { sum += netUSD[t]; t += 1 }
            hp[idx * w + k] = hashpriceUSD[d - 1]
            pay[idx * w + k] = sum
        }
    }
}
