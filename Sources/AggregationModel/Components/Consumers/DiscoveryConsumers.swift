import SimCore

/// Clients that consume discovery (research kube-aggregator.md §3.1, §3.2, §7): kubectl
/// invocations, garbage-collector syncs and namespace syncs (`DiscoveryConsumers+Namespaces`),
/// each a discovery run whose requests go through the client's path (`ClientFleet.submit`).
///
/// Legacy discovery: `GET /api`, then `GET /apis` (sequential, as client-go's `ServerGroups`),
/// then every group-version at once under the token bucket: local ones answered by the control
/// plane's handler, service-backed ones proxied as `/apis/<g>/<v>` (5 s cap). Complete when every
/// answer is 200, else partial; its latency runs to the last answer.
/// Aggregated discovery: `GET /api` and `GET /apis`, both local; for the controllers partial when
/// `/apis` is served while the instance's discovery manager publishes a service-backed
/// group-version Stale; kubectl's disk cache drops that group-version silently (`documentServed`).
///
/// kubectl: discovery unless the disk cache is fresh, then optionally one GET of the client's
/// target. Each invocation has its own discovery token bucket (a new process); the GET uses the
/// client's ordinary bucket. The controllers' discoveries use the client's own bucket
/// (kube-controller-manager's 20/30). (The HPA is an open workload of the client fleet.)
///
/// Simplifications: the disk cache is written only by a complete discovery (a partial one leaves
/// it stale, so the next invocation discovers again; client-go would re-fetch only the failed
/// group-versions); invocations that overlap a discovery in progress do their own. A kubectl with
/// legacy discovery asks again for failed group-versions at each later `ServerGroupsAndResources`
/// of the invocation, in sequential rounds after the discovery (before 1.23 with a second full
/// discovery when its mapper is reset), and skips its GET when its target was unknown to its
/// mapper (`KubectlRerequests`); the controllers ask once per discovery.
/// Discovery requests carry client-go's discovery timeout (32 s for kubectl; for the controllers
/// before 1.23) as their `?timeout=` and client-side timeout.
struct DiscoveryConsumers {
  enum Event: ComponentEvent {
    /// The namespace controller syncs a Terminating namespace (after the grace period or a requeue).
    case namespaceSyncDue(namespace: Int32)
    /// A namespace's content is deleted: it is finalized.
    case namespaceFinalized(namespace: Int32)

    var modelEvent: ModelEvent { .consumers(self) }
  }

  /// Indexed like the model's clients; nil for clients that run no discoveries.
  var clients: [DiscoveryClientState?]
  var runs = SlotPool(empty: DiscoveryRun())
  /// The group-versions kubectl invocations ask for again at their next call (`KubectlRerequests`).
  var asks = SlotPool(empty: PendingAsk())
  var namespaces = SlotPool(empty: TerminatingNamespace())
  /// Namespaces deleted so far in the run (their names in events are `<client>/<number>`).
  var namespacesNamed = 0
  /// Per client: its namespace metrics and its controller (namespace-deletion clients only).
  var namespaceMetrics: [NamespaceMetrics?]
  var namespaceControllers: [NamespaceControllerState?]

