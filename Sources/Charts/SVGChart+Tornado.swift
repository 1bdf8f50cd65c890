/// The tornado chart of `simulate --sensitivities` (SPEC §13).
extension SVGChart {
    /// One input's bar: the change of the output when the input is bumped up and (for ± bumps) down.
    public struct TornadoBar: Sendable {
        public var label: String
        public var up: Double
        public var down: Double?
        public init(label: String, up: Double, down: Double?) { self.label = label; self.up = up; self.down = down }
        var span: Double { Swift.max(abs(up), abs(down ?? 0)) }
    }

    /// Horizontal bars around 0, the widest at the top: the "up" change in the first palette colour, the "down" change in
    /// the second (one-sided bumps have no down bar). x is the change of the output (e.g. USD of PV per token).
    public static func tornado(title: String, xTitle: String, bars: [TornadoBar]) -> String {
        var svg = SVG(title: title)
        let sorted = bars.enumerated().sorted { ($1.element.span, $0.offset) < ($0.element.span, $1.offset) }.map(\.element)
        let values = sorted.flatMap { [$0.up] + ($0.down.map { [$0] } ?? []) }.filter { $0.isFinite }
        let m = Swift.max(values.map { abs($0) }.max() ?? 1, 1e-12)
        let t = Ticks.linear(-m, m)
        let legend = Legend([("input bumped up", chartPalette[0]), ("input bumped down", chartPalette[1])], left: 150)
        let left = 150.0, right = 20.0, top = legend.plotTop, bottom = 46.0
        let w = Frame.width - left - right, h = Frame.height - top - bottom
        func px(_ x: Double) -> Double { left + (x - t.lo) / (t.hi - t.lo == 0 ? 1 : t.hi - t.lo) * w }
        svg.text(Frame.width / 2, Legend.titleBaseline, title, cls: "ttl")
        for v in t.ticks {
            svg.line(px(v), top, px(v), top + h, cls: "gr")
            svg.text(px(v), top + h + 16, ChartFormat.tick(v))
        }
        svg.line(px(0), top, px(0), top + h, cls: "ax")
        svg.text(left + w / 2, Frame.height - 8, xTitle)
        let rowH = h / Double(Swift.max(1, sorted.count))
        for (i, b) in sorted.enumerated() {
            let y = top + Double(i) * rowH
            svg.text(left - 6, y + rowH / 2 + 4, b.label, anchor: "end")
            for (k, v) in [(0, b.up), (1, b.down)] {
                guard let v, v.isFinite else { continue }
                let x0 = px(Swift.min(v, 0)), x1 = px(Swift.max(v, 0))
                svg.rect(x0, y + rowH * (k == 0 ? 0.15 : 0.5), Swift.max(x1 - x0, 0.5), rowH * 0.35, fill: chartPalette[k],
                         label: "\(b.label) \(k == 0 ? "up" : "down"): \(ChartFormat.tick(v))")
            }
        }
        svg.legend(legend)
        return svg.render(description: "tornado chart, \(sorted.count) inputs")
    }
}
