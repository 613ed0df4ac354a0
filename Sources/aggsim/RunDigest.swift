import AggregationModel
import Foundation
import SimCore

/// The few figures a person reads first after a run, per client and for all clients: request
/// rate, success fraction and latency percentiles, each as the mean over replications ± the
/// half-width of its 95% interval. Everything else is in summary.csv.
enum RunDigest {
  static let columns: [(SummaryMetric, String, Double)] = [
    (.throughput, "req/s", 1), (.successFraction, "ok %", 100), (.latencyP50, "p50 ms", 1000), (.latencyP99, "p99 ms", 1000),
    (.latencyMax, "max ms", 1000),
  ]

  static func render(_ summaries: [ReplicationSummary]) -> String {
    guard let first = summaries.first else { return "" }
    let scopes = first.scopes(of: .client).map { "client/\($0.name)" } + ["all"]
    var rows: [[String]] = []
    for scope in scopes {
      var row = [scope]
      for (metric, _, scale) in columns {
        row.append(cell(MetricLookup.values(summaries, scope: scope, metric: metric) ?? [], scale: scale))
      }
      rows.append(row)
    }
    return TextTable.render(header: ["scope"] + columns.map(\.1), rows: rows)
  }

  /// `mean ± half-width` (scaled), or the mean alone from one replication, or `–`.
  static func cell(_ values: [Double], scale: Double) -> String {
    guard let estimate = MetricLookup.estimate(values) else { return "–" }
    let mean = estimate.mean * scale
    guard let ci = estimate.interval else { return SignificantFigures.text(mean, digits: 4) }
    let halfWidth = ci.halfWidth * scale
    // Rounding noise of identical replications (a constant workload) reads as ± 0.
    let shown = halfWidth < 1e-9 * Swift.max(1, abs(mean)) ? 0 : halfWidth
    return "\(SignificantFigures.text(mean, digits: 4)) ± \(SignificantFigures.text(shown, digits: 2))"
  }
}
