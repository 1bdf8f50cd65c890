import Benchmark
import Calibrate
import Domain
import Foundation
import Store

/// `hashsec calibrate`: store → Benchmark (hashprice index) → Calibrate → store (versioned by as-of) + JSON (+ table CSV).
public enum CalibrateJob {
    public struct Options: Sendable {
        public var dbPath: String
        public var asOf: Day?
        public var windowDays: Int
        public var out: String?
        public var table: String?
        public init(dbPath: String, asOf: Day? = nil, windowDays: Int = Calibrator.defaultWindowDays, out: String? = nil, table: String? = nil) {
            self.dbPath = dbPath; self.asOf = asOf; self.windowDays = windowDays; self.out = out; self.table = table
        }
    }

    public struct Result: Sendable {
        public var calibration: Calibration
        public var json: String
        /// Human-readable parameter table.
        public var text: String
    }

    /// Runs the calibration. `asOf` defaults to the newest complete day (every value the model needs; a trailing
    /// partial row still being filled is not an as-of), else the last stored day. Uses only data ≤ asOf.
    public static func run(_ o: Options) throws -> Result {
        let store = try Store(path: o.dbPath, verify: true)
        guard let range = try store.dateRange() else { throw PipelineError.insufficientData("the store \(o.dbPath) is empty: run `hashsec ingest` first") }
        let asOf = try o.asOf ?? store.lastCompleteDay() ?? range.upperBound
        guard asOf >= range.lowerBound else { throw PipelineError.insufficientData("no history on or before --as-of \(asOf) (store starts \(range.lowerBound))") }
        let obs = try store.observations(from: nil, through: asOf)
        let cal = try calibrate(observations: obs, asOf: asOf, windowDays: o.windowDays)
        let json = try encode(cal)
        var pending: [(URL, URL)] = []
        defer { for (tmp, _) in pending { try? FileManager.default.removeItem(at: tmp) } }
        if let out = o.out { pending.append(try BenchmarkJob.writeAside(json, to: out)) }
        if let t = o.table { pending.append(try BenchmarkJob.writeAside(CalibrationTable.csv(cal), to: t)) }
        try store.saveCalibration(asOf: cal.asOf, json: json)
        for (tmp, dest) in pending { try BenchmarkJob.commit(tmp, dest) }
        pending.removeAll()
        return Result(calibration: cal, json: json, text: table(cal))
    }

    /// Benchmark then Calibrate on observations (pure; used by `run` and the nightly batch).
    public static func calibrate(observations: [DailyObservation], asOf: Day, windowDays: Int) throws -> Calibration {
        let honest = observations.filter { $0.date <= asOf }
        return try Calibrator.calibrate(observations: honest, hashprice: HashpriceIndex.compute(honest), asOf: asOf, windowDays: windowDays)
    }

    /// JSON with sorted keys, pretty-printed.
    public static func encode(_ c: Calibration) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try enc.encode(c), as: UTF8.self) + "\n"
    }

    static func table(_ c: Calibration) -> String {
        var lines = ["calibration as of \(c.asOf) (window \(c.windowStart)…\(c.windowEnd), \(c.merton.observations) daily returns)",
                     "model        parameter                       value         stderr"]
        for r in CalibrationTable.rows(c) {
            let v = String(format: "%13.6g", r.value)
            let s = r.stderr.map { String(format: "%13.6g", $0) } ?? ""
            lines.append("\(r.model.padding(toLength: 12, withPad: " ", startingAt: 0)) \(r.parameter.padding(toLength: 26, withPad: " ", startingAt: 0)) \(v)  \(s)")
        }
        let s = c.initialState
        lines.append("initial state \(s.date): price \(s.priceUSD) USD, hash rate \(String(format: "%.1f", s.hashRateHs / 1e18)) EH/s, height \(s.height), "
                     + "fee \(String(format: "%.4f", s.feePerBlockBTC)) BTC/block, epoch day \(String(format: "%.2f", s.epochElapsedDays))")
        return lines.joined(separator: "\n")
    }
}
