import Domain
import Foundation
import Pipeline
import Store

/// The nightly data-quality gate: the run stops with `PipelineError.qualityGate` (exit 76) before anything is published when
/// - the newest complete day (`last`, see below) is older than `today − maxAgeDays` (stale data; skipped when `today` is
///   nil, i.e. `today: data`),
/// - a day is missing inside the calibration window `[last − windowDays + 1, last]`,
/// - a value the later stages need (price, difficulty, hash rate, block count) is missing or non-positive in that window,
/// - fees or issuance are negative.
///
/// `last` is the newest **complete** day (`HistoryStore.lastCompleteDay`: every value the model needs). Days after it are a
/// partial row still being filled (the real Coin Metrics file's last row has only its reference rates): SPEC §2 makes
/// empty cells missing values, so they are reported in `partialDays` (the nightly logs them) and are not fatal.
public enum NightlyGate {
    public struct Outcome: Equatable, Sendable {
        /// `[first stored day, newest complete day]`: the data the run uses; its upper bound is the as-of date.
        public var range: ClosedRange<Day>
        /// Stored days after the newest complete day (partial rows), ascending.
        public var partialDays: [Day]
    }

    /// Returns the data range `[first, last complete]` of the store when every check passes.
    public static func check(store: HistoryStore, today: Day?, maxAgeDays: Int, windowDays: Int) throws -> ClosedRange<Day> {
        try evaluate(store: store, today: today, maxAgeDays: maxAgeDays, windowDays: windowDays).range
    }

    /// The gate with the partial trailing days it skipped.
    public static func evaluate(store: HistoryStore, today: Day?, maxAgeDays: Int, windowDays: Int) throws -> Outcome {
        guard let stored = try store.dateRange() else { throw PipelineError.qualityGate("the store is empty after ingest") }
        guard let last = try store.lastCompleteDay() else {
            throw PipelineError.qualityGate("no stored day has every value the model needs (price, block count, difficulty, hash rate, fees, issuance)")
        }
        let range = stored.lowerBound...last
        let partial = last < stored.upperBound ? try store.observations(from: last + 1).map(\.date) : []
        if let today, today - last > maxAgeDays {
            throw PipelineError.qualityGate("stale data: the newest complete day \(last.iso) is \(today - last) days before \(today.iso) (max_data_age_days \(maxAgeDays))")
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
        return Outcome(range: range, partialDays: partial)
    }
}
