import Foundation
import TestSupport
import XCTest

/// The nightly's `backtest:` block: run when due, shown in the report (model validation) and linked; not re-run when not due.
final class NightlyBacktestTests: XCTestCase {
    /// Origins 2023-05-01 + 120 k (the harness history's supply fit needs the years before them), window 730 days.
    func block(everyDays: Int, require: String = "cov90@30-90=0..1", from: String = "2023-05-01") -> String {
        """
        backtest:
          every_days: \(everyDays)
          models: [merton]
          every: 120d
          from: \(from)
          horizons: [30, 90]
          paths: 20
          require: "\(require)"

        """
    }

    /// With parameter uncertainty off: on the harness history the parameter draws of these fits give some non-finite paths,
    /// which the backtest refuses (see `testFailingScheduledBacktestDoesNotStopTheNightly` for a refused backtest).
    static let assumptions = "parameter_uncertainty: off\n"

    func testScheduledBacktestRunsWhenDueAndFeedsTheReport() throws {
        let h = try NightlyHarness()
        defer { try? FileManager.default.removeItem(at: h.root) }
        let cfg = h.root.appendingPathComponent("nightly.yaml")
        try (h.config() + Self.assumptions + block(everyDays: 30)).write(to: cfg, atomically: true, encoding: .utf8)
        let r1 = try h.run()
        XCTAssertEqual(r1.status, 0, r1.stderr)
        XCTAssertTrue(r1.stderr.contains("\"backtest run\""), r1.stderr)
        // History: 1,500 days from 2020-01-01 → as of 2024-02-08; origins 2023-05-01 + 120 k up to as-of − 30 d.
        let bt = h.reports.appendingPathComponent("backtests/2024-02-08")
        let scores = try String(contentsOf: bt.appendingPathComponent("scores.csv"), encoding: .utf8)
        XCTAssertTrue(FileManager.default.fileExists(atPath: bt.appendingPathComponent("index.html").path))
        XCTAssertTrue(scores.hasPrefix("model,horizon,n,"))
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: bt.appendingPathComponent("manifest.json"))) as? [String: Any])
        let origins = try XCTUnwrap((manifest["parameters"] as? [String: Any])?["origins"] as? [[String: String]]).map { $0["origin"]! }
        XCTAssertEqual(origins, ["2023-05-01", "2023-08-29", "2023-12-27"])
        let run1 = try XCTUnwrap(h.runFolders().last)
        var files = try h.files(run1)
        XCTAssertEqual(String(decoding: files["model_validation.csv"]!, as: UTF8.self), scores, "the run shows the backtest's scores")
        let info = try XCTUnwrap(JSONSerialization.jsonObject(with: files["model_validation.json"]!) as? [String: Any])
        XCTAssertEqual(info["ran_in_this_run"] as? Bool, true); XCTAssertEqual(info["data_as_of"] as? String, "2024-02-08")
        var html = String(decoding: files["index.html"]!, as: UTF8.self)
        XCTAssertTrue(html.contains("id=\"model-validation\"") && html.contains("<a href=\"../backtests/2024-02-08/index.html\">Full backtest</a>"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: h.reports.appendingPathComponent(run1).appendingPathComponent("../backtests/2024-02-08/index.html").standardized.path))
        // Same data, 0 days later: not due, the report still shows it.
        let before = try Data(contentsOf: bt.appendingPathComponent("manifest.json"))
        let r2 = try h.run()
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertTrue(r2.stderr.contains("backtest not due"), r2.stderr)
        XCTAssertEqual(try Data(contentsOf: bt.appendingPathComponent("manifest.json")), before, "not re-run")
        files = try h.files(try XCTUnwrap(h.runFolders().last))
        XCTAssertEqual(try XCTUnwrap(JSONSerialization.jsonObject(with: files["model_validation.json"]!) as? [String: Any])["ran_in_this_run"] as? Bool, false)
        html = String(decoding: files["index.html"]!, as: UTF8.self)
        XCTAssertTrue(html.contains("id=\"model-validation\""))
        // every_days: 0 → every run; a failing check is flagged in the report and logged, the nightly still succeeds.
        try (h.config() + Self.assumptions + block(everyDays: 0, require: "cov90@30-90=0.99..1,skill>=10")).write(to: cfg, atomically: true, encoding: .utf8)
        let r3 = try h.run()
        XCTAssertEqual(r3.status, 0, r3.stderr)
        XCTAssertTrue(r3.stderr.contains("\"backtest run\"") && r3.stderr.contains("backtest check failed: skill merton 30 d"), r3.stderr)
        html = String(decoding: try h.files(try XCTUnwrap(h.runFolders().last))["index.html"]!, as: UTF8.self)
        XCTAssertTrue(html.contains("checks failed</span>") && html.contains("✗ skill merton 30 d"))
        XCTAssertEqual(String(decoding: try h.files(try XCTUnwrap(h.runFolders().last))["model_validation.csv"]!, as: UTF8.self), scores,
                       "same data and seed ⇒ the same scores")
    }

    /// A backtest that is due but cannot run (its first origin has too little history to calibrate) is logged as an error;
    /// the nightly still publishes its valuations, without a model-validation section (no backtest exists yet).
    func testFailingScheduledBacktestDoesNotStopTheNightly() throws {
        let h = try NightlyHarness()
        defer { try? FileManager.default.removeItem(at: h.root) }
        try (h.config() + block(everyDays: 30, from: "2020-03-01")).write(to: h.root.appendingPathComponent("nightly.yaml"), atomically: true, encoding: .utf8)
        let r = try h.run()
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("scheduled backtest failed (the run goes on)") && r.stderr.contains("backtest origin 2020-03-01"), r.stderr)
        let files = try h.files(try XCTUnwrap(h.runFolders().last))
        XCTAssertNil(files["model_validation.csv"])
        XCTAssertNotNil(files["deals/btcst-like/summary.json"])
        XCTAssertFalse(String(decoding: files["index.html"]!, as: UTF8.self).contains("id=\"model-validation\""))
        XCTAssertTrue(NightlyBacktestTests.stored(h).isEmpty, "nothing half-written")
    }

    static func stored(_ h: NightlyHarness) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: h.reports.appendingPathComponent("backtests").path)) ?? []).sorted()
    }

    func testBadBacktestBlockIsAConfigErrorWithItsLine() throws {
        let h = try NightlyHarness()
        defer { try? FileManager.default.removeItem(at: h.root) }
        let cfg = h.root.appendingPathComponent("nightly.yaml")
        for (bad, expect) in [(block(everyDays: 30).replacingOccurrences(of: "every: 120d", with: "every: weekly"), "backtest.every"),
                              (block(everyDays: 30).replacingOccurrences(of: "models: [merton]", with: "models: [heston]"), "backtest.models[0]"),
                              (block(everyDays: 30, require: "cov90>>1"), "backtest.require"),
                              (block(everyDays: 30) + "  paths_: 3\n", "paths_")] {
            try (h.config() + bad).write(to: cfg, atomically: true, encoding: .utf8)
            let r = try h.run()
            XCTAssertEqual(r.status, 78, r.stderr)
            XCTAssertTrue(r.stderr.contains("nightly.yaml:") && r.stderr.contains(expect), r.stderr)
            XCTAssertTrue(h.runFolders().isEmpty, "nothing published")
        }
    }
}
