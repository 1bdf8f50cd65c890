import Bitcoin
/// Hand-written SVG charts: deterministic bytes, inline in HTML, no JavaScript (see README.md).
public enum SVGChart {
    /// Bitcoin halving dates as day numbers, from `Consensus.halvings` (heights 210,000·k and their blocks' dates), plus
    /// the projected next one (height 210,000·(k+1)): `Consensus.daysBetweenHalvings` (210,000 blocks × 10 min) after
    /// the last, i.e. April 2028.
    public static let halvings: [(day: Int, label: String)] = {
        let past = Consensus.halvings.map { h in (ChartDate.parse(h.date)!, "halving " + h.date) }
        let next = past.last!.0 + Int(Consensus.daysBetweenHalvings.rounded(.down))
        return past + [(next, "halving ~" + String(ChartDate.format(next).prefix(7)) + " (projected)")]
    }()

    /// Halving markers that fall inside [lo, hi] (day numbers); `projected: false` leaves out the projected 2028 date
    /// (a simulation marks its own).
    public static func halvingMarkers(from lo: Double, to hi: Double, projected: Bool = true) -> [Marker] {
        halvings.filter { Double($0.day) >= lo && Double($0.day) <= hi && (projected || !$0.label.contains("projected")) }
            .map { Marker(x: Double($0.day), label: $0.label) }
    }

    static func yRange(_ values: [Double], logY: Bool) -> (Double, Double, [Double]) {
        let v = values.filter { $0.isFinite && (!logY || $0 > 0) }
        guard let lo = v.min(), let hi = v.max() else { return (logY ? 1 : 0, logY ? 10 : 1, logY ? [1, 10] : [0, 1]) }
        if logY { let t = Ticks.log10(lo, hi); return (t.lo, t.hi, t.ticks) }
        let t = Ticks.linear(Swift.min(lo, 0 <= lo && lo < hi * 0.3 ? 0 : lo), hi)
        return (t.lo, t.hi, t.ticks)
    }

    static func polyline(_ f: Frame, _ xs: [Double], _ ys: [Double?]) -> String {
        var d = "", pen = false
        for (x, y) in zip(xs, ys) {
            guard let y, y.isFinite, !(f.logY && y <= 0) else { pen = false; continue }
            d += (pen ? "L" : "M") + SVG.n(f.px(x)) + " " + SVG.n(f.py(y))
            pen = true
        }
        return d
    }

    /// Line chart of one or more series over a date x axis (x = day numbers) or a numeric axis.
    /// `logY` draws a base-10 logarithmic y axis (non-positive values are skipped).
    public static func line(title: String, xTitle: String, yTitle: String, series: [Series], xKind: XAxisKind = .date,
                            logY: Bool = false, markers: [Marker] = [], yMin: Double? = nil, yMax: Double? = nil) -> String {
        var svg = SVG(title: title)
        let xs = series.flatMap { $0.x }
        let x0 = xs.min() ?? 0, x1 = Swift.max(xs.max() ?? 1, x0 + 1)
        var ys = series.flatMap { $0.y.compactMap { $0 } }
        if let yMin { ys.append(yMin) }
        if let yMax { ys.append(yMax) }
        let (y0, y1, yt) = yRange(ys, logY: logY)
        let legend = Legend(series.count > 1 ? series.enumerated().map { ($0.element.name, chartPalette[$0.offset % chartPalette.count]) } : [])
        var f = Frame(x0: x0, x1: x1, y0: y0, y1: y1, logY: logY)
        f.top = legend.plotTop
        svg.axes(f, xKind: xKind, xTitle: xTitle, yTitle: yTitle, yTicks: yt, markers: markers)
        for (i, s) in series.enumerated() {
            svg.path(polyline(f, s.x, s.y), stroke: chartPalette[i % chartPalette.count])
        }
        svg.legend(legend)
        return svg.render(description: "\(series.count) series, \(xs.count) points")
    }

