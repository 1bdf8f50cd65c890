/// One simulated path as seen by the structure engines (read-only views into the Monte Carlo engine's buffers).
/// Day index 0 = the first simulated day. All series are per token, except prices.
public struct TokenPathView {
    /// BTC price, USD.
    public let priceUSD: UnsafeBufferPointer<Double>
    /// Hashprice, BTC per PH per day (gross, before pool and management fees).
    public let hashpriceBTCPerPHDay: UnsafeBufferPointer<Double>
    /// Per-token gross revenue (BTC) — informative; the engines use the net series.
    public let grossRevenueBTC: UnsafeBufferPointer<Double>
    /// Per-token power + hosting cost (USD) actually incurred that day.
    public let costUSD: UnsafeBufferPointer<Double>
    /// Per-token net payout (BTC) after fees, costs, curtailment and deficit rule.
    public let netPayoutBTC: UnsafeBufferPointer<Double>
    /// Per-token net payout (USD) = netPayoutBTC · priceUSD.
    public let netPayoutUSD: UnsafeBufferPointer<Double>
    public let days: Int

    public init(priceUSD: UnsafeBufferPointer<Double>, hashpriceBTCPerPHDay: UnsafeBufferPointer<Double>,
                grossRevenueBTC: UnsafeBufferPointer<Double>, costUSD: UnsafeBufferPointer<Double>,
                netPayoutBTC: UnsafeBufferPointer<Double>, netPayoutUSD: UnsafeBufferPointer<Double>, days: Int) {
        precondition(priceUSD.count >= days && hashpriceBTCPerPHDay.count >= days && netPayoutUSD.count >= days
                     && netPayoutBTC.count >= days, "TokenPathView: a series is shorter than `days`")
        self.priceUSD = priceUSD; self.hashpriceBTCPerPHDay = hashpriceBTCPerPHDay; self.grossRevenueBTC = grossRevenueBTC
        self.costUSD = costUSD; self.netPayoutBTC = netPayoutBTC; self.netPayoutUSD = netPayoutUSD; self.days = days
    }
}

/// An owning path (arrays), convenient for tests and for callers that do not keep flat buffers.
public struct TokenPath: Sendable {
    public var priceUSD: [Double], hashpriceBTCPerPHDay: [Double], grossRevenueBTC: [Double]
    public var costUSD: [Double], netPayoutBTC: [Double], netPayoutUSD: [Double]
    public init(priceUSD: [Double], hashpriceBTCPerPHDay: [Double], grossRevenueBTC: [Double]? = nil, costUSD: [Double]? = nil,
                netPayoutBTC: [Double]? = nil, netPayoutUSD: [Double]) {
        let n = priceUSD.count
        self.priceUSD = priceUSD; self.hashpriceBTCPerPHDay = hashpriceBTCPerPHDay
        self.grossRevenueBTC = grossRevenueBTC ?? [Double](repeating: 0, count: n)
        self.costUSD = costUSD ?? [Double](repeating: 0, count: n)
        self.netPayoutBTC = netPayoutBTC ?? zip(netPayoutUSD, priceUSD).map { $1 > 0 ? $0 / $1 : 0 }
        self.netPayoutUSD = netPayoutUSD
    }
    public var days: Int { priceUSD.count }

    /// Calls `body` with a view of this path (valid only inside `body`).
    public func withView<R>(_ body: (TokenPathView) throws -> R) rethrows -> R {
        try priceUSD.withUnsafeBufferPointer { p in
            try hashpriceBTCPerPHDay.withUnsafeBufferPointer { h in
                try grossRevenueBTC.withUnsafeBufferPointer { g in
                    try costUSD.withUnsafeBufferPointer { c in
                        try netPayoutBTC.withUnsafeBufferPointer { nb in
                            try netPayoutUSD.withUnsafeBufferPointer { nu in
                                try body(TokenPathView(priceUSD: p, hashpriceBTCPerPHDay: h, grossRevenueBTC: g, costUSD: c,
                                                       netPayoutBTC: nb, netPayoutUSD: nu, days: p.count))
                            }
                        }
                    }
                }
            }
        }
    }
}
