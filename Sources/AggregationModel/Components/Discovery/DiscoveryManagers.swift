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
/// (its own 10 s cache slot per pod, `ExtensionServers.reviewSubject`).
///
/// An APIService is marked dirty when the registration worker hands it over (`apiServiceAdded`:
/// `AddAPIService` after a status change or the 5-minute informer resync, once the worker's
/// OpenAPI steps are done), at the 1-minute loop (before 1.36) and after each successful sync
/// (1.36). A sync reuses its Service's cached answer when that was stored after the APIService
/// was last marked dirty (`fetchFreshDiscoveryForService`, kube-aggregator
/// `pkg/apiserver/handler_discovery.go:213-220`, `markDirty` :597-604, the worker :480-501 at
/// 232ca687; the same cache since 1.26): APIServices sharing a Service cost about one fetch per
/// refresh (fidelity audit §5). Only a 200 to `GET /apis` is cached, not the legacy fallback.
///
/// After a restart the document lists a group-version only once its first sync has ended
/// (`published`): before 1.30 the instance serves at once and a client reading aggregated
/// discovery does not know a group-version not yet synced (neither Current nor Stale, `isMissing`);
/// there is no start-up pass, the manager syncs what the registration worker hands it. From 1.30
/// (`VersionBehaviour.discoveryStartupPassBeforeReady`) the start-up pass syncs every APIService
/// once the registration worker's initial sync has ended, `/readyz` waits for it, and what was
/// handed over meanwhile is queued when it ends (`startupPass`).
///
/// The start-up pass syncs every APIService at once, one goroutine each (`handler_discovery.go`
/// `Run` at v0.30.0: a `sync.WaitGroup` over the keys, then `close(discoverySyncedCh)`, then the 2
/// workers): its queue is as wide as the APIServices until it ends.
///
/// Simplifications: at time zero (a running cluster) every group-version is listed and
/// counts as Current until its first fetch ends. The server takes its discovery service time for
/// any answer to `GET /apis` (a 404 or 406 included, with an empty body); the fallback is exempt
/// from the server's own admission like the fetch.
struct DiscoveryManagers {
  enum Event: ComponentEvent {
    /// The manager of `instance` enqueues the fetch of an APIService (retry or refresh; stale
    /// unless `generation` is current).
    case fetchDue(instance: Int32, apiService: Int32, generation: UInt32)
    /// The 1-minute loop marks every APIService dirty (before 1.36; `epoch`: the instance's incarnation).
    case resync(instance: Int32, epoch: UInt32)

    var modelEvent: ModelEvent { .discoveryManager(self) }
  }

  let spec: DiscoveryManagerSpec
  /// One per instance when the managers run (empty otherwise).
  var managers: [DiscoveryManagerState]
  /// Service-backed APIServices (registry indices) the managers fetch.
  let fetched: [Int32]
  let retriesWithBackoff: Bool
  /// 1.29+: every answer but 304, 503 and an aggregated 200 falls back to legacy discovery.
  let wideFallback: Bool
  /// 1.30+: after a restart `/readyz` waits for the start-up pass.
  let startupPassBeforeReady: Bool

  init(_ spec: DiscoveryManagerSpec, runs: Bool, instances: Int, registry: RegistryView, version: KubernetesVersion) {
    self.spec = spec
    let behaviour = VersionBehaviour(version)
    retriesWithBackoff = behaviour.discoveryRetriesWithBackoff
    wideFallback = behaviour.wideLegacyDiscoveryFallback
    startupPassBeforeReady = behaviour.discoveryStartupPassBeforeReady
    let servers = Int(registry.serverOf.max() ?? -1) + 1
    managers = runs ? Array(repeating: DiscoveryManagerState(apiServices: registry.count, servers: servers, workers: spec.workers),
                            count: instances) : []
    fetched = (0..<registry.count).filter { registry.isServiceBacked($0) }.map { Int32($0) }
  }

