import Domain

/// Which stress scenarios can change a deal's value (issue 12 item 13). A scenario that cannot is not run: its row of the
/// stress table repeats the base values with `applies = false` and the reason in `note` (never a silent identical row).
///
/// Before the run, from the deal and the scenario:
/// * `power_price` applies only when the holder pays for power, i.e. the deal deducts power from payouts at a power price
///   `operations.power_usd_kwh > 0` (SPEC §6: `power_USD = h·e·24/1000·p·uptime`). A prepaid gross note
///   (`power_usd_kwh: 0`, bmn2-like: the operator bears power and hosting) is unaffected by the power price.
/// * A shock that starts after the token's last simulated day (`offset + tokenDays`) cannot touch its cash flows.
///
/// After the run (`noEffect`): a scenario whose every path is bit-identical to the base case (e.g. `halving_shift` when
/// no halving falls within the simulated days) is flagged the same way.
public enum StressApplicability {
    public static let noEffectNote = "no effect on any path (every path identical to base)"

    /// nil when the scenario can change the deal's value; otherwise why it cannot.
    public static func reason(_ s: Scenario, deal: Deal, schedule: DealSchedule) -> String? {
        let last = schedule.offset + schedule.tokenDays
        func after(_ day: Int) -> String? {
            day > last ? "starts on simulated day \(day), after the token's last simulated day \(last)" : nil
        }
        switch s.kind {
        case let .powerPrice(_, from):
            if !(deal.operations.powerUSDPerKWh > 0) {
                return "the holder pays no power (power_usd_kwh: 0: the operator bears power, as in a gross note)"
            }
            return after(from)
        case let .priceCrash(_, day): return after(day)
        case let .hashrateSurge(_, _, start), let .hashrateOutage(_, _, start), let .feeMultiplier(_, start, _),
             let .fleetOutage(_, _, start), let .payoutSuspension(_, start, _): return after(start)
        case .halvingShift, .historicalReplay: return nil
        }
    }

    /// True when every per-path number of `r` equals the base case's bit for bit (the scenario changed nothing).
    public static func noEffect(_ r: PartialResult, base b: PartialResult) -> Bool {
        func same(_ x: [Double], _ y: [Double]) -> Bool { x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern } }
        return same(r.pvUSD, b.pvUSD) && same(r.btcTotal, b.btcTotal) && same(r.usdTotal, b.usdTotal) && same(r.irr, b.irr)
            && r.paybackDay == b.paybackDay && r.daysCurtailed == b.daysCurtailed && r.terminated == b.terminated
            && same(r.waterfall, b.waterfall) && same(r.leverage, b.leverage) && same(r.sweep, b.sweep)
    }
}
