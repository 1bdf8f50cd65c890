import Foundation
import TestSupport
import XCTest
import Charts
@testable import Report

/// The backtest page and the run report's model-validation section, from hand-written backtest files.
final class BacktestReportTests: XCTestCase {
    static let scores = """
    model,horizon,n,n_eff,cov50,cov90,below_p05,above_p95,pit_0,pit_1,pit_2,pit_3,pit_4,pit_5,pit_6,pit_7,pit_8,pit_9,chi2,chi2_p,chi2_p_adj,pinball,naive_n,pinball_on_naive,naive_pinball,skill,payout_n,payout_cov50,payout_cov90
    merton,30,12,12.0,0.5,0.9166666666666666,1,0,2,1,1,1,1,1,1,2,1,1,1.6666666666666667,0.99,0.99,0.05,12,0.05,0.06,0.16666666666666663,12,0.5,0.9166666666666666
    merton,365,10,2.5,0.3,0.6,3,1,4,0,0,1,0,0,1,0,0,4,30.0,0.0004,0.3,0.4,10,0.4,0.3,-0.33333333333333326,10,0.3,0.7
    gbm,30,12,12.0,0.5833333333333334,1.0,0,0,1,1,1,2,1,1,2,1,1,1,1.6666666666666667,0.99,0.99,0.045,12,0.045,0.06,0.25,12,0.5,1.0
    gbm,365,10,2.5,0.4,0.7,2,1,3,1,0,1,0,0,1,0,1,3,20.0,0.018,0.5,0.35,10,0.35,0.3,-0.16666666666666674,10,0.4,0.8

    """

    static func backtest() -> String {
        var s = "origin,model,horizon,target_date,realized,p05,p25,p50,p75,p95,pit,in50,in90,pinball,naive_pinball,realized_payout,payout_p05,payout_p50,payout_p95,payout_pit,payout_in50,payout_in90\n"
        for (i, o) in ["2020-01-01", "2020-04-01", "2020-07-01", "2020-10-01"].enumerated() {
            for m in ["merton", "gbm"] {
                for h in [30, 365] {
                    let c = 50.0 + Double(i) * 5, r = c * (1 + 0.1 * Double(i - 2))
                    let day = Fixture.date(ChartDate.parse(o)! + h)
                    s += "\(o),\(m),\(h),\(day),\(r),\(c * 0.6),\(c * 0.85),\(c),\(c * 1.2),\(c * 1.6),0.5,1,1,0.05,0.06,\(Double(h) * 0.02),0.1,0.5,1.0,0.5,1,1\n"
                }
            }
        }
        return s
    }

    /// A complete backtest `manifest.json` (every field `RunManifest<BacktestParameters>` reads).
    static let manifest = """
    {"command": "backtest", "version": "hashsec 0.1", "created_utc": "2026-12-01T00:00:00Z", "inputs": [], "timings_s": {},
     "parameters": {"deal": "s21-token", "from": "2020-01-01", "to": "2020-10-01", "every": "quarter",
     "offset_days": 0, "horizons": [30, 365], "models": ["merton", "gbm"], "paths": 200, "seed": 1, "window_days": 1460,
     "poisson_blocks": false, "antithetic": true, "measure": "real", "drift": "historical",
     "drift_prior": {"mean_per_year": 0, "sd_per_year": 0.5}, "parameter_uncertainty": true,
     "origins_requested": 4, "origins_scored": 4, "origins": [], "origin_seed": "", "quantiles": "", "pit": "",
     "calibration": "fitted at each origin on data ≤ origin",
     "requirements": ["cov90@30-365=0.85..0.95"], "requirements_failed": ["cov90 merton 365 d = 0.600 not in 0.850..0.950 — cov90@30-365=0.85..0.95"]}}
    """

