import Domain
import FileIO
import Foundation
import Results
import Statistics

/// One row of `stress.csv` / `stress.json` (docs/outputs.md): a projection of the scenario's `RunSummary` (the same
/// statistics as `summary.json`). Structure columns are nil when the deal lacks them.
public struct StressRow: Equatable, Sendable {
    public var scenario: String, kind: String, description: String
    /// False when the scenario cannot change this deal's value (`StressApplicability`): the row then repeats the base
    /// values and `note` says why.
    public var applies: Bool, note: String
    public var pvMean: Double, pvP05: Double, pvP50: Double, pvP95: Double
    /// NaN when no path has a finite IRR (written as an empty cell / JSON null).
    /// `probLoss`: P(undiscounted payouts < issue price); `probPVBelowPrice`: P(PV < issue price) (as in summary.json).
    public var btcTotalMean: Double, irrP50: Double, probLoss: Double, probPVBelowPrice: Double, probPayback: Double
    public var daysCurtailedMean: Double, probTerminated: Double
    /// Simulated days, and whether they cut the deal's term (the same for every row of a run).
    public var horizonDays: Int, truncated: Bool
    /// The deal's remaining term (not a column: the text table's truncation note).
    public var termDays: Int
    public var seniorExpectedLoss: Double?, seniorProbShortfall: Double?, seniorProbLoss: Double?, equityIRRP50: Double?
    public var probLiquidation: Double?, probBadDebt: Double?

    public static let baseColumns = ["scenario", "kind", "description", "applies", "note", "pv_usd_mean", "pv_usd_p05", "pv_usd_p50", "pv_usd_p95",
                                     "btc_total_mean", "irr_p50", "prob_loss", "prob_pv_below_price", "prob_payback", "days_curtailed_mean", "prob_terminated", "horizon_days", "truncated"]
    public static let structureColumns = ["senior_expected_loss", "senior_prob_shortfall", "senior_prob_loss", "equity_irr_p50"]
    public static let leverageColumns = ["prob_liquidation", "prob_bad_debt"]

    /// The row of a scenario from its summary. `structure`: the deal's waterfall (which tranches are equity); the
    /// senior columns are those of its first non-equity tranche.
    public init(scenario: String, kind: String, description: String, summary s: RunSummary, structure: StructureSpec?,
                notApplicable note: String? = nil) {
        self.scenario = scenario; self.kind = kind; self.description = description
        applies = note == nil; self.note = note ?? ""
        pvMean = s.pvMean; pvP05 = s.pvQuantiles["p05"] ?? .nan; pvP50 = s.pvQuantiles["p50"] ?? .nan; pvP95 = s.pvQuantiles["p95"] ?? .nan
        btcTotalMean = s.btcMean; irrP50 = s.irrQuantiles["p50"] ?? .nan
        probLoss = s.probLoss; probPVBelowPrice = s.probPVBelowPrice; probPayback = s.probPayback; daysCurtailedMean = s.daysCurtailedMean; probTerminated = s.probTerminated
        horizonDays = s.run.horizonDays; truncated = s.run.truncated; termDays = s.run.termDays
        if let spec = structure, let t = s.tranches {
            if let sen = t.first(where: { row in spec.tranches.contains { $0.name == row.tranche && !$0.isEquity } }) {
                seniorExpectedLoss = sen.expectedLoss; seniorProbShortfall = sen.probShortfall; seniorProbLoss = sen.probLoss
            }
            if let eq = spec.tranches.firstIndex(where: \.isEquity), eq < t.count { equityIRRP50 = t[eq].irr("p50") }
        }
        if let l = s.leverage { probLiquidation = l.probLiquidation; probBadDebt = l.probBadDebt }
    }

    /// A cell of the table after the three text columns (the CSV writer's cells).
    public typealias Cell = CSVText.Cell

    /// Cells in column order after `scenario,kind,description` (structure columns only when `structure`/`leverage`).
    public func cells(structure: Bool, leverage: Bool) -> [Cell] {
        var v: [Cell] = [.flag(applies), .text(note)]
        v += [pvMean, pvP05, pvP50, pvP95, btcTotalMean, irrP50, probLoss, probPVBelowPrice, probPayback, daysCurtailedMean,
                         probTerminated].map { .number($0) }
        v += [.integer(horizonDays), .flag(truncated)]
        if structure { v += [seniorExpectedLoss, seniorProbShortfall, seniorProbLoss, equityIRRP50].map { .number($0) } }
        if leverage { v += [probLiquidation, probBadDebt].map { .number($0) } }
        return v
    }
}

