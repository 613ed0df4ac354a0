import AggregationModel
import SimCore

/// Finds a summary metric of a run by scope and name, per replication: the vocabulary of
/// `summary.csv` is the vocabulary of `expect:`, `check`, `capacity` and `compare`.
///
/// Scopes: `client/<name>`, `apiservice/<name>`, `pod/<server>/<index>`, and `all` (every
/// client's requests together).
enum MetricLookup {
  /// The metric's value in each replication, or nil when the scope or metric does not exist.
  static func values(_ results: [ReplicationResult], scope: String, metric: String) -> [Double]? {
    guard let first = results.first else { return nil }
    let parts = scope.split(separator: "/", maxSplits: 1).map(String.init)
    func pick(_ rows: [(String, String, Double)]) -> Double? { rows.first { $0.0 == metric }?.2 }
    switch parts.first {
    case "client":
      guard parts.count == 2, let index = first.clientNames.firstIndex(of: parts[1]) else { return nil }
      return collect(results) { pick(ResultTables.scopeMetrics($0.clients[index], duration: $0.measuredDuration)) }
    case "apiservice":
      guard parts.count == 2, let index = first.apiServiceNames.firstIndex(of: parts[1]) else { return nil }
      return collect(results) {
        pick(ResultTables.scopeMetrics($0.apiServices[index], duration: $0.measuredDuration) + ResultTables.availabilityMetrics($0.availability[index]))
      }
    case "pod":
      guard parts.count == 2, let index = first.pods.firstIndex(where: { "\($0.server)/\($0.pod)" == parts[1] }) else { return nil }
      return collect(results) { result in pick(ResultTables.podMetrics(result.pods[index])) }
    case "all" where podMetricNames.contains(metric):
      // A pod metric over `all`: the mean over every pod.
      return collect(results) { result in
        let values = result.pods.compactMap { pick(ResultTables.podMetrics($0)) }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
      }
    case "all":
      return collect(results) { result in
        var merged = ScopeMetrics()
        for client in result.clients { merged.merge(client) }
        return pick(ResultTables.scopeMetrics(merged, duration: result.measuredDuration))
      }
    default:
      return nil
    }
  }

  static func collect(_ results: [ReplicationResult], _ value: (ReplicationResult) -> Double?) -> [Double]? {
    var values: [Double] = []
    for result in results {
      guard let v = value(result) else { return nil }
      values.append(v)
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

  /// The metric names a client, APIService or `all` scope has (for error messages).
  static let scopeMetricNames: [String] = ResultTables.scopeMetrics(ScopeMetrics(), duration: .seconds(1)).map(\.0)
  static let podMetricNames = ResultTables.podMetricNames
}
