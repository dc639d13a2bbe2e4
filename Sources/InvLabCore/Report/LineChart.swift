import Foundation

/// One point of a chart series; a nil `y` breaks the line (a failed or unmeasured trial).
struct ChartPoint: Equatable {
    var x: Double
    var y: Double?
    /// Half-length of the error bar (a standard deviation), when known.
    var error: Double?
    /// The 95 % interval around `y` (drawn as a shaded band, or a bar for a lone point), when
    /// known; a point with an interval draws it instead of its error bar.
    var low: Double? = nil
    var high: Double? = nil

    /// The interval, when both bounds are finite.
    var interval: (low: Double, high: Double)? {
        guard let low, let high, low.isFinite, high.isFinite else { return nil }
        return (low, high)
    }
}

/// A named line of a chart. Colour and dash pattern are indices into fixed palettes: the
/// colour tells the metrics of a panel apart, the dash pattern the combinations of other sweep
/// values.
struct ChartSeries: Equatable {
    var label: String
    var points: [ChartPoint]
    var colorIndex: Int
    var dashIndex: Int
}

/// A line chart panel rendered as SVG elements: axes with ticks and labels, one polyline per
/// series with point markers, error bars and shaded 95 % interval bands, and a legend below the plot. Hand-written SVG,
/// deterministic to the byte (coordinates printed with two decimals, no clocks, no ids).
struct LineChart: Equatable {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [ChartSeries]
    /// Use the fixed [0, 1] axis when every value lies in it.
    var preferUnitInterval: Bool

    static let width = 520.0
    static let plotHeight = 210.0
    static let margins = (left: 64.0, right: 18.0, top: 34.0)
    static let legendLine = 18.0
    /// Okabe and Ito's colour-blind-safe palette.
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999"]
    static let dashes = ["", "7 4", "2 3", "10 3 2 3"]

    /// The panel's height: title, plot, axis labels and one legend line per series.
    var height: Double { Self.margins.top + Self.plotHeight + 52 + Double(series.count) * Self.legendLine + 6 }

    /// The x axis: the sweep values.
    var xScale: AxisScale { AxisScale.forSweep(series.flatMap { $0.points.map(\.x) }) }

    /// The y axis: [0, 1] for rates when the values allow it, else the data range with the
    /// error bars.
    var yScale: AxisScale {
        let all = series.flatMap(\.points).filter { $0.y != nil }
        let points = all.map { ($0.y!, $0.error ?? 0) }
        let values = points.map(\.0)
        let intervals = all.compactMap(\.interval)
        if preferUnitInterval, (values + intervals.flatMap { [$0.low, $0.high] }).allSatisfy({ $0 >= 0 && $0 <= 1 }) { return .unitInterval }
        let low = (points.map { $0.0 - ($0.1.isFinite ? $0.1 : 0) } + intervals.map(\.low)).min() ?? 0
        let high = (points.map { $0.0 + ($0.1.isFinite ? $0.1 : 0) } + intervals.map(\.high)).max() ?? 1
        return AxisScale.linear(low, high)
    }

