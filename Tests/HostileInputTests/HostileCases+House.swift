import Foundation

/// The house branch's cases (issue 12 item 16): exit codes that disagreed with the README, and spreadsheet formulas in
/// CSV cells.
extension HostileCases {
    static let house: [C] = [
        C(name: "cli: benchmark --from after --to (was exit 78)",
          args: ["benchmark", "--db", "$DB", "--from", "2026-01-01", "--to", "2025-01-01", "--out", "$DIR/out.csv"], exit: 64,
          says: ["--from 2026-01-01 is after --to 2025-01-01"], check: wroteNothing),
        C(name: "cli: bench-hash --seconds 0 (was exit 78)", args: ["bench-hash", "--seconds", "0"], seed: .none, exit: 64, says: ["--seconds"]),
        C(name: "cli: bench-hash --seconds nan", args: ["bench-hash", "--seconds", "nan"], seed: .none, exit: 64, says: ["--seconds"]),
        stressRun("csv: a scenario named like a spreadsheet formula is neutralised in stress.csv", [], exit: 0)
            .with(inputs: [("scen.yaml", .text("scenarios:\n  - {name: \"=HYPERLINK(1)\", kind: price_crash, pct: 50, day: 10}\n  - {name: \"@SUM(2)\", kind: price_crash, pct: 20, day: 5}\n"))])
            .checking { d in
                let csv = try String(contentsOf: d.appendingPathComponent("out/stress.csv"), encoding: .utf8)
                var problems: [String] = []
                if !csv.contains("\n'=HYPERLINK(1),") { problems.append("=HYPERLINK(1) not written as '=HYPERLINK(1)") }
                if !csv.contains("\n'@SUM(2),") { problems.append("@SUM(2) not written as '@SUM(2)") }
                for line in csv.split(separator: "\n") {
                    for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                        if let f = cell.first, "=+@".contains(f) { problems.append("formula-leading cell \(cell)") }
                        if cell.first == "-", Double(cell) == nil { problems.append("formula-leading cell \(cell)") }
                    }
                }
                return problems
            },
    ]
}
