import SimCore

/// A kubectl client in one replication: its discovery rate limit, disk cache and the
/// group-versions legacy discovery fetches.
struct KubectlClientState {
  let spec: KubectlSpec
  let mode: KubectlSpec.DiscoveryMode
  let cacheTTL: SimDuration
  /// Each invocation is its own kubectl process, with a full discovery token bucket.
  let rateLimit: RateLimitSpec
  /// The disk cache is fresh before this instant (never written: `.zero`).
  var cacheFreshUntil = SimTime.zero
  var metrics: DiscoveryMetrics
  /// Legacy discovery's group-versions in `/apis` order after `/api/v1`: a registry index, or -1
  /// for a local group-version outside the registry (`apiregistration.k8s.io/v1`); the
  /// `spec.extraLocalGroupVersions` CRD group-versions (also -1) come at `extrasAt`.
  var groupVersions: [Int32] = []
  var extrasAt = 0

  var groupVersionCount: Int { groupVersions.count + spec.extraLocalGroupVersions }

  /// The registry index of the `k`-th group-version request (-1: local, outside the registry).
  func groupVersion(_ k: Int) -> Int32 {
    if k < extrasAt { return groupVersions[k] }
    if k < extrasAt + spec.extraLocalGroupVersions { return -1 }
    return groupVersions[k - spec.extraLocalGroupVersions]
  }
}

/// One kubectl invocation in progress.
struct KubectlInvocation {
  enum Step: UInt8 { case free, api, apis, groupVersions, resource }
  var client: Int32 = -1
  var step = Step.free
  var start = SimTime.zero
  /// Group-version requests still unanswered.
  var pending = 0
  var partial = false
  /// The process's discovery token bucket.
  var bucket: TokenBucket?
}

/// The aggregated-discovery manager of one control-plane instance: a de-duplicating work queue
/// of APIService indices, its workers, and what it publishes per APIService.
struct DiscoveryManagerState {
  var queue: [Int32] = []
  var queueHead = 0
  var queued: [Bool]
  var processing: [Bool]
  /// Marked dirty while being fetched: fetched again afterwards.
  var dirtyAgain: [Bool]
  var busyWorkers = 0
  var stale: [Bool]
  var staleSince: [SimTime]
  var staleTime: [SimDuration]
  var staleToCurrent: [Int]
  var failures: [Int]
  var fetches: [Int]
  var failedFetches: [Int]

  init(apiServices: Int) {
    queued = Array(repeating: false, count: apiServices)
    processing = queued
    dirtyAgain = queued
    stale = queued
    staleSince = Array(repeating: .zero, count: apiServices)
    staleTime = Array(repeating: .zero, count: apiServices)
    staleToCurrent = Array(repeating: 0, count: apiServices)
    failures = staleToCurrent
    fetches = staleToCurrent
    failedFetches = staleToCurrent
  }

  mutating func popFirst() -> Int32? {
    guard queueHead < queue.count else { return nil }
    let item = queue[queueHead]
    queueHead += 1
    if queueHead == queue.count { queue.removeAll(keepingCapacity: true); queueHead = 0 }
    return item
  }
}

/// kubectl clients (indexed like the model's clients; nil for other clients), their invocations,
/// and one discovery manager per instance when it runs.
struct DiscoveryState {
  var kubectl: [KubectlClientState?]
  var invocations: [KubectlInvocation] = []
  var freeInvocations: [Int32] = []
  var managers: [DiscoveryManagerState]
  /// Service-backed APIServices (registry indices) the managers fetch.
  let fetched: [Int32]
  let managerSpec: DiscoveryManagerSpec
  let retriesWithBackoff: Bool
  var measuringSince = SimTime.zero

  init(spec: ModelSpec, registry: APIServiceRegistry, instances: Int) {
    let behaviour = VersionBehaviour(spec.version)
    kubectl = spec.clients.map { client in
      guard case .kubectl(let k) = client.workload else { return nil }
      let limit = k.discoveryRateLimit ?? RateLimitSpec(qps: .perSecond(50), burst: behaviour.kubectlDiscoveryBurst)
      return KubectlClientState(spec: k, mode: k.discovery ?? (behaviour.aggregatedDiscoveryEnabled ? .aggregated : .legacy),
                                cacheTTL: k.cacheTTL ?? behaviour.kubectlDiscoveryCacheTTL,
                                rateLimit: limit, metrics: DiscoveryMetrics(client: client.name))
    }
    managerSpec = spec.discoveryManager
    retriesWithBackoff = behaviour.discoveryRetriesWithBackoff
    let runs = spec.discoveryManager.enabled ?? kubectl.contains { $0?.mode == .aggregated }
    managers = runs ? Array(repeating: DiscoveryManagerState(apiServices: registry.apiServices.count), count: instances) : []
    fetched = registry.apiServices.indices.filter { registry.apiServices[$0].service != nil }.map { Int32($0) }
    let order = Self.legacyOrder(registry)
    for index in kubectl.indices where kubectl[index] != nil {
      kubectl[index]!.groupVersions = order.groupVersions
      kubectl[index]!.extrasAt = order.extrasAt
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

  mutating func allocateInvocation() -> Int32 {
    if let id = freeInvocations.popLast() { return id }
    invocations.append(KubectlInvocation())
    return Int32(invocations.count - 1)
  }

  mutating func releaseInvocation(_ id: Int32) {
    invocations[Int(id)] = KubectlInvocation()
    freeInvocations.append(id)
  }

  /// Whether any service-backed group-version is published Stale by `instance`'s manager.
  func anyStale(instance: Int) -> Bool {
    guard instance < managers.count else { return false }
    return fetched.contains { managers[instance].stale[Int($0)] }
  }

  mutating func resetStatistics(at now: SimTime) {
    measuringSince = now
    for index in kubectl.indices where kubectl[index] != nil {
      kubectl[index]!.metrics = DiscoveryMetrics(client: kubectl[index]!.metrics.client)
    }
    for m in managers.indices {
      for a in fetched.map({ Int($0) }) {
        managers[m].staleTime[a] = .zero
        managers[m].staleToCurrent[a] = 0
        managers[m].fetches[a] = 0
        managers[m].failedFetches[a] = 0
      }
    }
  }

  var clientMetrics: [DiscoveryMetrics] { kubectl.compactMap { $0?.metrics } }

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
        fetches: managers.reduce(0) { $0 + $1.fetches[a] }, failedFetches: managers.reduce(0) { $0 + $1.failedFetches[a] })
    }
  }
}