    /// Fan chart: shaded 5–95% and 25–75% bands and the median line over a date x axis.
    /// `bands` are (p05, p25, p50, p75, p95) per x. `lines` are drawn over the fan in black and the palette's later
    /// colours (e.g. the realized values of a backtest).
    public static func fan(title: String, xTitle: String = "date", yTitle: String, x: [Double],
                           p05: [Double], p25: [Double], p50: [Double], p75: [Double], p95: [Double],
                           xKind: XAxisKind = .date, logY: Bool = false, markers: [Marker] = [], colour: String = "#0072B2",
                           lines: [Series] = []) -> String {
        var svg = SVG(title: title)
        let x0 = x.first ?? 0, x1 = Swift.max(x.last ?? 1, x0 + 1)
        let (y0, y1, yt) = yRange(p05 + p95 + p50 + lines.flatMap { $0.y.compactMap { $0 } }, logY: logY)
        let lineColours = ["#000000"] + chartPalette.dropFirst(3)
        let legend = Legend([("5–95%", colour + "2e"), ("25–75%", colour + "59"), ("median", colour)]
                            + lines.enumerated().map { ($0.element.name, lineColours[$0.offset % lineColours.count]) })
        var f = Frame(x0: x0, x1: x1, y0: y0, y1: y1, logY: logY)
        f.top = legend.plotTop
        svg.axes(f, xKind: xKind, xTitle: xTitle, yTitle: yTitle, yTicks: yt, markers: markers)
        func band(_ lo: [Double], _ hi: [Double]) -> String {
            guard !x.isEmpty else { return "" }
            var d = ""
            for i in x.indices { d += (i == 0 ? "M" : "L") + SVG.n(f.px(x[i])) + " " + SVG.n(f.py(hi[i])) }
            for i in x.indices.reversed() { d += "L" + SVG.n(f.px(x[i])) + " " + SVG.n(f.py(lo[i])) }
            return d + "Z"
        }
        svg.path(band(p05, p95), stroke: "none", fill: colour, width: 0, opacity: 0.18)
        svg.path(band(p25, p75), stroke: "none", fill: colour, width: 0, opacity: 0.35)
        svg.path(polyline(f, x, p50.map { $0 }), stroke: colour, width: 2)
        for (i, l) in lines.enumerated() { svg.path(polyline(f, l.x, l.y), stroke: lineColours[i % lineColours.count], width: 1.5) }
        svg.legend(legend)
        return svg.render(description: "fan chart with 5, 25, 50, 75 and 95 percent quantiles over \(x.count) days"
                          + (lines.isEmpty ? "" : " and \(lines.map(\.name).joined(separator: ", "))"))
    }

    /// Histogram of pre-binned counts (`bins[i] = (low, high, count)`).
    public static func histogram(title: String, xTitle: String, yTitle: String = "paths",
                                 bins: [(low: Double, high: Double, count: Double)], colour: String = "#009E73",
                                 markers: [Marker] = []) -> String {
        var svg = SVG(title: title)
        let x0 = bins.first?.low ?? 0, x1 = Swift.max(bins.last?.high ?? 1, x0 + 1e-12)
        let t = Ticks.linear(0, Swift.max(1, bins.map { $0.count }.max() ?? 1))
        let f = Frame(x0: x0, x1: x1, y0: 0, y1: t.hi, logY: false)
        svg.axes(f, xKind: .numeric, xTitle: xTitle, yTitle: yTitle, yTicks: t.ticks, markers: markers)
        for b in bins {
            let l = f.px(b.low), r = f.px(b.high), top = f.py(b.count)
            svg.rect(l + 0.5, top, r - l - 1, f.py(0) - top, fill: colour,
                     label: "\(ChartFormat.tick(b.low)) – \(ChartFormat.tick(b.high)): \(ChartFormat.fixed(b.count, decimals: 0))")
        }
        return svg.render(description: "histogram with \(bins.count) bins")
    }

    /// Grouped bar chart: one group per category, one bar per series.
    public static func bars(title: String, yTitle: String, categories: [String], series: [(name: String, values: [Double])]) -> String {
        var svg = SVG(title: title)
        let all = series.flatMap { $0.values }.filter { $0.isFinite }
        let t = Ticks.linear(Swift.min(0, all.min() ?? 0), Swift.max(all.max() ?? 1, 1e-9))
        let legend = Legend(series.count > 1 ? series.enumerated().map { ($0.element.name, chartPalette[$0.offset % chartPalette.count]) } : [])
        var f = Frame(x0: 0, x1: Double(Swift.max(1, categories.count)), y0: t.lo, y1: t.hi, logY: false)
        f.top = legend.plotTop
        svg.text(Frame.width / 2, Legend.titleBaseline, title, cls: "ttl")
        for v in t.ticks {
            svg.line(f.left, f.py(v), f.left + f.plotW, f.py(v), cls: "gr")
            svg.text(f.left - 6, f.py(v) + 4, ChartFormat.tick(v), anchor: "end")
        }
        svg.line(f.left, f.py(0), f.left + f.plotW, f.py(0), cls: "ax")
        svg.line(f.left, f.top, f.left, f.top + f.plotH, cls: "ax")
        svg.text(16, f.top + f.plotH / 2, yTitle, rotate: true)
        let groupW = f.plotW / Double(Swift.max(1, categories.count))
        let barW = groupW * 0.8 / Double(Swift.max(1, series.count))
        for (c, name) in categories.enumerated() {
            let gx = f.left + Double(c) * groupW + groupW * 0.1
            for (s, ser) in series.enumerated() where c < ser.values.count {
                let v = ser.values[c].isFinite ? ser.values[c] : 0
                let y = f.py(Swift.max(v, 0)), y0 = f.py(Swift.min(v, 0))
                svg.rect(gx + Double(s) * barW, y, barW - 1, y0 - y, fill: chartPalette[s % chartPalette.count],
                         label: "\(name) \(ser.name): \(ChartFormat.tick(v))")
            }
            svg.text(f.left + (Double(c) + 0.5) * groupW, f.top + f.plotH + 16, name)
        }
        svg.legend(legend)
        return svg.render(description: "bar chart, \(categories.count) categories × \(series.count) series")
    }
}
