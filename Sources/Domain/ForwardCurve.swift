/// A calendar month (UTC), written `YYYY-MM`: the delivery month of a monthly hashprice forward (a Luxor NDF month,
/// a Bitnomial HUP contract month).
public struct YearMonth: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// nil unless `1 ≤ month ≤ 12` and `1 ≤ year ≤ 9999`.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1...9999).contains(year) else { return nil }
        self.year = year; self.month = month
    }

    /// The month containing `day`.
    public init(containing day: Day) {
        let c = day.civil
        year = c.year; month = c.month
    }

    /// Parses exactly `YYYY-MM`.
    public init?(iso: Substring) {
        let u = Array(iso.utf8)
        guard u.count == 7, u[4] == UInt8(ascii: "-") else { return nil }
        var y = 0, m = 0
        for i in 0..<4 { guard (48...57).contains(u[i]) else { return nil }; y = y * 10 + Int(u[i] - 48) }
        for i in 5..<7 { guard (48...57).contains(u[i]) else { return nil }; m = m * 10 + Int(u[i] - 48) }
        self.init(year: y, month: m)
    }

    public init?(iso: String) { self.init(iso: Substring(iso)) }

    public var firstDay: Day { Day(year: year, month: month, day: 1)! }
    public var lastDay: Day { Day(year: year, month: month, day: Day.daysIn(month: month, year: year))! }
    public var days: Int { Day.daysIn(month: month, year: year) }
    /// Months since year 0 (for differences).
    public var index: Int { year * 12 + month - 1 }
    /// `b − a` in months.
    public static func - (a: YearMonth, b: YearMonth) -> Int { a.index - b.index }
    public static func < (a: YearMonth, b: YearMonth) -> Bool { a.index < b.index }

    /// `YYYY-MM`.
    public var iso: String {
        let y = String(year), m = String(month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count == 1 ? "0" : "") + m
    }
    public var description: String { iso }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let m = YearMonth(iso: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM month: \(s)"))
        }
        self = m
    }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(iso) }
}

/// The unit of a curve's levels: USD (`hashprice_usd_ph_day`, a USD NDF or HUP curve) or BTC (`hashprice_btc_ph_day`,
/// a BTC-denominated "hashvalue" curve), per PH/s per day.
public enum CurveUnit: String, CaseIterable, Sendable, Codable {
    case usd, btc
    /// The CSV column of the unit's levels.
    public var column: String { self == .usd ? "hashprice_usd_ph_day" : "hashprice_btc_ph_day" }
    public var label: String { self == .usd ? "USD/PH/day" : "BTC/PH/day" }
}

/// One quoted level of a hashprice forward curve: on `quoteDate` the market's price of one PH/s for each day of `month`
/// (settled on the month's mean index, as a Luxor hashprice NDF or a Bitnomial HUP contract).
public struct CurvePoint: Equatable, Sendable {
    public var quoteDate: Day
    public var month: YearMonth
    public var unit: CurveUnit
    public var level: Double
    public init(quoteDate: Day, month: YearMonth, unit: CurveUnit, level: Double) {
        self.quoteDate = quoteDate; self.month = month; self.unit = unit; self.level = level
    }

    /// Highest plausible level: 10^6 USD/PH/day (the highest daily hashprice since NDFs exist, 2022–2026, is below
    /// 200 USD/PH/day; the bound only keeps products finite and refuses a curve quoted per EH/s), 10 BTC/PH/day.
    public static func maxLevel(_ u: CurveUnit) -> Double { u == .usd ? 1e6 : 10 }
    /// Furthest delivery month after the quote month (listed NDFs go out 12 months; bespoke ones further).
    public static let maxMonthsAhead = 120

