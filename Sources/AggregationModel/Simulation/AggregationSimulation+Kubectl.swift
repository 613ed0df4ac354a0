import SimCore

/// kubectl invocations (research kube-aggregator.md §3.1, §3.2, §7): discovery unless the disk
/// cache is fresh, then optionally one GET of the client's target.
///
/// Legacy discovery: `GET /api`, then `GET /apis` (sequential, as client-go's `ServerGroups`),
/// then every group-version at once under the discovery token bucket: local ones answered by the
/// control plane's handler, service-backed ones proxied as `/apis/<g>/<v>` (5 s cap). Complete
/// when every answer is 200, else partial; its latency runs to the last answer.
/// Aggregated discovery: `GET /api` and `GET /apis`, both local; partial when `/apis` is served
/// while the instance's discovery manager publishes a service-backed group-version Stale.
///
/// Simplifications: the disk cache is written only by a complete discovery (a partial one leaves
/// it stale, so the next invocation discovers again; client-go would re-fetch only the failed
/// group-versions); invocations that overlap a discovery in progress do their own; no retry of
/// `ErrGroupDiscoveryFailed`; the 32 s `?timeout=` of discovery requests is not modelled. Each
/// invocation has its own discovery token bucket (a new process); the resource GET uses the
/// client's ordinary bucket.
extension AggregationSimulation {
  /// An invocation starts: a cache hit goes straight to its resource request.
  mutating func kubectlInvocationStarts(client: Int) {
    guard var state = discovery.kubectl[client] else { return }
    let now = calendar.now
    state.metrics.invocations += 1
    let id = discovery.allocateInvocation()
    discovery.invocations[Int(id)] = KubectlInvocation(client: Int32(client), step: .api, start: now)
    discovery.invocations[Int(id)].bucket = TokenBucket(qps: state.rateLimit.qps, burst: state.rateLimit.burst, start: now)
    if now < state.cacheFreshUntil {
      state.metrics.cacheHits += 1
      discovery.kubectl[client] = state
      kubectlDiscoveryDone(id, recorded: false)
      return
    }
    discovery.kubectl[client] = state
    sendKubectlRequest(id, apiService: -1, local: true)
  }

  /// One request of invocation `id`: a discovery request (`local`: served by the control plane
  /// whatever the APIService) under the discovery bucket, or the resource GET.
  mutating func sendKubectlRequest(_ invocation: Int32, apiService: Int32, local: Bool, resource: Bool = false) {
    let client = Int(discovery.invocations[Int(invocation)].client)
    let id = requests.allocate()
    requests[id].client = Int32(client)
    requests[id].firstSent = calendar.now
    requests[id].invocation = invocation
    requests[id].apiService = apiService
    requests[id].servedLocally = local
    requests[id].usesDiscoveryBucket = !resource
    requests[id].kind = resource ? clients[client].kind : .discovery
    requests[id].isGroupVersionDiscovery = !resource && !local
    if apiService >= 0 { requests[id].server = serverOfAPIService[Int(apiService)] }
    if let timeout = clients[client].spec.timeout {
      requests[id].clientTimeout = calendar.scheduleCancellable(
        .clientTimeoutExpires(request: id, incarnation: requests[id].incarnation), after: timeout)
    }
    sendAttempt(id)
  }

  /// Takes a token of the invocation's discovery bucket for a request wanting to go at `now`.
  mutating func reserveDiscoveryToken(invocation: Int32, now: SimTime) -> SimTime {
    discovery.invocations[Int(invocation)].bucket!.reserve(now: now)
  }

  /// The aggregated `/apis` document is being served by `instance`: a Stale group-version makes
  /// the discovery partial.
  mutating func kubectlDocumentServed(_ id: UInt32, instance: Int) {
    let invocation = Int(requests[id].invocation)
    let client = Int(requests[id].client)
    guard discovery.invocations[invocation].step == .apis, discovery.kubectl[client]?.mode == .aggregated else { return }
    if discovery.anyStale(instance: instance) { discovery.invocations[invocation].partial = true }
  }

  /// A request of an invocation ended (answer or client timeout): the invocation moves on.
  mutating func kubectlRequestEnded(_ id: UInt32, outcome: Outcome) {
    let invocation = requests[id].invocation
    let i = Int(invocation)
    let client = Int(discovery.invocations[i].client)
    if outcome != .ok { discovery.invocations[i].partial = true }
    switch discovery.invocations[i].step {
    case .api:
      discovery.invocations[i].step = .apis
      sendKubectlRequest(invocation, apiService: -1, local: true)
    case .apis:
      guard let state = discovery.kubectl[client], state.mode == .legacy else {
        kubectlDiscoveryDone(invocation, recorded: true)
        return
      }
      let count = state.groupVersionCount
      discovery.invocations[i].step = .groupVersions
      discovery.invocations[i].pending = count
      for k in 0..<count {
        let apiService = state.groupVersion(k)
        sendKubectlRequest(invocation, apiService: apiService, local: apiService < 0)
      }
      if count == 0 { kubectlDiscoveryDone(invocation, recorded: true) }
    case .groupVersions:
      discovery.invocations[i].pending -= 1
      if discovery.invocations[i].pending == 0 { kubectlDiscoveryDone(invocation, recorded: true) }
    case .resource, .free:
      discovery.releaseInvocation(invocation)
    }
  }

  /// Discovery ended (or was skipped): count it, refresh the cache, then the resource request.
  mutating func kubectlDiscoveryDone(_ invocation: Int32, recorded: Bool) {
    let record = discovery.invocations[Int(invocation)]
    let client = Int(record.client)
    if recorded {
      discovery.kubectl[client]!.metrics.latency.record(calendar.now - record.start)
      if record.partial {
        discovery.kubectl[client]!.metrics.partial += 1
      } else {
        discovery.kubectl[client]!.metrics.complete += 1
        discovery.kubectl[client]!.cacheFreshUntil = calendar.now + discovery.kubectl[client]!.cacheTTL
      }
    }
    guard discovery.kubectl[client]!.spec.resource == .get, clients[client].apiService >= 0 else {
      discovery.releaseInvocation(invocation)
      return
    }
    discovery.invocations[Int(invocation)].step = .resource
    sendKubectlRequest(invocation, apiService: clients[client].apiService, local: false, resource: true)
  }
}
