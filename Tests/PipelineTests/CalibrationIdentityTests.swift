import Foundation
@testable import Pipeline
import TestSupport
import XCTest

/// Issue 12 item 12 at the CLI level (SPEC §5, calibration identity): two fits of the same as-of with different windows
/// are both kept; `simulate` and `stress` take the fit whose key matches their own as-of and window (the key a fresh fit
/// is stored under) and the manifest names it: no silent last-write-wins.
final class CalibrationIdentityTests: XCTestCase {
    private var dir: URL!
    private let asOf = "2026-06-30"

    override func setUpWithError() throws {
        guard HashsecBinary.isBuilt else { throw XCTSkip("\(HashsecBinary.url.path) absent: run `swift build` first") }
        dir = try TestSupport.temporaryDirectory("calibration-identity")
    }

    override func tearDown() { if let dir { try? FileManager.default.removeItem(at: dir) } }

    @discardableResult
    private func hashsec(_ args: [String]) throws -> String {
        let r = try HashsecBinary.run(args, in: dir)
        XCTAssertEqual(r.status, 0, "\(args.joined(separator: " ")): \(r.stderr)")
        return r.stdout
    }

    private func sha(_ name: String) throws -> String { JobInputs.sha256(try Data(contentsOf: dir.appendingPathComponent(name))) }

    private struct Manifest: Decodable {
        struct Calibration: Decodable { var source: String; var key: String?; var as_of: String; var window_days: Int?; var sha256: String }
        var calibration: Calibration?
    }

    private func calibration(_ out: String) throws -> Manifest.Calibration {
        let m = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: dir.appendingPathComponent("\(out)/manifest.json")))
        return try XCTUnwrap(m.calibration, "\(out)/manifest.json names its calibration")
    }

    /// The key `calibrate` printed ("stored in DB under key K (…)").
    private func key(_ stdout: String) throws -> String {
        let line = try XCTUnwrap(stdout.split(separator: "\n").first { $0.hasPrefix("stored in ") })
        let words = line.split(separator: " ")
        return String(words[words.firstIndex(of: "key")! + 1])
    }

    func testTwoWindowsAreTwoFitsAndSimulateNamesTheOneItUsed() throws {
        let deal = TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/s21-token.yaml").path
        try hashsec(["ingest", TestSupport.repositoryRoot.appendingPathComponent("datasets/synthetic-history.csv").path, "--db", "db.sqlite"])
        let k1460 = try key(try hashsec(["calibrate", "--db", "db.sqlite", "--as-of", asOf, "--out", "w1460.json"]))
        let k730 = try key(try hashsec(["calibrate", "--db", "db.sqlite", "--as-of", asOf, "--window", "730", "--out", "w730.json"]))
        XCTAssertNotEqual(k1460, k730, "different windows, different keys")
        XCTAssertNotEqual(try sha("w1460.json"), try sha("w730.json"), "different windows, different fits")

        // The later fit (730 days) does not replace the earlier one: the default window still gets the 1460-day fit.
        let sim = ["simulate", deal, "--db", "db.sqlite", "--as-of", asOf, "--paths", "32", "--horizon", "60", "--threads", "1"]
        try hashsec(sim + ["--out", "s1460"])
        let c1460 = try calibration("s1460")
        XCTAssertEqual(c1460.source, "store")
        XCTAssertEqual(c1460.key, k1460)
        XCTAssertEqual(c1460.window_days, 1460)
        XCTAssertEqual(c1460.as_of, asOf)
        XCTAssertEqual(c1460.sha256, try sha("w1460.json"), "the stored fit is the one calibrate wrote")

        try hashsec(sim + ["--window", "730", "--out", "s730"])
        let c730 = try calibration("s730")
        XCTAssertEqual(c730.source, "store")
        XCTAssertEqual(c730.key, k730)
        XCTAssertEqual(c730.sha256, try sha("w730.json"))
        XCTAssertNotEqual(try Data(contentsOf: dir.appendingPathComponent("s1460/summary.json")),
                          try Data(contentsOf: dir.appendingPathComponent("s730/summary.json")))

        // Stress resolves with the same resolver and key.
        try Data("scenarios:\n  - {name: crash, kind: price_crash, pct: 50, day: 10}\n".utf8).write(to: dir.appendingPathComponent("scen.yaml"))
        try hashsec(["stress", deal, "--scenarios", "scen.yaml", "--db", "db.sqlite", "--as-of", asOf, "--paths", "32", "--horizon", "60",
                     "--threads", "1", "--window", "730", "--out", "st730"])
        XCTAssertEqual(try calibration("st730").key, k730)

        // A sharded stress run (and a sharded simulate) merged: the merged manifest names the same calibration key.
        let stress = ["stress", deal, "--scenarios", "scen.yaml", "--db", "db.sqlite", "--as-of", asOf, "--paths", "32", "--horizon", "60",
                      "--threads", "1", "--window", "730"]
        for i in 0..<2 { try hashsec(stress + ["--shard", "\(i)/2", "--out", "stress-shards"]) }
        try hashsec(["merge", "stress-shards", "--out", "stm730"])
        let merged = try calibration("stm730")
        XCTAssertEqual(merged.key, k730, "the merged stress manifest names the shards' calibration")
        XCTAssertEqual(merged.window_days, 730)
        XCTAssertEqual(merged.sha256, try sha("w730.json"))
        for i in 0..<2 { try hashsec(sim + ["--window", "730", "--shard", "\(i)/2", "--out", "sim-shards"]) }
        try hashsec(["merge", "sim-shards", "--out", "sm730"])
        XCTAssertEqual(try calibration("sm730").key, k730, "the merged simulate manifest names it too")

        // A window nobody fitted yet: fitted now and stored under the key a fresh `calibrate` uses; the next run finds it.
        try hashsec(sim + ["--window", "365", "--out", "s365a"])
        let fresh = try calibration("s365a")
        XCTAssertEqual(fresh.source, "fit")
        try hashsec(sim + ["--window", "365", "--out", "s365b"])
        let again = try calibration("s365b")
        XCTAssertEqual(again.source, "store")
        XCTAssertEqual(again.key, fresh.key)
        XCTAssertEqual(again.sha256, fresh.sha256)
        let k365 = try key(try hashsec(["calibrate", "--db", "db.sqlite", "--as-of", asOf, "--window", "365", "--out", "w365.json"]))
        XCTAssertEqual(k365, fresh.key, "simulate's key is the key of a fresh fit")
    }
}
