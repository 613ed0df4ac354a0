public import SimCore

/// What one kubectl client saw of discovery in one replication (after the warm-up). A discovery
/// is counted when it ends; an invocation that found its cache fresh counts as a cache hit.
public struct DiscoveryMetrics: Sendable {
  public var client: String
  /// Invocations started.
  public var invocations = 0
  /// Invocations that skipped discovery because the client's disk cache was fresh.
  public var cacheHits = 0
  /// Discoveries where every group-version answered 200 (aggregated: none was Stale).
  public var complete = 0
  /// Discoveries that ended with `unable to retrieve the complete list of server APIs`.
  public var partial = 0
  /// From the invocation's start to the last discovery answer.
  public var latency = LatencyHistogram()

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
  /// Fetches that ended, and those that failed.
  public var fetches: Int
  public var failedFetches: Int
}
