import AggregationModel
import SimCore

/// Finds a summary metric of a run by scope and name, per replication: the vocabulary of
/// `summary.csv` is the vocabulary of `expect:`, `check`, `capacity` and `compare`.
///
/// Scopes (`ScopeKind.pattern`): `client/<name>`, `apiservice/<name>`, `pod/<server>/<index>`,
/// `kubectl/<client>`, `garbage_collector/<client>`, `namespace_controller/<client>`,
/// `discovery/<apiservice>`, `priority_level/<instance>/<level>`, and `all` (every client's
/// requests together; for a pod metric, the mean over pods).
enum MetricLookup {
  /// The metric's value in each replication, or nil when the scope or metric does not exist.
  static func values(_ results: [ReplicationResult], scope: String, metric: String) -> [Double]? {
    guard !results.isEmpty else { return nil }
    return collect(results) { result in rows(of: result, scope: scope)?.first { $0.0 == metric }?.2 }
  }

  /// The summary rows (name, unit, value) of one scope of one replication, as `summary.csv` has
  /// them; nil when the replication has no such scope.
  static func rows(of result: ReplicationResult, scope: String) -> [(String, String, Double)]? {
    let parts = scope.split(separator: "/", maxSplits: 1).map(String.init)
    let name = parts.count == 2 ? parts[1] : ""
    switch parts.first {
    case "client":
      guard let index = result.clientNames.firstIndex(of: name) else { return nil }
      return ResultTables.scopeMetrics(result.clients[index], duration: result.measuredDuration)
    case "apiservice":
      guard let index = result.apiServiceNames.firstIndex(of: name) else { return nil }
      return ResultTables.apiServiceRows(result, index)
    case "pod":
      return result.pods.first { "\($0.server)/\($0.pod)" == name }.map(ResultTables.podMetrics)
    case "all" where parts.count == 1:
      var merged = ScopeMetrics()
      for client in result.clients { merged.merge(client) }
      let pods = result.pods.map(ResultTables.podMetrics)
      let podMeans = ResultTables.podMetricNames.enumerated().map { column, metric in
        (metric, "", pods.isEmpty ? Double.nan : pods.reduce(0) { $0 + $1[column].2 } / Double(pods.count))
      }
      return ResultTables.scopeMetrics(merged, duration: result.measuredDuration) + (pods.isEmpty ? [] : podMeans)
    case "discovery":
      return result.discoveryManager.first { $0.apiService == name }.map(ResultTables.discoveryManagerMetrics)
    case PriorityLevelMetrics.scopeKind:
      return result.priorityLevels.first { $0.scope == name }.map(ResultTables.priorityLevelMetrics)
    case let kind?:
      guard let index = result.discovery.firstIndex(where: { $0.consumer.rawValue == kind && $0.client == name }) else { return nil }
      return ResultTables.discoveryClientRows(result, index)
    case nil:
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
}
