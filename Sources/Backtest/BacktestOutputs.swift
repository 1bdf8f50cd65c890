import Domain
import FileIO
import Foundation

/// The backtest's tables (docs/outputs.md): `backtest.csv`, `scores.csv` (the one CSV writer: numbers in full precision,
/// empty when missing or non-finite; flags as 1/0) and the printed table.
public enum BacktestOutputs {
    public static let backtestColumns = ["origin", "model", "horizon", "target_date", "realized", "p05", "p25", "p50", "p75", "p95", "pit",
                                         "in50", "in90", "pinball", "naive_pinball", "realized_payout", "payout_p05", "payout_p50",
                                         "payout_p95", "payout_pit", "payout_in50", "payout_in90"]

    static func flag(_ b: Bool?) -> CSVText.Cell { b.map { .integer($0 ? 1 : 0) } ?? .empty }

    /// One row per origin × model × horizon, origins ascending, models in run order, horizons ascending.
    public static func backtestCSV(_ records: [ForecastRecord], models: [String]) -> String {
        let rank = Dictionary(uniqueKeysWithValues: models.enumerated().map { ($1, $0) })
        let sorted = records.sorted { a, b in (a.origin, rank[a.model] ?? 0, a.horizon) < (b.origin, rank[b.model] ?? 0, b.horizon) }
        var t = CSVText(header: backtestColumns)
        for r in sorted {
            let p = r.payout
            t.append([.text(r.origin.iso), .text(r.model), .integer(r.horizon), .text(r.target.iso), .number(r.realized)]
                     + r.quantiles.values.map { .number($0) }
                     + [.number(r.pit), flag(r.in50), flag(r.in90), .number(r.pinball), .number(r.naivePinball), .number(p?.realized),
                        .number(p?.quantiles.p05), .number(p?.quantiles.p50), .number(p?.quantiles.p95), .number(p?.pit), flag(p?.in50), flag(p?.in90)])
        }
        return t.text
    }

    public static let scoresColumns = ["model", "horizon", "n", "n_eff", "cov50", "cov90", "below_p05", "above_p95"]
        + (0..<HorizonScore.pitBins).map { "pit_\($0)" }
        + ["chi2", "chi2_p", "chi2_p_adj", "pinball", "naive_n", "pinball_on_naive", "naive_pinball", "skill", "payout_n", "payout_cov50", "payout_cov90"]

    /// One row per model × horizon.
    public static func scoresCSV(_ scores: [HorizonScore]) -> String {
        var t = CSVText(header: scoresColumns)
        for s in scores {
            t.append([.text(s.model), .integer(s.horizon), .integer(s.n), .number(s.effectiveN), .number(s.coverage50), .number(s.coverage90),
                      .integer(s.belowP05), .integer(s.aboveP95)] + s.pitHistogram.map { .integer($0) }
                     + [.number(s.chiSquare), .number(s.chiSquareP), .number(s.chiSquarePAdjusted), .number(s.pinball), .integer(s.naiveN),
                        .number(s.pinballOnNaive), .number(s.naivePinball), .number(s.skill), .integer(s.payoutN), .number(s.payoutCoverage50),
                        .number(s.payoutCoverage90)])
        }
        return t.text
    }

    /// The printed table: model, horizon, n, coverage of the 50 % and 90 % bands, skill, PIT uniformity p-value; `header`
    /// is its first line (what was run).
    public static func table(header: String, scores: [HorizonScore]) -> String {
        var lines = [header, "model       horizon     n   cov50   cov90   skill   pit_p   payout_cov90"]
        func f(_ x: Double?, _ w: Int, signed: Bool = false) -> String {
            let t = x.map { String(format: signed ? "%+.2f" : "%.2f", $0) } ?? "–"
            return String(repeating: " ", count: max(0, w - t.count)) + t
        }
        for r in scores {
            lines.append(r.model.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "%7d d %5d", r.horizon, r.n)
                         + f(r.coverage50, 8) + f(r.coverage90, 8) + f(r.skill, 8, signed: true) + f(r.chiSquarePAdjusted, 8) + f(r.payoutCoverage90, 15))
        }
        return lines.joined(separator: "\n")
    }
}
