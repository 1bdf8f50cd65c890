import XCTest
import Foundation
import FoundationXML
@testable import Charts

final class ChartsTests: XCTestCase {
    /// Day numbers agree with Foundation's Gregorian calendar in UTC (an independent implementation).
    func testDayNumbersMatchFoundationCalendar() {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        for (y, m, d) in [(1970, 1, 1), (2009, 1, 3), (2012, 11, 28), (2016, 2, 29), (2024, 4, 20), (2028, 4, 15), (2100, 3, 1)] {
            let date = cal.date(from: DateComponents(year: y, month: m, day: d))!
            let expected = Int((date.timeIntervalSince1970 / 86400).rounded())
            XCTAssertEqual(ChartDate.dayNumber(year: y, month: m, day: d), expected)
            let c = ChartDate.civil(expected)
            XCTAssertEqual([c.year, c.month, c.day], [y, m, d])
        }
        XCTAssertEqual(ChartDate.parse("2020-05-11").map(ChartDate.format), "2020-05-11")
        XCTAssertNil(ChartDate.parse("2020-13-01"))
    }

    /// The hand-written log10 agrees with libm to 1e-12 relative.
    func testLog10AgreesWithLibm() {
        for x in [1e-6, 0.37, 1, 2, 9.99, 10, 123.456, 1e6, 3.3e9] {
            XCTAssertEqual(_log10(x), Foundation.log10(x), accuracy: 1e-12 * max(1, abs(Foundation.log10(x))))
        }
    }

