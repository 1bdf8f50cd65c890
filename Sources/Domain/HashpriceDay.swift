/// One day of the hashprice index (SPEC §4).
///
///     reward_per_block_btc = (issuance_btc + fees_btc) / block_count
///     hashprice_btc_ph_day = 86400 · 10^15 / (D · 2^32) · reward_per_block_btc
///     hashprice_usd_ph_day = hashprice_btc_ph_day · price_usd
///
/// `feesTrailing144PerBlockBTC` is the market-convention variant: the fee per block averaged over
/// the trailing 144 blocks (approximated from daily totals), and the hashprices computed with it.
public struct HashpriceDay: Equatable, Sendable, Codable {
    public var date: Day
    public var difficulty: Double
    public var hashRateEHs: Double
    public var priceUSD: Double?
    public var subsidyBTCPerBlock: Double
    public var feesBTCPerBlock: Double
    public var feeShare: Double
    public var hashpriceBTCPerPHDay: Double
    public var hashpriceUSDPerPHDay: Double?
    public var feesTrailing144PerBlockBTC: Double
    public var hashpriceTrailing144BTCPerPHDay: Double
    public var hashpriceTrailing144USDPerPHDay: Double?

    public init(date: Day, difficulty: Double, hashRateEHs: Double, priceUSD: Double?, subsidyBTCPerBlock: Double,
                feesBTCPerBlock: Double, feeShare: Double, hashpriceBTCPerPHDay: Double, hashpriceUSDPerPHDay: Double?,
                feesTrailing144PerBlockBTC: Double, hashpriceTrailing144BTCPerPHDay: Double, hashpriceTrailing144USDPerPHDay: Double?) {
        self.date = date; self.difficulty = difficulty; self.hashRateEHs = hashRateEHs; self.priceUSD = priceUSD
        self.subsidyBTCPerBlock = subsidyBTCPerBlock; self.feesBTCPerBlock = feesBTCPerBlock; self.feeShare = feeShare
        self.hashpriceBTCPerPHDay = hashpriceBTCPerPHDay; self.hashpriceUSDPerPHDay = hashpriceUSDPerPHDay
        self.feesTrailing144PerBlockBTC = feesTrailing144PerBlockBTC
        self.hashpriceTrailing144BTCPerPHDay = hashpriceTrailing144BTCPerPHDay
        self.hashpriceTrailing144USDPerPHDay = hashpriceTrailing144USDPerPHDay
    }
}
