import Domain
import Ingest
import TestSupport
import XCTest
@testable import Hashprice

/// Independent reading of a CSV: header → column index, rows split on commas (these files have no quoted cells).
private func readColumns(_ url: URL) throws -> (index: [String: Int], rows: [[Substring]]) {
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(separator: "\n")
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
    var idx: [String: Int] = [:]
    for (i, h) in header.enumerated() { idx[h] = i }
    return (idx, lines.map { $0.split(separator: ",", omittingEmptySubsequences: false) })
}

private func num(_ s: Substring) -> Double? { s.isEmpty ? nil : Double(String(s)) }

final class HashpriceIndexTests: XCTestCase {
    /// Tidy file: hashprice_usd = 86400·1e15/(D·2^32) · (issuance + fees)/blocks · price, computed here from the raw cells,
    /// compared with Ingest → Benchmark on every day, 1e-9 relative.
    func testTidyFileMatchesIndependentFormula() throws {
        guard let url = TestSupport.sharedDataset("btc_daily_network_market.csv") else {
            throw XCTSkip("btc_daily_network_market.csv absent from ../shared/datasets")
        }
        let (c, rows) = try readColumns(url)
        var expected: [String: Double] = [:]
        for r in rows {
            guard let p = num(r[c["price_usd"]!]), let b = num(r[c["block_count"]!]), b > 0, let d = num(r[c["difficulty_mean"]!]), d > 0,
                  let f = num(r[c["fees_btc"]!]), let i = num(r[c["issuance_btc"]!]) else { continue }
            expected[String(r[c["date"]!])] = 86400.0 * 1e15 / (d * 4294967296.0) * ((i + f) / b) * p
        }
        let days = HashpriceIndex.compute(try InputParser.parse(path: url.path).observations)
        var got: [String: Double] = [:]
        for d in days { if let u = d.hashpriceUSDPerPHDay { got[d.date.iso] = u } }
        XCTAssertGreaterThan(expected.count, 5000)
        XCTAssertEqual(Set(got.keys), Set(expected.keys))
        var worst = 0.0
        for (k, e) in expected { worst = max(worst, abs((got[k] ?? .nan) - e) / e) }
        XCTAssertLessThan(worst, 1e-9)
        XCTAssertTrue(days.allSatisfy { $0.hashpriceBTCPerPHDay.isFinite && $0.feeShare >= 0 && $0.feeShare <= 1 })

        // Halving 2024-04-20 (block 840,000): the 7 days before 2024-04-19 against the 7 days after 2024-04-21.
        // 2024-04-20 itself is excluded: Runes launched at the halving block and fees that day were huge (fee share ~75%).
        func mean(_ from: String, _ to: String) -> Double {
            let v = expected.filter { $0.key >= from && $0.key <= to }.map(\.value)
            XCTAssertEqual(v.count, 7)
            return v.reduce(0, +) / Double(v.count)
        }
        let before = mean("2024-04-12", "2024-04-18"), after = mean("2024-04-22", "2024-04-28")
        XCTAssertEqual(after / before, 0.5, accuracy: 0.12, "index should roughly halve: \(before) → \(after)")
        let halvingDay = days.first { $0.date.iso == "2024-04-20" }!
        XCTAssertGreaterThan(halvingDay.feeShare, 0.5)
    }

    /// Coin Metrics file (no DiffMean): D is derived from HashRate (TH/s) and BlkCnt, so the index reduces to
    /// (IssTotNtv + FeeTotNtv) · PriceUSD · 1e15 / (HashRate · 1e12) — an independent closed form.
    func testCoinMetricsMatchesIndependentFormula() throws {
        guard let url = TestSupport.sharedDataset("coinmetrics_btc.csv") else {
            throw XCTSkip("coinmetrics_btc.csv absent from ../shared/datasets")
        }
        let (c, rows) = try readColumns(url)
        var expected: [String: Double] = [:]
        for r in rows {
            guard let p = num(r[c["PriceUSD"]!]), let b = num(r[c["BlkCnt"]!]), b > 0, let h = num(r[c["HashRate"]!]), h > 0,
                  let f = num(r[c["FeeTotNtv"]!]), let i = num(r[c["IssTotNtv"]!]) else { continue }
            expected[String(r[c["time"]!].prefix(10))] = (i + f) * p * 1e15 / (h * 1e12)
        }
        let days = HashpriceIndex.compute(try InputParser.parse(path: url.path).observations)
        var got: [String: Double] = [:]
        for d in days { if let u = d.hashpriceUSDPerPHDay { got[d.date.iso] = u } }
        XCTAssertGreaterThan(expected.count, 3000)
        var worst = 0.0
        for (k, e) in expected {
            guard let g = got[k] else { XCTFail("\(k) missing from the index"); continue }
            worst = max(worst, abs(g - e) / e)
        }
        XCTAssertLessThan(worst, 1e-9)
    }

