import Bitcoin
import Domain
import Foundation

/// Blocks, retargets and halvings along one simulated path (SPEC §3, §5), with a continuous height.
///
/// Conventions: the continuous height `h` counts blocks found; block `n` is found while `h` goes from `n−1` to `n`.
/// During a day the block rate `86400·H/(D·2³²)` per day is piecewise constant between boundaries:
/// - `h = 2016k − 1` (block 2016k−1 found): retarget, `D ← max(1, D·1209600/clamp(t − T(2016(k−1))))`, the clamp to
///   [302400, 4838400] s; block 2016k is the first mined at the new difficulty (the consensus off-by-one: the timespan
///   covers 2015 intervals).
/// - `h = 2016k` (block 2016k found): records `T(2016k)`, the start of the next measured timespan.
/// - `h = 210000m + shift − 1`: blocks from 210000m + shift on earn the halved subsidy.
/// Revenue of a segment of `b` blocks = `b·(subsidy + F)`. Times `t` are seconds since the end of the as-of day.
public struct ChainClock {
    public var height: Double
    public var difficulty: Double
    public var epochStartTime: Double
    public var halvingShift: Int
    var nextBoundary: Double = 0
    var subsidy: Double = 0
    /// The next retarget (2016k − 1), epoch start (2016k) and halving boundary (210000m + shift − 1) above the height,
    /// kept incrementally: a crossing moves only the boundary crossed (no integer division on the hot path).
    var nextRetarget = 0, nextEpochStart = 0, nextHalving = Int.max

    /// Blocks per day per unit hash rate at the current difficulty, `86400/(D·2³²)`: the fast path of a day with no
    /// boundary multiplies by it instead of dividing (`PathGenerator.evolve`).
    @inline(__always) public var blocksPerDayPerHash: Double { 86400 / (difficulty * Consensus.hashesPerDifficulty) }
    /// Subsidy (BTC) of the next block found.
    @inline(__always) public var currentSubsidy: Double { subsidy }

    public init(height: Int, difficulty: Double, epochElapsedDays: Double, halvingShift: Int = 0) {
        self.height = Double(height); self.difficulty = max(1, difficulty)
        self.epochStartTime = -epochElapsedDays * 86400; self.halvingShift = halvingShift
        refresh()
    }

    /// Subsidy (BTC) of block `n` with halvings at 210000m + shift.
    @inline(__always) public static func subsidyBTC(block n: Int, shift: Int) -> Double {
        let e = (n - shift) / Consensus.halvingInterval
        if n - shift < 0 { return 50 }
        if e >= 64 { return 0 }
        return Double(Consensus.initialSubsidy >> Int64(e)) / 1e8
    }

    /// Boundaries from scratch (initialisation).
    mutating func refresh() {
        let n = Int(height.rounded(.down))
        let e = Consensus.epochLength
        nextRetarget = e * ((n + 2 + e - 1) / e) - 1
        nextEpochStart = e * ((n + 1 + e - 1) / e)
        let hi = Consensus.halvingInterval
        let m = (n + 2 - halvingShift + hi - 1) / hi
        let hv = hi * max(m, 0) + halvingShift - 1
        nextHalving = hv > n ? hv : Int.max
        nextBoundary = Double(min(nextRetarget, nextEpochStart, nextHalving))
        subsidy = ChainClock.subsidyBTC(block: n + 1, shift: halvingShift)
    }

    /// Advances one day starting at time `dayStart` (s) with hash rate `hashRate` (H/s) and fee `fee` (BTC/block).
    /// `blocksOverride`: Poisson mode, the day's block count (found at the day's constant rate). Returns Σ blocks·(subsidy+F).
    @inline(__always)
    public mutating func advanceDay(dayStart: Double, hashRate: Double, fee: Double, blocksOverride: Double? = nil) -> Double {
        var remaining = 86400.0
        var revenue = 0.0
        let fixedRate = blocksOverride.map { $0 / 86400 }
        // Each crossing ends an epoch or a halving era; a finite rate needs few per day (retargets ×4 at most). The cap
        // only stops a non-finite rate (an exploded path) from looping forever.
        var crossings = 0
        while true {
            let rate = fixedRate ?? hashRate / (difficulty * Consensus.hashesPerDifficulty)   // blocks per second
            let avail = rate * remaining
            let toNext = nextBoundary - height
            if avail < toNext || rate <= 0 {
                revenue += avail * (subsidy + fee)
                height += avail
                return revenue
            }
            revenue += toNext * (subsidy + fee)
            remaining -= toNext / rate
            height = nextBoundary
            let t = dayStart + (86400 - remaining)
            let n = Int(height)
            if n == nextRetarget {
                let actual = min(max(t - epochStartTime, 302_400), 4_838_400)
                difficulty = max(1, difficulty * Double(Consensus.targetTimespan) / actual)
                nextRetarget += Consensus.epochLength
            }
            if n == nextEpochStart { epochStartTime = t; nextEpochStart += Consensus.epochLength }
            if n == nextHalving {
                nextHalving += Consensus.halvingInterval
                subsidy = ChainClock.subsidyBTC(block: n + 1, shift: halvingShift)
            }
            nextBoundary = Double(min(nextRetarget, nextEpochStart, nextHalving))
            crossings += 1
            if !(remaining > 0) || crossings > 100_000 { return revenue }
        }
    }
}