    /// Nice ticks: steps in {1, 2, 2.5, 5}·10^k, they cover the range, and count stays near the target.
    func testNiceLinearTicks() {
        for (lo, hi) in [(0.0, 1.0), (3.2, 97.0), (-12.5, 40.1), (0.001, 0.0093), (1234.0, 98765.0)] {
            let t = Ticks.linear(lo, hi, count: 5)
            XCTAssertLessThanOrEqual(t.lo, lo); XCTAssertGreaterThanOrEqual(t.hi, hi)
            let step = t.ticks[1] - t.ticks[0]
            let mantissa = step / pow(10, (Foundation.log10(step)).rounded(.down))
            XCTAssertTrue([1, 2, 2.5, 5, 10].contains { abs($0 - mantissa) < 1e-9 }, "step \(step)")
            XCTAssertTrue((5...11).contains(t.ticks.count), "\(t.ticks)")
        }
        XCTAssertEqual(Ticks.linear(0, 1, count: 5).ticks, [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
    }

    func testDateTicksAreYearsOrMonths() {
        let lo = ChartDate.dayNumber(year: 2012, month: 3, day: 5), hi = ChartDate.dayNumber(year: 2025, month: 6, day: 30)
        XCTAssertEqual(Ticks.dates(lo, hi).map { $0.label }, ["2014", "2016", "2018", "2020", "2022", "2024"])
        let m = Ticks.dates(ChartDate.dayNumber(year: 2025, month: 7, day: 1), ChartDate.dayNumber(year: 2026, month: 6, day: 30))
        XCTAssertEqual(m.first?.label, "2025-07"); XCTAssertEqual(m.count, 6); XCTAssertTrue(m.allSatisfy { ChartDate.civil($0.day).day == 1 })
    }

    /// Halving markers sit at x = left + (day − x0)/(x1 − x0)·plotWidth (computed here independently: 70 + f·630).
    func testHalvingMarkerPosition() {
        let x0 = Double(ChartDate.dayNumber(year: 2015, month: 1, day: 1)), x1 = Double(ChartDate.dayNumber(year: 2024, month: 1, day: 1))
        let svg = SVGChart.line(title: "t", xTitle: "date", yTitle: "y", series: [Series(name: "s", x: [x0, x1], y: [1, 100])],
                              logY: true, markers: SVGChart.halvingMarkers(from: x0, to: x1))
        let h = Double(ChartDate.dayNumber(year: 2020, month: 5, day: 11))
        let expected = 70 + (h - x0) / (x1 - x0) * 630
        XCTAssertTrue(svg.contains("<line class=\"mk\" x1=\"\(ChartFormat.fixed(expected))\""), "marker at \(expected)")
        XCTAssertTrue(svg.contains("halving 2016-07-09")); XCTAssertTrue(svg.contains("halving 2020-05-11"))
        XCTAssertFalse(svg.contains("halving 2024")); XCTAssertFalse(svg.contains("halving 2012"))
        XCTAssertEqual(SVGChart.halvingMarkers(from: Double(ChartDate.dayNumber(year: 2026, month: 1, day: 1)),
                                             to: Double(ChartDate.dayNumber(year: 2029, month: 1, day: 1))).map { $0.label },
                       ["halving ~2028-04 (projected)"])
    }

    func testEveryChartIsWellFormedAccessibleAndDeterministic() {
        let xs = (0..<100).map { Double(19000 + $0) }
        let ys = xs.map { 10 + ($0 - 19000) * 0.5 }
        let charts = [
            SVGChart.line(title: "a & b", xTitle: "x", yTitle: "USD/PH/day", series: [Series(name: "s", x: xs, y: ys.map { $0 })]),
            SVGChart.fan(title: "fan", yTitle: "y", x: xs, p05: ys.map { $0 * 0.5 }, p25: ys.map { $0 * 0.8 }, p50: ys,
                       p75: ys.map { $0 * 1.2 }, p95: ys.map { $0 * 1.5 }, logY: true),
            SVGChart.histogram(title: "h", xTitle: "PV", bins: [(0, 1, 3), (1, 2, 5), (2, 3, 1)]),
            SVGChart.bars(title: "b", yTitle: "loss", categories: ["senior", "equity"], series: [("EL", [0.01, 0.3]), ("P", [0.02, 0.5])]),
            SVGChart.line(title: "lev", xTitle: "leverage", yTitle: "p", series: [Series(name: "p", x: [1, 2, 3], y: [0, 0.5, nil])], xKind: .numeric),
        ]
        for svg in charts {
            XCTAssertTrue(svg.hasPrefix("<svg class=\"chart\""))
            XCTAssertTrue(svg.contains("role=\"img\"") && svg.contains("<title>") && svg.contains("viewBox=\"0 0 720 340\"") && svg.contains("width=\"100%\""))
            XCTAssertNil(svg.range(of: "(?<![#0-9A-Fa-f.])[0-9]+(\\.[0-9]+)?e[-+]?[0-9]|\\bnan\\b|\\binf\\b", options: [.regularExpression, .caseInsensitive]), "no exponents, NaN or inf")
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        }
        XCTAssertTrue(charts[0].contains("a &amp; b"))
        XCTAssertEqual(charts[2].components(separatedBy: "<rect").count - 1, 3)
        XCTAssertEqual(charts[3].components(separatedBy: "<rect").count - 1, 4 + 2)   // 4 bars + 2 legend swatches
        XCTAssertEqual(SVGChart.histogram(title: "h", xTitle: "PV", bins: [(0, 1, 3), (1, 2, 5), (2, 3, 1)]), charts[2])
    }

    /// Histogram bar heights are proportional to counts: height = count/yMax·plotHeight (plotHeight = 340 − 34 − 52).
    func testHistogramHeights() {
        let svg = SVGChart.histogram(title: "h", xTitle: "x", bins: [(0, 1, 5), (1, 2, 10)])
        // y axis nice max for 10 is 10 → 10 maps to full height 254, 5 to 127.
        XCTAssertTrue(svg.contains("height=\"254\""), svg)
        XCTAssertTrue(svg.contains("height=\"127\""), svg)
    }

    func testFixedFormatting() {
        XCTAssertEqual(ChartFormat.fixed(12.5), "12.5"); XCTAssertEqual(ChartFormat.fixed(-0.004), "0")
        XCTAssertEqual(ChartFormat.fixed(1.005, decimals: 3), "1.005"); XCTAssertEqual(ChartFormat.fixed(-3.25), "-3.25")
        XCTAssertEqual(ChartFormat.tick(2_500_000), "2.5M")
        XCTAssertEqual(ChartFormat.fixed(1.5e21), "1.5e+21"); XCTAssertEqual(ChartFormat.fixed(8e15), "8000000000000000")
        XCTAssertEqual(ChartFormat.tick(1.5e21), "1500000000T"); XCTAssertEqual(ChartFormat.tick(0.05), "0.05")
    }
}
