import Foundation

/// Issue 12 items 10–15 at the command line (branch report2): the wrong answers found in review, each a case that
/// runs the binary and checks what comes out (the unit tests beside each fix check the numbers; these check that a
/// user sees them). Every case also gets the suite's common checks (no signal, never 70, no NaN/inf, store unchanged).
extension HostileCases {
    static func json(_ dir: URL, _ rel: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(rel))) as? [String: Any] ?? [:]
    }
    static func text(_ dir: URL, _ rel: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(rel), encoding: .utf8) }

    /// The day after `datasets/synthetic-history.csv`'s last (2026-11-24), its price not yet filled in (a partial day):
    /// stored as a missing value, never taken as the as-of date.
    static let partialDay = F.tidyHeader + "\n2026-11-25,,150,723824857.8562883,97072477947273.78,20,468.75,976542\n"
    static let syntheticHistory = ["ingest", "$REPO/datasets/synthetic-history.csv", "--db", "$DB"]

    static let review: [C] = [
        // Item 10: a horizon shorter than the term is stated in summary.json and on the terminal; without one, the whole term.
        sim("item 10: --horizon shorter than the term is stated (summary.json, terminal)", [], exit: 0, says: "TRUNCATED")
            .checking { d in
                let s = try json(d, "out/summary.json")
                var p: [String] = []
                if s["truncated"] as? Bool != true { p.append("summary.json truncated is not true") }
                if s["horizon_days"] as? Int != 30 { p.append("summary.json horizon_days \(s["horizon_days"] ?? "nil") is not 30") }
                return p
            },
        C(name: "item 10: no --horizon covers the deal's whole term",
          args: ["simulate", "$REPO/datasets/deals/bmn2-like.yaml", "--calibration", "$CAL", "--db", "$DB", "--out", "$DIR/out", "--paths", "4",
                 "--threads", "1"], exit: 0)
            .checking { d in
                let s = try json(d, "out/summary.json")
                guard let h = s["horizon_days"] as? Int, let t = s["term_days"] as? Int else { return ["no horizon_days/term_days"] }
                return (s["truncated"] as? Bool == false && h >= t && t == 1461) ? [] : ["horizon \(h) days for a \(t)-day term, truncated \(s["truncated"] ?? "nil")"]
            },
        // Item 11: a trailing partial day is stored as missing values; calibrate's default as-of is the newest complete day.
        C(name: "item 11: a trailing partial day is not the default as-of", args: ["calibrate", "--db", "$DB", "--out", "$DIR/cal.json"],
          inputs: [("partial.csv", .text(partialDay))], seed: .none, exit: 0)
            .with(setup: [syntheticHistory, ["ingest", "$DIR/partial.csv", "--db", "$DB"]]).changing()
            .checking { d in
                guard let text = try? text(d, "cal.json") else { return ["no cal.json"] }
                return text.contains("\"2026-11-24\"") && !text.contains("\"2026-11-25\"") ? [] : ["cal.json is not as of 2026-11-24: \(text.prefix(300))"]
            },
        // Item 12: two windows on one as-of date are two fits; simulate names the one it used (the default window's).
        C(name: "item 12: two calibration windows, simulate names its key", args: ["simulate", "$REPO/datasets/deals/s21-token.yaml", "--db", "$DB",
                                                                                      "--as-of", "2026-06-30", "--paths", "4", "--horizon", "30",
                                                                                      "--threads", "1", "--out", "$DIR/out"], seed: .none, exit: 0)
            .with(setup: [syntheticHistory, ["calibrate", "--db", "$DB", "--as-of", "2026-06-30", "--out", "$DIR/w1.json"],
                          ["calibrate", "--db", "$DB", "--as-of", "2026-06-30", "--window", "730", "--out", "$DIR/w2.json"]])
            .checking { d in
                let c = try json(d, "out/manifest.json")["calibration"] as? [String: Any] ?? [:]
                var p: [String] = []
                if c["source"] as? String != "store" { p.append("calibration source \(c["source"] ?? "nil"), expected store") }
                if (c["window_days"] as? Int) != 1460 { p.append("simulate took the \(c["window_days"] ?? "nil")-day fit, not the default 1460-day one") }
                if (c["key"] as? String)?.count != 64 { p.append("the manifest names no 64-hex calibration key") }
                if try text(d, "w1.json") == text(d, "w2.json") { p.append("two windows gave the same fit") }
                return p
            },
        // Item 13: a power-price stress on a gross note (its holder pays no power) is flagged, not applied.
        C(name: "item 13: power stress on a gross note is flagged n/a", args: ["stress", "$REPO/datasets/deals/bmn2-like.yaml", "--scenarios", "$DIR/scen.yaml",
                                                                               "--calibration", "$CAL", "--db", "$DB", "--paths", "4", "--horizon", "60",
                                                                               "--threads", "1", "--out", "$DIR/out"],
          inputs: [("scen.yaml", .text("scenarios:\n  - {name: power_0.08, kind: power_price, usd_kwh: 0.08, from_day: 1}\n"))], exit: 0)
            .checking { d in
                let csv = try text(d, "out/stress.csv")
                guard let row = csv.split(separator: "\n").first(where: { $0.hasPrefix("power_0.08,") }) else { return ["no power_0.08 row"] }
                return row.contains(",false,") && row.contains("pays no power") ? [] : ["power_0.08 applied to a gross note: \(row)"]
            },
        // Item 14: prob_loss is P(undiscounted payouts < price): with payback, the two add up to 1; the PV hurdle is separate.
        sim("item 14: prob_loss + prob_payback = 1, prob_pv_below_price ≥ prob_loss", ["--paths", "64"], exit: 0)
            .checking { d in
                let s = try json(d, "out/summary.json")
                guard let l = s["prob_loss"] as? Double, let b = s["prob_payback"] as? Double, let h = s["prob_pv_below_price"] as? Double else {
                    return ["summary.json lacks prob_loss / prob_payback / prob_pv_below_price"]
                }
                return abs(l + b - 1) < 1e-12 && h >= l ? [] : ["prob_loss \(l) + prob_payback \(b) ≠ 1 or prob_pv_below_price \(h) < prob_loss"]
            },
        // Item 15: a forward-start deal is simulated from its start, and the terminal says so.
        .deal("item 15: a forward-start deal says when its token starts",
              F.deal.replacingOccurrences(of: "term_days: 365", with: "term_days: 365\n  start: 2022-12-05"), exit: 0,
              says: "token from 2022-12-05"),
        // Item 15: the report of a structured deal: the deal's terms, the run settings, the issue price in the headline
        // table, percent and sats formatting, never a negative zero; each chart's legend in its own row below its title.
        C(name: "item 15: report shows terms, settings, price; no -0; legends below titles", args: ["report", "$DIR/run"], exit: 0)
            .with(setup: [["simulate", "$REPO/datasets/deals/structured-example.yaml", "--calibration", "$CAL", "--db", "$DB", "--paths", "16",
                           "--horizon", "400", "--threads", "1", "--out", "$DIR/run"]])
            .checking { d in
                let html = try text(d, "run/index.html")
                var p: [String] = []
                for s in ["Terms of the deal", "Run settings", "<tr><td>price_usd</td><td class=\"num\">4.50</td></tr>", "<tr><td>tranche_senior_balance_usd</td>",
                          "<tr><td>payout_rule</td>", "<tr><td>calibration</td>", " %</td>", " sats</td>", "<strong>Truncated:</strong>"]
                where !html.contains(s) { p.append("index.html lacks \(s)") }
                if let m = try text(d, "run/metrics.csv").split(separator: "\n").dropFirst().first, !m.hasPrefix("price_usd,") {
                    p.append("the headline table does not start with the issue price: \(m)")
                }
                for bad in [">-0<", ">-0.0<", ">-0 %<", ">-0.0 %<", ">-0.00<", ">-0 sats<"] where html.contains(bad) { p.append("index.html shows \(bad)") }
                // Each chart: the title's baseline, then every legend label at least one line (13 px) lower.
                for svg in html.components(separatedBy: "<svg class=\"chart\"").dropFirst() {
                    guard let legend = svg.range(of: "<g class=\"legend\">") else { continue }
                    let ys = String(svg[legend.upperBound...]).components(separatedBy: "</g>")[0]
                        .components(separatedBy: "<text class=\"lbl\" x=\"").dropFirst()
                        .compactMap { $0.split(separator: "\"").dropFirst(2).first.flatMap { Double($0) } }
                    guard let t = svg.range(of: "class=\"ttl\" x=\""), let ty = svg[t.upperBound...].split(separator: "\"").dropFirst(2).first.flatMap({ Double($0) })
                    else { p.append("a chart without a title"); continue }
                    if let low = ys.min(), low < ty + 13 { p.append("a legend label at y \(low) within a line of the title at \(ty)") }
                }
                return p
            },
    ]
}

extension HostileCase {
    func with(setup: [[String]]) -> HostileCase { var c = self; c.setup += setup; return c }
}
