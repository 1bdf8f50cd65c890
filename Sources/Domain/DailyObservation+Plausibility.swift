import Bitcoin

/// SPEC §2 "plausible, not merely well-formed": what a stored day must satisfy to be true of Bitcoin.
///
/// **One set of rules for everyone.** The ingest parsers apply them to every row (with `file:line: column`), the
/// store's writer applies them again to every day as it will be stored (the file's values merged over the stored ones,
/// with the neighbouring stored days), and the store's reader applies them to every row it reads. So the store never
/// holds a row its own reader rejects, and a row that passes ingest can always be read back.
///
/// Rules for one day (`plausibilityProblems(_:)`), values in the stored units:
/// - date in `[limits.earliest, limits.latest]`: not before the genesis block (2009-01-03) nor after tomorrow (UTC);
///   the reader has no "tomorrow" (`latest` nil): a day accepted yesterday stays readable.
/// - price: `0 < price ≤ 10^8` USD.
/// - difficulty: `1 ≤ D ≤ 10^30` (difficulty 1 is the proof-of-work limit; 1 − 10^-6 is allowed for the rounding of
///   a difficulty derived from a rounded hash rate; 10^30 is 10^16 times today's and keeps `D·2^32·blocks` finite).
/// - block count: a whole number in `[0, 1000]`.
/// - fees, issuance: `0 ≤ x ≤ 21·10^6` BTC.
/// - issuance against the subsidy schedule: with the block count `n` and `height_end` `h`, the expected issuance is
///   `Σ subsidy(k)` for `k = h−n+1 … h` (`Consensus.subsidySum`); refused when `|issuance − expected|` exceeds one block's
///   subsidy (`subsidy(h−n+1)`, the largest in the range). Without a height, issuance may not exceed 50 BTC a block
///   (and 50,000 BTC without a block count).
/// - `height_end ≥ block count` (heights start at 1: Coin Metrics does not count the genesis block) and
///   `height_end ≤ 1000·(days since 2009-01-03 + 1)` (since `limits.earliest`).
/// - hash rate `H ≤ 10^40` H/s and, when the block count `n ≥ 1` and difficulty are known, within a factor 10 of the
///   hash rate they imply, `n·D·2^32/86400` (SPEC §3). A hash rate given in the wrong unit is off by 10^6 or more.
///
/// Rule between consecutive days (`plausibilityProblems(after:)`): `height_end(d) − height_end(d−1) = block count(d)`.
extension DailyObservation {
    /// The date bounds of the rules (everything else is fixed).
    public struct PlausibilityLimits: Equatable, Sendable {
        /// The first possible day (the genesis block's, 2009-01-03).
        public var earliest: Day
        /// The last possible day (tomorrow, UTC, at ingest); nil: no upper bound (the store's reader).
        public var latest: Day?
        public init(earliest: Day = DailyObservation.genesisDay, latest: Day?) { self.earliest = earliest; self.latest = latest }

        /// The rules at ingest on `today` (UTC): dates up to tomorrow.
        public static func ingest(today: Day) -> PlausibilityLimits { PlausibilityLimits(latest: today + 1) }
        /// The rules of the store's reader (no time-dependent bound).
        public static let stored = PlausibilityLimits(latest: nil)
    }

    /// One broken rule: `field` nil means the date itself.
    public struct PlausibilityProblem: Equatable, Sendable, CustomStringConvertible {
        public var date: Day
        public var field: Field?
        public var reason: String
        public init(date: Day, field: Field?, reason: String) { self.date = date; self.field = field; self.reason = reason }
        public var description: String { "\(date.iso): \(field?.rawValue ?? "date"): \(reason)" }
    }

    /// Day of the genesis block (height 0).
    public static let genesisDay = Day(ordinal: 14247)  // 2009-01-03
    public static let maxPriceUSD = 1e8
    public static let maxDifficulty = 1e30
    public static let maxBlocksPerDay = 1000.0
    public static let maxBTC = 21e6
    public static let maxHashRateHs = 1e40
    /// Largest ratio between a day's hash rate and the one implied by its blocks and difficulty (either way).
    public static let maxHashRateRatio = 10.0

    /// True when the day has every value the model needs (price, block count, difficulty, hash rate, fees, issuance).
    /// The newest such day is the default as-of; later days are a partial row still being filled (SPEC §2).
    public var isComplete: Bool {
        priceUSD != nil && blockCount != nil && difficulty != nil && hashRateHs != nil && feesBTC != nil && issuanceBTC != nil
    }

