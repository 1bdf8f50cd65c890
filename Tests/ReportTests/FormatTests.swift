import XCTest
import Foundation
import TestSupport
@testable import Report

/// `Format`, the report tables' one display formatter (issue 12 item 15), on edge values; and the deal's terms, the run
/// settings and the headline metrics as a rendered report shows them.
final class FormatTests: XCTestCase {
    /// Digits of a formatted number without separators, sign or unit, read back.
    func number(_ s: String) -> Double? {
        Double(s.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: " %", with: "")
                .replacingOccurrences(of: " sats", with: "").replacingOccurrences(of: " BTC", with: ""))
    }

    func testPercent() {
        XCTAssertEqual(Format.percent(0.9955), "99.6 %")
        XCTAssertEqual(Format.percent(0.86), "86.0 %")
        XCTAssertEqual(Format.percent(-1), "-100.0 %")
        XCTAssertEqual(Format.percent(1), "100.0 %")
        XCTAssertEqual(Format.percent(0.0038), "0.38 %")
        XCTAssertEqual(Format.percent(0.0004), "0.04 %")
        XCTAssertEqual(Format.percent(0), "0 %")
        XCTAssertEqual(Format.percent(-0.0), "0 %")
        XCTAssertEqual(Format.percent(1e-9), "< 0.01 %")
        XCTAssertEqual(Format.percent(-1e-9), "> -0.01 %")
        XCTAssertEqual(Format.percent(1e12), "100,000,000,000,000.0 %")
        XCTAssertEqual(Format.percent(-0.000049), "> -0.01 %", "never -0.00 %")
        XCTAssertEqual(Format.percent(-0.00005), "-0.01 %")
    }

    func testUSD() {
        XCTAssertEqual(Format.usd(50840.2), "50,840")
        XCTAssertEqual(Format.usd(36470.5), "36,471")          // 36,470.5 is exact in binary; rounds half away from zero
        XCTAssertEqual(Format.usd(1234.5), "1,234.50")
        XCTAssertEqual(Format.usd(11.4549), "11.45")
        XCTAssertEqual(Format.usd(-537.5), "-537.50")
        XCTAssertEqual(Format.usd(0.0038123), "0.003812")
        XCTAssertEqual(Format.usd(0.065), "0.065")
        XCTAssertEqual(Format.usd(0), "0")
        XCTAssertEqual(Format.usd(-0.0), "0")
        XCTAssertEqual(Format.usd(1e-9), "1e-9")
        XCTAssertEqual(Format.usd(1e12), "1,000,000,000,000")
        XCTAssertEqual(Format.usd(-1e-17), "-1e-17", "a tiny negative amount keeps its sign and its digits")
        XCTAssertEqual(Format.usd(9999.996), "10,000")
    }

    func testBTCInSatsBelowOneCent() {
        XCTAssertEqual(Format.btc(0.00000038), "38 sats")
        XCTAssertEqual(Format.btc(6.0410496936985986e-05), "6,041 sats")
        XCTAssertEqual(Format.btc(0.0099999), "999,990 sats")
        XCTAssertEqual(Format.btc(0.0123), "0.0123 BTC")
        XCTAssertEqual(Format.btc(0.01), "0.0100 BTC")
        XCTAssertEqual(Format.btc(21e6), "21,000,000.00 BTC")
        XCTAssertEqual(Format.btc(1e-9), "0.10 sats")
        XCTAssertEqual(Format.btc(1e-12), "< 0.01 sats")
        XCTAssertEqual(Format.btc(0), "0 BTC")
        XCTAssertEqual(Format.btc(-0.0), "0 BTC")
        XCTAssertEqual(Format.btc(1e12), "1,000,000,000,000.00 BTC")
    }

    func testPlainAndCounts() {
        XCTAssertEqual(Format.plain(1.75), "1.75")
        XCTAssertEqual(Format.plain(1234567.891), "1,234,568")
        XCTAssertEqual(Format.plain(0.0123456), "0.01235")
        XCTAssertEqual(Format.plain(1e-9), "1e-9")
        XCTAssertEqual(Format.plain(1e12), "1,000,000,000,000")
        XCTAssertEqual(Format.plain(1.5435626031780033e+21), "1.544e21")
        XCTAssertEqual(Format.plain(9.9999e15), "1e16", "the mantissa carries into the exponent")
        XCTAssertEqual(Format.value(1461, .count), "1,461")
        XCTAssertEqual(Format.value(12345678901, .verbatim), "12345678901")
    }

    /// Issue 12 item 15: no formatter ever prints "-0", "-0.0" or "-0 %" — a value that rounds to zero has no sign, and
    /// what it prints reads back as the value to the digits shown.
    func testNeverANegativeZero() {
        let values: [Double] = [-0.0, -1e-17, -1e-9, -4.9e-7, -0.0000049, -0.00004999, -0.0049, -0.004999, -0.49e-8, -1e-300]
        for v in values {
            for unit in [Format.Unit.percent, .usd, .btc, .count, .plain] {
                let s = Format.value(v, unit)
                XCTAssertFalse(s.range(of: "^-0(\\.0*)?( |$)", options: .regularExpression) != nil, "\(v) as \(unit) → \(s)")
                XCTAssertFalse(s.hasPrefix("-0 ") || s == "-0", "\(v) as \(unit) → \(s)")
            }
        }
        XCTAssertEqual(Format.cell("-0.0", .plain).text, "0")
        XCTAssertEqual(Format.cell("-0.0", .percent).text, "0 %")
    }

    /// Formatted values read back to the value within the precision shown (relative 1e-3 for 4 significant digits).
    func testRoundTripWithinShownPrecision() {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let v = Double.random(in: -1...1, using: &g) * Foundation.pow(10, Double(Int.random(in: -5...11, using: &g)))
            let u = Format.usd(v)
            guard let back = number(u) else { return XCTFail(u) }
            XCTAssertEqual(back, v, accuracy: Swift.max(0.5, abs(v) * 1e-3), "\(v) → \(u)")
            let p = Format.percent(v / 1e6)
            // 1 decimal of a percent from 1 %, 2 below: half a unit of the last digit shown.
            if let q = number(p) { XCTAssertEqual(q / 100, v / 1e6, accuracy: (abs(v / 1e6) >= 0.00995 ? 0.0005 : 0.00005) + 1e-12, "\(v / 1e6) → \(p)") }
        }
    }

    func testNonNumericCellsAreShownAsWritten() {
        XCTAssertEqual(Format.cell("abc", .usd).numeric, false)
        XCTAssertEqual(Format.cell("nan", .usd).text, "nan")
        XCTAssertEqual(Format.cell("inf", .percent).numeric, false, "a non-finite cell never reaches a formatter")
        XCTAssertEqual(Format.cell("", .usd).text, "")
    }

    func testUnitsOfTheOutputsColumns() {
        let expected: [String: Format.Unit] = [
            "prob_loss": .percent, "prob_pv_below_price": .percent, "irr_p50": .percent, "equity_irr_p50": .percent, "senior_expected_loss": .percent,
            "expected_loss": .percent, "loss_given_shortfall": .percent, "ltv": .percent, "return_p05": .percent, "var95": .percent,
            "halving_prob_within_horizon": .percent, "uptime": .percent, "pool_fee": .percent, "discount_rate": .percent, "change": .percent,
            "pv_usd_mean": .usd, "balance_usd": .usd, "hashprice_usd_ph_day": .usd, "fixed_fee_usd_per_period": .usd, "power_usd_per_kwh": .usd,
            "btc_total_mean": .btc, "payout_btc": .btc, "paths": .count, "horizon_days": .count, "loops": .count, "tokens": .count,
            "irr_paths_missing": .count, "seed": .verbatim, "calibration_key": .verbatim, "sha256": .verbatim, "leverage": .plain,
            "wal_years": .plain, "days_curtailed_mean": .plain, "efficiency_j_th": .plain,
        ]
        for (name, unit) in expected { XCTAssertEqual(Format.unit(of: name), unit, name) }
    }

    /// The rendered deal section: the deal's terms (not the run settings), the run settings beside them, the issue price
    /// first in the headline table, every probability and IRR as percent, BTC per token in sats; the CSVs in full precision.
    func testDealSectionShowsTermsSettingsAndFormattedMetrics() throws {
        let dir = try TestSupport.temporaryDirectory("report-terms")
        try Fixture.writeDeal(dir, full: true)
        try RunReport.render(runDirectory: dir)
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        func row(_ key: String, _ value: String) -> String { "<tr><td>\(key)</td><td class=\"num\">\(value)</td></tr>" }
        for r in [row("price_usd", "1,250.00"), row("tokens", "1,000"), row("fleet_hashrate_ph", "100"), row("power_usd_per_kwh", "0.065"),
                  row("pool_fee", "2.0 %"), row("uptime", "97.0 %"), row("discount_rate", "12.0 %"), row("tranche_senior_balance_usd", "700,000"),
                  row("tranche_mezz_rate", "12.0 %"), row("term_days", "1,095"), row("horizon_days", "1,095"), row("paths", "2,000"),
                  row("prob_loss", "37.0 %"), row("irr_p01", "-50.0 %"), row("btc_total_mean", "0.0123 BTC"), row("btc_total_p01", "200,000 sats"),
                  row("pv_usd_mean", "1,234.50"), row("pv_usd_stderr", "12.25")] {
            XCTAssertTrue(html.contains(r), r)
        }
        XCTAssertTrue(html.contains("<tr><td>payout_rule</td><td>floor_zero"), "the payout rule")
        XCTAssertTrue(html.contains("<tr><td>seed</td><td class=\"num\">42</td></tr>"), "the seed as written")
        XCTAssertTrue(html.contains("<tr><td>horizon</td><td>the whole term (1095 days, the token from 2025-07-01)</td></tr>"))
        XCTAssertTrue(html.contains("Terms of the deal") && html.contains("Run settings"))
        // The headline table starts with the issue price; the terms table holds no run setting.
        let metrics = try XCTUnwrap(CSVTable.read(dir.appendingPathComponent("metrics.csv")))
        XCTAssertEqual(metrics.rows.first, ["price_usd", "1250"])
        XCTAssertEqual(metrics.rows.first { $0[0] == "btc_total_mean" }?[1], "0.0123", "the CSV keeps full precision")
        let terms = try XCTUnwrap(CSVTable.read(dir.appendingPathComponent("terms.csv")))
        XCTAssertTrue(Set(terms.rows.map { $0[0] }).isDisjoint(with: ["model", "measure", "seed", "paths", "as_of", "antithetic"]))
        let settings = try XCTUnwrap(CSVTable.read(dir.appendingPathComponent("settings.csv")))
        XCTAssertEqual(settings.rows.map { $0[0] }.prefix(9), ["as_of", "start_date", "horizon_days", "term_days", "horizon", "paths", "seed", "antithetic", "model"])
        XCTAssertFalse(html.contains(">-0<") || html.contains(">-0.0<") || html.contains(">-0 %<"))
    }

    /// A truncated run says so in the settings table (SPEC §9).
    func testTruncatedRunStatesItInTheSettings() throws {
        let dir = try TestSupport.temporaryDirectory("report-trunc")
        try Fixture.writeDeal(dir, full: false)
        let s = try String(contentsOf: dir.appendingPathComponent("summary.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"horizon_days\":1095", with: "\"horizon_days\":365").replacingOccurrences(of: "\"truncated\":false", with: "\"truncated\":true")
        try s.write(to: dir.appendingPathComponent("summary.json"), atomically: true, encoding: .utf8)
        try RunReport.render(runDirectory: dir)
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<tr><td>horizon</td><td>truncated: 365 days simulated of the 1095-day term</td></tr>"))
        XCTAssertTrue(html.contains("<strong>Truncated:</strong>"))
    }
}