  /// The start-up pass, as events at time zero after the faults that begin then.
  mutating func start(_ kernel: inout Kernel) {
    for instance in managers.indices {
      for apiService in fetched { scheduleFetch(instance: instance, Int(apiService), at: kernel.now, &kernel) }
      startLoop(instance: instance, &kernel)
    }
  }

  /// Before 1.36, the 1-minute loop that marks every APIService dirty starts.
  private func startLoop(instance: Int, _ kernel: inout Kernel) {
    if !retriesWithBackoff {
      kernel.schedule(Event.resync(instance: Int32(instance), epoch: kernel.instanceEpoch[instance]), after: spec.refresh)
    }
  }

  /// The instance's restarted apiserver is up. Before 1.30 `Run` starts the workers and the loop
  /// at once, with no start-up pass (v0.29.0 `handler_discovery.go:411-441`): the first syncs are
  /// those of what the registration worker hands over. From 1.30, nothing until `startupPass`.
  mutating func restarted(instance: Int, _ kernel: inout Kernel) {
    guard instance < managers.count, !startupPassBeforeReady else { return }
    managers[instance].running = true
    startLoop(instance: instance, &kernel)
  }

  /// The restarted instance's registration worker ended its initial sync. From 1.30 the
  /// start-up pass syncs every APIService (results ignored: no retry or refresh is scheduled
  /// from them) and `/readyz` waits for it; returns whether it does (false before 1.30, or with
  /// no manager or nothing to fetch).
  mutating func startupPass(instance: Int, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) -> Bool {
    guard startupPassBeforeReady, instance < managers.count else { return false }
    guard !fetched.isEmpty else {
      startWorkersAfterPass(instance: instance, &kernel, transport: &transport, pods: pods)
      return false
    }
    managers[instance].startupPass(running: true, width: fetched.count)
    for apiService in fetched { enqueue(instance: instance, Int(apiService), &kernel, transport: &transport, pods: pods) }
    return true
  }

  /// 1.30+: the start-up pass ended (`close(discoverySyncedCh)`): the workers start on what was
  /// handed over meanwhile, and the loop starts (before 1.36).
  private mutating func startWorkersAfterPass(instance: Int, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    managers[instance].startupPass(running: false)
    managers[instance].running = true
    startLoop(instance: instance, &kernel)
    for apiService in fetched where managers[instance].addedBeforeRun[Int(apiService)] {
      managers[instance].addedBeforeRun[Int(apiService)] = false
      enqueue(instance: instance, Int(apiService), &kernel, transport: &transport, pods: pods)
    }
  }

  /// The instance's apiserver died: its queue, its fetches, its cache and its document are lost
  /// (published Stale time ends; after the restart no service-backed group-version is listed
  /// until its first sync ends).
  mutating func instanceStopped(_ instance: Int, at now: SimTime, measuringSince: SimTime) {
    guard instance < managers.count else { return }
    managers[instance].fetchQueue.reset()
    for server in managers[instance].cacheUpdated.indices { managers[instance].cacheUpdated[server] = nil }
    for a32 in fetched where managers[instance].stale[Int(a32)] {
      let a = Int(a32)
      managers[instance].staleTime[a] = managers[instance].staleTime[a] + (now - Swift.max(managers[instance].staleSince[a], measuringSince))
      managers[instance].stale[a] = false
    }
    for a32 in fetched {
      managers[instance].published[Int(a32)] = false
      managers[instance].addedBeforeRun[Int(a32)] = false
    }
    managers[instance].unpublished = fetched.count
    managers[instance].running = false
    managers[instance].startupPass(running: false)
  }

  mutating func handle(_ event: Event, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    switch event {
    case .fetchDue(let i, let apiService, let generation):
      guard kernel.instanceUp[Int(i)], managers[Int(i)].fetchQueue.timerFired(Int(apiService), generation: generation) else { return }
      enqueue(instance: Int(i), Int(apiService), &kernel, transport: &transport, pods: pods)
    case .resync(let i, let epoch):
      guard kernel.isCurrent(instance: Int(i), epoch: epoch) else { return }
      for apiService in fetched {
        managers[Int(i)].lastMarkedDirty[Int(apiService)] = kernel.now
        enqueue(instance: Int(i), Int(apiService), &kernel, transport: &transport, pods: pods)
      }
      kernel.schedule(Event.resync(instance: i, epoch: epoch), after: spec.refresh)
    }
  }

