import Domain
import Foundation

/// Reads a stress-scenario file (SPEC §7): a mapping with a `scenarios:` list; errors are `file:line: key: reason`.
///
///     scenarios:
///       - {name: crash50, kind: price_crash, pct: 50, day: 30}            # percent: −50% on day 30
///       - {name: surge30, kind: hashrate_surge, pct: 30, days: 60, start: 1}
///       - {name: outage50, kind: hashrate_outage, pct: 50, days: 60, start: 1}
///       - {name: fees_x0.2, kind: fee_collapse, multiplier: 0.2}         # start: 1, days: to the end by default
///       - {name: fees_x5, kind: fee_spike, multiplier: 5, days: 14}
///       - {name: power008, kind: power_price, usd_kwh: 0.08, from_day: 1}
///       - {name: halving+30, kind: halving_shift, days: 30}
///       - {name: replay2021, kind: historical_replay, from: 2021-05-01, to: 2021-07-31}
///       - {name: fleet_down60, kind: fleet_outage, days: 60, start: 30}         # the token's own machines; pct: 100 default
///       - {name: suspended60, kind: payout_suspension, days: 60, start: 30, then: paid}   # or then: forfeited
///
/// Every entry may carry a `description:`.
public enum ScenarioFile {
    public static let kinds = ["price_crash", "hashrate_surge", "hashrate_outage", "fee_collapse", "fee_spike", "power_price",
                               "halving_shift", "historical_replay", "fleet_outage", "payout_suspension"]

    public static func load(path: String) throws -> [Scenario] {
        try parse(text: YAMLNode.readText(path: path), file: path)
    }

    public static func parse(text: String, file: String) throws -> [Scenario] {
        let root = try YAMLNode.load(text: text, file: file)
        try root.checkKeys(["scenarios"])
        let items = try root.sequence("scenarios")
        var out: [Scenario] = []
        for e in items {
            guard e.node.mapping != nil else { throw e.error("expected a mapping with name and kind") }
            let kindNode = try e.required("kind")
            let kind = try kindNode.asChoice(kinds)
            let common = ["name", "kind", "description"]
            let name = try e.string("name")
            if name == "base" { throw (try e.required("name")).error("'base' is reserved for the unshocked run") }
            if out.contains(where: { $0.name == name }) { throw (try e.required("name")).error("duplicate scenario name '\(name)'") }
            let k: Scenario.Kind
            switch kind {
            case "price_crash":
                try e.checkKeys(common + ["pct", "day"])
                k = .priceCrash(pct: try e.double("pct", range: 0...99.99) / 100, day: try e.int("day", range: 1...36_500, default: 1)!)
            case "hashrate_surge":
                try e.checkKeys(common + ["pct", "days", "start"])
                k = .hashrateSurge(pct: try e.double("pct", range: 0...10_000) / 100, days: try e.int("days", range: 1...36_500),
                                   start: try e.int("start", range: 1...36_500, default: 1)!)
            case "hashrate_outage":
                try e.checkKeys(common + ["pct", "days", "start"])
                k = .hashrateOutage(pct: try e.double("pct", range: 0...99.99) / 100, days: try e.int("days", range: 1...36_500),
                                    start: try e.int("start", range: 1...36_500, default: 1)!)
            case "fee_collapse", "fee_spike":
                try e.checkKeys(common + ["multiplier", "start", "days"])
                let m = try e.double("multiplier", range: 1e-6...1e6)
                if kind == "fee_collapse", m > 1 { throw (try e.required("multiplier")).error("fee_collapse needs a multiplier ≤ 1") }
                if kind == "fee_spike", m < 1 { throw (try e.required("multiplier")).error("fee_spike needs a multiplier ≥ 1") }
                k = .feeMultiplier(multiplier: m, start: try e.int("start", range: 1...36_500, default: 1)!,
                                   days: try e.int("days", range: 1...36_500, default: nil))
            case "power_price":
                try e.checkKeys(common + ["usd_kwh", "from_day"])
                k = .powerPrice(usdPerKWh: try e.double("usd_kwh", range: 0...10), fromDay: try e.int("from_day", range: 1...36_500, default: 1)!)
            case "halving_shift":
                try e.checkKeys(common + ["days"])
                k = .halvingShift(days: try e.int("days", range: -3650...3650))
            case "fleet_outage":
                try e.checkKeys(common + ["pct", "days", "start"])
                k = .fleetOutage(pct: try e.double("pct", range: 0.01...100, default: 100)! / 100, days: try e.int("days", range: 1...36_500),
                                 start: try e.int("start", range: 1...36_500, default: 1)!)
            case "payout_suspension":
                try e.checkKeys(common + ["days", "start", "then"])
                let then = try e.optional("then").map { try $0.asChoice(["paid", "forfeited"]) } ?? "paid"
                k = .payoutSuspension(days: try e.int("days", range: 1...36_500), start: try e.int("start", range: 1...36_500, default: 1)!,
                                      forfeited: then == "forfeited")
            default:
                try e.checkKeys(common + ["from", "to"])
                let from = try e.day("from"), to = try e.day("to")
                if to - from < 7 { throw (try e.required("to")).error("the replay window must span at least 7 days") }
                k = .historicalReplay(from: from, to: to)
            }
            out.append(Scenario(name: name, description: try e.string("description", default: "") ?? "", kind: k))
        }
        return out
    }
}