    /// The rules broken by this day on its own (see the type's documentation), in column order.
    public func plausibilityProblems(_ limits: PlausibilityLimits) -> [PlausibilityProblem] {
        isPlausible(limits) ? [] : describeProblems(limits)
    }

    /// Ordinal of 9999-12-31, the last day a stored `YYYY-MM-DD` can hold.
    static let lastOrdinal = 2_932_896

    /// The same rules as `plausibilityProblems(_:)` as one allocation-free test (the ingest and store hot path: 10^6
    /// rows); `isPlausible(l) == plausibilityProblems(l).isEmpty` always (tested on random days).
    public func isPlausible(_ limits: PlausibilityLimits) -> Bool {
        if date < limits.earliest || date.ordinal > Self.lastOrdinal { return false }
        if let latest = limits.latest, date > latest { return false }
        if let p = priceUSD, !(p > 0 && p <= Self.maxPriceUSD) { return false }
        if let d = difficulty, !(d >= 1 - 1e-6 && d <= Self.maxDifficulty) { return false }
        var b = -1.0
        if let bc = blockCount {
            guard bc >= 0, bc <= Self.maxBlocksPerDay, bc == bc.rounded() else { return false }
            b = bc
        }
        if let f = feesBTC, !(f >= 0 && f <= Self.maxBTC) { return false }
        var heightOK = false
        if let h = heightEnd {
            let days = date - limits.earliest + 1
            if h < 0 || (b >= 0 && Double(h) < b) || (days >= 1 && Double(h) > Self.maxBlocksPerDay * Double(days)) { return false }
            heightOK = true
        }
        if let i = issuanceBTC {
            guard i >= 0, i <= Self.maxBTC else { return false }
            if b >= 0, heightOK, let h = heightEnd {
                let first = h - Int(b) + 1
                let expected = Double(Consensus.subsidySum(from: max(first, 0), through: h)) / 1e8
                if abs(i - expected) > Double(Consensus.subsidy(height: max(first, 0))) / 1e8 + 1e-8 { return false }
            } else if b >= 0 {
                if i > 50 * b + 1e-8 { return false }
            } else if blockCount == nil, i > 50 * Self.maxBlocksPerDay { return false }
        }
        if let hr = hashRateHs {
            guard hr >= 0, hr <= Self.maxHashRateHs else { return false }
            if b >= 1, let d = difficulty, d.isFinite, d >= 1 - 1e-6, d <= Self.maxDifficulty {
                let implied = Consensus.networkHashrate(blocksPerDay: b, difficulty: d)
                if !(hr * Self.maxHashRateRatio >= implied && hr <= implied * Self.maxHashRateRatio) { return false }
            }
        }
        return true
    }

