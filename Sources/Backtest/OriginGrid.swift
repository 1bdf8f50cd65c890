import Domain
import Foundation
import Diagnostics

/// Errors of the backtest's own inputs (origin grid, horizons, `--require`).
public enum BacktestError: Error, CustomStringConvertible, Equatable {
    /// A grid, horizon or requirement specification that cannot be parsed or is impossible (exit 64).
    case invalidSpecification(String)
    /// `--require`: the scores failed these checks (exit 80). The outputs are written before this is thrown.
    case requirementsFailed([String])

    public var description: String {
        switch self {
        case .invalidSpecification(let m): return m
        case .requirementsFailed(let f): return "\(f.count) backtest requirement check\(f.count == 1 ? "" : "s") failed (listed above; outputs written)"
        }
    }
}

/// Forecast origins: calendar grid points in `[from, to]`, each shifted by `offsetDays`.
///
/// - `month`: the 1st of every month; `quarter`: 1 January, 1 April, 1 July, 1 October;
/// - `Nd` (e.g. `45d`): `from`, `from + N`, `from + 2N`, … ≤ `to`.
///
/// With `offsetDays = K` every origin moves K days later (`quarter` + 45 gives mid-quarter origins such as 15 February),
/// so grids that are not calendar starts can be tested against the same span.
public enum OriginGrid {
    public enum Every: Equatable, Sendable, CustomStringConvertible {
        case month, quarter, days(Int)

        /// Parses `month`, `quarter` or `<N>d` (N ≥ 1).
        public init(parsing s: String) throws {
            switch s {
            case "month": self = .month
            case "quarter": self = .quarter
            default:
                guard s.hasSuffix("d"), let n = Int(s.dropLast()), n >= 1 else {
                    throw BacktestError.invalidSpecification("--every must be month, quarter or <N>d (e.g. 30d), got \"\(s)\"")
                }
                self = .days(n)
            }
        }

        public var description: String {
            switch self { case .month: return "month"; case .quarter: return "quarter"; case .days(let n): return "\(n)d" }
        }
    }

    public static func origins(from: Day, to: Day, every: Every, offsetDays: Int = 0) throws -> [Day] {
        guard from <= to else { throw BacktestError.invalidSpecification("--from \(from) is after --to \(to)") }
        guard offsetDays >= 0 else { throw BacktestError.invalidSpecification("--offset-days must be ≥ 0, got \(offsetDays)") }
        var grid: [Day] = []
        switch every {
        case .days(let n):
            var d = from
            while d <= to { grid.append(d); d = d + n }
        case .month, .quarter:
            let step = every == .month ? 1 : 3
            var (y, m, _) = from.civil
            // First grid month at or after `from`.
            m = ((m - 1) / step) * step + 1
            while true {
                let d = Day(year: y, month: m, day: 1)!
                if d > to { break }
                if d >= from { grid.append(d) }
                m += step
                if m > 12 { m -= 12; y += 1 }
            }
        }
        return grid.map { $0 + offsetDays }
    }
}

/// Parses `--horizons 30,90,180` (positive, distinct, sorted on output).
public func parseHorizons(_ s: String) throws -> [Int] {
    let parts = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    var out: [Int] = []
    for p in parts {
        guard let h = Int(p), h >= 1, h <= 36_500 else { throw BacktestError.invalidSpecification("--horizons: \"\(p)\" is not a number of days in 1…36500") }
        out.append(h)
    }
    guard !out.isEmpty else { throw BacktestError.invalidSpecification("--horizons needs at least one horizon") }
    guard Set(out).count == out.count else { throw BacktestError.invalidSpecification("--horizons lists a horizon twice: \(s)") }
    return out.sorted()
}

extension BacktestError: CategorizedError {
    public var category: ErrorCategory {
        switch self {
        case .invalidSpecification: return .usage
        case .requirementsFailed: return .requirementsFailed
        }
    }
}
