import SimCore
internal import DequeModule

/// What a discovery client does with its discoveries.
enum DiscoveryRole {
  /// kubectl: then (optionally) its resource request.
  case kubectl(KubectlSpec.ResourceRequest)
  /// The garbage collector: the next sync `period` after this one ends.
  case garbageCollector(period: SimDuration)
  /// The namespace controller: a complete discovery lets a namespace's deletion finish.
  case namespaceController(NamespaceDeletionSpec)
}

/// A client that runs discoveries (kubectl, the garbage collector, the namespace controller) in
/// one replication: its discovery mode and rate limit, disk cache (kubectl), and the
/// group-versions legacy discovery fetches.
struct DiscoveryClientState {
  let role: DiscoveryRole
  let mode: KubectlSpec.DiscoveryMode
  let extraLocalGroupVersions: Int
  /// Zero for the controllers: every sync discovers.
  let cacheTTL: SimDuration
  /// kubectl: each invocation is its own process, with a full discovery token bucket of this
  /// size. nil for the controllers, whose discoveries share the client's own bucket.
  let invocationRateLimit: RateLimitSpec?
  /// The `?timeout=` and client-side timeout of its discovery requests (zero: none): the client's
  /// `requestTimeout` and `timeout` when given (kubectl's `--request-timeout`), else client-go's
  /// discovery default for kubectl (`VersionBehaviour.kubectlDiscoveryTimeout`, 32 s) or for the
  /// controller manager's clientsets (`controllerDiscoveryTimeout`: 32 s before 1.23, none from 1.23).
  let discoveryTimeoutParameter: SimDuration
  let discoveryClientTimeout: SimDuration
  /// kubectl's asks again for failed group-versions within an invocation (nil: each once).
  let rerequests: KubectlRerequests?
  /// kubectl's target APIService (registry index; -1: none).
  let target: Int32
  /// What a kubectl invocation does with a fresh disk cache (the controllers': `.reads`, unused).
  let cacheUse: KubectlCacheUse
  /// The disk cache is fresh before this instant (never written: `.zero`).
  var cacheFreshUntil = SimTime.zero
  /// The disk cache was written while kubectl's target group-version was Stale, so without it.
  var cacheLacksTarget = false
  /// kubectl maps its target resource through discovery (`resource: get`).
  var mapsTarget: Bool {
    if case .kubectl(let resource) = role { return resource == .get }
    return false
  }
  var metrics: DiscoveryMetrics
  /// Legacy discovery's group-versions in `/apis` order after `/api/v1`: a registry index, or -1
  /// for a local group-version outside the registry (`apiregistration.k8s.io/v1`); the
  /// `extraLocalGroupVersions` CRD group-versions (also -1) come at `extrasAt`.
  var groupVersions: [Int32] = []
  var extrasAt = 0
  /// The controllers' own stream (first garbage-collector phase, content-deletion times).
  let stream: RandomSource

  var groupVersionCount: Int { groupVersions.count + extraLocalGroupVersions }

  /// The registry index of the `k`-th group-version request (-1: local, outside the registry).
  func groupVersion(_ k: Int) -> Int32 {
    if k < extrasAt { return groupVersions[k] }
    if k < extrasAt + extraLocalGroupVersions { return -1 }
    return groupVersions[k - extraLocalGroupVersions]
  }

  /// The discovery client of `client`, or nil when its workload runs no discoveries.
  init?(_ client: ClientSpec, version: VersionBehaviour, registry: APIServiceRegistry, streams: StreamRegistry) {
    guard let consumer = client.workload.discoveryConsumer else { return nil }
    let discoveryDefault: SimDuration?
    var targetIndex: Int?
    if case .resource(let name, _) = client.target { targetIndex = registry.index(named: name) }
    target = Int32(targetIndex ?? -1)
    switch client.workload {
    case .kubectl(let k):
      role = .kubectl(k.resource)
      mode = k.discovery.resolved
      let targetGroup = targetIndex.map { registry.apiServices[$0].group }
      rerequests = KubectlRerequests(version, mode: mode, resource: k.resource, targetGroup: targetGroup)
      cacheUse = KubectlCacheUse(resource: k.resource, targetGroup: targetGroup)
      extraLocalGroupVersions = k.extraLocalGroupVersions
      cacheTTL = k.cacheTTL.resolved
      invocationRateLimit = k.discoveryRateLimit.resolved
      discoveryDefault = version.kubectlDiscoveryTimeout
    case .garbageCollector(let gc):
      role = .garbageCollector(period: gc.period)
      mode = gc.discovery.resolved
      extraLocalGroupVersions = gc.extraLocalGroupVersions
      cacheTTL = .zero
      invocationRateLimit = nil
      rerequests = nil
      cacheUse = .reads
      discoveryDefault = version.controllerDiscoveryTimeout
    case .namespaceDeletion(let namespaces):
      role = .namespaceController(namespaces)
      mode = namespaces.discovery.resolved
      extraLocalGroupVersions = namespaces.extraLocalGroupVersions
      cacheTTL = .zero
      invocationRateLimit = nil
      rerequests = nil
      cacheUse = .reads
      discoveryDefault = version.controllerDiscoveryTimeout
    case .open, .closed:
      return nil
    }
    discoveryTimeoutParameter = client.requestTimeout ?? discoveryDefault ?? .zero
    discoveryClientTimeout = client.timeout ?? discoveryDefault ?? .zero
    metrics = DiscoveryMetrics(client: client.name, consumer: consumer)
    stream = streams.stream("client/\(client.name)/controller").source
  }
}

/// One discovery in progress (a kubectl invocation, a garbage-collector sync or a namespace sync).
struct DiscoveryRun {
  enum Step: UInt8 { case free, api, apis, groupVersions, resource }
  var client: Int32 = -1
  var step = Step.free
  var start = SimTime.zero
  /// Group-version requests still unanswered.
  var pending = 0
  var partial = false
  /// kubectl's aggregated discovery silently left out a Stale group-version (disk cache).
  var droppedStale = false
  /// ... and that group-version is kubectl's target's: its resource type is unknown (also: kubectl's
  /// mapper was built while the target's group-version had failed, `KubectlRerequests`).
  var lacksTarget = false
  /// kubectl's asks again (`KubectlRerequests`): the rounds done after the discovery, the
  /// group-versions to ask for at the next (a list in `DiscoveryConsumers.asks`, -1: none), whether
  /// the target's group-version's last request failed, and whether it had when the mapper was built.
  var round = 0
  var asks: Int32 = -1
  var targetFailed = false
  var mapperLacksTarget = false
  /// The mapper was reset and its discovery runs again (before 1.23 `KubectlRerequests.reset`;
  /// with a fresh cache `KubectlCacheUse.resetsAtFirstNoMatch`); `round` counts the rounds after it.
  var rediscovered = false
  /// A kubectl process: its requests wait for the run's own discovery token bucket
  /// (`ClientFleet.startRunBucket`).
  var hasBucket = false
  /// The namespace a namespace-controller sync is for (-1: none).
  var namespace: Int32 = -1
}

/// The namespace controller of one namespace-deletion client: its busy workers, the namespaces
/// waiting for one, and the overall requeue bucket.
struct NamespaceControllerState {
  var busyWorkers = 0
  var waiting = Deque<Int32>()
  var requeueBucket: TokenBucket
}

/// A namespace being deleted: Terminating until a sync with complete discovery finalizes it.
struct TerminatingNamespace {
  var client: Int32 = -1
  var number = 0
  var deletedAt = SimTime.zero
  /// Consecutive syncs with partial discovery (the requeue's exponent).
  var failures = 0
  var live = false
}
