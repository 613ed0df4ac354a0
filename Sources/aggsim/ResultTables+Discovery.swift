import AggregationModel
import SimCore
import SimOutput

extension ResultTables {
  /// The summary metrics of one kubectl client's discovery (`scope_kind = kubectl`).
  static func kubectlMetrics(_ d: DiscoveryMetrics) -> [(String, String, Double)] {
    let latency = d.latency
    let has = latency.count > 0
    return [("invocations", "count", Double(d.invocations)), ("cache_hits", "count", Double(d.cacheHits)),
            ("discovery_complete", "count", Double(d.complete)), ("discovery_partial", "count", Double(d.partial)),
            ("discovery_latency_p50_s", "s", has ? latency.percentile(50).seconds : .nan),
            ("discovery_latency_p99_s", "s", has ? latency.percentile(99).seconds : .nan),
            ("discovery_latency_max_s", "s", has ? latency.max.seconds : .nan)]
  }

  /// The discovery manager's metrics of one APIService (`scope_kind = discovery`).
  static func discoveryManagerMetrics(_ m: APIServiceDiscoveryMetrics) -> [(String, String, Double)] {
    [("stale_fraction", "ratio", m.staleFraction), ("stale_s", "s", m.staleTime.seconds),
     ("stale_to_current", "count", Double(m.staleToCurrent)), ("fetches", "count", Double(m.fetches)),
     ("failed_fetches", "count", Double(m.failedFetches))]
  }

  /// Adds the kubectl and discovery-manager rows of one sweep point.
  func addDiscovery(_ builder: inout SummaryBuilder, point: Int, _ replications: [ReplicationResult]) {
    guard let first = replications.first else { return }
    for (index, d) in first.discovery.enumerated() {
      add(&builder, point: point, kind: "kubectl", scope: d.client, replications.map { Self.kubectlMetrics($0.discovery[index]) })
    }
    for (index, m) in first.discoveryManager.enumerated() {
      add(&builder, point: point, kind: "discovery", scope: m.apiService,
          replications.map { Self.discoveryManagerMetrics($0.discoveryManager[index]) })
    }
  }
}
