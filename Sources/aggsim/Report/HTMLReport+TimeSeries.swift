import AggregationModel
import Foundation
import SimOutput

/// The over-time charts of `report.html`, from the first replication of the first sweep point in
/// `timeseries.csv` and `events.csv`.
extension HTMLReport {
  /// The series of replication 0 of point 0: (scope kind, scope, metric) → points in time order.
  struct TimeSeries {
    var keys: [String] = []
    var points: [String: [(x: Double, y: Double)]] = [:]

    static func key(_ kind: String, _ scope: String, _ metric: String) -> String { "\(kind)\u{1}\(scope)\u{1}\(metric)" }

    /// The scopes of `kind` that have `metric`, in file order.
    func scopes(_ kind: String, _ metric: String) -> [String] {
      keys.compactMap { key in
        let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false)
        return parts[0] == Substring(kind) && parts[2] == Substring(metric) ? String(parts[1]) : nil
      }
    }

    init(_ document: CSVDocument) {
      guard let p = document.column("sweep_point"), let r = document.column("replication"), let t = document.column("time_s"),
            let k = document.column("scope_kind"), let s = document.column("scope"), let m = document.column("metric"),
            let v = document.column("value") else { return }
      for row in document.rows where row[p] == "0" && row[r] == "0" {
        guard let time = Double(row[t]) else { continue }
        let key = Self.key(row[k], row[s], row[m])
        if points[key] == nil { keys.append(key) }
        points[key, default: []].append((time, Double(row[v]) ?? .nan))
      }
    }
  }

  func timeSeriesSection() -> String {
    guard let document = files.timeseries else { return "" }
    let series = TimeSeries(document)
    guard !series.keys.isEmpty else { return "" }
    var out = "<h2 id=\"over-time\">Over time (replication 0)</h2>\n"
    let markers = eventMarkers()
    let services = series.scopes("apiservice", "available")
    if !services.isEmpty {
      out += SVGChart.line(title: "Availability of each APIService (dashed: faults and status writes)", xLabel: "time (s)",
                           yLabel: "fraction of bucket Available",
                           series: services.map { .init(name: $0, points: series.points[TimeSeries.key("apiservice", $0, "available")] ?? []) },
                           markers: markers)
      if !markers.isEmpty {
        out += "<p>Events: " + markers.prefix(12).map { SVGChart.escape("\(SVGChart.number($0.x)) s \($0.label)") }.joined(separator: "; ")
          + (markers.count > 12 ? "; … (\(markers.count - 12) more in events.csv)" : "") + "</p>\n"
      }
    }
    let clients = series.keys.compactMap { key -> String? in
      let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false)
      return parts[0] == "client" && parts[2].hasPrefix("completions_") ? String(parts[1]) : nil
    }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    if !clients.isEmpty {
      let width = bucketWidth(series)
      let lines = clients.map { client -> SVGChart.Series in
        let metrics = series.keys.filter { $0.hasPrefix(TimeSeries.key("client", client, "completions_")) }
        var sums: [(x: Double, y: Double)] = []
        for metric in metrics {
          for (i, p) in (series.points[metric] ?? []).enumerated() {
            if i < sums.count { sums[i].y += p.y.isFinite ? p.y : 0 } else { sums.append((p.x, p.y.isFinite ? p.y : 0)) }
          }
        }
        return .init(name: client, points: sums.map { ($0.x, $0.y / width) })
      }
      out += SVGChart.line(title: "Throughput per client (answers of any status)", xLabel: "time (s)", yLabel: "requests/s", series: lines)
    }
    for (kind, metric, title, unit) in [("instance", "in_flight", "Requests in flight per control-plane instance", "requests"),
                                        ("pod", "queue_length", "Queue length per pod", "requests"),
                                        ("pod", "busy_workers", "Busy workers per pod", "workers")] {
      let scopes = series.scopes(kind, metric)
      guard !scopes.isEmpty else { continue }
      out += SVGChart.line(title: title, xLabel: "time (s)", yLabel: unit,
                           series: scopes.map { .init(name: "\(kind)/\($0)", points: series.points[TimeSeries.key(kind, $0, metric)] ?? []) })
    }
    // APF seat use over time, of the levels that held a seat at some bucket end.
    let busyLevels = series.scopes("priority_level", "seats_in_use").filter { level in
      (series.points[TimeSeries.key("priority_level", level, "seats_in_use")] ?? []).contains { $0.y > 0 }
    }
    if !busyLevels.isEmpty {
      out += SVGChart.line(title: "APF seats in use per priority level (at each bucket end)", xLabel: "time (s)", yLabel: "seats",
                           series: busyLevels.map { .init(name: $0, points: series.points[TimeSeries.key("priority_level", $0, "seats_in_use")] ?? []) })
    }
    return out
  }

  /// The width of a time bucket, seconds: metadata's `time_bucket_s`, else the first step of a series.
  func bucketWidth(_ series: TimeSeries) -> Double {
    if let width = files.metadata?.timeBucketSeconds, width > 0 { return width }
    for key in series.keys {
      if let points = series.points[key], points.count >= 2, points[1].x > points[0].x { return points[1].x - points[0].x }
    }
    return 1
  }

  /// Faults and APIService status writes of replication 0 of point 0, as markers.
  func eventMarkers() -> [SVGChart.Marker] {
    RunFiles.records(files.events).compactMap { event -> SVGChart.Marker? in
      guard event["sweep_point"] == "0", event["replication"] == "0", let time = event["time_s"].flatMap(Double.init),
            let kind = event["kind"] else { return nil }
      let colour: String
      switch ModelEventRecord.Kind(rawValue: kind) {
      case .available: colour = "#2ca02c"
      case .unavailable: colour = "#d62728"
      case .faultBegins, .faultEnds: colour = "#ff7f0e"
      default: return nil
      }
      return SVGChart.Marker(x: time, label: "\(kind) \(event["subject"] ?? "")", colour: colour)
    }
  }
}
