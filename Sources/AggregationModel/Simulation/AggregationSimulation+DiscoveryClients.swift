import SimCore

/// Discovery runs of kubectl invocations, garbage-collector syncs and namespace syncs (research
/// kube-aggregator.md §3.1, §3.2, §7).
///
/// Legacy discovery: `GET /api`, then `GET /apis` (sequential, as client-go's `ServerGroups`),
/// then every group-version at once under the token bucket: local ones answered by the control
/// plane's handler, service-backed ones proxied as `/apis/<g>/<v>` (5 s cap). Complete when every
/// answer is 200, else partial; its latency runs to the last answer.
/// Aggregated discovery: `GET /api` and `GET /apis`, both local; partial when `/apis` is served
/// while the instance's discovery manager publishes a service-backed group-version Stale.
///
/// kubectl: discovery unless the disk cache is fresh, then optionally one GET of the client's
/// target. Each invocation has its own discovery token bucket (a new process); the GET uses the
/// client's ordinary bucket. The controllers' discoveries use the client's own bucket
/// (kube-controller-manager's 20/30).
///
/// Simplifications: the disk cache is written only by a complete discovery (a partial one leaves
/// it stale, so the next invocation discovers again; client-go would re-fetch only the failed
/// group-versions); invocations that overlap a discovery in progress do their own; no retry of
/// `ErrGroupDiscoveryFailed`; the 32 s `?timeout=` of discovery requests is not modelled.
extension AggregationSimulation {
  /// A kubectl invocation or a garbage-collector sync starts: a cache hit goes straight to the
  /// resource request.
  mutating func discoveryClientFires(client: Int) {
    guard let state = discovery.clients[client] else { return }
    let id = startDiscoveryRun(client: client)
    if calendar.now < state.cacheFreshUntil {
      discovery.clients[client]!.metrics.cacheHits += 1
      discoveryRunDone(id, recorded: false)
      return
    }
    sendDiscoveryRequest(id, apiService: -1, local: true)
  }

  /// A new discovery run of `client` (counted as an invocation), with its own bucket for kubectl.
  mutating func startDiscoveryRun(client: Int, namespace: Int32 = -1) -> Int32 {
    let now = calendar.now
    discovery.clients[client]!.metrics.invocations += 1
    let id = discovery.runs.allocate(DiscoveryRun(client: Int32(client), step: .api, start: now, namespace: namespace))
    if let limit = discovery.clients[client]!.invocationRateLimit {
      discovery.runs[id].bucket = TokenBucket(qps: limit.qps, burst: limit.burst, start: now)
    }
    return id
  }

  /// One request of run `run`: a discovery request (`local`: served by the control plane
  /// whatever the APIService) or kubectl's resource GET.
  mutating func sendDiscoveryRequest(_ run: Int32, apiService: Int32, local: Bool, resource: Bool = false) {
    let client = Int(discovery.runs[run].client)
    let id = requests.allocate()
    requests[id].client = Int32(client)
    requests[id].firstSent = calendar.now
    requests[id].invocation = run
    requests[id].apiService = apiService
    requests[id].servedLocally = local
    requests[id].usesDiscoveryBucket = !resource && discovery.runs[run].bucket != nil
    requests[id].kind = resource ? clients[client].kind : .discovery
    requests[id].isGroupVersionDiscovery = !resource && !local
    if apiService >= 0 { requests[id].server = serverOfAPIService[Int(apiService)] }
    if let timeout = clients[client].spec.timeout {
      requests[id].clientTimeout = calendar.scheduleCancellable(
        .clientTimeoutExpires(request: id, incarnation: requests[id].incarnation), after: timeout)
    }
    sendAttempt(id)
  }

  /// Takes a token of the run's own discovery bucket for a request wanting to go at `now`.
  mutating func reserveDiscoveryToken(invocation: Int32, now: SimTime) -> SimTime {
    discovery.runs[invocation].bucket!.reserve(now: now)
  }

  /// The aggregated `/apis` document is being served by `instance`: a Stale group-version makes
  /// the discovery partial.
  mutating func discoveryDocumentServed(_ id: UInt32, instance: Int) {
    let run = requests[id].invocation
    let client = Int(requests[id].client)
    guard discovery.runs[run].step == .apis, discovery.clients[client]?.mode == .aggregated else { return }
    if discovery.anyStale(instance: instance) { discovery.runs[run].partial = true }
  }

  /// A request of a run ended (answer or client timeout): the run moves on.
  mutating func discoveryRequestEnded(_ id: UInt32, outcome: Outcome) {
    let run = requests[id].invocation
    let client = Int(discovery.runs[run].client)
    if outcome != .ok { discovery.runs[run].partial = true }
    switch discovery.runs[run].step {
    case .api:
      discovery.runs[run].step = .apis
      sendDiscoveryRequest(run, apiService: -1, local: true)
    case .apis:
      guard let state = discovery.clients[client], state.mode == .legacy else {
        discoveryRunDone(run, recorded: true)
        return
      }
      let count = state.groupVersionCount
      discovery.runs[run].step = .groupVersions
      discovery.runs[run].pending = count
      for k in 0..<count {
        let apiService = state.groupVersion(k)
        sendDiscoveryRequest(run, apiService: apiService, local: apiService < 0)
      }
      if count == 0 { discoveryRunDone(run, recorded: true) }
    case .groupVersions:
      discovery.runs[run].pending -= 1
      if discovery.runs[run].pending == 0 { discoveryRunDone(run, recorded: true) }
    case .resource, .free:
      discovery.runs.release(run)
    }
  }

  /// Discovery ended (or was skipped): count it, refresh kubectl's cache, then what the client
  /// does with it.
  mutating func discoveryRunDone(_ run: Int32, recorded: Bool) {
    let record = discovery.runs[run]
    let client = Int(record.client)
    let now = calendar.now
    if recorded {
      discovery.clients[client]!.metrics.latency.record(now - record.start)
      if record.partial {
        discovery.clients[client]!.metrics.partial += 1
      } else {
        discovery.clients[client]!.metrics.complete += 1
        discovery.clients[client]!.cacheFreshUntil = now + discovery.clients[client]!.cacheTTL
      }
    }
    switch discovery.clients[client]!.role {
    case .kubectl(let resource):
      guard resource == .get, clients[client].apiService >= 0 else {
        discovery.runs.release(run)
        return
      }
      discovery.runs[run].step = .resource
      sendDiscoveryRequest(run, apiService: clients[client].apiService, local: false, resource: true)
    case .garbageCollector(let period):
      discovery.runs.release(run)
      calendar.schedule(.clientFires(client: Int32(client), user: -1), after: period)
    case .namespaceController:
      discovery.runs.release(run)
      namespaceSyncEnded(record.namespace, complete: !record.partial)
    }
  }
}