    func testBacktestPageHasEveryChartAndTheFailedChecks() throws {
        let dir = try TestSupport.temporaryDirectory("bt-page")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Fixture.write(Self.scores, dir.appendingPathComponent("scores.csv"))
        try Fixture.write(Self.backtest(), dir.appendingPathComponent("backtest.csv"))
        try Fixture.write(Self.manifest, dir.appendingPathComponent("manifest.json"))
        let html = try BacktestReport.render(directory: dir)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8), html)
        // 2 coverage + 1 skill + 4 PIT histograms (2 models × 2 horizons) + 2 fans (merton at 30 and 365 d).
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"chart\"").count - 1, 9)
        XCTAssertTrue(html.contains("Coverage of the 90% band by horizon") && html.contains("nominal 90%"))
        XCTAssertTrue(html.contains("PIT merton 365 d, χ² p (adj.) 0.3\""))
        XCTAssertTrue(html.contains("merton, 365-day forecasts against the realized hashprice") && html.contains(">realized<"))
        XCTAssertTrue(html.contains("✗ cov90 merton 365 d = 0.600 not in 0.850..0.950"))
        XCTAssertTrue(html.contains("4 origins 2020-01-01…2020-10-01 (every quarter), 200 paths"))
        XCTAssertTrue(html.contains("<td class=\"num\">-0.3333</td>"), "skill in the scores table")
        XCTAssertFalse(html.contains("<script")); XCTAssertFalse(html.contains("src=\"http"))
        XCTAssertEqual(try BacktestReport.render(directory: dir), html, "deterministic")
        // Missing scores.csv: a clear error, nothing written.
        let empty = try TestSupport.temporaryDirectory("bt-empty")
        XCTAssertThrowsError(try BacktestReport.render(directory: empty)) { XCTAssert("\($0)".contains("no backtest.csv"), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: empty.appendingPathComponent("index.html").path))
    }

    func testBacktestPageRendersInHeadlessChromium() throws {
        let dir = try TestSupport.temporaryDirectory("bt-chromium")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Fixture.write(Self.scores, dir.appendingPathComponent("scores.csv"))
        try Fixture.write(Self.backtest(), dir.appendingPathComponent("backtest.csv"))
        try Fixture.write(Self.manifest, dir.appendingPathComponent("manifest.json"))
        try BacktestReport.render(directory: dir)
        let (code, out) = try BrowserTests.python("check_report.py", [dir.appendingPathComponent("index.html").path, "9"])
        if code == 2 { throw XCTSkip("chromium absent (CI installs it via scripts/install-deps.sh): \(out)") }
        XCTAssertEqual(code, 0, out)
        XCTAssertTrue(out.contains("\"svg\": 9"), out)
    }

    /// The run report shows the latest backtest's coverage and skill by horizon, its failed checks and a link to it.
    func testRunReportModelValidationSection() throws {
        let dir = try TestSupport.temporaryDirectory("report-mv")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Fixture.nightlyRun(at: dir)
        let before = try RunReport.render(runDirectory: dir)
        XCTAssertFalse(before.sections.contains("model-validation"), "no backtest, no section")
        try Fixture.write(Self.scores, dir.appendingPathComponent("model_validation.csv"))
        try Fixture.write("""
        {"data_as_of": "2026-11-24", "ran_in_this_run": true, "report": "../backtests/2026-11-24/index.html", "origins": 4,
         "deal": "s21-token", "models": ["merton", "gbm"], "requirements": ["skill@30-365>=0"],
         "from": "2020-01-01", "to": "2020-10-01", "every": "quarter", "paths": 200,
         "requirements_failed": ["skill merton 365 d = -0.333 not ≥ 0.000 — skill@30-365>=0"]}
        """, dir.appendingPathComponent("model_validation.json"))
        let out = try RunReport.render(runDirectory: dir)
        XCTAssertEqual(out.sections, ["overview", "history", "calibration", "model-validation", "changes", "deals", "manifest"])
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<section class=\"card\" id=\"model-validation\">"))
        XCTAssertTrue(html.contains("<a href=\"../backtests/2026-11-24/index.html\">Full backtest</a>"))
        XCTAssertTrue(html.contains("Backtest on data to 2026-11-24 (run by this nightly): 4 origins 2020-01-01…2020-10-01 every quarter, 200 paths"))
        XCTAssertTrue(html.contains("✗ skill merton 365 d = -0.333"))
        XCTAssertTrue(html.contains("1 checks failed"))
        // 8 charts of the fixture + the two coverage charts; the table has model, horizon, n, cov50, cov90, skill.
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"chart\"").count - 1, 10)
        XCTAssertTrue(html.contains("<th>model</th><th>horizon</th><th>n</th><th>cov50</th><th>cov90</th><th>skill</th>"))
    }
}
