import SimCore

/// The aggregated-discovery manager of each control-plane instance (research kube-aggregator.md
/// §3.2, `handler_discovery.go`): a de-duplicating work queue with `workers` workers; each fetch
/// is an in-process proxied `GET /apis` to the APIService's server as `system:masters` (no APF,
/// no SubjectAccessReview, and sent even while the APIService is not Available) with a
/// `fetchTimeout` cap. A failure publishes the group-version Stale; a success, Current.
/// 1.36+ (`discoveryRetriesWithBackoff`): success → again after `refresh`; failure → again after
/// 500 ms, 1 s, 2 s … 60 s. 1.26–1.35: failures are not retried; a loop every `refresh` marks
/// every APIService dirty.
///
/// The answer to `GET /apis` decides (`fetchVerdict`, research §3.2, §9 item 5): 200 with the
/// aggregated content type → Current; 503 (the aggregator's own answer for the timeout, an
/// unreachable backend or `service unavailable`) → Stale; anything else → the legacy fallback
/// from 1.29 (`wideLegacyDiscoveryFallback`), only 406 before (kubernetes/kubernetes#119662,
/// fixed by #119870). The fallback is a second proxied request, `GET /apis/<group>/<version>`,
/// on the same worker with its own `fetchTimeout` cap (the same `http.TimeoutHandler` serves it
/// again); a 200 publishes the group-version Current, anything else Stale. It is never cached,
/// so it is sent again at every refresh. It goes as `system:kube-aggregator` without
/// `system:masters`, so a server with delegated authorization reviews it like a client request
/// (its own 10 s cache slot per pod, `reviewSubject`).
///
/// Simplifications: the start-up pass goes through the workers too (the real one runs every
/// APIService in parallel); one fetch per APIService, not per Service; of the APIService updates
/// only status writes mark it dirty (not the 5-minute informer resync); until its first fetch
/// ends a group-version counts as Current (since 1.30 `/readyz` waits for the start-up pass). The
/// server takes its discovery service time for any answer to `GET /apis` (a 404 or 406 included,
/// with an empty body); the fallback is exempt from the server's own admission like the fetch.
extension AggregationSimulation {
  /// The start-up pass, as events at time zero after the faults that begin then.
  mutating func startDiscoveryManagers() {
    for instance in discovery.managers.indices {
      for apiService in discovery.fetched {
        scheduleDiscoveryFetch(instance: instance, apiService: Int(apiService), at: .zero)
      }
      if !discovery.retriesWithBackoff {
        calendar.schedule(.discoveryResync(instance: Int32(instance)), after: discovery.managerSpec.refresh)
      }
    }
  }

  /// `AddAfter`: the APIService is enqueued at `due`, unless an earlier enqueue is already
  /// waiting (client-go's delaying queue keeps the earliest time of an item).
  mutating func scheduleDiscoveryFetch(instance: Int, apiService: Int, at due: SimTime) {
    guard let generation = discovery.managers[instance].fetchQueue.addAfter(apiService, at: due) else { return }
    calendar.schedule(.discoveryFetchDue(instance: Int32(instance), apiService: Int32(apiService), generation: generation), at: due)
  }

  /// A waiting enqueue is due (ignored when a later `scheduleDiscoveryFetch` replaced it).
  mutating func discoveryFetchDue(instance: Int, apiService: Int, generation: UInt32) {
    guard discovery.managers[instance].fetchQueue.timerFired(apiService, generation: generation) else { return }
    enqueueDiscoveryFetch(instance: instance, apiService: apiService)
  }

  /// The 1-minute loop (before 1.36): every APIService is fetched again.
  mutating func discoveryResync(instance: Int) {
    for apiService in discovery.fetched { enqueueDiscoveryFetch(instance: instance, apiService: Int(apiService)) }
    calendar.schedule(.discoveryResync(instance: Int32(instance)), after: discovery.managerSpec.refresh)
  }

  /// Adds the APIService to the instance's work queue (once; again after its fetch if it is in progress).
  mutating func enqueueDiscoveryFetch(instance: Int, apiService: Int) {
    guard instance < discovery.managers.count else { return }
    if discovery.managers[instance].fetchQueue.add(apiService) { startDiscoveryWorkers(instance: instance) }
  }

  mutating func startDiscoveryWorkers(instance: Int) {
    while let apiService = discovery.managers[instance].fetchQueue.next() { startDiscoveryFetch(instance: instance, apiService: apiService) }
  }

  /// A fetch: a request record without a client, straight to the proxy's transport.
  mutating func startDiscoveryFetch(instance: Int, apiService: Int) {
    startDiscoveryRequest(instance: instance, apiService: apiService, legacyFallback: false)
  }

