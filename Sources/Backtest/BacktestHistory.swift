import Domain
import Foundation

/// The realized history a backtest scores against, indexed by day, and the ASIC catalog the calibrations use (built
/// once per backtest; `Pipeline.BacktestJob.History` reads the catalog and computes the hashprice index).
public struct BacktestHistory: Sendable {
    public let observations: [DailyObservation]
    public let hashprice: [HashpriceDay]
    /// The ASIC catalog (δ's frontier as of each origin, the ASIC-era start, the breakeven check) and its SHA-256.
    public let catalog: AsicCatalog
    public let catalogSHA256: String
    let byDay: [Day: HashpriceDay]
    let priceByDay: [Day: Double]
    public var firstDay: Day? { observations.first?.date }
    public var lastDay: Day? { observations.last?.date }

    /// `sortedObservations` in date order; `hashprice`: their hashprice index (`HashpriceIndex.compute`).
    public init(sortedObservations obs: [DailyObservation], hashprice: [HashpriceDay], catalog: AsicCatalog, catalogSHA256: String) {
        self.catalog = catalog; self.catalogSHA256 = catalogSHA256
        observations = obs
        self.hashprice = hashprice
        var d: [Day: HashpriceDay] = [:]
        for h in hashprice { d[h.date] = h }
        byDay = d
        var p: [Day: Double] = [:]
        for o in obs { if let v = o.priceUSD, v > 0, v.isFinite { p[o.date] = v } }
        priceByDay = p
    }

    /// Realized hashprice index, USD/PH/day (nil when the index has no USD value that day).
    public func hashpriceUSD(_ d: Day) -> Double? { byDay[d]?.hashpriceUSDPerPHDay.flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }
    public func lnHashpriceUSD(_ d: Day) -> Double? { hashpriceUSD(d).map { Foundation.log($0) } }

    /// The realized BTC/USD price and hashprice (BTC/PH/day) of the `n` days after `origin`, up to the first day that
    /// lacks either (`available` days; the arrays have `max(n, 1)` entries, zero beyond `available`).
    public func realizedDays(after origin: Day, count n: Int) -> (priceUSD: [Double], hashpriceBTC: [Double], available: Int) {
        var price = [Double](repeating: 0, count: max(n, 1)), hpBTC = price
        var available = 0
        for t in 1...max(n, 1) where t <= n {
            guard let p = priceByDay[origin + t], let h = byDay[origin + t]?.hashpriceBTCPerPHDay, h.isFinite, h >= 0 else { break }
            price[t - 1] = p; hpBTC[t - 1] = h; available = t
        }
        return (price, hpBTC, available)
    }
}

/// How a backtest runs its origins and turns one origin's simulations into scored records (the simulation itself is
/// the caller's: `Pipeline.BacktestJob` calibrates and runs the engine).
public enum BacktestRun {
    /// `body(i)` for every origin index on `threads` workers (dynamic hand-out), results in origin order, nil results
    /// dropped; the first error (in origin order) is rethrown. `progress(done, total)` after each origin, serialised.
    /// Every origin's result depends only on its index, so the output is the same for any thread count.
    public static func parallel<R>(count: Int, threads: Int, progress: ((Int, Int) -> Void)? = nil,
                                   _ body: (Int) throws -> R?) throws -> [R] {
        var results = [Result<R?, Error>?](repeating: nil, count: count)
        let lock = NSLock()
        var next = 0, done = 0
        let workers = max(1, min(threads, count))
        results.withUnsafeMutableBufferPointer { out in
            let slots = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    lock.lock(); let i = next; next += 1; lock.unlock()
                    guard i < count else { return }
                    let r = Result { try body(i) }
                    lock.lock(); slots[i] = r; done += 1; let d = done; progress?(d, count); lock.unlock()
                }
            }
        }
        return try results.compactMap { try $0!.get() }
    }

    /// The simulation seed of an origin: `splitmix64(seed ⊕ splitmix64(origin day number))`, the same for every model
    /// (common random numbers across models), different across origins.
    public static func originSeed(_ seed: UInt64, _ origin: Day) -> UInt64 { splitMix64(seed ^ splitMix64(UInt64(bitPattern: Int64(origin.ordinal)))) }

    /// The PIT randomisation of (origin seed, model, horizon, series), uniform in (0, 1).
    public static func pitUniform(_ originSeed: UInt64, _ model: Int, _ horizon: Int, series: Int) -> Double {
        var r = PathRandom(seed: originSeed, path: UInt64(model * 100_000 + horizon), stream: UInt64(100 + series))
        return r.uniform()
    }

    /// One model's records at one origin: for each horizon `horizons[k]` (every one with a realized hashprice), the
    /// simulated hashprices `simulated(k)` against the realized index, and — where `realizedPayout[k]` is known — the
    /// simulated cumulative payouts `payout(k)` against it; PIT uniforms from (`seed`, `modelIndex`, horizon).
    public static func records(model: String, modelIndex: Int, origin: Day, horizons: [Int], seed: UInt64, history: BacktestHistory,
                               naive: NaiveBaseline?, realizedPayout: [Double?], simulated: (Int) -> [Double],
                               payout: (Int) -> [Double]) -> [ForecastRecord] {
        horizons.enumerated().map { k, h in
            let p = realizedPayout[k].map { (simulated: payout(k), realized: $0, u: pitUniform(seed, modelIndex, h, series: 1)) }
            return ForecastRecord.score(model: model, origin: origin, horizon: h, simulated: simulated(k),
                                        realized: history.hashpriceUSD(origin + h)!, u: pitUniform(seed, modelIndex, h, series: 0),
                                        naive: naive, payout: p)
        }
    }
}
