import AggregationModel
import Foundation
import SimOutput

/// `report.html` (issue 11 item 3): one self-contained page of a finished run, with no script and
/// no network (inline CSS and SVG, `SVGChart`), readable in a browser and in a CI artifact viewer.
/// A run: its bottleneck findings (`findings.csv`), the summary tables with 95% intervals, latency
/// percentiles per client, APF seat use per level, and from the first replication's time series
/// the availability of each APIService with its events marked, throughput, in-flight requests and
/// pod queues. A sweep adds the what-if charts (each key metric against the sweep point with its
/// 95% band) and the table across points; a comparison the paired differences B − A with their
/// intervals; a capacity search its bisection steps and the answer. Pure: the same files give the
/// same page.
struct HTMLReport {
  let files: RunFiles

  /// The page.
  func render() throws(RunReportError) -> String {
    var body = "<h1>\(SVGChart.escape(files.metadata?.scenario ?? files.name)): aggsim report</h1>\n"
    if let m = files.metadata {
      body += "<p class=\"meta\">\(m.replications) replications, seed \(m.seed), \(m.events) events in "
        + "\(RunReport.number(m.wallTimeSeconds)) s; aggsim \(SVGChart.escape(m.aggsimVersion))"
        + "\(m.gitCommit.isEmpty ? "" : " (\(SVGChart.escape(m.gitCommit)))"), scenario hash \(m.scenarioHash).</p>\n"
    }
    body += findingsSection()
    if files.compare != nil { body += compareSection() }
    if files.capacity != nil { body += capacitySection() }
    if let summary = files.summary {
      let index = try RunReport.estimates(summary)
      if files.sweepSummary != nil { body += sweepSection() }
      body += "<h2>Summary\(index.points.count > 1 ? " (sweep point \(index.points.first ?? 0))" : "")</h2>\n"
        + "<p>Each figure is the mean over the replications ± the half-width of its 95% confidence interval.</p>\n"
      body += summaryTables(index: index, point: index.points.first ?? 0)
      body += latencyChart(index: index, point: index.points.first ?? 0)
      body += stageChart(index: index, point: index.points.first ?? 0)
      body += seatChart(index: index, point: index.points.first ?? 0)
      body += timeSeriesSection()
    }
    return Self.page(title: "\(files.metadata?.scenario ?? files.name): aggsim report", body: body)
  }