    /// SVG elements of the panel with its top-left corner at (`originX`, `originY`).
    func render(originX: Double, originY: Double) -> String {
        let (xScale, yScale) = (self.xScale, self.yScale)
        let left = originX + Self.margins.left, right = originX + Self.width - Self.margins.right
        let top = originY + Self.margins.top, bottom = top + Self.plotHeight
        let px = { (value: Double) in xScale.position(value, from: left, to: right) }
        let py = { (value: Double) in yScale.position(yScale.clamp(value), from: bottom, to: top) }
        var out = "<g class=\"panel\">\n"
        out += "<text x=\"\(f(originX + Self.width / 2))\" y=\"\(f(originY + 20))\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(SVG.escape(title))</text>\n"
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" fill=\"#ffffff\" stroke=\"#888888\"/>\n"
        for (tick, label) in zip(yScale.ticks, tickLabels(yScale)) {
            let y = py(tick)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\" stroke=\"#e3e3e3\"/>\n"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(SVG.escape(label))</text>\n"
        }
        for (tick, label) in zip(xScale.ticks, tickLabels(xScale)) {
            let x = px(tick)
            out += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(bottom))\" stroke=\"#e3e3e3\"/>\n"
            out += "<line x1=\"\(f(x))\" y1=\"\(f(bottom))\" x2=\"\(f(x))\" y2=\"\(f(bottom + 4))\" stroke=\"#888888\"/>\n"
            out += "<text x=\"\(f(x))\" y=\"\(f(bottom + 17))\" text-anchor=\"middle\">\(SVG.escape(label))</text>\n"
        }
        out += "<text x=\"\(f((left + right) / 2))\" y=\"\(f(bottom + 36))\" text-anchor=\"middle\">\(SVG.escape(xLabel + (xScale.logarithmic ? " (log scale)" : "")))</text>\n"
        let middle = (top + bottom) / 2
        out += "<text x=\"\(f(originX + 16))\" y=\"\(f(middle))\" text-anchor=\"middle\" transform=\"rotate(-90 \(f(originX + 16)) \(f(middle)))\">\(SVG.escape(yLabel))</text>\n"
        for line in series { out += renderSeries(line, px: px, py: py) }
        for (index, line) in series.enumerated() {
            let y = bottom + 52 + Double(index) * Self.legendLine
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y - 4))\" x2=\"\(f(left + 26))\" y2=\"\(f(y - 4))\" \(stroke(line))/>\n"
            out += "<circle cx=\"\(f(left + 13))\" cy=\"\(f(y - 4))\" r=\"3\" fill=\"\(color(line))\"/>\n"
            out += "<text x=\"\(f(left + 34))\" y=\"\(f(y))\">\(SVG.escape(line.label))</text>\n"
        }
        return out + "</g>\n"
    }

    private func renderSeries(_ line: ChartSeries, px: (Double) -> Double, py: (Double) -> Double) -> String {
        var out = ""
        var segments: [[(Double, Double)]] = [[]]
        for point in line.points {
            if let y = point.y, y.isFinite { segments[segments.count - 1].append((px(point.x), py(y))) } else if !segments[segments.count - 1].isEmpty { segments.append([]) }
        }
        // The 95 % intervals under the line: a band over each run of consecutive points that have
        // one, a bar for a lone point.
        var bands: [[(x: Double, low: Double, high: Double)]] = [[]]
        for point in line.points {
            if let y = point.y, y.isFinite, let interval = point.interval {
                bands[bands.count - 1].append((px(point.x), py(interval.low), py(interval.high)))
            } else if !bands[bands.count - 1].isEmpty {
                bands.append([])
            }
        }
        for band in bands where !band.isEmpty {
            if band.count == 1 {
                let point = band[0]
                out += "<path class=\"ci-bar\" d=\"M\(f(point.x)) \(f(point.low))V\(f(point.high))M\(f(point.x - 4)) \(f(point.low))H\(f(point.x + 4))M\(f(point.x - 4)) \(f(point.high))H\(f(point.x + 4))\" stroke=\"\(color(line))\" stroke-opacity=\"0.6\" stroke-width=\"1.2\" fill=\"none\"/>\n"
            } else {
                let outline = band.map { "\(f($0.x)),\(f($0.high))" } + band.reversed().map { "\(f($0.x)),\(f($0.low))" }
                out += "<polygon class=\"ci-band\" points=\"\(outline.joined(separator: " "))\" fill=\"\(color(line))\" fill-opacity=\"0.15\" stroke=\"none\"/>\n"
            }
        }
        for segment in segments where segment.count > 1 {
            out += "<polyline points=\"\(segment.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\" fill=\"none\" \(stroke(line))/>\n"
        }
        for point in line.points {
            guard let y = point.y, y.isFinite else { continue }
            let (x, cy) = (px(point.x), py(y))
            if point.interval == nil, let error = point.error, error.isFinite, error > 0 {
                let (low, high) = (py(y - error), py(y + error))
                out += "<path d=\"M\(f(x)) \(f(low))V\(f(high))M\(f(x - 4)) \(f(low))H\(f(x + 4))M\(f(x - 4)) \(f(high))H\(f(x + 4))\" stroke=\"\(color(line))\" stroke-width=\"1.2\" fill=\"none\"/>\n"
            }
            out += "<circle cx=\"\(f(x))\" cy=\"\(f(cy))\" r=\"3\" fill=\"\(color(line))\"/>\n"
        }
        return out
    }

    private func color(_ line: ChartSeries) -> String { Self.colors[line.colorIndex % Self.colors.count] }

    private func stroke(_ line: ChartSeries) -> String {
        let dash = Self.dashes[line.dashIndex % Self.dashes.count]
        return "stroke=\"\(color(line))\" stroke-width=\"2\"" + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")
    }

    /// Tick labels of one axis: plain numbers, or all in `1e-4` notation when one of them would
    /// be very large or very small.
    private func tickLabels(_ scale: AxisScale) -> [String] {
        let extreme = scale.ticks.contains { abs($0) >= 1e5 || ($0 != 0 && abs($0) < 1e-3) }
        guard extreme else { return scale.ticks.map(formatNumber) }
        return scale.ticks.map { value in
            if value == 0 { return "0" }
            let exponent = Int(log10(abs(value)).rounded(.down))
            let mantissa = value / pow(10, Double(exponent))
            return (abs(mantissa - 1) < 1e-9 ? "1" : formatNumber((mantissa * 100).rounded() / 100)) + "e\(exponent)"
        }
    }

    private func f(_ value: Double) -> String { SVG.number(value) }
}

/// SVG text helpers.
enum SVG {
    /// XML-escaped text for element content and attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A coordinate with two decimals (no locale, no negative zero).
    static func number(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        return text == "-0.00" ? "0.00" : text
    }

    /// Panels in rows of `columns`, as one standalone SVG document; `title` names the document
    /// and is drawn as a heading when `heading` is set.
    static func document(title: String, panels: [LineChart], columns: Int = 2, heading: Bool = true) -> String {
        let gap = 12.0
        var rows: [[LineChart]] = []
        for (index, panel) in panels.enumerated() {
            if index % columns == 0 { rows.append([]) }
            rows[rows.count - 1].append(panel)
        }
        let width = Double(min(columns, max(panels.count, 1))) * LineChart.width + gap
        var y = heading ? 40.0 : 4.0
        var body = ""
        for row in rows {
            for (column, panel) in row.enumerated() {
                body += panel.render(originX: gap / 2 + Double(column) * LineChart.width, originY: y)
            }
            y += (row.map(\.height).max() ?? 0) + gap
        }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(y))\" viewBox=\"0 0 \(number(width)) \(number(y))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"#222222\">\n"
        out += "<title>\(escape(title))</title>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(number(width))\" height=\"\(number(y))\" fill=\"#ffffff\"/>\n"
        if heading {
            out += "<text x=\"\(number(width / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(escape(title))</text>\n"
        }
        return out + body + "</svg>\n"
    }
}
