import FileIO
import Foundation
import Results
import Statistics

/// `sensitivities.csv` and the terminal table of `simulate --sensitivities` (projections of the `SensitivityRow`s).
public enum SensitivityTable {
    /// `sensitivities.csv` (columns `SensitivityRow.csvHeader`, docs/outputs.md), through the one CSV writer (`CSVText`:
    /// its numbers keep their full-precision text, a label or note that would be a spreadsheet formula gets its `'`).
    public static func csv(_ rows: [SensitivityRow]) -> String {
        var t = CSVText(header: SensitivityRow.csvHeader)
        for r in rows { t.append(texts: r.csvCells) }
        return t.text
    }

    /// The terminal table: per input, the central (or one-sided) change of PV/token, P(loss) and the IRR median, each
    /// with its standard error, and the up/down PV changes.
    public static func text(_ rows: [SensitivityRow]) -> String {
        func f(_ x: Double?, _ fmt: String) -> String { x.flatMap { $0.isFinite ? String(format: fmt, $0) : nil } ?? "n/a" }
        var lines = ["Sensitivities (common random numbers; ± = standard error of the paired difference):",
                     "  input              bump            method    dPV/token            PV up / down             dP(loss)            dIRR median"]
        for r in rows {
            let name = r.input.padding(toLength: 18, withPad: " ", startingAt: 0)
            let bump = r.bump.padding(toLength: 15, withPad: " ", startingAt: 0)
            let method = r.method.padding(toLength: 9, withPad: " ", startingAt: 0)
            let dpv = "\(f(r.dpv, "%+.4g")) ± \(f(r.dpvStderr, "%.2g"))".padding(toLength: 20, withPad: " ", startingAt: 0)
            let ud = "\(f(r.dpvUp, "%+.4g")) / \(r.dpvDown.map { f($0, "%+.4g") } ?? "—")".padding(toLength: 24, withPad: " ", startingAt: 0)
            let dl = "\(f(r.dprobLoss * 100, "%+.2f")) pp ± \(f(r.dprobLossStderr * 100, "%.2f"))".padding(toLength: 19, withPad: " ", startingAt: 0)
            let di = r.dirrMedian.map { "\(f($0 * 100, "%+.2f")) pp ± \(f(r.dirrMedianStderr.map { $0 * 100 }, "%.2f"))" } ?? "n/a"
            lines.append("  \(name) \(bump) \(method) \(dpv) \(ud) \(dl) \(di)" + (r.applies ? "" : "  (n/a: \(r.note))"))
        }
        return lines.joined(separator: "\n")
    }
}