    /// One broken rule; `column` is the CSV column (`quote_date`, `month`, or the level column).
    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public var column: String
        public var reason: String
        public init(column: String, reason: String) { self.column = column; self.reason = reason }
        public var description: String { "\(column): \(reason)" }
    }

    /// SPEC §2-style rules for one quoted level, the same for the parser, the store's writer and its reader:
    /// - the quote date in `[limits.earliest, limits.latest]` (the genesis day to tomorrow; no upper bound when reading);
    /// - the level positive, finite and at most `maxLevel`;
    /// - the month after the quote date's month (a forward delivers later; the current month is not a forward) and at
    ///   most `maxMonthsAhead` months after it.
    /// Duplicate months of one quote date are refused by the parser (a file) and impossible in the store (its key).
    public func plausibilityProblems(_ limits: DailyObservation.PlausibilityLimits) -> [Problem] {
        var p: [Problem] = []
        if quoteDate < limits.earliest {
            p.append(Problem(column: "quote_date", reason: "quote date \(quoteDate.iso) is before the genesis block (\(limits.earliest.iso))"))
        }
        if let l = limits.latest, quoteDate > l {
            p.append(Problem(column: "quote_date", reason: "quote date \(quoteDate.iso) is after tomorrow (\(l.iso) UTC)"))
        }
        if !level.isFinite || level <= 0 {
            p.append(Problem(column: unit.column, reason: "a forward level must be positive and finite, got \(level)"))
        } else if level > CurvePoint.maxLevel(unit) {
            p.append(Problem(column: unit.column, reason: "level \(level) \(unit.label) is above the plausible \(CurvePoint.maxLevel(unit)) (wrong unit?)"))
        }
        let q = YearMonth(containing: quoteDate)
        if month <= q {
            p.append(Problem(column: "month", reason: "month \(month.iso) is not after the quote date \(quoteDate.iso) (a forward delivers in a later month)"))
        } else if month - q > CurvePoint.maxMonthsAhead {
            p.append(Problem(column: "month", reason: "month \(month.iso) is more than \(CurvePoint.maxMonthsAhead) months after the quote date \(quoteDate.iso)"))
        }
        return p
    }
}

/// A hashprice forward curve as quoted on one day, in one unit: levels for consecutive or gapped delivery months,
/// ascending. A curve is what a Luxor hashprice NDF order book or the Bitnomial HUP futures quote on `quoteDate`.
public struct ForwardCurve: Equatable, Sendable, Codable {
    public var quoteDate: Day
    public var unit: CurveUnit
    public var months: [YearMonth]
    public var levels: [Double]

    /// - Precondition: `months` ascending without duplicates, one level each.
    public init(quoteDate: Day, unit: CurveUnit, months: [YearMonth], levels: [Double]) {
        precondition(months.count == levels.count && zip(months, months.dropFirst()).allSatisfy { $0 < $1 })
        self.quoteDate = quoteDate; self.unit = unit; self.months = months; self.levels = levels
    }

    /// The level of `month`, nil when the curve does not quote it.
    public func level(_ month: YearMonth) -> Double? {
        guard let i = months.firstIndex(of: month) else { return nil }
        return levels[i]
    }

    /// The level a deterministic path on the curve has on `day`: the level of the day's month when quoted; before the
    /// first month the first level (the stub from the quote date to the first delivery month), in an unquoted gap the
    /// last level quoted before it, after the last month the last level (held flat).
    public func levelHeld(on day: Day) -> Double {
        let m = YearMonth(containing: day)
        var i = 0
        while i + 1 < months.count && months[i + 1] <= m { i += 1 }
        return levels[i]
    }

    /// `2024-10-07: 6 months 2024-11…2025-04, 42.5…42.5 USD/PH/day`.
    public var summary: String {
        guard let f = months.first, let l = months.last else { return "\(quoteDate.iso): empty" }
        func n(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
        return "\(quoteDate.iso): \(months.count) month\(months.count == 1 ? "" : "s") \(f.iso)…\(l.iso), "
            + "\(n(levels.min()!))…\(n(levels.max()!)) \(unit.label)"
    }

    enum CodingKeys: String, CodingKey { case quoteDate = "quote_date", unit, months, levels }
}
