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
  /// The disk cache is fresh before this instant (never written: `.zero`).
  var cacheFreshUntil = SimTime.zero
  var metrics: DiscoveryMetrics
  /// Legacy discovery's group-versions in `/apis` order after `/api/v1`: a registry index, or -1
  /// for a local group-version outside the registry (`apiregistration.k8s.io/v1`); the
  /// `extraLocalGroupVersions` CRD group-versions (also -1) come at `extrasAt`.
  var groupVersions: [Int32] = []
  var extrasAt = 0
  /// The controllers' own stream (first garbage-collector phase, content-deletion times).
  let stream: RandomStream

  var groupVersionCount: Int { groupVersions.count + extraLocalGroupVersions }

  /// The registry index of the `k`-th group-version request (-1: local, outside the registry).
  func groupVersion(_ k: Int) -> Int32 {
    if k < extrasAt { return groupVersions[k] }
    if k < extrasAt + extraLocalGroupVersions { return -1 }
    return groupVersions[k - extraLocalGroupVersions]
  }

  /// The discovery client of `client`, or nil when its workload runs no discoveries.
  init?(_ client: ClientSpec, streams: StreamRegistry) {
    guard let consumer = client.workload.discoveryConsumer else { return nil }
    switch client.workload {
    case .kubectl(let k):
      role = .kubectl(k.resource)
      mode = k.discovery.resolved
      extraLocalGroupVersions = k.extraLocalGroupVersions
      cacheTTL = k.cacheTTL.resolved
      invocationRateLimit = k.discoveryRateLimit.resolved
    case .garbageCollector(let gc):
      role = .garbageCollector(period: gc.period)
      mode = gc.discovery.resolved
      extraLocalGroupVersions = gc.extraLocalGroupVersions
      cacheTTL = .zero
      invocationRateLimit = nil
    case .namespaceDeletion(let namespaces):
      role = .namespaceController(namespaces)
      mode = namespaces.discovery.resolved
      extraLocalGroupVersions = namespaces.extraLocalGroupVersions
      cacheTTL = .zero
      invocationRateLimit = nil
    case .open, .closed:
      return nil
    }
    metrics = DiscoveryMetrics(client: client.name, consumer: consumer)
    stream = streams.stream("client/\(client.name)/controller")
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
  /// A kubectl process's discovery token bucket.
  var bucket: TokenBucket?
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

/// The aggregated-discovery manager of one control-plane instance: its work queue of APIService
/// indices (`WorkQueue`, with its workers), and what it publishes per APIService.
struct DiscoveryManagerState {
  var fetchQueue: WorkQueue
  var stale: [Bool]
  var staleSince: [SimTime]
  var staleTime: [SimDuration]
  var staleToCurrent: [Int]
  /// Syncs that contacted the backend (one per sync, its legacy fallback included), those that
  /// published Stale, and those that went on to the legacy fallback.
  var fetches: [Int]
  var failedFetches: [Int]
  var fallbacks: [Int]

  init(apiServices: Int, workers: Int) {
    fetchQueue = WorkQueue(items: apiServices, workers: workers)
    stale = Array(repeating: false, count: apiServices)
    staleSince = Array(repeating: .zero, count: apiServices)
    staleTime = Array(repeating: .zero, count: apiServices)
    staleToCurrent = Array(repeating: 0, count: apiServices)
    fetches = staleToCurrent
    failedFetches = staleToCurrent
    fallbacks = staleToCurrent
  }

  /// A sync of `apiService` ended (Current when `ok`, else Stale): its worker is free. Returns
  /// its consecutive failures and whether it was added again meanwhile.
  mutating func publish(_ apiService: Int, ok: Bool, now: SimTime, measuringSince: SimTime) -> (failures: Int, again: Bool) {
    let again = fetchQueue.done(apiService)
    fetches[apiService] += 1
    if ok {
      if stale[apiService] {
        stale[apiService] = false
        staleTime[apiService] = staleTime[apiService] + (now - Swift.max(staleSince[apiService], measuringSince))
        staleToCurrent[apiService] += 1
      }
      fetchQueue.forget(apiService)
    } else {
      failedFetches[apiService] += 1
      if !stale[apiService] {
        stale[apiService] = true
        staleSince[apiService] = now
      }
      _ = fetchQueue.failed(apiService)
    }
    return (fetchQueue.failures[apiService], again)
  }
}

/// Discovery clients (indexed like the model's clients; nil for other clients), their discoveries
/// in progress, the namespaces being deleted, and one discovery manager per instance when it runs.
struct DiscoveryState {
  var clients: [DiscoveryClientState?]
  var runs = SlotPool(empty: DiscoveryRun())
  var namespaces = SlotPool(empty: TerminatingNamespace())
  /// Namespaces deleted so far in the run (their names in events are `<client>/<number>`).
  var namespacesNamed = 0
  /// Per client: its namespace metrics and its controller (namespace-deletion clients only).
  var namespaceMetrics: [NamespaceMetrics?]
  var namespaceControllers: [NamespaceControllerState?]
  var managers: [DiscoveryManagerState]
  /// Service-backed APIServices (registry indices) the managers fetch.
  let fetched: [Int32]
  let managerSpec: DiscoveryManagerSpec
  let retriesWithBackoff: Bool
  /// 1.29+: every answer but 304, 503 and an aggregated 200 falls back to legacy discovery.
  let wideFallback: Bool
  var measuringSince = SimTime.zero

  init(spec: ModelSpec, registry: APIServiceRegistry, instances: Int, streams: StreamRegistry) {
    let behaviour = VersionBehaviour(spec.version)
    clients = spec.clients.map { DiscoveryClientState($0, streams: streams) }
    namespaceMetrics = spec.clients.map { client in
      guard case .namespaceDeletion = client.workload else { return nil }
      return NamespaceMetrics(client: client.name)
    }
    namespaceControllers = spec.clients.map { client in
      guard case .namespaceDeletion(let n) = client.workload else { return nil }
      return NamespaceControllerState(requeueBucket: TokenBucket(qps: n.requeueRateLimit.qps, burst: n.requeueRateLimit.burst))
    }
    managerSpec = spec.discoveryManager
    retriesWithBackoff = behaviour.discoveryRetriesWithBackoff
    wideFallback = behaviour.wideLegacyDiscoveryFallback
    let runs = spec.discoveryManager.enabled.resolved
    managers = runs ? Array(repeating: DiscoveryManagerState(apiServices: registry.apiServices.count, workers: spec.discoveryManager.workers),
                            count: instances) : []
    fetched = registry.apiServices.indices.filter { registry.apiServices[$0].service != nil }.map { Int32($0) }
    let order = Self.legacyOrder(registry)
    for index in clients.indices where clients[index] != nil {
      clients[index]!.groupVersions = order.groupVersions
      clients[index]!.extrasAt = order.extrasAt
    }
  }

  /// `/api/v1`, then the group-versions of `/apis` in `groupOrder()`; CRDs (group priority 1000)
  /// go before the first group of lower priority.
  static func legacyOrder(_ registry: APIServiceRegistry) -> (groupVersions: [Int32], extrasAt: Int) {
    var list: [Int32] = [Int32(registry.index(group: "", version: "v1") ?? -1)]
    var extrasAt: Int?
    for (group, versions) in registry.groupOrder() {
      for version in versions {
        let index = registry.index(group: group, version: version)
        if extrasAt == nil, let index, registry.apiServices[index].groupPriorityMinimum < 1000 { extrasAt = list.count }
        list.append(Int32(index ?? -1))
      }
    }
    return (list, extrasAt ?? list.count)
  }

  /// Whether any service-backed group-version is published Stale by `instance`'s manager.
  func anyStale(instance: Int) -> Bool {
    guard instance < managers.count else { return false }
    return fetched.contains { managers[instance].stale[Int($0)] }
  }

  mutating func resetStatistics(at now: SimTime) {
    measuringSince = now
    for index in clients.indices where clients[index] != nil {
      clients[index]!.metrics = DiscoveryMetrics(client: clients[index]!.metrics.client, consumer: clients[index]!.metrics.consumer)
    }
    for index in namespaceMetrics.indices where namespaceMetrics[index] != nil {
      namespaceMetrics[index] = NamespaceMetrics(client: namespaceMetrics[index]!.client)
    }
    for m in managers.indices {
      for a in fetched.map({ Int($0) }) {
        managers[m].staleTime[a] = .zero
        managers[m].staleToCurrent[a] = 0
        managers[m].fetches[a] = 0
        managers[m].failedFetches[a] = 0
        managers[m].fallbacks[a] = 0
      }
    }
  }

  var clientMetrics: [DiscoveryMetrics] { clients.compactMap { $0?.metrics } }

  /// The namespace metrics at `end`, with the namespaces still Terminating then.
  func namespaceResult(at end: SimTime) -> [NamespaceMetrics] {
    namespaceMetrics.indices.compactMap { client in
      guard var metrics = namespaceMetrics[client] else { return nil }
      for namespace in namespaces.records where namespace.live && namespace.client == Int32(client) {
        metrics.stillTerminating += 1
        metrics.oldestTerminating = Swift.max(metrics.oldestTerminating, end - namespace.deletedAt)
      }
      return metrics
    }
  }

  func apiServiceMetrics(names: [String], at end: SimTime, since: SimTime) -> [APIServiceDiscoveryMetrics] {
    guard !managers.isEmpty else { return [] }
    return fetched.map { a32 in
      let a = Int(a32)
      var stale = SimDuration.zero
      for m in managers {
        stale = stale + m.staleTime[a]
        if m.stale[a] { stale = stale + (end - Swift.max(m.staleSince[a], since)) }
      }
      let span = (end - since).seconds * Double(managers.count)
      return APIServiceDiscoveryMetrics(
        apiService: names[a], staleTime: stale, staleFraction: span > 0 ? stale.seconds / span : 0,
        staleToCurrent: managers.reduce(0) { $0 + $1.staleToCurrent[a] },
        fetches: managers.reduce(0) { $0 + $1.fetches[a] }, failedFetches: managers.reduce(0) { $0 + $1.failedFetches[a] },
        fallbacks: managers.reduce(0) { $0 + $1.fallbacks[a] })
    }
  }
}
