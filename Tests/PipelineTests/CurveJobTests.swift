import Config
import Domain
import Foundation
import Nightly
import Pipeline
import Results
import Simulate
import Statistics
import TestSupport
import XCTest

/// The forward curve through the jobs (SPEC §13): `simulate` and `stress` under `--measure forward` from a curve file,
/// the nightly's `measure:` key, and `CurveInputs.latestCurve` (what `calc` reads).
final class CurveJobTests: XCTestCase {
    var deal: String { TestSupport.repositoryRoot.appendingPathComponent("datasets/deals/s21-token.yaml").path }
    var cal: String { TestSupport.repositoryRoot.appendingPathComponent("datasets/synthetic-calibration.json").path }

    /// A curve quoted on the synthetic calibration's as-of date (2022-11-25; its hashprice is about 58 USD/PH/day), with
    /// a backwardated shape so a flat drift cannot match it by accident.
    func curveFile(in dir: URL) throws -> String {
        let rows = ["2022-12,60", "2023-01,52", "2023-02,50", "2023-03,47"].map { "2022-11-25,\($0)" }
        let u = dir.appendingPathComponent("curve.csv")
        try ("# test curve\nquote_date,month,hashprice_usd_ph_day\n" + rows.joined(separator: "\n") + "\n").write(to: u, atomically: true, encoding: .utf8)
        return u.path
    }

    func settings(_ paths: Int, threads: Int = 2) -> SimulationSettings {
        var s = SimulationSettings(paths: paths, seed: 9, threads: threads, horizonDays: 200)
        s.measure = .forward
        return s
    }

    /// simulate --measure forward --curve FILE --hedge own: the monthly means match the curve (the pilot is the whole
    /// run here, so to the solver's tolerance), the manifest and summary state the method, the outputs are byte-identical
    /// whatever the thread count, and stress's base row is the same run as simulate's (same PVs under the same shift).
    func testSimulateAndStressUnderTheForwardMeasure() throws {
        let dir = try TestSupport.temporaryDirectory("curvejob")
        defer { try? FileManager.default.removeItem(at: dir) }
        let curve = CurveOptions(path: try curveFile(in: dir), pilotPaths: 400)
        func sim(threads: Int, out: String) throws -> SimulateJob.Result {
            try SimulateJob.run(.init(dealPath: deal, settings: settings(400, threads: threads), calibrationPath: cal,
                                      dbPath: dir.appendingPathComponent("none.sqlite").path, out: dir.appendingPathComponent(out).path,
                                      curve: curve, hedge: .own))
        }
        let a = try sim(threads: 2, out: "a"), b = try sim(threads: 1, out: "b")
        let fw = try XCTUnwrap(a.summary?.curve?.forward)
        XCTAssertEqual(fw.months.map(\.month), ["2022-12", "2023-01", "2023-02", "2023-03"])
        for m in fw.months { XCTAssertEqual(m.relativeError.value, 0, accuracy: 1e-8, m.month) }
        XCTAssertEqual(fw.pilotPaths, 400)
        for name in ["summary.json", "hedge.csv", "hedge_margin.csv", "curve_case.csv", "curve_months.csv"] {
            let fa = try String(contentsOf: dir.appendingPathComponent("a/\(name)"), encoding: .utf8)
            let fb = try String(contentsOf: dir.appendingPathComponent("b/\(name)"), encoding: .utf8)
            XCTAssertEqual(fa, fb, "\(name) depends on the thread count")
            XCTAssertFalse(fa.contains("nan") || fa.contains("inf"), name)
        }
        let summaryJSON = try String(contentsOf: dir.appendingPathComponent("a/summary.json"), encoding: .utf8)
        XCTAssert(summaryJSON.contains("forward (curve 2022-11-25 USD 2022-12…2023-03, solved on 400 paths, beyond: hold)"), summaryJSON)
        let manifest = try String(contentsOf: dir.appendingPathComponent("a/manifest.json"), encoding: .utf8)
        XCTAssert(manifest.contains("\"theta\""), "the solved shifts are in the manifest")
        // Under the forward measure the hedge sold at the curve has zero expected P&L on the pilot paths.
        let h = try XCTUnwrap(a.summary?.curve?.hedge)
        XCTAssertEqual(h.hedgePVMean.value, 0, accuracy: 1e-6 * max(1, h.pvMean.value))
        XCTAssertLessThan(h.varianceRatio.value, 1)

        let scenarios = dir.appendingPathComponent("scen.yaml")
        try "scenarios:\n  - {name: crash, kind: price_crash, pct: 50, day: 10}\n".write(to: scenarios, atomically: true, encoding: .utf8)
        // The report shows the curve against the simulated monthly means, the hedged/unhedged chart and the curve tables,
        // and the curve value beside the simulated distribution in the headline metrics.
        let rep = try ReportJob.run(runDirectory: dir.appendingPathComponent("a").path, notebookDirectory: nil)
        let html = try String(contentsOf: URL(fileURLWithPath: rep.html), encoding: .utf8)
        for text in ["Forward curve and hedge", "Forward curve vs simulated monthly mean hashprice", "PV per token, hedged vs unhedged",
                     "curve_value_pv_usd", "curve_months.csv", "hedge.csv", "hedge_margin.csv", "curve_case.csv", "hedged (own)"] {
            XCTAssert(html.contains(text), "the report lacks \(text)")
        }
        let metrics = try String(contentsOf: dir.appendingPathComponent("a/metrics.csv"), encoding: .utf8)
        let curveCase = try String(contentsOf: dir.appendingPathComponent("a/curve_case.csv"), encoding: .utf8)
        let pvCurve = try XCTUnwrap(curveCase.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)[2])
        XCTAssert(metrics.contains("curve_value_pv_usd,\(pvCurve)"), metrics)
        // The flat-hashprice base case sits beside it (issue 14 item 5), the same number as summary.json's.
        let flat = try XCTUnwrap(a.summary?.baseCase?.pvUSD.value)
        XCTAssert(metrics.contains("base_case_pv_usd,\(flat == flat.rounded() && abs(flat) < 1e15 ? String(Int64(flat)) : flat.description)"), metrics)

