import Domain
import Foundation

/// How one run meets a hashprice forward curve: each quoted month on the simulated days, the token's days in it (the
/// settlement window of a monthly NDF sold against the token) and, optionally, the hedge. Built once per run from the
/// curve and the deal's schedule, recorded in `shard.json`, and read by the engine's curve accumulation
/// (`CurvePricer`), the forward-measure solve (`ForwardMeasure`) and the outputs.
///
/// Simulated day index `i` (0-based) is the date `asOf + i + 1`; token day `t` (1-based) is index `offset + t − 1`.
public struct CurvePlan: Codable, Equatable, Sendable {
    public struct Month: Codable, Equatable, Sendable {
        public var month: YearMonth
        /// The USD curve's level (USD/PH/day) and, when a BTC curve of the same quote date is stored, its level.
        public var level: Double
        public var btcLevel: Double?
        /// Simulated day indices of the month within the horizon (days before the as-of date are not simulated: a month
        /// that started before it is matched and hedged on its remaining days).
        public var first: Int, last: Int
        /// The token's days in the month (nil: the token earns nothing in it): the hedge's settlement window, a monthly
        /// NDF on the month's mean over these days (a bespoke contract when the token covers part of the month).
        public var tokenFirst: Int?, tokenLast: Int?
        /// `(1 + r)^{−t/365}` at the window's last token day `t` (the settlement day): the token's own discounting.
        public var settlementDiscount: Double
        /// Days of the hedge window.
        public var hedgeDays: Int { tokenFirst.map { tokenLast! - $0 + 1 } ?? 0 }
        /// The month's simulated days.
        public var days: Int { last - first + 1 }
        enum CodingKeys: String, CodingKey {
            case month, level, first, last
            case btcLevel = "btc_level", tokenFirst = "token_first", tokenLast = "token_last", settlementDiscount = "settlement_discount"
        }
    }

    public var curve: ForwardCurve
    public var btcCurve: ForwardCurve?
    public var asOf: Day
    public var months: [Month]
    public var hedge: HedgeSpec?

    /// The months of `curve` that have simulated days within `horizonDays` after `asOf`, with the token's windows of
    /// `schedule`. Throws when none does (a curve that ended before the as-of date, or starts after the horizon).
    public init(curve: ForwardCurve, btcCurve: ForwardCurve? = nil, schedule: DealSchedule, discountRate: Double, hedge: HedgeSpec? = nil) throws {
        self.curve = curve; self.btcCurve = btcCurve; asOf = schedule.asOf; self.hedge = nil
        let h = schedule.horizonDays
        let t0 = schedule.offset, t1 = schedule.offset + schedule.tokenDays - 1
        var ms: [Month] = []
        for (k, m) in curve.months.enumerated() {
            let first = max(0, m.firstDay - schedule.asOf - 1), last = min(h - 1, m.lastDay - schedule.asOf - 1)
            guard first <= last else { continue }
            let a = max(first, t0), b = min(last, t1)
            let covered = a <= b && schedule.tokenDays > 0
            let t = covered ? b - schedule.offset + 1 : 0
            ms.append(Month(month: m, level: curve.levels[k], btcLevel: btcCurve?.level(m), first: first, last: last,
                            tokenFirst: covered ? a : nil, tokenLast: covered ? b : nil,
                            settlementDiscount: Foundation.pow(1 + discountRate, -Double(t) / 365)))
        }
        guard !ms.isEmpty else {
            throw SimulateError.forwardCurve("the curve quoted on \(curve.quoteDate.iso) (\(curve.months.first!.iso)…\(curve.months.last!.iso)) "
                                             + "has no month within the simulated days \((schedule.asOf + 1).iso)…\((schedule.asOf + h).iso)")
        }
        months = ms
        if let hedge { try setHedge(hedge) }
    }

