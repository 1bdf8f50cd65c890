/// Bitcoin protocol facts (SPEC §3), computed exactly as Bitcoin Core does.
public enum Consensus {
    /// Blocks per difficulty epoch.
    public static let epochLength = 2016
    /// Target epoch duration, seconds (`nPowTargetTimespan` = 14 days).
    public static let targetTimespan: Int64 = 1_209_600
    /// Blocks per subsidy halving.
    public static let halvingInterval = 210_000
    /// Initial block subsidy, satoshi (50 BTC).
    public static let initialSubsidy: Int64 = 5_000_000_000
    /// Mainnet proof-of-work limit `powLimit` = 2^224 − 1 (`00000000ffff…ff`).
    public static let powLimit = UInt256(limbs: [.max, .max, .max, 0x0000_0000_ffff_ffff])
    /// `T_max` = target of the lowest difficulty, the decoded compact `0x1d00ffff` = 0xffff · 2^208.
    public static let maxTarget = UInt256.decodeCompact(0x1d00ffff).value

    /// The target of a compact `nBits`, or nil when Core would reject it (negative, zero, overflow, above powLimit).
    public static func target(bits: UInt32) -> UInt256? {
        let d = UInt256.decodeCompact(bits)
        if d.negative || d.overflow || d.value.isZero || d.value > powLimit { return nil }
        return d.value
    }

    /// Difficulty `D = T_max / target(nBits)` as Core's `GetDifficulty`: `0xffff / mantissa · 256^(29 − size)`.
    public static func difficulty(bits: UInt32) -> Double {
        var shift = Int((bits >> 24) & 0xff)
        var d = Double(0x0000_ffff) / Double(bits & 0x00ff_ffff)
        while shift < 29 { d *= 256; shift += 1 }
        while shift > 29 { d /= 256; shift -= 1 }
        return d
    }

    /// Block subsidy in satoshi: `50·10^8 >> ⌊height / 210000⌋`, and 0 from the 64th halving on.
    public static func subsidy(height: Int) -> Int64 {
        precondition(height >= 0)
        let halvings = height / halvingInterval
        if halvings >= 64 { return 0 }
        return initialSubsidy >> Int64(halvings)
    }

    /// Total subsidy in satoshi of the blocks at heights `from...through` (both ≥ 0; empty when `through < from`):
    /// `Σ subsidy(h)`, summed per halving era (constant inside one), so it costs O(eras) whatever the range.
    public static func subsidySum(from: Int, through: Int) -> Int64 {
        precondition(from >= 0)
        guard through >= from else { return 0 }
        var total: Int64 = 0
        var h = from
        while h <= through {
            let era = h / halvingInterval
            if era >= 64 { break }
            let eraEnd = min(through, (era + 1) * halvingInterval - 1)
            total += Int64(eraEnd - h + 1) * (initialSubsidy >> Int64(era))
            h = eraEnd + 1
        }
        return total
    }

    /// Height of the `n`-th halving (`n ≥ 1`): `210000·n`.
    public static func halvingHeight(_ n: Int) -> Int { n * halvingInterval }

    /// Actual timespan of an epoch clamped to `[1209600/4, 1209600·4]`.
    public static func clampedTimespan(firstTime: Int64, lastTime: Int64) -> Int64 {
        min(max(lastTime - firstTime, targetTimespan / 4), targetTimespan * 4)
    }

    /// The next epoch's nBits (`pow.cpp CalculateNextWorkRequired`):
    /// `target_new = min(powLimit, target(lastBits) · clamp(lastTime − firstTime) / 1209600)` in 256-bit integers,
    /// re-encoded with `GetCompact`. `firstTime` is the timestamp of the epoch's first block, `lastTime`/`lastBits`
    /// those of its last block (height ≡ 2015 mod 2016).
    public static func nextBits(lastBits: UInt32, firstTime: Int64, lastTime: Int64) -> UInt32 {
        let span = clampedTimespan(firstTime: firstTime, lastTime: lastTime)
        let old = UInt256.decodeCompact(lastBits).value
        let (product, overflow) = old.multipliedReportingOverflow(by: UInt64(span))
        var new = product.quotientAndRemainder(dividingBy: UInt64(targetTimespan)).quotient
        if overflow || new > powLimit { new = powLimit }
        return new.compact
    }

    /// Expected hashes per block at difficulty 1: 2³² (a block at difficulty D takes D·2³² hashes on average).
    public static let hashesPerDifficulty = 4_294_967_296.0
    /// Target block spacing, seconds (the retarget aims at `epochLength` blocks per `targetTimespan`).
    public static let targetSpacingSeconds: Int64 = 600

    /// Network hash rate implied by a day's blocks: `H = blocks · D · 2^32 / 86400` hashes per second.
    public static func networkHashrate(blocksPerDay: Double, difficulty: Double) -> Double {
        blocksPerDay * difficulty * hashesPerDifficulty / 86_400.0
    }

    /// Blocks a hash rate `H` (H/s) finds per day at difficulty `D`: `86400·H/(D·2³²)`.
    public static func blocksPerDay(hashRateHs h: Double, difficulty d: Double) -> Double { h * 86_400 / (d * hashesPerDifficulty) }

    /// The halvings so far: height `210,000·k` and the UTC date of that block (chain facts).
    public static let halvings: [(height: Int, date: String)] = [
        (halvingHeight(1), "2012-11-28"), (halvingHeight(2), "2016-07-09"), (halvingHeight(3), "2020-05-11"), (halvingHeight(4), "2024-04-20"),
    ]

    /// Days from the last halving to the next one at the target spacing: `halvingInterval · 600 s` (≈ 1,458 days).
    public static var daysBetweenHalvings: Double { Double(halvingInterval) * Double(targetSpacingSeconds) / 86_400 }
}
