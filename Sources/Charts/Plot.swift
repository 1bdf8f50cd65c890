/// The x axis of a chart: calendar days (values are day numbers, see `ChartDate`) or plain numbers.
public enum XAxisKind: Sendable { case date, numeric }

/// A vertical marker line with a label (e.g. a halving date).
public struct Marker: Sendable, Equatable {
    public var x: Double
    public var label: String
    public init(x: Double, label: String) { self.x = x; self.label = label }
}

/// One line of a line chart; `nil` y values break the line.
public struct Series: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double?]
    public init(name: String, x: [Double], y: [Double?]) { self.name = name; self.x = x; self.y = y }
}

/// Shared geometry: a fixed `viewBox` (width 720 × height 340 user units) scaled to 100% width by CSS,
/// plot area inside fixed margins, maps data → SVG coordinates.
/// Linear: `px = left + (x − x0)/(x1 − x0)·w`; log: the same on `log10(y)`.
struct Frame {
    static let width = 720.0, height = 340.0
    /// The plot's top edge without a legend (`Legend.plotTop` with one: the legend has its own rows under the title).
    static let topWithoutLegend = 34.0
    let left = 70.0, right = 20.0, bottom = 52.0
    var top = Frame.topWithoutLegend
    var x0: Double, x1: Double, y0: Double, y1: Double
    var logY: Bool
    var plotW: Double { Frame.width - left - right }
    var plotH: Double { Frame.height - top - bottom }

    func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0 == 0 ? 1 : x1 - x0) * plotW }
    func py(_ y: Double) -> Double {
        if logY {
            let v = Swift.max(y, y0)
            let a = _log10(y0), b = _log10(y1)
            return top + plotH - (_log10(v) - a) / (b - a == 0 ? 1 : b - a) * plotH
        }
        return top + plotH - (y - y0) / (y1 - y0 == 0 ? 1 : y1 - y0) * plotH
    }
}

/// log10 without Foundation (for determinism across platforms we only need the C library's log10).
@inline(__always) func _log10(_ x: Double) -> Double {
    // log10(x) = ln(x)/ln(10); Swift's standard library has no log, so use the bit-exact series via Double's own API.
    x <= 0 ? -300 : _ln(x) / 2.302585092994046
}

/// Natural log via frexp-style decomposition and an atanh series: ln(m·2^e) = e·ln2 + 2·atanh((m−1)/(m+1)).
@inline(__always) func _ln(_ x: Double) -> Double {
    let e = Double(x.exponent)
    let m = x.significand            // in [1, 2)
    let t = (m - 1) / (m + 1), t2 = t * t
    var term = t, sum = 0.0
    var k = 1.0
    for _ in 0..<30 { sum += term / k; term *= t2; k += 2 }
    return e * 0.6931471805599453 + 2 * sum
}

/// A small SVG writer: an ordered list of elements, numbers printed with `ChartFormat.fixed`.
struct SVG {
    var body: [String] = []
    let title: String

    init(title: String) { self.title = title }

    static func n(_ x: Double) -> String { ChartFormat.fixed(x, decimals: 2) }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String) {
        body.append("<line class=\"\(cls)\" x1=\"\(SVG.n(x1))\" y1=\"\(SVG.n(y1))\" x2=\"\(SVG.n(x2))\" y2=\"\(SVG.n(y2))\"/>")
    }
    mutating func text(_ x: Double, _ y: Double, _ s: String, anchor: String = "middle", cls: String = "lbl", rotate: Bool = false) {
        let r = rotate ? " transform=\"rotate(-90 \(SVG.n(x)) \(SVG.n(y)))\"" : ""
        body.append("<text class=\"\(cls)\" x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" text-anchor=\"\(anchor)\"\(r)>\(ChartFormat.escape(s))</text>")
    }
    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, label: String? = nil) {
        let t = label.map { "<title>\(ChartFormat.escape($0))</title>" } ?? ""
        body.append("<rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" width=\"\(SVG.n(Swift.max(0, w)))\" height=\"\(SVG.n(Swift.max(0, h)))\" fill=\"\(fill)\">\(t)</rect>")
    }
    mutating func path(_ d: String, stroke: String, fill: String = "none", width: Double = 1.5, opacity: Double = 1) {
        let op = opacity < 1 ? " fill-opacity=\"\(SVG.n(opacity))\"" : ""
        body.append("<path d=\"\(d)\" fill=\"\(fill)\"\(op) stroke=\"\(stroke)\" stroke-width=\"\(SVG.n(width))\"/>")
    }

    func render(description: String) -> String {
        let w = SVG.n(Frame.width), h = SVG.n(Frame.height)
        var s = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"\(ChartFormat.escape(title))\">"
        s += "<title>\(ChartFormat.escape(title))</title><desc>\(ChartFormat.escape(description))</desc>"
        s += "<style>.ax{stroke:#555;stroke-width:1}.gr{stroke:#e3e6ea;stroke-width:1}.mk{stroke:#c0392b;stroke-width:1;stroke-dasharray:4 3}"
        s += ".lbl{font:11px sans-serif;fill:#333}.ttl{font:bold 13px sans-serif;fill:#111}.mkl{font:10px sans-serif;fill:#c0392b}</style>"
        s += body.joined()
        s += "</svg>"
        return s
    }
}