  static func page(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>\(SVGChart.escape(title))</title>
    <style>
    body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 1200px; }
    table { border-collapse: collapse; margin: 0.5em 0 1.2em; font-size: 0.85em; }
    th, td { border: 1px solid #ccc; padding: 2px 6px; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
    th { background: #f3f3f3; } .meta { color: #555; }
    svg.chart { margin: 0.4em 0.6em 0.4em 0; background: #fff; border: 1px solid #ddd; }
    svg .title { font-size: 13px; font-weight: 600; } svg .tick { font-size: 10px; fill: #444; } svg .label { font-size: 11px; fill: #333; }
    </style>
    </head>
    <body>
    \(body)</body>
    </html>

    """
  }

  /// The findings of `findings.csv` (what limits, and the knob that moves it), or a line saying
  /// nothing limits; nothing when the directory has no findings.csv (an older run, a comparison).
  func findingsSection() -> String {
    guard let findings = files.findings else { return "" }
    let records = RunFiles.records(findings)
    guard !records.isEmpty else { return "<h2>Findings</h2>\n<p>None: nothing limits.</p>\n" }
    let sweep = records.contains { $0["sweep_point"] != "0" }
    var out = "<h2>Findings</h2>\n<table>\n<tr>" + (sweep ? "<th>sweep point</th>" : "") + "<th>kind</th><th>finding</th></tr>\n"
    for r in records {
      out += "<tr>" + (sweep ? "<td class=\"n\">\(SVGChart.escape(r["sweep_point"] ?? ""))</td>" : "")
        + "<td>\(SVGChart.escape(r["kind"] ?? ""))</td><td>\(SVGChart.escape(r["message"] ?? ""))</td></tr>\n"
    }
    return out + "</table>\n"
  }

  /// The Markdown report's tables (`RunReport.sections`) as HTML, for one sweep point.
  func summaryTables(index: RunReport.Index, point: Int) -> String {
    var out = ""
    for section in RunReport.sections {
      var rows: [[String]] = []
      for kind in section.kinds.map(\.rawValue) {
        for scope in index.scopes["\(point)\u{1}\(kind)"] ?? [] {
          let estimates = section.columns.map { index.values[RunReport.Index.key(point, kind, scope, $0.metric.name)] }
          guard estimates.contains(where: { $0 != nil }) else { continue }
          if let required = section.onlyIfNonZero {
            let nonZero = required.contains { (index.values[RunReport.Index.key(point, kind, scope, $0.name)]?.mean ?? 0) != 0 }
            guard nonZero else { continue }
          }
          rows.append(["\(kind)/\(scope)"] + estimates.map(RunReport.cell))
        }
      }
      guard !rows.isEmpty else { continue }
      out += "<h3>\(SVGChart.escape(section.title))</h3>\n" + Self.table(header: ["scope"] + section.columns.map(\.header), rows: rows)
    }
    return out
  }

  /// An HTML table; every cell but the first of a row is right-aligned.
  static func table(header: [String], rows: [[String]]) -> String {
    var out = "<table>\n<tr>" + header.map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr>\n"
    for row in rows {
      out += "<tr>" + row.enumerated().map { $0.offset == 0 ? "<td>\(SVGChart.escape($0.element))</td>" : "<td class=\"n\">\(SVGChart.escape($0.element))</td>" }.joined() + "</tr>\n"
    }
    return out + "</table>\n"
  }

  /// Latency percentiles (p50, p90, p99, max) of each client, bars.
  func latencyChart(index: RunReport.Index, point: Int) -> String {
    let clients = index.scopes["\(point)\u{1}client"] ?? []
    guard !clients.isEmpty else { return "" }
    let series = ["latency_p50_s", "latency_p90_s", "latency_p99_s", "latency_max_s"].map { metric in
      (name: metric, values: Self.means(index, point: point, clients: clients, metric: metric))
    }
    return "<h2>Latency per client</h2>\n" + SVGChart.bars(title: "Latency percentiles per client (mean over replications)", yLabel: "seconds",
                                                           categories: clients, series: series)
  }

  /// Where each client's mean latency goes: its stages' means stacked (they add up to it).
  func stageChart(index: RunReport.Index, point: Int) -> String {
    let clients = index.scopes["\(point)\u{1}client"] ?? []
    guard !clients.isEmpty else { return "" }
    let series = RequestStage.allCases.map { stage in
      (name: stage.name, values: Self.means(index, point: point, clients: clients, metric: "stage_\(stage.name)_mean_s"))
    }
    guard series.contains(where: { $0.values.contains { ($0 ?? 0) > 0 } }) else { return "" }
    return "<h2>Where the time goes</h2>\n<p>Each client's mean latency split into the stages of its requests (mean over replications; "
      + "stage_&lt;name&gt;_mean_s in summary.csv, per request in requests.csv).</p>\n"
      + SVGChart.stackedBars(title: "Mean latency per client by stage", yLabel: "seconds", categories: clients, series: series)
  }

  /// Each client's mean over replications of `metric` at sweep point `point` (nil: not measured).
  static func means(_ index: RunReport.Index, point: Int, clients: [String], metric: String) -> [Double?] {
    clients.map { index.values[RunReport.Index.key(point, "client", $0, metric)]?.mean }
  }

  /// Seat use of each APF priority level that dispatched or rejected, bars.
  func seatChart(index: RunReport.Index, point: Int) -> String {
    let levels = (index.scopes["\(point)\u{1}priority_level"] ?? []).filter { level in
      ["dispatched", "rejected"].contains { (index.values[RunReport.Index.key(point, "priority_level", level, $0)]?.mean ?? 0) != 0 }
    }
    guard !levels.isEmpty else { return "" }
    let values = levels.map { index.values[RunReport.Index.key(point, "priority_level", $0, "seat_utilisation")]?.mean }
    return "<h2>APF seat use</h2>\n" + SVGChart.bars(title: "APF seats in use / concurrency limit, per level",
                                                     yLabel: "ratio", categories: levels, series: [(name: "seat_utilisation", values: values)])
  }
}
