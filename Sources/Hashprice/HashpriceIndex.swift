// Benchmark module — see README.md
import Bitcoin
import Domain

/// The hashprice index (SPEC §4), day by day.
///
///     reward_per_block_btc = (issuance_btc + fees_btc) / block_count
///     hashprice_btc_ph_day = 86400 · 10^15 / (D · 2^32) · reward_per_block_btc
///     hashprice_usd_ph_day = hashprice_btc_ph_day · price_usd
///
/// `86400·10^15/(D·2^32)` is the expected number of blocks one PH/s finds in a day at difficulty `D`.
public enum HashpriceIndex {
    /// `2^32`.
    public static let two32 = Consensus.hashesPerDifficulty
    /// Blocks in the market-convention trailing fee window.
    public static let trailingBlocks = 144.0

    /// Expected blocks per day per PH/s at difficulty `d`: `86400·10^15/(d·2^32)`.
    @inline(__always)
    public static func blocksPerPHDay(difficulty d: Double) -> Double { 86400e15 / (d * two32) }

    /// Protocol subsidy (BTC) summed over heights `first...last` — exact across a halving (each block gets its own subsidy).
    public static func protocolSubsidyBTC(heights first: Int, through last: Int) -> Double {
        guard last >= first, first >= 0 else { return 0 }
        var total: Int64 = 0
        var h = first
        while h <= last {
            let era = h / Consensus.halvingInterval
            let eraEnd = min(last, (era + 1) * Consensus.halvingInterval - 1)
            total += Int64(eraEnd - h + 1) * Consensus.subsidy(height: h)
            h = eraEnd + 1
        }
        return Double(total) / 1e8
    }

    /// One usable day after resolving fallbacks (internal to the computation).
    struct Resolved {
        var obs: DailyObservation
        var blocks: Double
        var difficulty: Double
        var fees: Double
        var issuance: Double
    }

    /// Computes the index for every usable day of `observations` (any order; output sorted by date).
    ///
    /// A day is **skipped** (never NaN) when it lacks a positive `difficulty`, a positive block count, `fees_btc`, or the issuance:
    /// - block count: `block_count`, else `height_end − previous day's height_end` when both heights are known;
    /// - issuance: `issuance_btc`, else the protocol subsidy summed over the day's heights
    ///   (`previous height_end + 1 … height_end`, so a halving day's blocks split exactly).
    /// A missing price only leaves the USD columns empty (`nil`).
    ///
    /// Hash rate (EH/s): the stored `hash_rate_hs/10^18`, else `blocks·D·2^32/86400/10^18` (SPEC §3).
    ///
    /// 144-block variant: `fees_144 = (Σ fees over the trailing 144 blocks)/144`, from daily totals: starting with the day
    /// itself and walking back over earlier usable days, whole days are taken while they fit and the oldest day contributes
    /// pro rata (`fees·(needed/blocks)`). When the history holds fewer than 144 blocks the average is over what exists.
    /// Then `hashprice_144 = blocksPerPHDay(D) · (issuance/blocks + fees_144)`.
    public static func compute(_ observations: [DailyObservation]) -> [HashpriceDay] {
        let sorted = observations.sorted { $0.date < $1.date }
        var resolved: [Resolved] = []
        resolved.reserveCapacity(sorted.count)
        var previousHeight: (day: Day, height: Int)? = nil
        for o in sorted {
            defer { if let h = o.heightEnd { previousHeight = (o.date, h) } }
            guard let d = o.difficulty, d.isFinite, d > 0, let fees = o.feesBTC, fees.isFinite, fees >= 0 else { continue }
            // Heights of the previous calendar day only (a gap would mix several days' blocks into one).
            let prevEnd: Int? = previousHeight.flatMap { $0.day == o.date - 1 ? $0.height : nil }
            var blocks = o.blockCount
            if blocks == nil, let h = o.heightEnd, let p = prevEnd, h > p { blocks = Double(h - p) }
            guard let b = blocks, b.isFinite, b > 0 else { continue }
            var issuance = o.issuanceBTC
            if issuance == nil, let h = o.heightEnd, let p = prevEnd, h > p {
                issuance = protocolSubsidyBTC(heights: p + 1, through: h)
            }
            guard let iss = issuance, iss.isFinite, iss >= 0 else { continue }
            resolved.append(Resolved(obs: o, blocks: b, difficulty: d, fees: fees, issuance: iss))
        }
        var out: [HashpriceDay] = []
        out.reserveCapacity(resolved.count)
        for (i, r) in resolved.enumerated() {
            let perBlockFees = r.fees / r.blocks
            let subsidy = r.issuance / r.blocks
            let reward = (r.issuance + r.fees) / r.blocks
            let k = blocksPerPHDay(difficulty: r.difficulty)
            let hpBTC = k * reward
            let price = r.obs.priceUSD.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
            let hashRate: Double
            if let h = r.obs.hashRateHs, h.isFinite, h > 0 { hashRate = h / 1e18 } else { hashRate = r.blocks * r.difficulty * two32 / 86400 / 1e18 }
            let fees144 = trailingFeePerBlock(resolved, endingAt: i)
            let hp144 = k * (subsidy + fees144)
            let total = r.issuance + r.fees
            out.append(HashpriceDay(
                date: r.obs.date, difficulty: r.difficulty, hashRateEHs: hashRate, priceUSD: price,
                subsidyBTCPerBlock: subsidy, feesBTCPerBlock: perBlockFees, feeShare: total > 0 ? r.fees / total : 0,
                hashpriceBTCPerPHDay: hpBTC, hashpriceUSDPerPHDay: price.map { hpBTC * $0 },
                feesTrailing144PerBlockBTC: fees144, hashpriceTrailing144BTCPerPHDay: hp144,
                hashpriceTrailing144USDPerPHDay: price.map { hp144 * $0 }))
        }
        return out
    }

    /// Trailing-144-block fee per block from daily totals (see `compute`).
    static func trailingFeePerBlock(_ days: [Resolved], endingAt end: Int) -> Double {
        var needed = trailingBlocks
        var fees = 0.0
        var taken = 0.0
        var j = end
        while j >= 0 && needed > 0 {
            let d = days[j]
            if d.blocks <= needed {
                fees += d.fees; taken += d.blocks; needed -= d.blocks
            } else {
                fees += d.fees * (needed / d.blocks); taken += needed; needed = 0
            }
            j -= 1
        }
        return taken > 0 ? fees / taken : 0
    }
}
