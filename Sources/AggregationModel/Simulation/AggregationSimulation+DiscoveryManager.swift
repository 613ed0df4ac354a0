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
/// Simplifications: the start-up pass goes through the workers too (the real one runs every
/// APIService in parallel); one fetch per APIService, not per Service; no legacy fallback; of the
/// APIService updates only status writes mark it dirty (not the 5-minute informer resync); until
/// its first fetch ends a group-version counts as Current (since 1.30 `/readyz` waits for the
/// start-up pass).
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
    if let pending = discovery.managers[instance].dueAt[apiService], pending <= due { return }
    discovery.managers[instance].dueAt[apiService] = due
    discovery.managers[instance].dueGeneration[apiService] &+= 1
    calendar.schedule(.discoveryFetchDue(instance: Int32(instance), apiService: Int32(apiService),
                                         generation: discovery.managers[instance].dueGeneration[apiService]), at: due)
  }

  /// A waiting enqueue is due (ignored when a later `scheduleDiscoveryFetch` replaced it).
  mutating func discoveryFetchDue(instance: Int, apiService: Int, generation: UInt32) {
    guard discovery.managers[instance].dueGeneration[apiService] == generation, discovery.managers[instance].dueAt[apiService] != nil else { return }
    discovery.managers[instance].dueAt[apiService] = nil
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
    if discovery.managers[instance].queued[apiService] { return }
    if discovery.managers[instance].processing[apiService] {
      discovery.managers[instance].dirtyAgain[apiService] = true
      return
    }
    discovery.managers[instance].queued[apiService] = true
    discovery.managers[instance].queue.append(Int32(apiService))
    startDiscoveryWorkers(instance: instance)
  }

  mutating func startDiscoveryWorkers(instance: Int) {
    while discovery.managers[instance].busyWorkers < discovery.managerSpec.workers,
          let apiService = discovery.managers[instance].popFirst() {
      discovery.managers[instance].queued[Int(apiService)] = false
      discovery.managers[instance].processing[Int(apiService)] = true
      discovery.managers[instance].busyWorkers += 1
      startDiscoveryFetch(instance: instance, apiService: Int(apiService))
    }
  }

  /// A fetch: a request record without a client, straight to the proxy's transport.
  mutating func startDiscoveryFetch(instance: Int, apiService: Int) {
    let id = requests.allocate()
    requests[id].isDiscoveryFetch = true
    requests[id].firstSent = calendar.now
    requests[id].instance = Int32(instance)
    requests[id].apiService = Int32(apiService)
    requests[id].kind = .discovery
    let server = Int(serverOfAPIService[apiService])
    requests[id].server = Int32(server)
    guard server >= 0 else {
      discoveryFetchEnded(id, outcome: .unavailable)
      return
    }
    requests[id].discoveryCap = calendar.scheduleCancellable(
      .discoveryCapExpires(request: id, generation: requests[id].generation), after: discovery.managerSpec.fetchTimeout)
    requests[id].phase = .waitingForConnection
    acquireStream(id, instance: instance, server: server)
  }

  /// The fetch ended (`finishServerSide` released its stream and timers): publish, reschedule.
  mutating func discoveryFetchEnded(_ id: UInt32, outcome: Outcome) {
    let instance = Int(requests[id].instance), apiService = Int(requests[id].apiService)
    if let cap = requests[id].discoveryCap { calendar.cancel(cap) }
    requests.release(id)
    let now = calendar.now
    let ok = outcome == .ok
    var m = discovery.managers[instance]
    m.busyWorkers -= 1
    m.processing[apiService] = false
    m.fetches[apiService] += 1
    if ok {
      if m.stale[apiService] {
        m.stale[apiService] = false
        m.staleTime[apiService] = m.staleTime[apiService] + (now - Swift.max(m.staleSince[apiService], discovery.measuringSince))
        m.staleToCurrent[apiService] += 1
      }
      m.failures[apiService] = 0
    } else {
      m.failedFetches[apiService] += 1
      if !m.stale[apiService] {
        m.stale[apiService] = true
        m.staleSince[apiService] = now
      }
      m.failures[apiService] += 1
    }
    let again = m.dirtyAgain[apiService]
    m.dirtyAgain[apiService] = false
    discovery.managers[instance] = m
    if discovery.retriesWithBackoff {
      let delay = ok ? discovery.managerSpec.refresh : DiscoveryManagerSpec.retryDelay(afterFailures: m.failures[apiService])
      scheduleDiscoveryFetch(instance: instance, apiService: apiService, at: calendar.now + delay)
    }
    if again { enqueueDiscoveryFetch(instance: instance, apiService: apiService) }
    startDiscoveryWorkers(instance: instance)
  }
}