  /// The consumers of `spec` (creates each consumer's stream `client/<name>/controller`).
  init(_ spec: ModelSpec, registry: RegistryView, streams: StreamRegistry) {
    let version = VersionBehaviour(spec.version)
    clients = spec.clients.map { DiscoveryClientState($0, version: version, registry: registry.registry, streams: streams) }
    namespaceMetrics = spec.clients.map { client in
      guard case .namespaceDeletion = client.workload else { return nil }
      return NamespaceMetrics(client: client.name)
    }
    namespaceControllers = spec.clients.map { client in
      guard case .namespaceDeletion(let n) = client.workload else { return nil }
      return NamespaceControllerState(requeueBucket: TokenBucket(qps: n.requeueRateLimit.qps, burst: n.requeueRateLimit.burst))
    }
    let order = Self.legacyOrder(registry.registry)
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

  /// The garbage collector's first sync: `firstSync`, or a uniform phase in [0, period) from its stream.
  func scheduleFirstSync(client: Int, _ kernel: inout Kernel) {
    guard case .garbageCollector(let period) = clients[client]?.role else { return }
    let phase = kernel.spec.clients[client].workload.garbageCollectorFirstSync
      ?? SimDuration(nanoseconds: Int64(clients[client]!.stream.uniform() * Double(period.nanoseconds)))
    kernel.schedule(ClientFleet.Event.fires(client: Int32(client), user: -1), at: .zero + phase)
  }

  // MARK: Runs

  /// A kubectl invocation or a garbage-collector sync starts: a cache hit goes straight to the
  /// resource request. A cache that lacks kubectl's target resource (cached while its
  /// group-version was Stale) is no hit: kubectl's `DeferredDiscoveryRESTMapper` finds no match in
  /// files it did not write (`Fresh()` false), invalidates the cache and discovers again
  /// (client-go `restmapper/discovery.go` `KindFor`/`RESTMapping`). Nor is it for a `kubectl get`
  /// of a dotted group, whose mapper is reset at its first no-match: its calls 1 to 3 read the
  /// cache, then it discovers everything again (`KubectlCacheUse.resetsAtFirstNoMatch`,
  /// `rediscover`), nor for `kubectl api-resources`, which invalidates it first (`.invalidates`).
  mutating func invocationStarts(client: Int, _ kernel: inout Kernel, fleet: inout ClientFleet) {
    guard let state = clients[client] else { return }
    let run = startRun(client: client, &kernel, fleet: &fleet)
    if kernel.now < state.cacheFreshUntil, !(state.cacheLacksTarget && state.mapsTarget), state.cacheUse != .invalidates {
      if state.cacheUse == .resetsAtFirstNoMatch {
        rediscover(run, &kernel, fleet: &fleet)
        return
      }
      clients[client]!.metrics.cacheHits += 1
      runDone(run, recorded: false, &kernel, fleet: &fleet)
      return
    }
    send(run, apiService: -1, local: true, &kernel, fleet: &fleet)
  }

  /// A new discovery run of `client` (counted as an invocation), with its own bucket for kubectl.
  mutating func startRun(client: Int, namespace: Int32 = -1, _ kernel: inout Kernel, fleet: inout ClientFleet) -> Int32 {
    let now = kernel.now
    clients[client]!.metrics.invocations += 1
    let run = runs.allocate(DiscoveryRun(client: Int32(client), step: .api, start: now, namespace: namespace))
    if let limit = clients[client]!.invocationRateLimit {
      runs[run].hasBucket = true
      fleet.startRunBucket(run, limit: limit, at: now)
    }
    return run
  }

  /// One request of run `run`: a discovery request (`local`: served by the control plane
  /// whatever the APIService) or kubectl's resource GET.
  mutating func send(_ run: Int32, apiService: Int32, local: Bool, resource: Bool = false, _ kernel: inout Kernel,
                     fleet: inout ClientFleet) {
    let client = Int(runs[run].client)
    let id = kernel.requests.allocate()
    kernel.requests[id].origin = .discoveryRun(run)
    kernel.requests[id].client = Int32(client)
    kernel.requests[id].firstSent = kernel.now
    kernel.requests[id].apiService = apiService
    kernel.requests[id].servedLocally = local
    kernel.requests[id].usesDiscoveryBucket = !resource && runs[run].hasBucket
    kernel.requests[id].kind = resource ? fleet.clients[client].kind : .discovery
    kernel.requests[id].isGroupVersionDiscovery = !resource && !local
    let spec = fleet.clients[client].spec
    kernel.requests[id].timeoutParameter = resource ? spec.requestTimeout ?? .zero : clients[client]!.discoveryTimeoutParameter
    kernel.requests[id].clientTimeout = resource ? spec.timeout ?? .zero : clients[client]!.discoveryClientTimeout
    if apiService >= 0 { kernel.requests[id].server = kernel.registry.serverOf[Int(apiService)] }
    fleet.submit(id, &kernel)
  }

  /// The aggregated `/apis` document is being served by `instance` with a Stale group-version.
  /// The controllers' discovery clients (client-go's plain `DiscoveryClient`, which implements
  /// `GroupsAndMaybeResources`) report it as failed (`ErrGroupDiscoveryFailed`,
  /// `discovery_client.go:936-943`): the discovery is partial. kubectl reads discovery through
  /// its disk cache (`disk.CachedDiscoveryClient`), which does not implement
  /// `GroupsAndMaybeResources`: its `ServerGroupsAndResources` lists the groups of the in-memory
  /// client, from which aggregated discovery removed the Stale version
  /// (`aggregated_discovery.go:80-83`), and asks only for those. So kubectl's discovery is
  /// complete without the group-version (no warning, exit 0, `discovery_stale_dropped`), and it
  /// is cached so; a target resource in it is unknown (`target`: kubectl's target APIService).
  /// A group-version the document does not list yet (a restarted instance before 1.30,
  /// `DiscoveryManagers.isMissing`) is unknown to every client: no error, so the controllers'
  /// discovery is complete without it, and kubectl's target in it is unknown as when Stale.
  mutating func documentServed(run: Int32, instance: Int, managers: DiscoveryManagers, target: Int32) {
    let client = Int(runs[run].client)
    guard runs[run].step == .apis, let state = clients[client], state.mode == .aggregated else { return }
    let stale = managers.anyStale(instance: instance)
    guard case .kubectl = state.role else {
      if stale { runs[run].partial = true }
      return
    }
    // The document last served counts (a 429'd `/apis` is served again later).
    runs[run].droppedStale = stale
    runs[run].lacksTarget = managers.isStale(target, instance: instance) || managers.isMissing(target, instance: instance)
  }

  /// A request of a run ended (answer or client timeout; `apiService`: its registry index): the
  /// run moves on.
  mutating func requestEnded(run: Int32, apiService: Int32, _ outcome: Outcome, _ kernel: inout Kernel, fleet: inout ClientFleet) {
    let client = Int(runs[run].client)
    if outcome != .ok { runs[run].partial = true }
    switch runs[run].step {
    case .api:
      runs[run].step = .apis
      send(run, apiService: -1, local: true, &kernel, fleet: &fleet)
    case .apis:
      guard let state = clients[client], state.mode == .legacy else {
        runDone(run, recorded: true, &kernel, fleet: &fleet)
        return
      }
      let count = state.groupVersionCount
      runs[run].step = .groupVersions
      runs[run].pending = count
      for k in 0..<count {
        let apiService = state.groupVersion(k)
        send(run, apiService: apiService, local: apiService < 0, &kernel, fleet: &fleet)
      }
      if count == 0 { runDone(run, recorded: true, &kernel, fleet: &fleet) }
    case .groupVersions:
      runs[run].pending -= 1
      groupVersionEnded(run, apiService: apiService, outcome)
      if runs[run].pending == 0, nextRound(run, &kernel, fleet: &fleet) { runDone(run, recorded: true, &kernel, fleet: &fleet) }
    case .resource, .free:
      runs.release(run)
    }
  }

  /// Discovery ended (or was skipped): count it, refresh kubectl's cache, then what the client
  /// does with it.
  private mutating func runDone(_ run: Int32, recorded: Bool, _ kernel: inout Kernel, fleet: inout ClientFleet) {
    let record = runs[run]
    let client = Int(record.client)
    let now = kernel.now
    if recorded {
      clients[client]!.metrics.latency.record(now - record.start)
      if record.partial {
        clients[client]!.metrics.partial += 1
      } else {
        clients[client]!.metrics.complete += 1
        clients[client]!.cacheFreshUntil = now + clients[client]!.cacheTTL
        clients[client]!.cacheLacksTarget = record.lacksTarget
      }
      if record.droppedStale { clients[client]!.metrics.staleDropped += 1 }
    }
    switch clients[client]!.role {
    case .kubectl(let resource):
      guard resource == .get, fleet.clients[client].apiService >= 0 else {
        runs.release(run)
        return
      }
      // `error: the server doesn't have a resource type`: kubectl exits 1 without the GET.
      if record.lacksTarget {
        clients[client]!.metrics.resourceTypeUnknown += 1
        runs.release(run)
        return
      }
      runs[run].step = .resource
      send(run, apiService: fleet.clients[client].apiService, local: false, resource: true, &kernel, fleet: &fleet)
    case .garbageCollector(let period):
      runs.release(run)
      kernel.schedule(ClientFleet.Event.fires(client: Int32(client), user: -1), after: period)
    case .namespaceController:
      runs.release(run)
      namespaceSyncEnded(record.namespace, complete: !record.partial, &kernel, fleet: &fleet)
    }
  }

  // MARK: Statistics

  mutating func resetStatistics() {
    for index in clients.indices where clients[index] != nil {
      clients[index]!.metrics = DiscoveryMetrics(client: clients[index]!.metrics.client, consumer: clients[index]!.metrics.consumer)
    }
    for index in namespaceMetrics.indices where namespaceMetrics[index] != nil {
      namespaceMetrics[index] = NamespaceMetrics(client: namespaceMetrics[index]!.client)
    }
  }

  var clientMetrics: [DiscoveryMetrics] { clients.compactMap { $0?.metrics } }
}

extension Workload {
  /// The garbage collector's pinned first sync (nil: a random phase).
  var garbageCollectorFirstSync: SimDuration? {
    if case .garbageCollector(let gc) = self { return gc.firstSync }
    return nil
  }
}
