import Domain
import Foundation
import Ingest
import Store
import TestSupport
import XCTest

final class SeriesTests: XCTestCase {
    func testSeveralSeriesMergeByDateWithUnitsAndTimestamps() throws {
        let dir = try TestSupport.temporaryDirectory("series")
        let store = try HistoryStore(path: dir.appendingPathComponent("s.sqlite").path)
        let d1 = Day(iso: "2023-04-01")!, d2 = Day(iso: "2023-04-02")!
        // blockchain.com style: Timestamp with a time part, and Unix seconds / milliseconds.
        let price = try H.write(dir, "price.csv", "Timestamp,market-price\n2023-04-01 00:00:00,28000.5\n\(d2.unixSeconds),28100\n")
        let diff = try H.write(dir, "diff.csv", "date,value\n2023-04-02,4.7e13\n\(d1.unixSeconds * 1000),4.6e13\n")
        let hr = try H.write(dir, "hr.csv", "date,hash_rate_ehs\n2023-04-01,350.5\n2023-04-02,0\n")
        let hrTH = try H.write(dir, "hr-th.csv", "date,value\n2023-04-03,3.5e8\n")
        XCTAssertEqual(try H.ingest(price, into: store)?.newRows, 2)
        XCTAssertEqual(try H.ingest(diff, into: store, IngestOptions(series: .difficulty))?.filledRows, 2)
        XCTAssertEqual(try H.ingest(hr, into: store)?.filledRows, 2)
        XCTAssertEqual(try H.ingest(hrTH, into: store, IngestOptions(series: .hashrate, unit: .ths))?.newRows, 1)
        let obs = try store.observations()
        XCTAssertEqual(obs, [
            DailyObservation(date: d1, priceUSD: 28000.5, difficulty: 4.6e13, hashRateHs: 350.5e18),
            DailyObservation(date: d2, priceUSD: 28100, difficulty: 4.7e13, hashRateHs: 0),
            DailyObservation(date: Day(iso: "2023-04-03")!, hashRateHs: 3.5e20),
        ])
        XCTAssertEqual(try store.revisionCount(), 0)
        // A revised price series logs exactly the changed value.
        let price2 = try H.write(dir, "price2.csv", "date,price_usd\n2023-04-01,28000.5\n2023-04-02,28200\n")
        let s = try XCTUnwrap(H.ingest(price2, into: store))
        XCTAssertEqual([s.revisedRows, s.revisedValues, s.unchangedRows], [1, 1, 1])
        XCTAssertEqual(try store.revisions().map { [$0.old, $0.new] }, [[28100, 28200]])
    }
}

/// Real HTTP: a `python3 -m http.server` bound to 127.0.0.1 in a temp dir, started and stopped by the test.
final class HTTPIngestTests: XCTestCase {
    func startServer(in dir: URL) throws -> (Process, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "0"]
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { throw XCTSkip("python3 not available: \(error)") }
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        var text = ""
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !text.contains("port ") || !text.contains("(") {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        guard let r = text.range(of: "port "), let port = Int(text[r.upperBound...].prefix { $0.isNumber }) else {
            p.terminate(); throw XCTSkip("http.server did not report its port: \(text)")
        }
        return (p, port)
    }

    func testDownloadAndIngestFromLocalServerAnd404() throws {
        let served = try TestSupport.temporaryDirectory("www")
        let csv = [H.tidyHeader, H.tidyRow("2022-06-01"), H.tidyRow("2022-06-02", price: 20000)].joined(separator: "\n") + "\n"
        _ = try H.write(served, "daily.csv", csv)
        let (server, port) = try startServer(in: served)
        defer { server.terminate(); server.waitUntilExit() }
        let work = try TestSupport.temporaryDirectory("dl")
        let url = "http://127.0.0.1:\(port)/daily.csv"
        let local = try InputParser.download(url, into: work, timeout: 10)
        XCTAssertEqual(try Data(contentsOf: local), Data(csv.utf8))
        let p = try InputParser.parse(path: local.path, name: url)
        XCTAssertEqual(p.name, url)
        XCTAssertEqual(p.observations.map(\.priceUSD), [30000, 20000])
        let store = try HistoryStore(path: work.appendingPathComponent("s.sqlite").path)
        XCTAssertEqual(try store.apply(p.observations, path: url, sha256: p.sha256, format: "tidy")?.newRows, 2)
        XCTAssertEqual(try store.ingestedFiles().map(\.path), [url])

        XCTAssertThrowsError(try InputParser.download("http://127.0.0.1:\(port)/missing.csv", into: work, timeout: 10)) { e in
            guard case let .download(u, reason)? = e as? IngestError else { return XCTFail("\(e)") }
            XCTAssertEqual(u, "http://127.0.0.1:\(port)/missing.csv")
            XCTAssertTrue(reason.hasPrefix("HTTP 404"), reason)
        }
    }
}

final class FormatDetectionTests: XCTestCase {
    func testDetectionAndLineEndingsDoNotChangeTheResult() throws {
        XCTAssertEqual(InputParser.detect(header: ["time", "AdrActCnt", "BlkCnt", "PriceUSD"]), .coinmetrics)
        XCTAssertEqual(InputParser.detect(header: ["date", "price_usd", "block_count", "extra"]), .tidy)
        XCTAssertEqual(InputParser.detect(header: ["Timestamp", "hash-rate"]), .series)
        XCTAssertEqual(InputParser.detect(header: ["date", "price_usd"]), .series)
        XCTAssertEqual(InputParser.detect(header: ["height", "header_hex", "hash_hex"]), .headers)
        XCTAssertNil(InputParser.detect(header: ["a", "b", "c"]))

        let dir = try TestSupport.temporaryDirectory("eol")
        let rows = [H.tidyHeader, H.tidyRow("2022-01-03"), H.tidyRow("2022-01-01", price: 1.25), H.tidyRow("2022-01-02", fees: 0)]
        let lf = try H.write(dir, "lf.csv", rows.joined(separator: "\n") + "\n")
        let crlf = try H.writeBytes(dir, "crlf.csv", [0xEF, 0xBB, 0xBF] + Array(rows.joined(separator: "\r\n").utf8))
        let quoted = try H.write(dir, "quoted.csv", rows.map { $0.split(separator: ",").map { "\"\($0)\"" }.joined(separator: ",") }
            .joined(separator: "\n"))
        let a = try InputParser.parse(path: lf), b = try InputParser.parse(path: crlf), c = try InputParser.parse(path: quoted)
        XCTAssertEqual(a.observations, b.observations)
        XCTAssertEqual(a.observations, c.observations)
        XCTAssertEqual(a.observations.map(\.date.iso), ["2022-01-01", "2022-01-02", "2022-01-03"], "out-of-order rows are sorted")
        XCTAssertNotEqual(a.sha256, b.sha256)
        // Independent SHA-256 of the file bytes via sha256sum, when present.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [lf]
        let out = Pipe(); p.standardOutput = out
        if (try? p.run()) != nil {
            p.waitUntilExit()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(String(text.prefix(64)), a.sha256)
        }
    }
}
