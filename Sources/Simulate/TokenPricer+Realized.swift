import Domain

extension TokenPricer {
    /// The deal's realized cumulative net payout per token (USD) at each horizon: this pricer (the simulation's) run
    /// over a realized price and hashprice (BTC/PH/day) history of the days after the schedule's as-of (`available` of
    /// them known); nil at a horizon beyond `available`. Used by the backtest to score the payout forecasts.
    public static func realizedCumulativeNetUSD(deal: Deal, schedule: DealSchedule, priceUSD price: [Double], hashpriceBTC hpBTC: [Double],
                                                available: Int, horizons: [Int]) -> [Double?] {
        let tokenDays = max(0, min(schedule.tokenDays, available - schedule.offset))
        let pricer = TokenPricer(deal: deal, offset: schedule.offset, tokenDays: tokenDays)
        defer { pricer.deallocate() }
        let buf = TokenPricer.DailyBuffers(capacity: max(tokenDays, 1))
        defer { buf.deallocate() }
        _ = price.withUnsafeBufferPointer { p in hpBTC.withUnsafeBufferPointer { h in pricer.price(priceUSD: p.baseAddress!, hashpriceBTC: h.baseAddress!, into: buf) } }
        return horizons.map { h in
            guard h <= available else { return nil }
            let upTo = min(max(h - schedule.offset, 0), tokenDays)
            var sum = 0.0
            for i in 0..<upTo { sum += buf.netUSD[i] }
            return sum
        }
    }
}
