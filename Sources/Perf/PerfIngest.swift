import Bitcoin
import Diagnostics
import Domain
import FileIO
import Foundation
import Ingest
import Store

/// `hashsec perf ingest` (SPEC §11: 10^6 rows ≤ 3 s): writes a synthetic tidy CSV of `rows` days (from 0001-01-01, so
/// 10^6 distinct days fit) into a temp dir, then times parse + validation + the one-transaction insert into a fresh store.
public enum PerfIngest {
    public struct Result {
        public var seconds: Double, parseSeconds: Double, fileBytes: Int, summary: ApplySummary
        /// The timed span's parts in order (parse, open, the store's `applyTimings`, close — which checkpoints the WAL).
        public var steps: [(step: String, seconds: Double)]
        /// User + system CPU time of the timed span.
        public var cpuSeconds: Double
    }

    public static func run(rows: Int) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hashsec-perf-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("synthetic.csv")
        let start = Day(year: 1, month: 1, day: 1)!
        let text = synthetic(rows: rows, start: start)
        try OutputWriter.write(text, to: csv.path)
        // 10^6 distinct days cannot fit between the genesis block and tomorrow: the benchmark (only) widens the date
        // bounds of the plausibility rules; every other rule applies as in a real ingest.
        let limits = DailyObservation.PlausibilityLimits(earliest: start, latest: start + rows)
        let c0 = ProcessUsage.cpuSeconds()
        let t0 = DispatchTime.now().uptimeNanoseconds
        let parsed = try InputParser.parse(path: csv.path, options: IngestOptions(limits: limits))
        let t1 = DispatchTime.now().uptimeNanoseconds
        var steps: [(step: String, seconds: Double)] = [("parse", Double(t1 - t0) / 1e9)]
        // The store is closed (WAL checkpointed) inside the timed span, as in a real `hashsec ingest`.
        var store: HistoryStore? = try HistoryStore(path: dir.appendingPathComponent("perf.sqlite").path, verify: true)
        let t2 = DispatchTime.now().uptimeNanoseconds
        steps.append(("open", Double(t2 - t1) / 1e9))
        let applied = try store!.apply(parsed.observations, path: csv.path, sha256: parsed.sha256, format: parsed.format.rawValue, limits: limits)
        steps += store!.applyTimings
        let t3 = DispatchTime.now().uptimeNanoseconds
        store = nil   // the last connection closes: SQLite checkpoints the WAL into the database file
        let end = DispatchTime.now().uptimeNanoseconds
        steps.append(("close", Double(end - t3) / 1e9))
        let seconds = Double(end - t0) / 1e9
        guard let summary = applied, summary.newRows == rows else {
            throw PerfError.unexpected("expected \(rows) new rows in a fresh store, got \(applied?.newRows ?? 0)")
        }
        return Result(seconds: seconds, parseSeconds: Double(t1 - t0) / 1e9, fileBytes: text.utf8.count, summary: summary, steps: steps,
                      cpuSeconds: ProcessUsage.cpuSeconds() - c0)
    }

    /// A plausible tidy history (issuance from the exact subsidy, heights advancing by the block count), drawn from
    /// `PathRandom(seed: 42, path: 0, stream: 0)`.
    static func synthetic(rows: Int, start: Day) -> String {
        var chunk = "date,price_usd,block_count,hash_rate_ths,difficulty_mean,fees_btc,issuance_btc,height_end\n"
        chunk.reserveCapacity(rows * 110)
        var rng = PathRandom(seed: 42, path: 0, stream: 0)
        var height = 0
        for i in 0..<rows {
            let blocks = 120 + Int(rng.next() % 50)
            let issuance = Double(Consensus.subsidySum(from: height + 1, through: height + blocks)) / 1e8
            height += blocks
            let difficulty = 1e13 * (1 + Double(rng.next() % 1000) / 1000)
            let hashTHs = Consensus.networkHashrate(blocksPerDay: Double(blocks), difficulty: difficulty) / 1e12
            let price = 1000 + Double(rng.next() % 100_000_00) / 100
            let fees = Double(rng.next() % 100_000) / 1000
            chunk += "\((start + i).iso),\(price),\(blocks),\(hashTHs),\(difficulty),\(fees),\(issuance),\(height)\n"
        }
        return chunk
    }
}

/// A benchmark that did not measure what it should (a bug).
public enum PerfError: Error, CustomStringConvertible, CategorizedError {
    case unexpected(String)
    public var description: String { switch self { case .unexpected(let m): return "perf: \(m)" } }
    public var category: ErrorCategory { .internalError }
}
