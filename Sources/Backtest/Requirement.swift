import Foundation

/// `--require`: checks on the scores that turn a backtest into an exit code (80 when one fails).
///
/// Syntax: a comma-separated list of checks
///
///     check   := metric [":" model] ["@" horizons] bound
///     horizons:= H | H1 "-" H2                          (days; a range is inclusive, over the run's horizons)
///     bound   := "=" LO ".." HI | ">=" X | "<=" X
///     metric  := cov50 | cov90 | skill | pit_p | payout_cov50 | payout_cov90
///
/// e.g. `cov90@30-365=0.85..0.95,cov50@30-365=0.40..0.60,skill:merton@30-365>=0`. Without `:model` a check applies
/// to every model of the run, without `@` to every horizon. `pit_p` is the dependence-adjusted χ² p-value of the PIT
/// histogram (`chi2_p_adj`). `default` stands for `Requirement.defaultSpecification` (SPEC §12 / issue 11 acceptance:
/// 90 % bands cover 0.85–0.95, 50 % bands 0.40–0.60 and skill ≥ 0 at every horizon from 30 to 365 days).
///
/// A check fails when its metric is outside the bound for any (model, horizon) in scope, when that metric is not
/// available there (e.g. no origin scored at that horizon), or when its scope matches no (model, horizon) at all.
public struct Requirement: Equatable, Sendable, CustomStringConvertible {
    public enum Metric: String, CaseIterable, Sendable { case cov50, cov90, skill, pit_p, payout_cov50, payout_cov90 }
    public enum Bound: Equatable, Sendable {
        case between(Double, Double), atLeast(Double), atMost(Double)
        func holds(_ x: Double) -> Bool {
            switch self {
            case let .between(a, b): return x >= a && x <= b
            case let .atLeast(a): return x >= a
            case let .atMost(b): return x <= b
            }
        }
        var text: String {
            switch self {
            case let .between(a, b): return "in \(fmt(a))..\(fmt(b))"
            case let .atLeast(a): return "≥ \(fmt(a))"
            case let .atMost(b): return "≤ \(fmt(b))"
            }
        }
    }

    public static let defaultSpecification = "cov90@30-365=0.85..0.95,cov50@30-365=0.40..0.60,skill@30-365>=0"

    public var metric: Metric
    public var model: String?
    public var horizons: ClosedRange<Int>?
    public var bound: Bound
    public var text: String
    public var description: String { text }

    /// Parses a specification (or `default`).
    public static func parse(_ spec: String) throws -> [Requirement] {
        let s = spec.trimmingCharacters(in: .whitespaces)
        if s == "default" { return try parse(defaultSpecification) }
        let parts = s.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !s.isEmpty else { throw BacktestError.invalidSpecification("--require: empty specification (use `default` or e.g. \(defaultSpecification))") }
        return try parts.map(parseOne)
    }

    static func parseOne(_ c: String) throws -> Requirement {
        func bad(_ why: String) -> BacktestError {
            .invalidSpecification("--require: \"\(c)\": \(why) (syntax: metric[:model][@H|@H1-H2] followed by =LO..HI, >=X or <=X; metrics \(Metric.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard !c.isEmpty else { throw bad("empty check") }
        let opRange = c.range(of: ">=") ?? c.range(of: "<=") ?? c.range(of: "=")
        guard let op = opRange else { throw bad("no bound") }
        let lhs = String(c[..<op.lowerBound]), rhs = String(c[op.upperBound...]), opText = String(c[op])
        func number(_ t: String) throws -> Double {
            guard let x = Double(t.trimmingCharacters(in: .whitespaces)), x.isFinite else { throw bad("\"\(t)\" is not a number") }
            return x
        }
        let bound: Bound
        switch opText {
        case ">=": bound = .atLeast(try number(rhs))
        case "<=": bound = .atMost(try number(rhs))
        default:
            let ends = rhs.components(separatedBy: "..")
            guard ends.count == 2 else { throw bad("`=` needs a range LO..HI") }
            let a = try number(ends[0]), b = try number(ends[1])
            guard a <= b else { throw bad("range \(ends[0])..\(ends[1]) is empty") }
            bound = .between(a, b)
        }
        var name = lhs, horizons: ClosedRange<Int>? = nil, model: String? = nil
        if let at = name.firstIndex(of: "@") {
            let h = String(name[name.index(after: at)...])
            name = String(name[..<at])
            let ends = h.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(ends.count), let lo = Int(ends[0]), let hi = Int(ends.last!), lo >= 1, lo <= hi else {
                throw bad("horizons \"\(h)\" must be H or H1-H2 with 1 ≤ H1 ≤ H2")
            }
            horizons = lo...hi
        }
        if let colon = name.firstIndex(of: ":") {
            model = String(name[name.index(after: colon)...])
            name = String(name[..<colon])
            guard !(model!.isEmpty) else { throw bad("empty model name") }
        }
        guard let m = Metric(rawValue: name) else { throw bad("unknown metric \"\(name)\"") }
        return Requirement(metric: m, model: model, horizons: horizons, bound: bound, text: c)
    }

    public func value(_ s: HorizonScore) -> Double? {
        switch metric {
        case .cov50: return s.coverage50
        case .cov90: return s.coverage90
        case .skill: return s.skill
        case .pit_p: return s.chiSquarePAdjusted
        case .payout_cov50: return s.payoutCoverage50
        case .payout_cov90: return s.payoutCoverage90
        }
    }

    /// One line per (check, model, horizon) in scope: whether it holds and why.
    public struct Outcome: Equatable, Sendable {
        public var passed: Bool
        public var line: String
    }

    public func evaluate(_ scores: [HorizonScore]) -> [Outcome] {
        let scope = scores.filter { s in (model == nil || s.model == model) && (horizons?.contains(s.horizon) ?? true) }
        guard !scope.isEmpty else { return [Outcome(passed: false, line: "\(text): no (model, horizon) of this run is in scope")] }
        return scope.map { s in
            guard let v = value(s) else {
                return Outcome(passed: false, line: "\(metric.rawValue) \(s.model) \(s.horizon) d: not available (n = \(s.n)) — \(text)")
            }
            let ok = bound.holds(v)
            return Outcome(passed: ok, line: "\(metric.rawValue) \(s.model) \(s.horizon) d = \(fmt(v)) \(ok ? "" : "not ")\(bound.text) — \(text)")
        }
    }

    /// Every outcome of every check, and the failed lines.
    public static func evaluate(_ checks: [Requirement], _ scores: [HorizonScore]) -> (outcomes: [Outcome], failures: [String]) {
        let o = checks.flatMap { $0.evaluate(scores) }
        return (o, o.filter { !$0.passed }.map(\.line))
    }
}

private func fmt(_ x: Double) -> String {
    let s = String(format: "%.3f", x)
    return s == "-0.000" ? "0.000" : s
}