/// Default palette (colour-blind friendly, Okabe–Ito).
public let chartPalette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

extension SVG {
    /// Draws the axes, grid, tick labels, titles and markers of `frame`; returns nothing (mutates).
    mutating func axes(_ f: Frame, xKind: XAxisKind, xTitle: String, yTitle: String, yTicks: [Double], markers: [Marker]) {
        text(Frame.width / 2, Legend.titleBaseline, title, cls: "ttl")
        let bottomY = f.top + f.plotH
        for t in yTicks {
            let y = f.py(t)
            line(f.left, y, f.left + f.plotW, y, cls: "gr")
            text(f.left - 6, y + 4, ChartFormat.tick(t), anchor: "end")
        }
        let xt: [(Double, String)]
        switch xKind {
        case .date: xt = Ticks.dates(Int(f.x0.rounded(.up)), Int(f.x1.rounded(.down))).map { (Double($0.day), $0.label) }
        case .numeric: xt = Ticks.linear(f.x0, f.x1, count: 6).ticks.filter { $0 >= f.x0 - 1e-9 && $0 <= f.x1 + 1e-9 }.map { ($0, ChartFormat.tick($0)) }
        }
        for (x, l) in xt {
            let p = f.px(x)
            line(p, f.top, p, bottomY, cls: "gr")
            line(p, bottomY, p, bottomY + 4, cls: "ax")
            text(p, bottomY + 16, l)
        }
        line(f.left, bottomY, f.left + f.plotW, bottomY, cls: "ax")
        line(f.left, f.top, f.left, bottomY, cls: "ax")
        text(f.left + f.plotW / 2, Frame.height - 8, xTitle)
        text(16, f.top + f.plotH / 2, yTitle, rotate: true)
        for (i, m) in markers.enumerated() where m.x >= f.x0 && m.x <= f.x1 {
            let p = f.px(m.x)
            line(p, f.top, p, bottomY, cls: "mk")
            let nearRight = p > f.left + f.plotW * 0.75
            text(nearRight ? p - 3 : p + 3, f.top + 10 + Double(i % 2) * 11, m.label, anchor: nearRight ? "end" : "start", cls: "mkl")
        }
    }

    /// Draws a laid-out legend (`Legend`) as one `<g class="legend">`.
    mutating func legend(_ l: Legend) {
        guard !l.entries.isEmpty else { return }
        body.append("<g class=\"legend\">")
        for e in l.entries {
            rect(e.x, e.baseline - 6, 10, 4, fill: e.colour)
            text(e.x + 13, e.baseline, e.name, anchor: "start")
        }
        body.append("</g>")
    }
}

/// A chart's legend, laid out in its own rows between the title and the plot so that it can never cover the title
/// (issue 12 item 15: the tranche chart's legend overlapped its title): entries right-aligned to the plot's right edge,
/// wrapped onto a new row when a row would pass the plot's left edge. Text widths are estimated generously
/// (`Legend.charWidth` per character at 11 px, more than sans-serif's average), so the estimate is an upper bound.
struct Legend {
    struct Entry { var name: String, colour: String, x: Double, baseline: Double, width: Double }
    /// Baselines: the title's (bold 13 px, centred) and the first legend row's; rows are `rowHeight` apart.
    static let titleBaseline = 20.0, firstBaseline = 38.0, rowHeight = 14.0
    /// Upper bounds of a character's advance at the label (11 px) and title (bold 13 px) sizes.
    static let charWidth = 7.0, titleCharWidth = 8.5
    var entries: [Entry] = []
    var rows = 0

    init(_ items: [(String, String)], left: Double = 70, right: Double = Frame.width - 20) {
        var x = right, baseline = Legend.firstBaseline
        if !items.isEmpty { rows = 1 }
        for (name, colour) in items.reversed() {
            let w = Double(name.count) * Legend.charWidth + 22   // swatch (10) + gap (3) + label + spacing
            if x - w < left && x < right { x = right; baseline += Legend.rowHeight; rows += 1 }
            x -= w
            entries.append(Entry(name: name, colour: colour, x: x, baseline: baseline, width: w - 9))
        }
        entries.reverse()
    }

    /// The plot's top edge below the legend's last row (the title's alone without a legend).
    var plotTop: Double { rows == 0 ? Frame.topWithoutLegend : Legend.firstBaseline + Double(rows - 1) * Legend.rowHeight + 12 }
}
