/// One tranche of a securitization waterfall over all paths: a row of `tranches.csv` and an element of `tranches` in
/// summary.json (reduced from the per-path waterfall records by `Structures.WaterfallSummary`).
public struct TrancheSummary: Codable, Equatable, Sendable {
    public var tranche: String
    public var balanceUSD: Double
    /// P(any interest or scheduled-principal shortfall, or unpaid balance at maturity); equity: P(residual < investment).
    public var probShortfall: Double
    /// P(final loss > 0): the tranche ends with less than its initial balance repaid (equity: residual < investment).
    /// Unlike `probShortfall` it ignores arrears that are later caught up.
    public var probLoss: Double
    /// Mean loss fraction of the initial balance.
    public var expectedLoss: Double
    /// Mean loss over the paths with a shortfall: `Σ loss / #shortfall` (0 when none).
    public var lossGivenShortfall: Double
    public var walYears: Double
    /// IRR quantiles at `Quantiles.band` (p05, p25, p50, p75, p95; annual).
    public var irrQuantiles: [Double]
    public var irrMean: Double

    public init(tranche: String, balanceUSD: Double, probShortfall: Double, probLoss: Double, expectedLoss: Double,
                lossGivenShortfall: Double, walYears: Double, irrQuantiles: [Double], irrMean: Double) {
        self.tranche = tranche; self.balanceUSD = balanceUSD; self.probShortfall = probShortfall; self.probLoss = probLoss
        self.expectedLoss = expectedLoss; self.lossGivenShortfall = lossGivenShortfall; self.walYears = walYears
        self.irrQuantiles = irrQuantiles; self.irrMean = irrMean
    }

    /// The IRR quantile at a level name of `Quantiles.band` (`"p50"`).
    public func irr(_ name: String) -> Double? { Quantiles.band.firstIndex { $0.name == name }.map { irrQuantiles[$0] } }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        try c.encode(tranche, forKey: "tranche")
        try c.encodeFinite(balanceUSD, forKey: "balance_usd"); try c.encodeFinite(probShortfall, forKey: "prob_shortfall")
        try c.encodeFinite(probLoss, forKey: "prob_loss"); try c.encodeFinite(expectedLoss, forKey: "expected_loss")
        try c.encodeFinite(lossGivenShortfall, forKey: "loss_given_shortfall"); try c.encodeFinite(walYears, forKey: "wal_years")
        try c.encodeFinite(irrMean, forKey: "irr_mean")
        for (i, l) in Quantiles.band.enumerated() { try c.encodeFinite(irrQuantiles[i], forKey: NameKey("irr_" + l.name)) }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        tranche = try c.decode(String.self, forKey: "tranche")
        balanceUSD = try c.decodeFinite("balance_usd"); probShortfall = try c.decodeFinite("prob_shortfall")
        probLoss = try c.decodeFinite("prob_loss"); expectedLoss = try c.decodeFinite("expected_loss")
        lossGivenShortfall = try c.decodeFinite("loss_given_shortfall"); walYears = try c.decodeFinite("wal_years")
        irrMean = try c.decodeFinite("irr_mean")
        irrQuantiles = try Quantiles.band.map { try c.decodeFinite(NameKey("irr_" + $0.name)) }
    }
}
