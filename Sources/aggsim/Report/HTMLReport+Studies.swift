import Foundation
import SimOutput

/// The parts of `report.html` for a sweep (`sweep-summary.csv`), a comparison (`compare.csv`)
/// and a capacity search (`capacity.csv`).
extension HTMLReport {
  /// The what-if charts (each key metric's mean against the sweep point, with its 95% band) and
  /// the table across points.
  func sweepSection() -> String {
    guard let table = files.sweepSummary else { return "" }
    let records = RunFiles.records(table)
    let parameters = table.columns.dropFirst().prefix { !$0.hasSuffix("_mean") && !$0.hasSuffix("_ci_low") && !$0.hasSuffix("_ci_high") }
    let metrics = table.columns.filter { $0.hasSuffix("_mean") }.map { String($0.dropLast("_mean".count)) }
    // One numeric parameter: its values are the x axis; otherwise the point number, labelled.
    let numeric = parameters.count == 1 ? records.compactMap { $0[parameters.first!].flatMap(Self.leadingNumber) } : []
    let xs: [Double] = numeric.count == records.count ? numeric : records.indices.map(Double.init)
    let ticks = records.enumerated().map { point in
      (x: xs[point.offset], label: parameters.map { point.element[$0] ?? "" }.joined(separator: " "))
    }
    var out = "<h2>Sweep: what if</h2>\n<p>Each key metric's mean over the replications at every sweep point "
      + "(\(SVGChart.escape(parameters.joined(separator: " × ")))), with its 95% interval as a band.</p>\n"
    for metric in metrics {
      var points: [(x: Double, y: Double)] = [], band: [(x: Double, low: Double, high: Double)] = []
      for (i, record) in records.enumerated() {
        let mean = record["\(metric)_mean"].flatMap(Double.init) ?? .nan
        points.append((xs[i], mean))
        if let low = record["\(metric)_ci_low"].flatMap(Double.init), let high = record["\(metric)_ci_high"].flatMap(Double.init) {
          band.append((xs[i], low, high))
        }
      }
      out += SVGChart.line(title: metric, xLabel: parameters.joined(separator: " × "), yLabel: metric,
                           series: [.init(name: metric, points: points, band: band)], ticks: ticks)
    }
    out += "<h3>Across sweep points</h3>\n"
    out += Self.table(header: ["point"] + parameters + metrics, rows: records.map { record in
      [record["point"] ?? ""] + parameters.map { record[$0] ?? "" } + metrics.map { metric in
        let mean = record["\(metric)_mean"].flatMap(Double.init)
        guard let mean else { return "–" }
        guard let low = record["\(metric)_ci_low"].flatMap(Double.init), let high = record["\(metric)_ci_high"].flatMap(Double.init) else {
          return SVGChart.number(mean)
        }
        return "\(SVGChart.number(mean)) [\(SVGChart.number(low)), \(SVGChart.number(high))]"
      }
    })
    return out
  }

  /// The number a parameter value starts with (`10s` → 10, `200/s` → 200), or nil.
  static func leadingNumber(_ text: String) -> Double? {
    let digits = text.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" }
    return Double(digits)
  }

  /// The paired differences B − A with their 95% intervals: those that differ, each chart at most
  /// 25 rows, grouped by metric unit scale so one axis fits; then the table of them.
  func compareSection() -> String {
    let records = RunFiles.records(files.compare)
    let differing = records.filter { ($0["verdict"] ?? "") != "no difference" }
    var out = "<h2>Compare: B − A (paired, common random numbers)</h2>\n"
      + "<p>\(differing.count) of \(records.count) metrics differ at 95%; the others show no difference (all in compare.csv).</p>\n"
    let shown = differing.isEmpty ? Array(records.prefix(10)) : differing
    var byMetric: [(String, [[String: String]])] = []
    for record in shown.prefix(100) {
      let metric = record["metric"] ?? ""
      if let i = byMetric.firstIndex(where: { $0.0 == metric }) { byMetric[i].1.append(record) } else { byMetric.append((metric, [record])) }
    }
    for (metric, group) in byMetric {
      let rows = group.prefix(25).map { record in
        (label: record["scope"] ?? "", mean: record["difference_mean"].flatMap(Double.init) ?? .nan,
         low: record["ci95_low"].flatMap(Double.init) ?? .nan, high: record["ci95_high"].flatMap(Double.init) ?? .nan)
      }
      out += SVGChart.whiskers(title: "\(metric): B − A with its 95% interval", rows: rows)
    }
    out += Self.table(header: ["scope", "metric", "A", "B", "B − A", "95% CI", "verdict"], rows: shown.map { r in
      [r["scope"] ?? "", r["metric"] ?? "", Self.short(r["mean_a"]), Self.short(r["mean_b"]),
       Self.short(r["difference_mean"]), "\(Self.short(r["ci95_low"])) … \(Self.short(r["ci95_high"]))", r["verdict"] ?? ""]
    })
    return out
  }

  /// Each bisection step's estimate with its interval against the value tried, and the answer.
  func capacitySection() -> String {
    let records = RunFiles.records(files.capacity)
    guard let first = records.first else { return "" }
    let lowest = first["find"] == "lowest"
    let meeting = records.filter { $0["meets"] == "true" }.compactMap { r in r["value"].flatMap { v in Self.leadingNumber(v).map { (v, $0) } } }
    let answer = lowest ? meeting.min { $0.1 < $1.1 } : meeting.max { $0.1 < $1.1 }
    let slo = [first["slo_min"].flatMap { $0.isEmpty ? nil : "≥ \($0)" }, first["slo_max"].flatMap { $0.isEmpty ? nil : "≤ \($0)" }]
      .compactMap { $0 }.joined(separator: ", ")
    var out = "<h2>Capacity search</h2>\n<p class=\"answer\"><strong>"
    if let answer {
      out += "Answer: \(SVGChart.escape(first["parameter"] ?? "")) = \(SVGChart.escape(answer.0))"
        + " is the \(lowest ? "lowest" : "highest") value tried whose whole 95% interval meets the SLO"
    } else {
      out += "No value tried meets the SLO"
    }
    out += "</strong> (\(SVGChart.escape(first["scope"] ?? "")) \(SVGChart.escape(first["metric"] ?? "")) \(SVGChart.escape(slo))).</p>\n"
    let rows = records.map { r in
      (label: "step \(r["step"] ?? ""): \(r["value"] ?? "") (\(r["meets"] == "true" ? "meets" : "misses"))",
       mean: r["mean"].flatMap(Double.init) ?? .nan, low: r["ci_low"].flatMap(Double.init) ?? .nan, high: r["ci_high"].flatMap(Double.init) ?? .nan)
    }
    let bound = first["slo_max"].flatMap(Double.init).map { (x: $0, label: "SLO max \(SVGChart.number($0))") }
      ?? first["slo_min"].flatMap(Double.init).map { (x: $0, label: "SLO min \(SVGChart.number($0))") }
    out += SVGChart.whiskers(title: "Bisection steps: \(first["metric"] ?? "") at each value tried, with its 95% interval",
                             rows: rows, reference: bound)
    out += Self.table(header: ["step", "value", "mean", "95% CI", "meets"], rows: records.map { r in
      [r["step"] ?? "", r["value"] ?? "", Self.short(r["mean"]), "\(Self.short(r["ci_low"])) … \(Self.short(r["ci_high"]))", r["meets"] ?? ""]
    })
    return out
  }

  /// A CSV number with four significant digits, `–` when empty.
  static func short(_ text: String?) -> String { text.flatMap(Double.init).map(SVGChart.number) ?? "–" }
}
