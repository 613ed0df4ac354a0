public import SimCore

/// A kubectl-like client (research kube-aggregator.md §3.1, §3.2, §7): each invocation first
/// does discovery unless the client's disk cache is fresh, then (optionally) one resource request
/// to the client's target. One cache per client, shared by its invocations.
public struct KubectlSpec: Hashable, Sendable {
  /// How discovery is done.
  public enum DiscoveryMode: String, Hashable, Sendable, CaseIterable {
    /// `GET /api`, `GET /apis`, then one `GET /api/v1` or `/apis/<g>/<v>` per group-version, in
    /// parallel, under the discovery token bucket (2 + #GV requests).
    case legacy
    /// `GET /api` and `GET /apis` with the v2 Accept, answered from the aggregated-discovery
    /// document (2 requests); partial when a service-backed group-version is Stale.
    case aggregated
  }

  /// What an invocation does after discovery.
  public enum ResourceRequest: String, Hashable, Sendable, CaseIterable {
    /// Nothing: `kubectl api-resources` (discovery only), which invalidates the disk cache first,
    /// so every invocation discovers (`KubectlCacheUse.invalidates`).
    case none
    /// One GET of the client's target (`kubectl get`).
    case get
  }

  /// When invocations start.
  public var invocations: ArrivalProcess
  /// nil: the version's, `VersionDefaults.discoveryMode` (aggregated from 1.27, legacy before).
  public var discovery: DiscoveryMode?
  /// Disk cache lifetime; nil: the version's, `VersionDefaults.kubectlCacheTTL` (6 h, 10 min before 1.24).
  public var cacheTTL: SimDuration?
  /// CRD (and other local) group-versions besides the built-in ones: one local request each in
  /// legacy discovery (e.g. 1,900 for kubernetes/kubectl#1126).
  public var extraLocalGroupVersions: Int
  public var resource: ResourceRequest
  /// The discovery client's token bucket; nil: the version's kubectl bucket,
  /// `VersionDefaults.kubectlDiscoveryRateLimit` (QPS 50, burst 300; 100 before 1.23).
  public var discoveryRateLimit: RateLimitSpec?

  public init(invocations: ArrivalProcess, discovery: DiscoveryMode? = nil, cacheTTL: SimDuration? = nil,
              extraLocalGroupVersions: Int = 0, resource: ResourceRequest = .none, discoveryRateLimit: RateLimitSpec? = nil) {
    self.invocations = invocations
    self.discovery = discovery
    self.cacheTTL = cacheTTL
    self.extraLocalGroupVersions = extraLocalGroupVersions
    self.resource = resource
    self.discoveryRateLimit = discoveryRateLimit
  }
}

/// The aggregated-discovery manager of each control-plane instance (research §3.2): `workers`
/// workers fetch every service-backed APIService at the start and every `refresh`, each fetch a
/// proxied `GET /apis` with a `fetchTimeout` cap; a failed fetch publishes the group-version
/// Stale until a fetch succeeds (retried with backoff from 1.36, at the next `refresh` loop before).
public struct DiscoveryManagerSpec: Hashable, Sendable {
  /// nil: decided by `ModelSpec.resolved()`: runs when some discovery client (kubectl, garbage
  /// collector, namespace controller) uses aggregated discovery, so that scenarios without one
  /// see no background fetches.
  public var enabled: Bool?
  public var workers: Int = 2
  public var fetchTimeout: SimDuration = .seconds(5)
  public var refresh: SimDuration = .minutes(1)

  public init(enabled: Bool? = nil, workers: Int = 2, fetchTimeout: SimDuration = .seconds(5), refresh: SimDuration = .minutes(1)) {
    self.enabled = enabled
    self.workers = workers
    self.fetchTimeout = fetchTimeout
    self.refresh = refresh
  }

  /// 1.36+ backoff after the n-th consecutive failure (n ≥ 1): 500 ms doubling, capped at 60 s.
  public static func retryDelay(afterFailures n: Int) -> SimDuration {
    ExponentialBackoff(base: .milliseconds(500), cap: .seconds(60)).delay(afterFailures: n)
  }
}