        let st = try StressJob.run(.init(dealPath: deal, scenariosPath: scenarios.path, dbPath: dir.appendingPathComponent("none.sqlite").path,
                                         settings: settings(400), calibrationPath: cal, curve: curve))
        XCTAssert(st.text.hasPrefix("measure: forward (curve 2022-11-25"), st.text)
        let base = try XCTUnwrap(st.rows.first)
        XCTAssertEqual(base.scenario, "base")
        let pvSim = try XCTUnwrap(a.summary?.pvMean), pvStress = base.pvMean
        XCTAssertEqual(pvStress, pvSim, accuracy: 1e-12 * abs(pvSim), "stress's base case is simulate's run")
        // The real-world base differs (the curve moves the PV).
        var real = settings(400); real.measure = .real
        let r0 = try StressJob.run(.init(dealPath: deal, scenariosPath: scenarios.path, dbPath: dir.appendingPathComponent("none.sqlite").path, settings: real,
                                         calibrationPath: cal, curve: curve))
        XCTAssertGreaterThan(abs(r0.rows[0].pvMean / pvSim - 1), 1e-3)
        XCTAssertFalse(r0.text.hasPrefix("measure:"))
    }

    /// A stored curve nobody asked for whose months all end before the as-of date (quoted long ago) leaves the run
    /// without curve outputs, as without a curve; asked for (`--measure forward`), it is refused with the reason.
    func testAStaleStoredCurveIsIgnoredUnlessAskedFor() throws {
        let dir = try TestSupport.temporaryDirectory("curvejob-stale")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("old.csv")
        try "quote_date,month,hashprice_usd_ph_day\n2022-01-10,2022-02,200\n2022-01-10,2022-03,190\n".write(to: file, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("c.sqlite").path
        _ = try IngestJob.run(inputs: [file.path], dbPath: db)
        var s = settings(20); s.measure = .real
        let r = try SimulateJob.run(.init(dealPath: deal, settings: s, calibrationPath: cal, dbPath: db, curve: CurveOptions(fromStore: true)))
        XCTAssertNil(r.summary?.curve)
        XCTAssertFalse(r.files.contains { $0.name == "curve_case.csv" })
        XCTAssertThrowsError(try SimulateJob.run(.init(dealPath: deal, settings: settings(20), calibrationPath: cal, dbPath: db,
                                                       curve: CurveOptions(fromStore: true)))) {
            XCTAssertTrue("\($0)".contains("has no month within the simulated days"), "\($0)")
        }
    }

    /// `stress --measure forward` without any curve fails before simulating (exit 67's error), writing nothing.
    func testStressForwardWithoutACurveIsRefused() throws {
        let dir = try TestSupport.temporaryDirectory("curvejob-none")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        XCTAssertThrowsError(try StressJob.run(.init(dealPath: deal, dbPath: dir.appendingPathComponent("none.sqlite").path,
                                                     settings: settings(20), out: out, calibrationPath: cal))) {
            XCTAssertTrue("\($0)".contains("no hashprice forward curve"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// The nightly's `measure:` key: the three measures, a bad one refused at its line; `format: curve` inputs allowed.
    func testNightlyMeasureKey() throws {
        func parse(_ extra: String) throws -> NightlyFile {
            try NightlyFile.parse("inputs:\n  - path: h.csv\n  - path: c.csv\n    format: curve\n" + extra, file: "/tmp/n.yaml")
        }
        XCTAssertEqual(try parse("").measure, "real")
        XCTAssertEqual(try parse("measure: forward\n").measure, "forward")
        XCTAssertEqual(try parse("measure: risk-neutral\n").measure, "risk-neutral")
        XCTAssertEqual(try parse("").inputs[1].format, "curve")
        XCTAssertThrowsError(try parse("measure: sideways\n")) { XCTAssertTrue("\($0)".contains("/tmp/n.yaml:5"), "\($0)") }
    }

    /// The nightly end to end with `measure: forward` and a curve among its inputs: the curve is stored, the deal is
    /// simulated and stressed under the forward measure (its monthly means at the curve's levels), and its folder holds the
    /// curve files.
    func testNightlyUnderTheForwardMeasure() throws {
        let dir = try TestSupport.temporaryDirectory("curvejob-nightly")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = TestSupport.repositoryRoot.appendingPathComponent("datasets").path
        // The synthetic history ends on 2026-11-24 (hashprice about 48 USD/PH/day).
        try "# test\nquote_date,month,hashprice_usd_ph_day\n2026-11-20,2026-12,46\n2026-11-20,2027-01,45\n2026-11-20,2027-02,44\n"
            .write(to: dir.appendingPathComponent("curve.csv"), atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("n.yaml")
        try """
            db: n.sqlite
            inputs:
              - path: \(data)/synthetic-history.csv
                format: tidy
              - path: curve.csv
                format: curve
            today: data
            deals:
              - \(data)/deals/s21-token.yaml
            scenarios: \(data)/scenarios/synthetic.yaml
            paths: 100
            stress_paths: 40
            threads: 2
            measure: forward
            efficiency_trend: 0
            reports_dir: reports
            """.write(to: config, atomically: true, encoding: .utf8)
        let r = try NightlyJob.run(.init(configPath: config.path, logFile: dir.appendingPathComponent("log.jsonl").path))
        let deal = URL(fileURLWithPath: r.reportPath).deletingLastPathComponent().appendingPathComponent("deals/s21-token")
        let summary = try JSONDecoder().decode(RunSummary.self, from: Data(contentsOf: deal.appendingPathComponent("summary.json")))
        XCTAssert(summary.run.measure.hasPrefix("forward (curve 2026-11-20 USD 2026-12…2027-02, solved on 100 paths"), summary.run.measure)
        let fw = try XCTUnwrap(summary.curve?.forward)
        for m in fw.months { XCTAssertEqual(m.relativeError.value, 0, accuracy: 1e-8, m.month) }
        XCTAssert(FileManager.default.fileExists(atPath: deal.appendingPathComponent("curve_case.csv").path))
        XCTAssert(FileManager.default.fileExists(atPath: deal.appendingPathComponent("stress.csv").path))
    }

    /// `CurveInputs.latestCurve`: the latest USD quote on or before the day, from a file or a store; nil before any.
    func testLatestCurveForAnAsOfDate() throws {
        let dir = try TestSupport.temporaryDirectory("curvejob-latest")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("two.csv")
        try "quote_date,month,hashprice_usd_ph_day\n2024-10-07,2024-11,42.5\n2024-10-07,2024-12,42\n2024-11-04,2024-12,50\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("c.sqlite").path
        _ = try IngestJob.run(inputs: [file.path], dbPath: db)
        for source in [CurveOptions(path: file.path), CurveOptions()] {
            let c = try XCTUnwrap(try CurveInputs.latestCurve(source, dbPath: db, asOf: Day(year: 2024, month: 10, day: 31)!))
            XCTAssertEqual(c.quoteDate, Day(year: 2024, month: 10, day: 7)!)
            XCTAssertEqual(c.levels, [42.5, 42])
            XCTAssertEqual(c.levelHeld(on: Day(year: 2025, month: 3, day: 1)!), 42, "held flat after the last month")
            let later = try XCTUnwrap(try CurveInputs.latestCurve(source, dbPath: db, asOf: Day(year: 2024, month: 11, day: 4)!))
            XCTAssertEqual(later.levels, [50])
            XCTAssertNil(try CurveInputs.latestCurve(source, dbPath: db, asOf: Day(year: 2024, month: 10, day: 6)!))
        }
    }
}
