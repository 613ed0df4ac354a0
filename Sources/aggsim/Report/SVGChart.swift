import Foundation
import SimCore

/// Inline SVG charts for `report.html` (no script, no external resource): line charts with an
/// optional 95% band and event markers, grouped bars, and dot-and-whisker rows. Every chart is one
/// `<svg class="chart">` whose data are `<path class="data">` (lines, bands) or `<rect class="data">`
/// and `<circle class="data">` elements, so a test can check that a chart has data. Pure.
enum SVGChart {
  /// One line of a line chart: points (x, y) in the chart's units, optionally a band (x, low, high).
  struct Series {
    var name: String
    var points: [(x: Double, y: Double)]
    var band: [(x: Double, low: Double, high: Double)] = []
  }

  /// A vertical marker at `x` (an event), labelled in its tooltip.
  struct Marker {
    var x: Double
    var label: String
    var colour: String
  }

  static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
  static let width = 560.0, height = 260.0
  static let left = 64.0, top = 28.0, bottom = 40.0
  /// The right margin: room for the legend when there is more than one series.
  static func right(legend names: [String]) -> Double { names.count > 1 ? 180 : 16 }

  /// A line chart of `series` against x; `ticks` names x positions (a sweep's point labels).
  static func line(title: String, xLabel: String, yLabel: String, series: [Series], markers: [Marker] = [],
                   ticks: [(x: Double, label: String)]? = nil) -> String {
    let xs = series.flatMap { $0.points.map(\.x) + $0.band.map(\.x) } + markers.map(\.x)
    let ys = series.flatMap { $0.points.map(\.y) + $0.band.flatMap { [$0.low, $0.high] } }.filter(\.isFinite)
    let right = right(legend: series.map(\.name))
    let x = Scale(values: xs, from: left, to: width - right)
    let y = Scale(values: ys + [0], from: height - bottom, to: top)
    var out = open(title: title)
    out += axes(x: x, y: y, right: right, xLabel: xLabel, yLabel: yLabel, ticks: ticks)
    for (index, s) in series.enumerated() {
      let colour = palette[index % palette.count]
      if !s.band.isEmpty {
        let upper = s.band.map { (x: $0.x, y: $0.high) }, lower = s.band.reversed().map { (x: $0.x, y: $0.low) }
        out += "<path class=\"data band\" d=\"\(path(upper + lower, x: x, y: y))Z\" fill=\"\(colour)\" fill-opacity=\"0.18\" stroke=\"none\"><title>\(escape(s.name)) 95% interval</title></path>\n"
      }
      out += "<path class=\"data\" d=\"\(path(s.points, x: x, y: y))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.6\"><title>\(escape(s.name))</title></path>\n"
      if s.points.count <= 40 {
        for p in s.points where p.y.isFinite {
          out += "<circle class=\"data\" cx=\"\(f(x[p.x]))\" cy=\"\(f(y[p.y]))\" r=\"2.5\" fill=\"\(colour)\"><title>\(escape(s.name)): \(number(p.y))</title></circle>\n"
        }
      }
    }
    for marker in markers {
      out += "<line class=\"marker\" x1=\"\(f(x[marker.x]))\" x2=\"\(f(x[marker.x]))\" y1=\"\(f(top))\" y2=\"\(f(height - bottom))\" stroke=\"\(marker.colour)\" stroke-dasharray=\"3 3\"><title>\(escape(marker.label))</title></line>\n"
    }
    out += legend(series.map(\.name))
    return out + "</svg>\n"
  }

  /// The frame of a bar chart: its title, one slot per category on the x axis (labels cut to
  /// their slot, about 5.5 px a character; the full name is in each bar's tooltip), and a y axis
  /// over `values` and 0, with room for the legend of `names`.
  static func barFrame(title: String, yLabel: String, categories: [String], names: [String],
                       values: [Double]) -> (svg: String, x: Scale, y: Scale) {
    let y = Scale(values: values + [0], from: height - bottom, to: top)
    let right = right(legend: names)
    let x = Scale(values: [0, Double(max(categories.count, 1))], from: left, to: width - right)
    let fits = max(Int((x[1] - x[0]) / 5.5), 3)
    let labels = categories.map { $0.count > fits ? String($0.prefix(fits - 1)) + "…" : $0 }
    let svg = open(title: title)
      + axes(x: x, y: y, right: right, xLabel: "", yLabel: yLabel, ticks: labels.enumerated().map { (Double($0.offset) + 0.5, $0.element) })
    return (svg, x, y)
  }

