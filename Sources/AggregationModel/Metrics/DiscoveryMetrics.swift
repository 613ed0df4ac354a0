public import SimCore

/// Who runs discoveries: the scope kind of their summary rows.
public enum DiscoveryConsumer: String, Hashable, Sendable {
  case kubectl
  case garbageCollector = "garbage_collector"
  case namespaceController = "namespace_controller"
}

/// What one discovery client (kubectl, the garbage collector, the namespace controller) saw of
/// discovery in one replication (after the warm-up). A discovery is counted when it ends; a
/// kubectl invocation that found its cache fresh counts as a cache hit.
public struct DiscoveryMetrics: Sendable {
  public var client: String
  public var consumer: DiscoveryConsumer
  /// Invocations (kubectl), syncs (garbage collector) or namespace syncs started.
  public var invocations = 0
  /// Invocations that skipped discovery because the client's disk cache was fresh.
  public var cacheHits = 0
  /// Discoveries where every group-version answered 200 (aggregated: none was Stale).
  public var complete = 0
  /// Discoveries that ended with `unable to retrieve the complete list of server APIs`.
  public var partial = 0
  /// kubectl: complete discoveries that silently left out a Stale group-version (its disk cache).
  public var staleDropped = 0
  /// kubectl: invocations that ended with `the server doesn't have a resource type` (its target's
  /// group-version was left out), without sending the GET.
  public var resourceTypeUnknown = 0
  /// From the invocation's start to the last discovery answer.
  public var latency = LatencyHistogram()

  public init(client: String, consumer: DiscoveryConsumer = .kubectl) {
    self.client = client
    self.consumer = consumer
  }
}

/// The namespaces one namespace-deletion client deleted in one replication: how long they stayed
/// Terminating (kubernetes/kubernetes#75788). Deletions and finalizations are counted after the
/// warm-up; `stillTerminating` and `oldestTerminating` describe the end of the run.
public struct NamespaceMetrics: Sendable {
  public var client: String
  public var deleted = 0
  public var finalized = 0
  /// Syncs that ended with `NamespaceDeletionDiscoveryFailure` (partial discovery).
  public var discoveryFailures = 0
  /// From the deletion to the finalization, per finalized namespace.
  public var terminating = LatencyHistogram()
  /// Namespaces deleted but not finalized at the end of the run, and the age of the oldest.
  public var stillTerminating = 0
  public var oldestTerminating = SimDuration.zero

  public init(client: String) { self.client = client }
}

/// The discovery manager's view of one service-backed APIService, summed over the control-plane
/// instances (after the warm-up).
public struct APIServiceDiscoveryMetrics: Sendable {
  public var apiService: String
  /// Time its group-version was published Stale, summed over instances.
  public var staleTime: SimDuration
  /// `staleTime` / (instances × measured duration).
  public var staleFraction: Double
  /// Stale → Current transitions, summed over instances.
  public var staleToCurrent: Int
  /// Syncs that contacted the backend and ended, summed over instances: one per sync, whether it
  /// took the aggregated `GET /apis` alone or also the legacy fallback `GET /apis/<g>/<v>`.
  public var fetches: Int
  /// Syncs that published the group-version Stale: the `GET /apis` failed without a fallback
  /// (503, the 5 s timeout; before 1.29 also 404, 429, 500 …), or its fallback failed.
  public var failedFetches: Int
  /// Syncs that went on to the legacy fallback (a second request on the same worker, with its
  /// own 5 s cap); it is not cached, so a backend without aggregated discovery costs one at every
  /// refresh. `fetches − failedFetches` syncs ended Current, fallbacks included.
  public var fallbacks: Int
}