  /// `AddAfter`: the APIService is enqueued at `due`, unless an earlier enqueue is already
  /// waiting (client-go's delaying queue keeps the earliest time of an item).
  private mutating func scheduleFetch(instance: Int, _ apiService: Int, at due: SimTime, _ kernel: inout Kernel) {
    guard let generation = managers[instance].fetchQueue.addAfter(apiService, at: due) else { return }
    kernel.schedule(Event.fetchDue(instance: Int32(instance), apiService: Int32(apiService), generation: generation), at: due)
  }

  /// The registration worker handed the APIService over (`AddAPIService`): marked dirty and queued.
  mutating func apiServiceAdded(instance: Int, _ apiService: Int, _ kernel: inout Kernel, transport: inout Transport,
                                pods: ExtensionServers) {
    guard instance < managers.count else { return }
    managers[instance].lastMarkedDirty[apiService] = kernel.now
    guard managers[instance].running else {
      managers[instance].addedBeforeRun[apiService] = true
      return
    }
    enqueue(instance: instance, apiService, &kernel, transport: &transport, pods: pods)
  }

  /// Adds the APIService to the instance's work queue (once; again after its sync if one is in
  /// progress).
  mutating func enqueue(instance: Int, _ apiService: Int, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    guard instance < managers.count else { return }
    if managers[instance].fetchQueue.add(apiService) { startWorkers(instance: instance, &kernel, transport: &transport, pods: pods) }
  }

  private mutating func startWorkers(instance: Int, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    while let apiService = managers[instance].fetchQueue.next() {
      let server = Int(kernel.registry.serverOf[apiService])
      if server >= 0, let updated = managers[instance].cacheUpdated[server], updated > managers[instance].lastMarkedDirty[apiService] {
        syncEnded(instance: instance, apiService, ok: true, fetched: false, &kernel, transport: &transport, pods: pods)
      } else {
        sendFetch(instance: instance, apiService, legacyFallback: false, &kernel, transport: &transport, pods: pods)
      }
    }
  }