/// `stress.csv`, `stress.json` and the terminal table of a stress run (the first row is `base`).
public struct StressTable: Sendable {
    public var rows: [StressRow]
    /// Whether the deal has a waterfall / staking leverage (their columns are present).
    public var structure: Bool, leverage: Bool

    public init(rows: [StressRow], structure: Bool, leverage: Bool) { self.rows = rows; self.structure = structure; self.leverage = leverage }

    public var columns: [String] {
        StressRow.baseColumns + (structure ? StressRow.structureColumns : []) + (leverage ? StressRow.leverageColumns : [])
    }

    /// `stress.csv` (the one CSV writer: numbers in full precision, an empty cell for a missing or non-finite value,
    /// scenario names and descriptions spreadsheet-safe).
    public var csv: String {
        var t = CSVText(header: columns)
        for r in rows { t.append([.text(r.scenario), .text(r.kind), .text(r.description)] + r.cells(structure: structure, leverage: leverage)) }
        return t.text
    }

    /// One object per row, keyed by the CSV's columns (null for a missing or non-finite value).
    struct JSONRow: Encodable {
        let row: StressRow, columns: [String], structure: Bool, leverage: Bool
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: NameKey.self)
            try c.encode(row.scenario, forKey: "scenario"); try c.encode(row.kind, forKey: "kind")
            try c.encode(row.description, forKey: "description")
            for (k, v) in zip(columns.dropFirst(3), row.cells(structure: structure, leverage: leverage)) {
                switch v {
                case .number(let x): try c.encodeFinite(x, forKey: NameKey(k))
                case .integer(let i): try c.encode(i, forKey: NameKey(k))
                case .flag(let b): try c.encode(b, forKey: NameKey(k))
                case .text(let s): try c.encode(s, forKey: NameKey(k))
                case .empty: try c.encodeNil(forKey: NameKey(k))
                }
            }
        }
    }

    /// `stress.json`: the rows as an array, pretty-printed with sorted keys and a final newline.
    public var json: String {
        let cols = columns
        // Every number is finite or null, so encoding cannot fail.
        return try! JSONText.encode(rows.map { JSONRow(row: $0, columns: cols, structure: structure, leverage: leverage) })
    }

    /// The terminal table (probabilities and IRRs in %).
    public var text: String {
        var head = ["scenario", "PV mean", "PV p05", "PV p50", "IRR p50", "P(loss)", "P(PV<price)", "P(payback)"]
        if structure { head += ["senior EL", "senior P(sf)", "senior P(loss)", "equity IRR p50"] }
        if leverage { head += ["P(liq)", "P(bad debt)"] }
        func f(_ x: Double?, _ pct: Bool = false) -> String {
            guard let x, x.isFinite else { return "—" }
            // A value that rounds to zero prints unsigned (never "-0.0%" or "-0.0000").
            return pct ? String(format: "%.1f%%", abs(100 * x) < 0.05 ? 0 : 100 * x) : String(format: "%.4f", abs(x) < 0.00005 ? 0 : x)
        }
        var lines: [[String]] = [head]
        for r in rows {
            var l = [r.applies ? r.scenario : r.scenario + " (n/a)", f(r.pvMean), f(r.pvP05), f(r.pvP50), f(r.irrP50, true), f(r.probLoss, true), f(r.probPVBelowPrice, true),
                     f(r.probPayback, true)]
            if structure { l += [f(r.seniorExpectedLoss, true), f(r.seniorProbShortfall, true), f(r.seniorProbLoss, true), f(r.equityIRRP50, true)] }
            if leverage { l += [f(r.probLiquidation, true), f(r.probBadDebt, true)] }
            lines.append(l)
        }
        let widths = (0..<head.count).map { c in lines.map { $0[c].count }.max() ?? 0 }
        let skipped = rows.filter { !$0.applies }.map { "\n  \($0.scenario): \($0.note)" }.joined()
        let notes = (skipped.isEmpty ? "" : "\nnot applicable to this deal (base values repeated):" + skipped)
        let note = notes + (rows.first.flatMap { r in
            r.truncated ? "\nTRUNCATED: \(r.horizonDays) simulated days do not cover the deal's \(r.termDays)-day term (values cover the simulated days only)" : nil
        } ?? "")
        return lines.map { l in
            l.enumerated().map { c, s in c == 0 ? s.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[c] - s.count) + s }.joined(separator: "  ")
        }.joined(separator: "\n") + note
    }
}