    /// 144-block trailing fees on synthetic days worked by hand:
    /// day1 100 blocks 10 BTC fees, day2 100 blocks 30 BTC, day3 50 blocks 20 BTC, day4 200 blocks 8 BTC.
    /// day1: only 100 blocks of history → 10/100 = 0.1.
    /// day2: all of day2 (100, 30) + 44/100 of day1 (4.4) → 34.4/144.
    /// day3: day3 (50, 20) + day2 (100 > 94 needed → 30·0.94 = 28.2) → 48.2/144.
    /// day4: 200 ≥ 144 → 8·0.72/144 = 0.04 = the day's own average.
    func testTrailing144KnownAnswer() {
        let d0 = Day(iso: "2030-01-01")!
        let spec: [(Double, Double)] = [(100, 10), (100, 30), (50, 20), (200, 8)]
        let obs = spec.enumerated().map { i, s in
            DailyObservation(date: d0 + i, priceUSD: 100, blockCount: s.0, difficulty: 1e12, feesBTC: s.1, issuanceBTC: s.0 * 3.125)
        }
        let days = HashpriceIndex.compute(obs)
        let expected = [0.1, 34.4 / 144, 48.2 / 144, 0.04]
        XCTAssertEqual(days.count, 4)
        for (d, e) in zip(days, expected) {
            XCTAssertEqual(d.feesTrailing144PerBlockBTC, e, accuracy: 1e-15)
            let k = 86400.0 * 1e15 / (1e12 * 4294967296.0)
            XCTAssertEqual(d.hashpriceTrailing144BTCPerPHDay, k * (3.125 + e), accuracy: 1e-12 * k)
            XCTAssertEqual(d.hashpriceTrailing144USDPerPHDay!, 100 * k * (3.125 + e), accuracy: 1e-10 * k)
        }
    }

    /// Issuance missing but heights known: the protocol subsidy over the day's heights, split exactly at a halving.
    /// Day 2 covers heights 839,901…840,050: 99 blocks at 6.25 and 51 at 3.125 → 618.75 + 159.375 = 778.125 BTC.
    func testSubsidyFromHeightsAcrossHalving() {
        let d0 = Day(iso: "2024-04-19")!
        let obs = [
            DailyObservation(date: d0, priceUSD: 60000, blockCount: 150, difficulty: 8e13, feesBTC: 15, heightEnd: 839_900),
            DailyObservation(date: d0 + 1, priceUSD: 60000, blockCount: 150, difficulty: 8e13, feesBTC: 15, heightEnd: 840_050),
            DailyObservation(date: d0 + 2, priceUSD: nil, blockCount: nil, difficulty: 8e13, feesBTC: 15, heightEnd: 840_200),
        ]
        let days = HashpriceIndex.compute(obs)
        // Day 1 has no predecessor height and no issuance: skipped (documented), never NaN.
        XCTAssertEqual(days.map(\.date), [d0 + 1, d0 + 2])
        XCTAssertEqual(days[0].subsidyBTCPerBlock, 778.125 / 150, accuracy: 1e-15)
        XCTAssertEqual(days[0].feeShare, 15 / (778.125 + 15), accuracy: 1e-15)
        // Day 3: blocks from heights (150), all at 3.125, no price → USD columns nil.
        XCTAssertEqual(days[1].subsidyBTCPerBlock, 3.125, accuracy: 0)
        XCTAssertNil(days[1].hashpriceUSDPerPHDay)
        // Hash rate fallback: blocks·D·2^32/86400 / 1e18.
        XCTAssertEqual(days[1].hashRateEHs, 150 * 8e13 * 4294967296.0 / 86400 / 1e18, accuracy: 1e-9)
        XCTAssertEqual(HashpriceIndex.protocolSubsidyBTC(heights: 0, through: 209_999), 210_000 * 50)
    }

    func testSkipsIncompleteDays() {
        let d0 = Day(iso: "2030-01-01")!
        let obs = [
            DailyObservation(date: d0, priceUSD: 1, blockCount: 144, difficulty: nil, feesBTC: 1, issuanceBTC: 450),
            DailyObservation(date: d0 + 1, priceUSD: 1, blockCount: 0, difficulty: 1e12, feesBTC: 1, issuanceBTC: 450),
            DailyObservation(date: d0 + 2, priceUSD: 1, blockCount: 144, difficulty: 1e12, feesBTC: nil, issuanceBTC: 450),
            DailyObservation(date: d0 + 3, priceUSD: 1, blockCount: 144, difficulty: 1e12, feesBTC: 1, issuanceBTC: 450),
        ]
        XCTAssertEqual(HashpriceIndex.compute(obs).map(\.date), [d0 + 3])
    }
}

final class BenchmarkCSVTests: XCTestCase {
    /// Column order of docs/outputs.md, empty cells for a missing price, Double.description numbers, reruns identical.
    func testIndexCSVLayout() {
        let d0 = Day(iso: "2030-01-01")!
        let obs = [
            DailyObservation(date: d0, priceUSD: 50_000, blockCount: 144, difficulty: 1e14, feesBTC: 14.4, issuanceBTC: 450),
            DailyObservation(date: d0 + 1, priceUSD: nil, blockCount: 144, difficulty: 1e14, feesBTC: 14.4, issuanceBTC: 450),
        ]
        let text = HashpriceCSV.index(HashpriceIndex.compute(obs))
        XCTAssertEqual(text, HashpriceCSV.index(HashpriceIndex.compute(obs.reversed())))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(String(lines[0]), "date,difficulty,hashrate_ehs,price_usd,subsidy_btc_per_block,fees_btc_per_block,fee_share,"
            + "hashprice_btc_ph_day,hashprice_usd_ph_day,fees_btc_per_block_144,hashprice_btc_ph_day_144,hashprice_usd_ph_day_144")
        let k = 86400.0 * 1e15 / (1e14 * 4294967296.0)
        let hp = k * 3.225
        let cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(cells.count, 12)
        XCTAssertEqual(cells[0], "2030-01-01")
        XCTAssertEqual(Double(cells[7])!, hp, accuracy: 1e-15 * hp)
        XCTAssertEqual(Double(cells[8])!, hp * 50_000, accuracy: 1e-10 * hp * 50_000)
        XCTAssertEqual(Double(cells[6])!, 14.4 / 464.4, accuracy: 1e-15)
        let cells2 = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(cells2[3], "")
        XCTAssertEqual(cells2[8], "")
        XCTAssertEqual(cells2[11], "")
        XCTAssertEqual(lines.last, "")
        XCTAssertFalse(text.contains("nan") || text.contains("inf"))
    }
}