  /// Sends the aggregated `GET /apis`, or its legacy fallback `GET /apis/<g>/<v>`, with its own cap.
  mutating func startDiscoveryRequest(instance: Int, apiService: Int, legacyFallback: Bool) {
    let id = internalRequest(kind: .discovery, instance: instance, apiService: apiService)
    requests[id].isDiscoveryFetch = true
    requests[id].isLegacyFallback = legacyFallback
    let server = Int(requests[id].server)
    guard server >= 0 else {
      discoveryFetchEnded(id, outcome: .unavailable)
      return
    }
    // A 404 or 406 to the aggregated `GET /apis` has no discovery body.
    let answer = servers[server].spec.aggregatedDiscovery
    requests[id].bodyless = !legacyFallback && (answer == .notFound || answer == .notAcceptable)
    sendInternalRequest(id, timeout: discovery.managerSpec.fetchTimeout, capped: true)
  }

  /// What the discovery manager makes of the answer to its aggregated `GET /apis` (research
  /// §3.2): `outcome` is how the exchange ended and, when the pod answered (`.ok`), `answer` is
  /// what its answer was. 503 (`.unavailable`, `.discoveryTimeout`, `.unreachable`: the
  /// aggregator's `service unavailable`, its 5 s `TimeoutHandler` and `error trying to reach
  /// service`) is an error in every version. `wideFallback` (1.29+): every other answer that is
  /// not an aggregated 200 falls back; before, only 406 (see `wideLegacyDiscoveryFallback`).
  static func fetchVerdict(outcome: Outcome, answer: AggregatedDiscoverySupport, wideFallback: Bool) -> DiscoveryFetchVerdict {
    switch outcome {
    case .ok:
      switch answer {
      case .served: .current
      case .notAcceptable: .fallback
      case .notFound: wideFallback ? .fallback : .stale
      // Before 1.29 the 200 branch decoded a plain APIGroupList into an empty aggregated list:
      // Current, with no resources (inferred; see `wideLegacyDiscoveryFallback`).
      case .ignoresAccept: wideFallback ? .fallback : .current
      }
    case .unavailable, .discoveryTimeout, .unreachable, .clientTimeout:
      .stale
    case .tooManyRequests, .backendError, .deadlineExceeded:
      wideFallback ? .fallback : .stale
    }
  }

  /// The fetch ended (`finishServerSide` released its stream and timers): fall back, or publish
  /// and reschedule. A fallback keeps the worker; its own end publishes Current (200) or Stale.
  mutating func discoveryFetchEnded(_ id: UInt32, outcome: Outcome) {
    let instance = Int(requests[id].instance), apiService = Int(requests[id].apiService)
    let wasFallback = requests[id].isLegacyFallback, server = Int(requests[id].server)
    if let cap = requests[id].discoveryCap { calendar.cancel(cap) }
    requests.release(id)
    let ok: Bool
    if wasFallback {
      ok = outcome == .ok
    } else {
      let answer = server >= 0 ? servers[server].spec.aggregatedDiscovery : .served
      switch Self.fetchVerdict(outcome: outcome, answer: answer, wideFallback: discovery.wideFallback) {
      case .current: ok = true
      case .stale: ok = false
      case .fallback:
        discovery.managers[instance].fallbacks[apiService] += 1
        startDiscoveryRequest(instance: instance, apiService: apiService, legacyFallback: true)
        return
      }
    }
    publishDiscoverySync(instance: instance, apiService: apiService, ok: ok)
  }

  /// The sync of `apiService` ended: its group-version is published Current (`ok`) or Stale, the
  /// worker is free, and the next fetch is scheduled.
  mutating func publishDiscoverySync(instance: Int, apiService: Int, ok: Bool) {
    // In place (no copy of the manager's arrays).
    let (failures, again) = discovery.managers[instance].publish(apiService, ok: ok, now: calendar.now,
                                                                  measuringSince: discovery.measuringSince)
    if discovery.retriesWithBackoff {
      let delay = ok ? discovery.managerSpec.refresh : DiscoveryManagerSpec.retryDelay(afterFailures: failures)
      scheduleDiscoveryFetch(instance: instance, apiService: apiService, at: calendar.now + delay)
    }
    if again { enqueueDiscoveryFetch(instance: instance, apiService: apiService) }
    startDiscoveryWorkers(instance: instance)
  }
}

/// What the discovery manager does after its aggregated `GET /apis`.
enum DiscoveryFetchVerdict: Equatable {
  /// Publish the group-version Current (no second request).
  case current
  /// Publish it Stale, with no resources.
  case stale
  /// Send the legacy fallback `GET /apis/<group>/<version>` on the same worker.
  case fallback
}