  /// Grouped bars: one group per category, one bar per series (nil: no bar).
  static func bars(title: String, yLabel: String, categories: [String], series: [(name: String, values: [Double?])]) -> String {
    let values = series.flatMap { $0.values.compactMap { $0 } }.filter(\.isFinite)
    var (out, x, y) = barFrame(title: title, yLabel: yLabel, categories: categories, names: series.map(\.name), values: values)
    let slot = (x[1] - x[0]) * 0.8 / Double(max(series.count, 1))
    for (c, _) in categories.enumerated() {
      for (s, entry) in series.enumerated() {
        guard let value = entry.values[c], value.isFinite else { continue }
        let left = x[Double(c)] + (x[1] - x[0]) * 0.1 + slot * Double(s)
        let topY = min(y[value], y[0]), h = abs(y[0] - y[value])
        out += "<rect class=\"data\" x=\"\(f(left))\" y=\"\(f(topY))\" width=\"\(f(slot * 0.9))\" height=\"\(f(max(h, 0.5)))\" fill=\"\(palette[s % palette.count])\"><title>\(escape(categories[c])) \(escape(entry.name)): \(number(value))</title></rect>\n"
      }
    }
    out += legend(series.map(\.name))
    return out + "</svg>\n"
  }

  /// Stacked bars: one bar per category, its segments the series' values stacked in order
  /// (nil or not positive: no segment), e.g. where each client's mean latency goes.
  static func stackedBars(title: String, yLabel: String, categories: [String], series: [(name: String, values: [Double?])]) -> String {
    let totals = categories.indices.map { c in series.reduce(0.0) { $0 + max($1.values[c] ?? 0, 0) } }
    var (out, x, y) = barFrame(title: title, yLabel: yLabel, categories: categories, names: series.map(\.name), values: totals)
    for (c, category) in categories.enumerated() {
      var base = 0.0
      for (s, entry) in series.enumerated() {
        guard let value = entry.values[c], value.isFinite, value > 0 else { continue }
        let left = x[Double(c)] + (x[1] - x[0]) * 0.2
        out += "<rect class=\"data\" x=\"\(f(left))\" y=\"\(f(y[base + value]))\" width=\"\(f((x[1] - x[0]) * 0.6))\" height=\"\(f(max(y[base] - y[base + value], 0.5)))\" fill=\"\(palette[s % palette.count])\"><title>\(escape(category)) \(escape(entry.name)): \(number(value))</title></rect>\n"
        base += value
      }
    }
    out += legend(series.map(\.name))
    return out + "</svg>\n"
  }