    /// Sets the hedge (its notional has one entry per month; months without token days must be 0).
    public mutating func setHedge(_ h: HedgeSpec) throws {
        guard h.notional.count == months.count else { throw SimulateError.invalidSettings("hedge notional has \(h.notional.count) months, the plan \(months.count)") }
        guard h.notional.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw SimulateError.invalidSettings("hedge notional must be finite and ≥ 0 PH/s") }
        if h.settlement == .btc, let m = months.first(where: { $0.hedgeDays > 0 && $0.btcLevel == nil }) {
            throw SimulateError.forwardCurve("BTC-settled NDFs need a BTC curve (hashprice_btc_ph_day) quoted on \(curve.quoteDate.iso) for \(m.month.iso)")
        }
        hedge = h
    }

    /// `curve 2024-10-07 usd 2024-11…2025-04; hedge own usd, initial margin 0.35` (the run identity's `curve`).
    public var statement: String {
        var t = "curve \(curve.quoteDate.iso) \(curve.unit.rawValue) \(months.first!.month.iso)…\(months.last!.month.iso)"
        if btcCurve != nil { t += " (+ btc)" }
        if let h = hedge { t += "; hedge \(h.label) \(h.settlement.rawValue), initial margin \(h.initialMargin), notional \(h.notional)" }
        return t
    }

    /// The months a hedge settles (the token earns in them).
    public var hedgedMonths: [Int] { months.indices.filter { months[$0].hedgeDays > 0 } }

    // MARK: per-path record (what `CurvePricer` writes for every path)

    /// Per month: mean USD hashprice over its simulated days; over its hedge window the mean USD and BTC hashprice and
    /// the BTC/USD price on its settlement day (NaN without a window). With a hedge: the hedged position's IRR, its peak
    /// margin (USD per token), the simulated day of the peak (0 = inception) and the largest one-day margin increase.
    public static let perMonth = 4
    public static let hedgeFields = 4
    public var recordWidth: Int { CurvePlan.perMonth * months.count + (hedge == nil ? 0 : CurvePlan.hedgeFields) }
    public enum Field: Int { case meanUSD = 0, hedgeMeanUSD, hedgeMeanBTC, settlementPrice }
    public enum HedgeField: Int { case irr = 0, peakMargin, peakMarginDay, maxDailyCall }
    @inline(__always) public static func index(month k: Int, _ f: Field) -> Int { k * perMonth + f.rawValue }
    @inline(__always) public func index(_ f: HedgeField) -> Int { CurvePlan.perMonth * months.count + f.rawValue }

    // MARK: settlement (the one formula of the hedge's cash flows)

    /// Cash a seller of 1 PH/s of month `k`'s NDF receives at settlement, USD, from a path's record `r`:
    ///
    ///     USD-settled:  n_k · (F_k − mean_k hashprice_USD)
    ///     BTC-settled:  n_k · (F^BTC_k − mean_k hashprice_BTC) · S(settlement day)
    ///
    /// over the `n_k` days of the month's hedge window (0 without a window).
    @inline(__always)
    public func settlementPerUnit(month k: Int, record r: UnsafePointer<Double>, settlement: HedgeSpec.Settlement) -> Double {
        let m = months[k]
        guard m.hedgeDays > 0 else { return 0 }
        let n = Double(m.hedgeDays)
        switch settlement {
        case .usd: return n * (m.level - r[CurvePlan.index(month: k, .hedgeMeanUSD)])
        case .btc: return n * ((m.btcLevel ?? 0) - r[CurvePlan.index(month: k, .hedgeMeanBTC)]) * r[CurvePlan.index(month: k, .settlementPrice)]
        }
    }

    /// PV per token of selling `notional[k]` PH/s in every month (discounted like the token): `Σ_k N_k·settlement_k·D_k`.
    public func hedgePV(record r: UnsafePointer<Double>, notional: [Double], settlement: HedgeSpec.Settlement) -> Double {
        var pv = 0.0
        for k in months.indices where notional[k] != 0 { pv += notional[k] * settlementPerUnit(month: k, record: r, settlement: settlement) * months[k].settlementDiscount }
        return pv
    }

    /// Notional of the hedge at its contract levels, USD: `Σ_k N_k·F_k·n_k` (BTC-settled: in BTC, `Σ N_k·F^BTC_k·n_k`).
    public func notionalAtInception(_ notional: [Double], settlement: HedgeSpec.Settlement) -> Double {
        var s = 0.0
        for (k, m) in months.enumerated() { s += notional[k] * (settlement == .usd ? m.level : (m.btcLevel ?? 0)) * Double(m.hedgeDays) }
        return s
    }

    /// The token's own earning hash rate in each month, PH/s per token: the mean over the month's hedge window of
    /// `h·uptime·(1 − pool fee)(1 − management fee)·(1 − degradation)^{t/365}/1000` (TH/s → PH/s), the factor by which
    /// `TokenPricer` turns hashprice into gross BTC. Selling this much hedges the gross revenue of each month.
    public func ownHashrate(deal: Deal, offset: Int) -> [Double] {
        let o = deal.operations
        let factor = deal.token.hashrateTH * o.uptime / 1000 * (1 - o.poolFee) * (1 - o.managementFee)
        return months.map { m in
            guard let a = m.tokenFirst, let b = m.tokenLast else { return 0 }
            var s = 0.0
            for i in a...b { s += Foundation.pow(1 - deal.miner.degradationPerYear, Double(i - offset + 1) / 365) }
            return factor * s / Double(b - a + 1)
        }
    }

    /// The curve's level on simulated day index `i` (`ForwardCurve.levelHeld`), USD or BTC.
    public func levelHeld(day i: Int, unit: CurveUnit) -> Double {
        (unit == .btc ? btcCurve ?? curve : curve).levelHeld(on: asOf + i + 1)
    }
}

