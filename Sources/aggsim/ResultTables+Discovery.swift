import AggregationModel
import SimCore
import SimOutput

extension ResultTables {
  /// The summary metrics of one discovery client (`scope_kind` = `kubectl`, `garbage_collector`
  /// or `namespace_controller`).
  static func discoveryClientMetrics(_ d: DiscoveryMetrics) -> [(String, String, Double)] {
    let latency = d.latency
    let has = latency.count > 0
    let ended = d.complete + d.partial
    return [("invocations", "count", Double(d.invocations)), ("cache_hits", "count", Double(d.cacheHits)),
            ("discovery_complete", "count", Double(d.complete)), ("discovery_partial", "count", Double(d.partial)),
            ("discovery_partial_fraction", "ratio", ended > 0 ? Double(d.partial) / Double(ended) : .nan),
            ("discovery_latency_p50_s", "s", has ? latency.percentile(50).seconds : .nan),
            ("discovery_latency_p99_s", "s", has ? latency.percentile(99).seconds : .nan),
            ("discovery_latency_max_s", "s", has ? latency.max.seconds : .nan)]
  }

  /// The namespaces of a namespace-deletion client (after its discovery rows).
  static func namespaceMetrics(_ n: NamespaceMetrics) -> [(String, String, Double)] {
    let t = n.terminating
    let has = t.count > 0
    return [("namespaces_deleted", "count", Double(n.deleted)), ("namespaces_finalized", "count", Double(n.finalized)),
            ("namespace_discovery_failures", "count", Double(n.discoveryFailures)),
            ("terminating_mean_s", "s", has ? t.mean.seconds : .nan),
            ("terminating_p50_s", "s", has ? t.percentile(50).seconds : .nan),
            ("terminating_p99_s", "s", has ? t.percentile(99).seconds : .nan),
            ("terminating_max_s", "s", has ? t.max.seconds : .nan),
            ("still_terminating", "count", Double(n.stillTerminating)),
            ("oldest_terminating_s", "s", n.oldestTerminating.seconds)]
  }

  /// The rows of the discovery client `index` of `result` (its namespaces too, if it deletes some).
  static func discoveryClientRows(_ result: ReplicationResult, _ index: Int) -> [(String, String, Double)] {
    let d = result.discovery[index]
    let namespaces = result.namespaces.first { $0.client == d.client }.map(namespaceMetrics) ?? []
    return discoveryClientMetrics(d) + namespaces
  }

  /// The discovery manager's metrics of one APIService (`scope_kind = discovery`).
  static func discoveryManagerMetrics(_ m: APIServiceDiscoveryMetrics) -> [(String, String, Double)] {
    [("stale_fraction", "ratio", m.staleFraction), ("stale_s", "s", m.staleTime.seconds),
     ("stale_to_current", "count", Double(m.staleToCurrent)), ("fetches", "count", Double(m.fetches)),
     ("failed_fetches", "count", Double(m.failedFetches)), ("fallbacks", "count", Double(m.fallbacks))]
  }

  /// Adds the discovery-client and discovery-manager rows of one sweep point.
  func addDiscovery(_ builder: inout SummaryBuilder, point: Int, _ replications: [ReplicationResult]) {
    guard let first = replications.first else { return }
    for (index, d) in first.discovery.enumerated() {
      add(&builder, point: point, kind: d.consumer.rawValue, scope: d.client, replications.map { Self.discoveryClientRows($0, index) })
    }
    for (index, m) in first.discoveryManager.enumerated() {
      add(&builder, point: point, kind: "discovery", scope: m.apiService,
          replications.map { Self.discoveryManagerMetrics($0.discoveryManager[index]) })
    }
  }
}
