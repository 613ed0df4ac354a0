import AggregationModel
import SimCore

/// Finds a summary metric of a run by scope and name, per replication, in the summaries each
/// replication computed once: the vocabulary of `summary.csv` (`MetricCatalogue.summary`) is the
/// vocabulary of `expect:`, `check`, `capacity` and `compare`.
///
/// Scopes (`ScopeKind.pattern`): `client/<name>`, `apiservice/<name>`, `pod/<server>/<index>`,
/// `kubectl/<client>`, `garbage_collector/<client>`, `namespace_controller/<client>`,
/// `discovery/<apiservice>`, `priority_level/<instance>/<level>`, and `all` (every client's
/// requests together; for a pod metric, the mean over pods).
enum MetricLookup {
  /// The metric's value in each replication, or nil when the scope or metric does not exist.
  static func values(_ summaries: [ReplicationSummary], scope: String, metric: SummaryMetric) -> [Double]? {
    guard !summaries.isEmpty else { return nil }
    var values: [Double] = []
    for summary in summaries {
      guard let value = summary.scope(scope)?.value(of: metric) else { return nil }
      values.append(value)
    }
    return values
  }

  /// A metric over replications: how many were finite, their mean, and its 95% Student-t
  /// interval (nil below two finite values).
  struct Estimate {
    var count: Int
    var mean: Double
    var interval: ConfidenceInterval?
  }

  /// The estimate of the finite `values`, or nil when none is finite.
  static func estimate(_ values: [Double]) -> Estimate? {
    let finite = values.filter(\.isFinite)
    guard !finite.isEmpty else { return nil }
    return Estimate(count: finite.count, mean: finite.reduce(0, +) / Double(finite.count),
                    interval: ConfidenceInterval.studentT(of: finite, level: 0.95))
  }
}