  /// Dot-and-whisker rows: each row's estimate and interval on a common horizontal axis with 0
  /// marked, and a dashed `reference` line (an SLO bound) when given.
  static func whiskers(title: String, rows: [(label: String, mean: Double, low: Double, high: Double)],
                       reference: (x: Double, label: String)? = nil) -> String {
    let rowHeight = 22.0, labelWidth = 300.0
    let h = top + bottom + rowHeight * Double(max(rows.count, 1))
    let x = Scale(values: rows.flatMap { [$0.low, $0.high, $0.mean] }.filter(\.isFinite) + [0] + (reference.map { [$0.x] } ?? []),
                  from: labelWidth, to: width + 200 - 16)
    var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width + 200)) \(f(h))\" width=\"\(f(width + 200))\" height=\"\(f(h))\" role=\"img\">\n"
    out += "<title>\(escape(title))</title><text x=\"\(f(left))\" y=\"16\" class=\"title\">\(escape(title))</text>\n"
    out += "<line x1=\"\(f(x[0]))\" x2=\"\(f(x[0]))\" y1=\"\(f(top))\" y2=\"\(f(h - bottom))\" stroke=\"#888\"/>\n"
    if let reference {
      out += "<line class=\"marker\" x1=\"\(f(x[reference.x]))\" x2=\"\(f(x[reference.x]))\" y1=\"\(f(top - 6))\" y2=\"\(f(h - bottom))\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"><title>\(escape(reference.label))</title></line>\n"
        + "<text x=\"\(f(x[reference.x] + 4))\" y=\"\(f(top - 2))\" class=\"tick\">\(escape(reference.label))</text>\n"
    }
    for tick in x.ticks() {
      out += "<text x=\"\(f(x[tick]))\" y=\"\(f(h - bottom + 16))\" text-anchor=\"middle\" class=\"tick\">\(number(tick))</text>\n"
    }
    for (i, row) in rows.enumerated() {
      let cy = top + rowHeight * (Double(i) + 0.5)
      out += "<text x=\"\(f(labelWidth - 6))\" y=\"\(f(cy + 4))\" text-anchor=\"end\" class=\"tick\">\(escape(row.label))</text>\n"
      if row.low.isFinite, row.high.isFinite {
        out += "<path class=\"data\" d=\"M\(f(x[row.low])),\(f(cy))H\(f(x[row.high]))\" stroke=\"\(palette[0])\" stroke-width=\"2\"/>\n"
      }
      out += "<circle class=\"data\" cx=\"\(f(x[row.mean]))\" cy=\"\(f(cy))\" r=\"4\" fill=\"\(palette[1])\"><title>\(escape(row.label)): \(number(row.mean)) [\(number(row.low)), \(number(row.high))]</title></circle>\n"
    }
    return out + "</svg>\n"
  }

  /// A linear map from data values to pixels, padded so a flat series is drawn mid-height.
  struct Scale {
    var low: Double, high: Double, from: Double, to: Double
    init(values: [Double], from: Double, to: Double) {
      let finite = values.filter(\.isFinite)
      low = finite.min() ?? 0
      high = finite.max() ?? 1
      if high - low < 1e-12 * max(abs(high), 1) { low -= 0.5 * max(abs(low), 1); high += 0.5 * max(abs(high), 1) }
      self.from = from
      self.to = to
    }
    subscript(_ value: Double) -> Double { from + (value - low) / (high - low) * (to - from) }
    /// About five round tick values within the range.
    func ticks() -> [Double] {
      let raw = (high - low) / 5, magnitude = pow(10, floor(log10(raw)))
      let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
      var values: [Double] = []
      var value = ceil(low / step) * step
      while value <= high + step * 1e-9, values.count < 12 {
        values.append(abs(value) < step * 1e-9 ? 0 : value)
        value += step
      }
      return values
    }
  }

  static func open(title: String) -> String {
    "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\">\n"
      + "<title>\(escape(title))</title><text x=\"\(f(left))\" y=\"16\" class=\"title\">\(escape(title))</text>\n"
  }

  static func axes(x: Scale, y: Scale, right: Double, xLabel: String, yLabel: String, ticks: [(x: Double, label: String)]?) -> String {
    var out = "<path d=\"M\(f(left)),\(f(top))V\(f(height - bottom))H\(f(width - right))\" fill=\"none\" stroke=\"#444\"/>\n"
    for tick in y.ticks() {
      out += "<text x=\"\(f(left - 6))\" y=\"\(f(y[tick] + 4))\" text-anchor=\"end\" class=\"tick\">\(number(tick))</text>"
      out += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y[tick]))\" y2=\"\(f(y[tick]))\" stroke=\"#eee\"/>\n"
    }
    for tick in ticks ?? x.ticks().map({ ($0, number($0)) }) {
      out += "<text x=\"\(f(x[tick.x]))\" y=\"\(f(height - bottom + 14))\" text-anchor=\"middle\" class=\"tick\">\(escape(tick.label))</text>\n"
    }
    out += "<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\" class=\"label\">\(escape(xLabel))</text>\n"
    out += "<text x=\"12\" y=\"\(f((top + height - bottom) / 2))\" transform=\"rotate(-90 12 \(f((top + height - bottom) / 2)))\" text-anchor=\"middle\" class=\"label\">\(escape(yLabel))</text>\n"
    return out
  }

  static func legend(_ names: [String]) -> String {
    guard names.count > 1 else { return "" }
    var out = ""
    for (i, name) in names.prefix(14).enumerated() {
      let x = width - right(legend: names) + 12, y = top + 8 + Double(i) * 14
      out += "<rect x=\"\(f(x))\" y=\"\(f(y - 8))\" width=\"9\" height=\"9\" fill=\"\(palette[i % palette.count])\"/><text x=\"\(f(x + 12))\" y=\"\(f(y))\" class=\"tick\">\(escape(name.count > 28 ? String(name.prefix(27)) + "…" : name))<title>\(escape(name))</title></text>\n"
    }
    return out
  }

  static func path(_ points: [(x: Double, y: Double)], x: Scale, y: Scale) -> String {
    var out = "", pen = "M"
    for p in points {
      guard p.y.isFinite, p.x.isFinite else { pen = "M"; continue }
      out += "\(pen)\(f(x[p.x])),\(f(y[p.y]))"
      pen = "L"
    }
    return out
  }

  /// A pixel coordinate with two decimals.
  static func f(_ x: Double) -> String { String(format: "%.2f", x) }
  /// A data value with four significant digits.
  static func number(_ x: Double) -> String { x.isFinite ? SignificantFigures.text(x, digits: 4) : "–" }

  /// `text` safe inside XML text and attribute values (HTML5 and SVG read XML's escapes).
  static func escape(_ text: String) -> String { JUnitReport.escape(text) }
}
