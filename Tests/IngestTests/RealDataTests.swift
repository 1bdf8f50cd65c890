import Domain
import Foundation
import Ingest
import Store
import TestSupport
import XCTest

/// Loads the licensed real files in place (never copied) and checks them against an independent naive reading.
final class RealDataTests: XCTestCase {
    func dataset(_ name: String) throws -> URL {
        guard let u = TestSupport.sharedDataset(name) else { throw XCTSkip("\(name) absent from ../shared/datasets") }
        return u
    }

    func testTidyFileLoadsExactly() throws {
        let url = try dataset("btc_daily_network_market.csv")
        let rows = try H.naiveRows(url)
        let header = rows[0]
        let p = try InputParser.parse(path: url.path)
        XCTAssertEqual(p.format, .tidy)
        XCTAssertEqual(p.rows, rows.count - 1)
        XCTAssertEqual(p.observations.count, 5727)
        let byDate = Dictionary(uniqueKeysWithValues: p.observations.map { ($0.date.iso, $0) })
        func col(_ n: String) -> Int { header.firstIndex(of: n)! }
        for r in stride(from: 1, to: rows.count, by: 97) {
            let row = rows[r]
            let o = try XCTUnwrap(byDate[row[col("date")]])
            XCTAssertEqual(o.priceUSD, Double(row[col("price_usd")]))
            XCTAssertEqual(o.difficulty, Double(row[col("difficulty_mean")]))
            XCTAssertEqual(o.hashRateHs, Double(row[col("hash_rate_ths")])! * 1e12)
            XCTAssertEqual(o.heightEnd, Int(row[col("height_end")]))
            XCTAssertEqual(o.feesBTC, Double(row[col("fees_btc")]))
        }
    }

    func testCoinMetricsDerivedDifficultyHeightsAndMissingCells() throws {
        let cmURL = try dataset("coinmetrics_btc.csv"), tidyURL = try dataset("btc_daily_network_market.csv")
        let cmRows = try H.naiveRows(cmURL), tidyRows = try H.naiveRows(tidyURL)
        let store = try HistoryStore(path: try TestSupport.temporaryDirectory("cm").appendingPathComponent("s.sqlite").path)
        let sum = try XCTUnwrap(H.ingest(cmURL.path, into: store))
        XCTAssertEqual(sum.newRows, cmRows.count - 1)
        XCTAssertEqual(try store.observationCount(), 6289)
        let obs = Dictionary(uniqueKeysWithValues: try store.observations().map { ($0.date.iso, $0) })
        // Empty cells are missing: no price before 2010-07-18, the partial last row has no block count.
        XCTAssertNil(obs["2010-07-17"]?.priceUSD)
        XCTAssertNotNil(obs["2010-07-18"]?.priceUSD)
        let last = try XCTUnwrap(cmRows.last)
        XCTAssertNotNil(obs[last[0]], "the partial last row is stored")
        XCTAssertNil(obs[last[0]]?.blockCount)
        XCTAssertNil(obs[last[0]]?.difficulty)
        // Independent check: D = HashRate·1e12·86400 / (BlkCnt·2^32) vs the tidy file's difficulty_mean, and the
        // running block sum vs its height_end.
        let h = cmRows[0]
        let iT = h.firstIndex(of: "time")!, iB = h.firstIndex(of: "BlkCnt")!, iH = h.firstIndex(of: "HashRate")!
        var height = 0
        var cmHeight: [String: Int] = [:], cmDiff: [String: Double] = [:]
        for r in cmRows.dropFirst() {
            guard let b = Double(r[iB]) else { break }
            height += Int(b)
            cmHeight[r[iT]] = height
            if b > 0, let hr = Double(r[iH]) { cmDiff[r[iT]] = hr * 1e12 * 86400 / (b * pow(2, 32)) }
        }
        let th = tidyRows[0]
        let tD = th.firstIndex(of: "date")!, tDiff = th.firstIndex(of: "difficulty_mean")!, tH = th.firstIndex(of: "height_end")!
        var checked = 0
        for r in stride(from: 1, to: tidyRows.count - 1, by: 41) {
            let row = tidyRows[r], d = row[tD]
            guard let expected = cmDiff[d], let tidyD = Double(row[tDiff]) else { continue }
            let stored = try XCTUnwrap(obs[d]?.difficulty)
            XCTAssertEqual(stored, expected, accuracy: expected * 1e-12, d)
            XCTAssertEqual(stored / tidyD, 1, accuracy: 1e-8, d)
            XCTAssertEqual(obs[d]?.heightEnd, cmHeight[d], d)
            XCTAssertEqual(obs[d]?.heightEnd, Int(row[tH]), d)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
    }

    func testReingestIsNoOpAndSecondSourceLogsRevisions() throws {
        let tidy = try dataset("btc_daily_network_market.csv"), cm = try dataset("coinmetrics_btc.csv")
        let store = try HistoryStore(path: try TestSupport.temporaryDirectory("re").appendingPathComponent("s.sqlite").path)
        XCTAssertEqual(try H.ingest(tidy.path, into: store)?.newRows, 5727)
        let before = try H.snapshot(store)
        XCTAssertNil(try H.ingest(tidy.path, into: store))
        XCTAssertEqual(try H.snapshot(store), before)
        let s = try XCTUnwrap(H.ingest(cm.path, into: store))
        XCTAssertEqual(try store.revisionCount(), s.revisedValues)
        XCTAssertEqual(s.newRows + s.revisedRows + s.filledRows + s.unchangedRows, 6289)
        // Every logged revision is a real change larger than float noise, and the store holds the new value.
        let now = Dictionary(uniqueKeysWithValues: try store.observations().map { ($0.date, $0) })
        for r in try store.revisions().prefix(200) {
            XCTAssertGreaterThan(abs(r.new - r.old), 1e-12 * abs(r.old))
            if r.field == .difficulty { XCTAssertEqual(now[r.date]?.difficulty, r.new) }
        }
    }
}
