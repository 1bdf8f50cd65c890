import Foundation
import Ingest
import TestSupport
import XCTest

/// Issue 12 item 9: downloads have a total deadline, clear messages, refuse redirect loops and truncated bodies, and
/// leave no file behind on failure. Against an in-process server on 127.0.0.1 (TestSupport.LocalHTTPServer).
final class DownloadTests: XCTestCase {
    var server: LocalHTTPServer!
    var dir: URL!

    override func setUpWithError() throws {
        server = try LocalHTTPServer(files: ["daily.csv": Data(([H.tidyHeader, H.tidyRow("2022-06-01")].joined(separator: "\n") + "\n").utf8)])
        server.dripInterval = 0.5
        dir = try TestSupport.temporaryDirectory("dl")
    }

    override func tearDown() {
        server?.stop()
        if let dir { try? FileManager.default.removeItem(at: dir) }
    }

    func files() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] }

    func assertFails(_ path: String, timeout: Double, reason: String, within: Double, file: StaticString = #filePath, line: UInt = #line) {
        let t0 = Date()
        XCTAssertThrowsError(try InputParser.download(server.url(path), into: dir, timeout: timeout), path, file: file, line: line) { e in
            guard case let .download(u, r)? = e as? IngestError else { return XCTFail("\(path): \(e)", file: file, line: line) }
            XCTAssertEqual(u, server.url(path), file: file, line: line)
            XCTAssertTrue(r.contains(reason), "\(path): \(r)", file: file, line: line)
            XCTAssertFalse("\(e)".contains("NSURLErrorDomain") || "\(e)".contains("-1001"), "\(e)", file: file, line: line)
        }
        XCTAssertLessThan(Date().timeIntervalSince(t0), within, "\(path): the deadline holds", file: file, line: line)
        XCTAssertEqual(files(), [], "\(path): no file left behind", file: file, line: line)
    }

    func testGoodDownloadAndRedirect() throws {
        let a = try InputParser.download(server.url("/file/daily.csv"), into: dir, timeout: 10)
        XCTAssertEqual(try Data(contentsOf: a), server.files["daily.csv"])
        let b = try InputParser.download(server.url("/redirect/daily.csv"), into: dir, timeout: 10)
        XCTAssertEqual(try Data(contentsOf: b), server.files["daily.csv"])
        XCTAssertEqual(files().count, 2)
    }

    func testStallDripTruncateLoopAndStatus() throws {
        assertFails("/stall", timeout: 1.5, reason: "timed out after 1.5 s (the total download deadline", within: 8)
        assertFails("/drip", timeout: 2, reason: "timed out after 2 s", within: 8)
        assertFails("/truncate", timeout: 10, reason: "truncated", within: 8)
        assertFails("/loop-a", timeout: 10, reason: "redirect loop (/loop-a → /loop-b → /loop-a)", within: 8)
        assertFails("/status/503", timeout: 10, reason: "HTTP 503", within: 8)
        assertFails("/nothing-here", timeout: 10, reason: "HTTP 404", within: 8)
        XCTAssertTrue(server.requests.contains("/drip"))
    }

    func testConnectionRefusedAndBadURLs() throws {
        let port = server.port
        server.stop()
        let t0 = Date()
        XCTAssertThrowsError(try InputParser.download("http://127.0.0.1:\(port)/x.csv", into: dir, timeout: 5)) { e in
            XCTAssertTrue("\(e)".contains("cannot connect") || "\(e)".contains("connection"), "\(e)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 8)
        for bad in ["ftp://127.0.0.1/x.csv", "http://", "file:///etc/passwd"] {
            XCTAssertThrowsError(try InputParser.download(bad, into: dir, timeout: 5)) { XCTAssertTrue("\($0)".contains("not a valid http(s) URL"), "\($0)") }
        }
        XCTAssertEqual(files(), [])
    }
}
