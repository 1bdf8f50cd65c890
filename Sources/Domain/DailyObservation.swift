/// One UTC day of network and market history, as stored. `nil` means missing (never an error by itself).
///
/// Units: price USD/BTC; difficulty is the mean consensus difficulty of the day's blocks
/// (`D = T_max / target`); hash rate in H/s; fees and issuance in BTC summed over the day;
/// `heightEnd` the height of the last block counted that day.
public struct DailyObservation: Equatable, Sendable, Codable {
    public var date: Day
    public var priceUSD: Double?
    public var blockCount: Double?
    public var difficulty: Double?
    public var hashRateHs: Double?
    public var feesBTC: Double?
    public var issuanceBTC: Double?
    public var heightEnd: Int?

    public init(date: Day, priceUSD: Double? = nil, blockCount: Double? = nil, difficulty: Double? = nil,
                hashRateHs: Double? = nil, feesBTC: Double? = nil, issuanceBTC: Double? = nil, heightEnd: Int? = nil) {
        self.date = date; self.priceUSD = priceUSD; self.blockCount = blockCount; self.difficulty = difficulty
        self.hashRateHs = hashRateHs; self.feesBTC = feesBTC; self.issuanceBTC = issuanceBTC; self.heightEnd = heightEnd
    }

    /// Field names as used in the store, in error messages and in `--series` options.
    public enum Field: String, CaseIterable, Sendable, Codable {
        case priceUSD = "price_usd", blockCount = "block_count", difficulty = "difficulty"
        case hashRateHs = "hash_rate_hs", feesBTC = "fees_btc", issuanceBTC = "issuance_btc", heightEnd = "height_end"
    }

    /// Overlays the non-missing values of `other` (same date) onto this observation.
    public func merging(_ other: DailyObservation) -> DailyObservation {
        var m = self
        if let v = other.priceUSD { m.priceUSD = v }
        if let v = other.blockCount { m.blockCount = v }
        if let v = other.difficulty { m.difficulty = v }
        if let v = other.hashRateHs { m.hashRateHs = v }
        if let v = other.feesBTC { m.feesBTC = v }
        if let v = other.issuanceBTC { m.issuanceBTC = v }
        if let v = other.heightEnd { m.heightEnd = v }
        return m
    }
}