    /// The messages of the broken rules (the slow path of `plausibilityProblems`).
    func describeProblems(_ limits: PlausibilityLimits) -> [PlausibilityProblem] {
        var out: [PlausibilityProblem] = []
        func add(_ f: Field?, _ r: String) { out.append(PlausibilityProblem(date: date, field: f, reason: r)) }
        if date < limits.earliest {
            add(nil, "date \(date.iso) is before the genesis block (\(limits.earliest.iso))")
        } else if let latest = limits.latest, date > latest {
            add(nil, "date \(date.iso) is after tomorrow (\(latest.iso) UTC)")
        } else if date.ordinal > Self.lastOrdinal {
            add(nil, "date \(date.iso) is after the year 9999")
        }
        if let p = priceUSD {
            if !p.isFinite { add(.priceUSD, "price \(p) is not a finite number") } else if p <= 0 {
                add(.priceUSD, "price \(fmt(p)) USD must be positive")
            } else if p > Self.maxPriceUSD { add(.priceUSD, "price \(fmt(p)) USD is above 10^8 USD") }
        }
        if let d = difficulty {
            if !d.isFinite { add(.difficulty, "difficulty \(d) is not a finite number") } else if d < 1 - 1e-6 {
                add(.difficulty, "difficulty \(fmt(d)) is below 1 (the minimum, at the proof-of-work limit)")
            } else if d > Self.maxDifficulty { add(.difficulty, "difficulty \(fmt(d)) is above 10^30") }
        }
        var blocksOK = false
        if let b = blockCount {
            if !b.isFinite || b < 0 || b != b.rounded() {
                add(.blockCount, "block count \(fmt(b)) is not a whole number ≥ 0")
            } else if b > Self.maxBlocksPerDay {
                add(.blockCount, "block count \(fmt(b)) is above 1,000 a day")
            } else { blocksOK = true }
        }
        if let f = feesBTC, !(f >= 0 && f <= Self.maxBTC) {
            add(.feesBTC, f < 0 ? "fees \(fmt(f)) BTC are negative" : "fees \(fmt(f)) BTC exceed the 21 million BTC that will ever exist")
        }
        var heightOK = false
        if let h = heightEnd {
            let days = date - limits.earliest + 1
            if h < 0 { add(.heightEnd, "height_end \(h) is negative") } else if blocksOK, let b = blockCount, Double(h) < b {
                add(.heightEnd, "height_end \(h) is below the day's block count \(fmt(b)) (heights start at 1 after the genesis block)")
            } else if days >= 1, Double(h) > Self.maxBlocksPerDay * Double(days) {
                add(.heightEnd, "height_end \(h) is more than 1,000 blocks a day since \(limits.earliest.iso)")
            } else { heightOK = true }
        }
        if let i = issuanceBTC {
            if !(i >= 0 && i <= Self.maxBTC) {
                add(.issuanceBTC, i < 0 ? "issuance \(fmt(i)) BTC is negative" : "issuance \(fmt(i)) BTC exceeds the 21 million BTC that will ever exist")
            } else if blocksOK, heightOK, let b = blockCount, let h = heightEnd {
                let n = Int(b)
                let first = h - n + 1
                let expected = Double(Consensus.subsidySum(from: max(first, 0), through: h)) / 1e8
                let oneBlock = Double(Consensus.subsidy(height: max(first, 0))) / 1e8
                if abs(i - expected) > oneBlock + 1e-8 {
                    add(.issuanceBTC, "issuance \(fmt(i)) BTC disagrees with the subsidy schedule: \(fmt(expected)) BTC for the \(n) blocks "
                        + "\(first)…\(h) (tolerance one block, \(fmt(oneBlock)) BTC)")
                }
            } else if blocksOK, let b = blockCount, i > 50 * b + 1e-8 {
                add(.issuanceBTC, "issuance \(fmt(i)) BTC is more than 50 BTC for each of the day's \(fmt(b)) blocks")
            } else if blockCount == nil, i > 50 * Self.maxBlocksPerDay {
                add(.issuanceBTC, "issuance \(fmt(i)) BTC is more than 1,000 blocks of 50 BTC")
            }
        }
        if let hr = hashRateHs {
            if !(hr >= 0 && hr <= Self.maxHashRateHs) {
                add(.hashRateHs, "hash rate \(fmt(hr)) H/s is not a number in 0…10^40 H/s")
            } else if blocksOK, let b = blockCount, b >= 1, let d = difficulty, d.isFinite, d >= 1 - 1e-6, d <= Self.maxDifficulty {
                let implied = Consensus.networkHashrate(blocksPerDay: b, difficulty: d)
                if !(hr * Self.maxHashRateRatio >= implied && hr <= implied * Self.maxHashRateRatio) {
                    add(.hashRateHs, "hash rate \(fmt(hr)) H/s is more than 10× away from the \(fmt(implied)) H/s implied by \(fmt(b)) blocks "
                        + "at difficulty \(fmt(d)) (H = blocks·D·2^32/86400; wrong unit?)")
                }
            }
        }
        return out
    }

    /// The rule between this day and the day before it (`previous.date == date − 1`; other pairs have no rule):
    /// `height_end` must advance by this day's block count.
    public func plausibilityProblems(after previous: DailyObservation) -> [PlausibilityProblem] {
        guard previous.date == date - 1, let h = heightEnd, let p = previous.heightEnd, let b = blockCount, b.isFinite,
              Double(h - p) != b else { return [] }
        return [PlausibilityProblem(date: date, field: .heightEnd,
                                    reason: "height_end \(h) does not advance by the day's block count \(fmt(b)) from \(p) on \(previous.date.iso) "
                                        + "(expected \(p + Int(b)))")]
    }

    /// Shortest round-trip text of a value (integers without ".0").
    private func fmt(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }
}
