import XCTest
import Foundation
@testable import Charts

/// Issue 12 item 15: a chart's legend never overlaps its title (the tranche chart's did). Read from the SVG's own
/// geometry: the title's box and every legend entry's box (swatch and label), with text widths estimated from above
/// (`Legend.titleCharWidth`, `Legend.charWidth` per character: more than sans-serif's advance at those sizes; the real
/// boxes are measured in Chromium by `scripts/check_chart_boxes.py`, `BrowserTests`).
final class ChartLegendTests: XCTestCase {
    struct Box: CustomStringConvertible {
        var x0: Double, y0: Double, x1: Double, y1: Double
        func intersects(_ o: Box) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }
        var description: String { "[\(x0)…\(x1) × \(y0)…\(y1)]" }
    }

    /// Attributes and text of the elements named `tag` in `svg` (the chart writer's own flat markup).
    func elements(_ tag: String, in svg: String) -> [(attrs: [String: String], text: String)] {
        let re = try! NSRegularExpression(pattern: "<\(tag)((?: [a-z-]+=\"[^\"]*\")*)\\s*(?:/>|>([^<]*)</\(tag)>|>)")
        let attr = try! NSRegularExpression(pattern: " ([a-z-]+)=\"([^\"]*)\"")
        let ns = svg as NSString
        return re.matches(in: svg, range: NSRange(location: 0, length: ns.length)).map { m in
            let a = ns.substring(with: m.range(at: 1)) as NSString
            var attrs: [String: String] = [:]
            for x in attr.matches(in: a as String, range: NSRange(location: 0, length: a.length)) {
                attrs[a.substring(with: x.range(at: 1))] = a.substring(with: x.range(at: 2))
            }
            let t = m.range(at: 2).location == NSNotFound ? "" : ns.substring(with: m.range(at: 2))
            return (attrs, t.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<"))
        }
    }

    /// The title's box, the legend's entry boxes, and the plot's top edge (the highest axis or grid line).
    func geometry(_ svg: String) throws -> (title: Box, legend: [Box], plotTop: Double) {
        func d(_ e: (attrs: [String: String], text: String), _ a: String) -> Double { Double(e.attrs[a] ?? "") ?? .nan }
        let ttl = try XCTUnwrap(elements("text", in: svg).first { $0.attrs["class"] == "ttl" }, "a title")
        let n = Double(ttl.text.count), tx = d(ttl, "x"), ty = d(ttl, "y")
        let title = Box(x0: tx - n * Legend.titleCharWidth / 2, y0: ty - 13, x1: tx + n * Legend.titleCharWidth / 2, y1: ty + 4)
        var legend: [Box] = []
        if let start = svg.range(of: "<g class=\"legend\">") {
            let group = String(svg[start.upperBound...]).components(separatedBy: "</g>")[0]
            for e in elements("rect", in: group) {
                legend.append(Box(x0: d(e, "x"), y0: d(e, "y"), x1: d(e, "x") + d(e, "width"), y1: d(e, "y") + d(e, "height")))
            }
            for e in elements("text", in: group) {
                legend.append(Box(x0: d(e, "x"), y0: d(e, "y") - 11, x1: d(e, "x") + Double(e.text.count) * Legend.charWidth, y1: d(e, "y") + 3))
            }
        }
        let lines = elements("line", in: svg).filter { ["ax", "gr"].contains($0.attrs["class"] ?? "") }
        let plotTop = lines.map { min(d($0, "y1"), d($0, "y2")) }.min() ?? .infinity
        return (title, legend, plotTop)
    }

    func assertLegendClear(_ svg: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let g = try geometry(svg)
        XCTAssertFalse(g.legend.isEmpty, "\(label): has a legend", file: file, line: line)
        for b in g.legend {
            XCTAssertFalse(b.intersects(g.title), "\(label): legend \(b) overlaps the title \(g.title)", file: file, line: line)
            XCTAssertLessThanOrEqual(b.y1, g.plotTop, "\(label): legend \(b) reaches into the plot (top \(g.plotTop))", file: file, line: line)
            XCTAssertGreaterThanOrEqual(b.x0, 0, "\(label): legend \(b) starts left of the chart", file: file, line: line)
            XCTAssertLessThanOrEqual(b.x1, Frame.width, "\(label): legend \(b) ends right of the chart", file: file, line: line)
        }
        // Entries do not overlap each other (label boxes; a swatch sits inside its own entry).
        let labels = g.legend.filter { $0.y1 - $0.y0 > 10 }
        for i in labels.indices { for j in labels.indices where j > i { XCTAssertFalse(labels[i].intersects(labels[j]), "\(label): \(labels[i]) \(labels[j])", file: file, line: line) } }
    }

    /// The report's tranche chart (its three series), and a wide title with many long series, which wraps.
    func testTrancheChartLegendClearsItsTitle() throws {
        let tranche = SVGChart.bars(title: "Tranche losses", yTitle: "fraction of initial balance", categories: ["senior", "mezz", "equity"],
                                  series: [("expected loss", [0.004, 0.06, 0.3]), ("P(shortfall)", [0.02, 0.15, 0.5]), ("P(final loss)", [0.01, 0.1, 0.45])])
        try assertLegendClear(tranche, "tranche bars")
        let wide = SVGChart.bars(title: "A long title that spans most of the chart's width, as a deal's name can", yTitle: "y",
                               categories: ["a", "b"], series: (1...7).map { ("series number \($0) with a long name", [Double($0), 1]) })
        try assertLegendClear(wide, "wrapped legend")
        XCTAssertGreaterThan(try geometry(wide).legend.map(\.y0).max()!, try geometry(tranche).legend.map(\.y0).max()!, "a second row")
    }

    func testEveryChartWithALegendClearsItsTitle() throws {
        let x = (0..<30).map { Double(18000 + $0) }, y = x.map { _ in 1.0 }
        try assertLegendClear(SVGChart.fan(title: "Simulated hashprice (5/25/50/75/95%)", yTitle: "USD/PH/day", x: x, p05: y, p25: y, p50: y, p75: y, p95: y),
                              "fan")
        try assertLegendClear(SVGChart.line(title: "Hashprice history", xTitle: "date", yTitle: "USD",
                                          series: [Series(name: "daily", x: x, y: y), Series(name: "144-block fees", x: x, y: y)]), "line")
        try assertLegendClear(SVGChart.tornado(title: "PV per token: change when each input is bumped", xTitle: "USD",
                                             bars: [.init(label: "price +10%", up: 5, down: -4), .init(label: "hashrate +10%", up: -3, down: 2)]),
                              "tornado")
    }
}