/// Monthly hashprice NDFs sold against the token (SPEC §13): `notional[k]` PH/s per token in plan month `k`, USD- or
/// BTC-settled, with an initial margin as a share of notional (Luxor's terms: 35 % for USD, 18 % for BTC contracts).
public struct HedgeSpec: Codable, Equatable, Sendable {
    public enum Settlement: String, Codable, CaseIterable, Sendable { case usd, btc }
    public var notional: [Double]
    public var settlement: Settlement
    public var initialMargin: Double
    /// How the size was chosen, e.g. `0.05 PH/s`, `own`, `var`, `cvar`.
    public var label: String

    public static func defaultInitialMargin(_ s: Settlement) -> Double { s == .usd ? 0.35 : 0.18 }

    public init(notional: [Double], settlement: Settlement, initialMargin: Double? = nil, label: String) {
        self.notional = notional; self.settlement = settlement
        self.initialMargin = initialMargin ?? HedgeSpec.defaultInitialMargin(settlement); self.label = label
    }
    enum CodingKeys: String, CodingKey { case notional, settlement, label, initialMargin = "initial_margin" }
}

/// How large a hedge the run sells (`simulate --hedge N|own|var|cvar`).
public enum HedgeSize: Equatable, Sendable, CustomStringConvertible {
    /// N PH/s per token in every month the token earns.
    case phs(Double)
    /// The token's own earning hash rate in each month (`CurvePlan.ownHashrate`).
    case own
    /// The constant N that minimises the variance of the hedged PV (closed form −Cov/Var on the run's paths).
    case varianceMinimizing
    /// The constant N that maximises the mean of the worst 5 % of hedged PVs (minimises CVaR95 of the loss).
    case cvarMinimizing

    /// Parses `N` (PH/s, ≥ 0), `own`, `var` or `cvar`.
    public init?(_ s: String) {
        switch s {
        case "own": self = .own
        case "var": self = .varianceMinimizing
        case "cvar": self = .cvarMinimizing
        default:
            guard let v = Double(s), v.isFinite, v >= 0, v <= 1e9 else { return nil }
            self = .phs(v)
        }
    }
    public var description: String {
        switch self {
        case .phs(let v): return "\(v) PH/s"
        case .own: return "own"
        case .varianceMinimizing: return "var"
        case .cvarMinimizing: return "cvar"
        }
    }
    /// Needs the run's paths to be chosen (a first pass).
    public var isOptimized: Bool { self == .varianceMinimizing || self == .cvarMinimizing }
}
