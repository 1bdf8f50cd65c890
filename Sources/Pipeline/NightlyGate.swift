import Domain
import Foundation
import Store

/// The nightly data-quality gate: the run stops with `PipelineError.qualityGate` (exit 76) before anything is published when
/// - the last stored date is older than `today − maxAgeDays` (stale data; skipped when `today` is nil, i.e. `today: data`),
/// - a day is missing inside the calibration window `[last − windowDays + 1, last]`,
/// - a value the later stages need (price, difficulty, hash rate, block count) is missing or non-positive in that window,
/// - fees or issuance are negative.
public enum NightlyGate {
    /// Returns the data range `[first, last]` of the store when every check passes.
    public static func check(store: Store, today: Day?, maxAgeDays: Int, windowDays: Int) throws -> ClosedRange<Day> {
        guard let range = try store.dateRange() else { throw PipelineError.qualityGate("the store is empty after ingest") }
        let last = range.upperBound
        if let today, today - last > maxAgeDays {
            throw PipelineError.qualityGate("stale data: the last stored date \(last.iso) is \(today - last) days before \(today.iso) (max_data_age_days \(maxAgeDays))")
        }
        let start = max(range.lowerBound, last - (windowDays - 1))
        let obs = try store.observations(from: start, through: last)
        var problems: [String] = []
        if obs.count != (last - start) + 1 { problems.append("\((last - start) + 1 - obs.count) missing days between \(start.iso) and \(last.iso)") }
        for o in obs {
            for (name, v) in [("price_usd", o.priceUSD), ("difficulty", o.difficulty), ("hash_rate", o.hashRateHs), ("block_count", o.blockCount)] {
                guard let v else { problems.append("\(o.date.iso): \(name) missing"); continue }
                if !(v > 0) || !v.isFinite { problems.append("\(o.date.iso): \(name) is \(v), must be positive") }
            }
            for (name, v) in [("fees_btc", o.feesBTC), ("issuance_btc", o.issuanceBTC)] {
                if let v, !(v >= 0) || !v.isFinite { problems.append("\(o.date.iso): \(name) is \(v), must be ≥ 0") }
            }
            if problems.count > 20 { break }
        }
        if !problems.isEmpty {
            let shown = problems.prefix(5).joined(separator: "; ")
            throw PipelineError.qualityGate("invalid data in the calibration window \(start.iso)…\(last.iso): \(shown)\(problems.count > 5 ? " (and more)" : "")")
        }
        return range
    }
}
