import Domain
import FileIO
import Foundation

/// Physical bounds on a deal (SPEC §2 "plausible, not merely well-formed", applied to deals; issue 12 item 6).
///
/// Decided per case (each refusal is `file:line: key: reason`, exit 78):
/// - **Fleet vs network, at parse time**: `count × hashrate_th ≤ 10^10 TH/s` (10,000 EH/s, about ten times the whole
///   network in 2026). A bound that needs no store; it stops 10^18 TH/s fleets before anything is allocated.
/// - **Fleet vs network, at run time** (`checkFleet`): the fleet may not exceed the network hash rate of the
///   simulation's initial state (the calibration's `initial_state.hash_rate_hs`): a fleet cannot be more than the
///   network it is part of, and its BTC cannot exceed what the network mines. Refused at `token.hashrate_th`.
/// - **Tranche balances vs pool**: the tranches' balances may total at most 10 × the pool's issue value
///   (`(pool_tokens or count) × price_usd`; not checked when the price is 0): notes of 4·10^9 USD on a 45,000 USD
///   pool could never be repaid. Balances between 1× and 10× the issue value are allowed (an aggressive structure is
///   the analyst's call, and its losses show in the tranche results).
/// - **BTC vs issuance, after a run** (`checkIssuance`, called by `simulate` before it writes anything): the fleet's
///   BTC, count × mean BTC per token, may not exceed the 21 million BTC that will ever exist. A long term (20 or 100
///   years) can reach it when the simulated network hash rate falls below the fleet's; refused at `token.term_days`.
/// - Numbers: every YAML number is finite and range-checked by `YAMLNode` (NaN, inf and 1e300 are refused).
extension DealFile {
    /// Largest fleet a deal may describe, TH/s.
    public static let maxFleetTHs = 1e10
    /// Largest ratio of the tranches' total balance to the pool's issue value.
    public static let maxBalanceToPoolValue = 10.0

    /// Parse-time bounds (called by `parse`).
    static func checkBounds(_ deal: Deal, root: YAMLNode) throws {
        let fleet = Double(deal.token.count) * deal.token.hashrateTH
        if fleet > maxFleetTHs {
            throw try root.mapping("token").required("hashrate_th").error(
                "the fleet, count × hashrate_th = \(fmt(fleet)) TH/s, exceeds 10^10 TH/s (10,000 EH/s, about ten times the whole Bitcoin network)")
        }
        if let s = deal.structure, deal.token.priceUSD > 0 {
            let pool = Double(s.poolTokens ?? deal.token.count) * deal.token.priceUSD
            let total = s.tranches.reduce(0) { $0 + $1.balanceUSD }
            if total > maxBalanceToPoolValue * pool {
                let tranches = try root.mapping("structure").sequence("tranches")
                let biggest = s.tranches.indices.max { s.tranches[$0].balanceUSD < s.tranches[$1].balanceUSD } ?? 0
                throw try tranches[biggest].required("balance_usd").error(
                    "the tranches total \(fmt(total)) USD, more than \(fmt(maxBalanceToPoolValue)) × the pool's issue value "
                    + "\(fmt(pool)) USD (pool tokens × price_usd): they could never be repaid from the pool")
            }
        }
    }

    /// Run-time bound: the deal's fleet (`count × hashrate_th`) must not exceed `networkHashRateHs`, the network hash
    /// rate of the initial state on `date`. `path` is the deal file (re-read only to name the line).
    public static func checkFleet(_ deal: Deal, path: String, networkHashRateHs: Double, on date: Day) throws {
        try checkFleet(deal, text: readForLine(path), file: path, networkHashRateHs: networkHashRateHs, on: date)
    }

    /// `checkFleet` with the deal file's text at hand (`file` names it; the text locates the line).
    public static func checkFleet(_ deal: Deal, text: String?, file: String, networkHashRateHs: Double, on date: Day) throws {
        let fleetHs = Double(deal.token.count) * deal.token.hashrateTH * 1e12
        guard networkHashRateHs.isFinite, networkHashRateHs > 0, fleetHs > networkHashRateHs else { return }
        throw tokenError("hashrate_th", text: text, file: file,
                          reason: "the fleet, count × hashrate_th = \(fmt(fleetHs / 1e18)) EH/s, exceeds the whole network's "
                              + "\(fmt(networkHashRateHs / 1e18)) EH/s on \(date.iso): a fleet cannot mine more than the network it is part of")
    }

    /// Run-time bound on a simulation’s output: the fleet's BTC (count × mean BTC per token) cannot exceed the
    /// 21 million BTC that will ever exist. Refused at `token.term_days` (the bound is reached by long terms, when the
    /// simulated network hash rate falls below the fleet's on some paths: a fleet cannot mine more than the network
    /// it is part of, which the model does not enforce day by day).
    public static func checkIssuance(_ deal: Deal, path: String, btcPerTokenMean: Double) throws {
        try checkIssuance(deal, text: readForLine(path), file: path, btcPerTokenMean: btcPerTokenMean)
    }

    /// `checkIssuance` with the deal file's text at hand.
    public static func checkIssuance(_ deal: Deal, text: String?, file: String, btcPerTokenMean: Double) throws {
        let total = Double(deal.token.count) * btcPerTokenMean
        guard !(total <= maxBTCEver) else { return }
        throw tokenError("term_days", text: text, file: file,
                          reason: "the simulated fleet mines \(fmt(total)) BTC (count × mean BTC per token \(fmt(btcPerTokenMean))), more than the "
                              + "21 million BTC that will ever exist: over this term the simulated network falls below the fleet; shorten the term")
    }

    /// A run-time refusal located at `token.<key>` of the deal text (the file named as `DealFile.load` names it).
    static func tokenError(_ key: String, text: String?, file path: String, reason: String) -> ConfigError {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        var line = 0
        if let text, let root = try? YAMLNode.load(text: text, file: file), let t = (try? root.optional("token")) ?? nil,
           let n = (try? t.optional(key)) ?? nil {
            line = n.line
        }
        return ConfigError(file: file, line: line, key: "token.\(key)", reason: reason)
    }

    static func readForLine(_ path: String) -> String? { try? YAMLNode.readText(path: path) }

    /// All the BTC that will ever exist.
    public static let maxBTCEver = 21e6

    private static func fmt(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return abs(v) >= 1e6 || abs(v) < 1e-3 ? "\(v)" : String(format: "%.4g", v)
    }
}
