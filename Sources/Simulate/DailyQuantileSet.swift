import Statistics

/// The four per-day series summarised by quantiles.
public struct DailyQuantileSet: Equatable {
    public var hashpriceUSD: DayHistograms   // USD/PH/day
    public var priceUSD: DayHistograms
    public var payoutUSD: DayHistograms      // per token, daily net payout
    public var cumulativeBTC: DayHistograms  // per token
    public init(days: Int) {
        hashpriceUSD = DayHistograms(days: days, eMin: -20, eMax: 30)
        priceUSD = DayHistograms(days: days, eMin: -10, eMax: 40)
        payoutUSD = DayHistograms(days: days, eMin: -40, eMax: 30)
        cumulativeBTC = DayHistograms(days: days, eMin: -50, eMax: 20)
    }
    public mutating func add(_ o: DailyQuantileSet) {
        hashpriceUSD.add(o.hashpriceUSD); priceUSD.add(o.priceUSD); payoutUSD.add(o.payoutUSD); cumulativeBTC.add(o.cumulativeBTC)
    }
    public var all: [DayHistograms] { [hashpriceUSD, priceUSD, payoutUSD, cumulativeBTC] }
}