  /// Sends the aggregated `GET /apis`, or its legacy fallback `GET /apis/<g>/<v>`, with its own cap.
  private mutating func sendFetch(instance: Int, _ apiService: Int, legacyFallback: Bool, _ kernel: inout Kernel,
                                  transport: inout Transport, pods: ExtensionServers) {
    let id = kernel.newInternalRequest(.discoveryFetch(legacyFallback: legacyFallback), kind: .discovery, instance: instance,
                                       apiService: apiService)
    let server = Int(kernel.requests[id].server)
    guard server >= 0 else {
      fetchEnded(id, .unavailable, &kernel, transport: &transport, pods: pods)
      return
    }
    // A 404 or 406 to the aggregated `GET /apis` has no discovery body.
    let answer = pods.servers[server].spec.aggregatedDiscovery
    kernel.requests[id].bodyless = !legacyFallback && (answer == .notFound || answer == .notAcceptable)
    if let failure = transport.sendInternal(id, timeout: spec.fetchTimeout, capped: true, &kernel, pods: pods) {
      kernel.endInternalRequestAtOnce(id)
      fetchEnded(id, failure, &kernel, transport: &transport, pods: pods)
    }
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

  /// The fetch ended (the control plane released its stream and timers): fall back, or publish
  /// and reschedule. A fallback keeps the worker; its own end publishes Current (200) or Stale.
  mutating func fetchEnded(_ id: UInt32, _ outcome: Outcome, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    let record = kernel.requests[id]
    let instance = Int(record.instance), apiService = Int(record.apiService), server = Int(record.server)
    kernel.cancel(record.discoveryCap)
    kernel.requests.release(id)
    let ok: Bool
    if case .discoveryFetch(legacyFallback: true) = record.origin {
      ok = outcome == .ok
    } else {
      let answer = server >= 0 ? pods.servers[server].spec.aggregatedDiscovery : .served
      switch Self.fetchVerdict(outcome: outcome, answer: answer, wideFallback: wideFallback) {
      case .current:
        ok = true
        if server >= 0 { managers[instance].cacheUpdated[server] = kernel.now }
      case .stale: ok = false
      case .fallback:
        managers[instance].fallbacks[apiService] += 1
        sendFetch(instance: instance, apiService, legacyFallback: true, &kernel, transport: &transport, pods: pods)
        return
      }
    }
    syncEnded(instance: instance, apiService, ok: ok, fetched: true, &kernel, transport: &transport, pods: pods)
  }

  /// The sync ended: published Current or Stale, the worker is free, the next sync scheduled
  /// (1.36: a success also marks the APIService dirty, so its next sync fetches unless another
  /// APIService of its Service fetched after it).
  private mutating func syncEnded(instance: Int, _ apiService: Int, ok: Bool, fetched: Bool, _ kernel: inout Kernel,
                                  transport: inout Transport, pods: ExtensionServers) {
    let (failures, again) = managers[instance].publish(apiService, ok: ok, fetched: fetched, now: kernel.now,
                                                       measuringSince: kernel.measuringSince)
    let inStartupPass = managers[instance].startupPassRunning
    if !managers[instance].published[apiService] {
      managers[instance].published[apiService] = true
      managers[instance].unpublished -= 1
      if inStartupPass && managers[instance].unpublished == 0 {
        startWorkersAfterPass(instance: instance, &kernel, transport: &transport, pods: pods)
        kernel.instanceBecomesReady(instance, after: "discovery start-up pass")
      }
    }
    if retriesWithBackoff && !inStartupPass {
      if ok { managers[instance].lastMarkedDirty[apiService] = kernel.now }
      let delay = ok ? spec.refresh : DiscoveryManagerSpec.retryDelay(afterFailures: failures)
      scheduleFetch(instance: instance, apiService, at: kernel.now + delay, &kernel)
    }
    if again { enqueue(instance: instance, apiService, &kernel, transport: &transport, pods: pods) }
    startWorkers(instance: instance, &kernel, transport: &transport, pods: pods)
  }

  /// Whether any service-backed group-version is published Stale by `instance`'s manager.
  func anyStale(instance: Int) -> Bool {
    guard instance < managers.count else { return false }
    return fetched.contains { managers[instance].stale[Int($0)] }
  }

  /// Whether `instance`'s manager publishes `apiService` Stale (false for an APIService it does
  /// not fetch, or no manager).
  func isStale(_ apiService: Int32, instance: Int) -> Bool {
    guard apiService >= 0, instance < managers.count else { return false }
    return managers[instance].stale[Int(apiService)]
  }

  /// Whether `instance`'s aggregated document does not list `apiService`'s group-version (after
  /// a restart, before its first sync ended; false for one it does not fetch, or no manager).
  func isMissing(_ apiService: Int32, instance: Int) -> Bool {
    guard apiService >= 0, instance < managers.count else { return false }
    return !managers[instance].published[Int(apiService)]
  }

  /// Instances whose manager publishes `apiService` Stale.
  func staleInstances(_ apiService: Int) -> Int { managers.reduce(0) { $0 + ($1.stale[apiService] ? 1 : 0) } }

  mutating func resetStatistics() {
    for m in managers.indices {
      for a in fetched.map({ Int($0) }) { managers[m].resetStatistics(a) }
    }
  }

  /// Per service-backed APIService, summed over instances, over `[since, end)`.
  func metrics(names: [String], at end: SimTime, since: SimTime) -> [APIServiceDiscoveryMetrics] {
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

/// What the discovery manager does after its aggregated `GET /apis`.
enum DiscoveryFetchVerdict: Equatable {
  /// Publish the group-version Current (no second request).
  case current
  /// Publish it Stale, with no resources.
  case stale
  /// Send the legacy fallback `GET /apis/<group>/<version>` on the same worker.
  case fallback
}
