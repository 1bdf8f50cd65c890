import Domain
import Foundation
import Ingest
import Store
import TestSupport
import XCTest

/// Small helpers shared by the ingest tests (independent of the code under test where it matters).
enum H {
    static func write(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let u = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: u)
        return u.path
    }

    static func writeBytes(_ dir: URL, _ name: String, _ bytes: [UInt8]) throws -> String {
        let u = dir.appendingPathComponent(name)
        try Data(bytes).write(to: u)
        return u.path
    }

    /// What `hashsec ingest` does for one file: parse, then one transaction.
    @discardableResult
    static func ingest(_ path: String, into store: HistoryStore, _ options: IngestOptions = IngestOptions()) throws -> ApplySummary? {
        let p = try InputParser.parse(path: path, options: options)
        return try store.apply(p.observations, path: path, sha256: p.sha256, format: p.format.rawValue)
    }

    /// Everything observable in the store's data tables.
    struct Snapshot: Equatable {
        var daily: [DailyObservation]
        var files: [IngestedFile]
        var revisions: [Revision]
    }

    static func snapshot(_ s: HistoryStore) throws -> Snapshot {
        Snapshot(daily: try s.observations(), files: try s.ingestedFiles(), revisions: try s.revisions())
    }

    /// Lines of a quote-free CSV, split naively (an independent reader for the real files, which have no quotes).
    static func naiveRows(_ url: URL) throws -> [[String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    static let tidyHeader = "date,price_usd,block_count,hash_rate_ths,difficulty_mean,fees_btc,issuance_btc,height_end"

    /// A consistent synthetic tidy row (hash rate = blocks·D·2^32/86400, in TH/s; issuance = blocks × 6.25 BTC).
    /// The default height is 700,000 + 144 per day since 2022-01-01 (+ blocks − 144), so consecutive days with the
    /// default 144 blocks advance by their block count (SPEC §2) and stay inside the 6.25 BTC era until mid-2024.
    static func tidyRow(_ date: String, price: Double = 30000, blocks: Int = 144, difficulty: Double = 5e13,
                        fees: Double = 10, height: Int? = nil) -> String {
        let ths = Double(blocks) * difficulty * 4294967296.0 / 86400 / 1e12
        let h = height ?? Day(iso: date).map { 700_000 + 144 * ($0 - Day(iso: "2022-01-01")!) + blocks - 144 } ?? 700_000
        return "\(date),\(price),\(blocks),\(ths),\(difficulty),\(fees),\(Double(blocks) * 6.25),\(h)"
    }
}
