import SimCore

extension AggregationSimulation {
  /// The request reached its instance: the deadline starts, then the filters run.
  mutating func arriveAtControlPlane(_ id: UInt32) {
    // The client gave up while the request was on the wire: its stream is already reset.
    guard !requests[id].clientGaveUp else {
      requests.release(id)
      return
    }
    let generation = requests[id].generation
    requests[id].phase = .inFilters
    inFlightAtInstance[Int(requests[id].instance)] += 1
    requests[id].deadline = calendar.scheduleCancellable(
      .deadlineExpires(request: id, generation: generation), after: spec.controlPlane.requestTimeout)
    let overhead = spec.controlPlane.filterOverhead.sample(filterStream)
    calendar.schedule(.filtersDone(request: id, generation: generation), after: overhead)
  }

  /// Authentication and audit are done: admission (APF or max-in-flight) decides. A queued or
  /// executing request holds its place until `finishServerSide` releases it.
  mutating func filtersDone(_ id: UInt32) {
    let instance = Int(requests[id].instance)
    let client = Int(requests[id].client)
    let deadline = calendar.now + spec.controlPlane.requestTimeout
    let decision = admission[instance].admit(id, client: client, kind: requests[id].kind, now: calendar.now, deadline: deadline)
    switch decision {
    case .execute:
      requests[id].holdsAdmission = true
      route(id)
    case .queued(_, let until):
      waitInAdmissionQueue(id, until: until)
    case .rejected(_, let retryAfter):
      requests[id].retryAfter = retryAfter
      finishServerSide(id, .tooManyRequests)
    }
  }

  /// APF queued the request: it holds its place in the queue until dispatched or `until`.
  mutating func waitInAdmissionQueue(_ id: UInt32, until: SimTime) {
    requests[id].holdsAdmission = true
    requests[id].phase = .queuedForAdmission
    calendar.schedule(.queueWaitExpires(request: id, generation: requests[id].generation), at: until)
  }

  /// The queue wait limit of a request APF queued: 429 if it is still waiting.
  mutating func queueWaitExpires(_ id: UInt32) {
    guard requests[id].phase == .queuedForAdmission else { return }
    let instance = Int(requests[id].instance)
    var dispatched: [UInt32] = []
    if admission[instance].queueWaitExpired(id, now: calendar.now, dispatched: &dispatched) {
      requests[id].holdsAdmission = false
      if requests[id].isReview {
        reviewFails(id)
        runDispatched(dispatched)
        return
      }
      let client = Int(requests[id].client)
      let level = admission[instance].classifications.isEmpty ? 0 : admission[instance].classifications[client].level
      requests[id].retryAfter = admission[instance].retryAfter(level: level)
      finishServerSide(id, .tooManyRequests)
    }
    runDispatched(dispatched)
  }

  /// Admitted: the aggregator serves it locally, answers 503, or proxies it.
  mutating func route(_ id: UInt32) {
    let apiService = Int(requests[id].apiService)
    if requests[id].invocation >= 0 { discoveryDocumentServed(id, instance: Int(requests[id].instance)) }
    guard apiService >= 0 || requests[id].servedLocally else {
      // An unknown group-version: a fast local 404, counted with the unreachable targets.
      finishServerSide(id, .unavailable)
      return
    }
    guard !requests[id].servedLocally, registry.apiServices[apiService].service != nil else {
      requests[id].phase = .inLocalHandler
      calendar.schedule(.localHandlerDone(request: id, generation: requests[id].generation),
                        after: spec.controlPlane.localHandlerTime.sample(localHandlerStream))
      return
    }
    let instance = Int(requests[id].instance)
    let server = Int(requests[id].server)
    guard proxyAvailable[instance][apiService], server >= 0 else {
      finishServerSide(id, .unavailable)  // 503 `service unavailable`, no backend contact
      return
    }
    if requests[id].isGroupVersionDiscovery, let cap = discoveryCap {
      requests[id].discoveryCap = calendar.scheduleCancellable(
        .discoveryCapExpires(request: id, generation: requests[id].generation), after: cap)
    }
    requests[id].phase = .waitingForConnection
    acquireStream(id, instance: instance, server: server)
  }

  /// The control plane is done with the attempt: timers stop, the seat and the stream are
  /// released, and the answer goes back to the client. Later events of the attempt are stale.
  mutating func finishServerSide(_ id: UInt32, _ outcome: Outcome) {
    let record = requests[id]
    if let deadline = record.deadline { calendar.cancel(deadline) }
    if let cap = record.discoveryCap { calendar.cancel(cap) }
    requests[id].deadline = nil
    requests[id].discoveryCap = nil
    if record.connection >= 0 { releaseStream(of: id) }
    if record.phase == .waitingForConnection { removeFromConnectionWaits(id) }
    // The stream reset cancels the request's context in the pod, which releases its own seat.
    if record.holdsPodAdmission { releasePodAdmission(id) }
    if record.holdsAdmission {
      requests[id].holdsAdmission = false
      releaseAdmission(id, instance: Int(record.instance))
    }
    if record.isProbe {
      probeEnds(id, outcome)
      return
    }
    if record.isDiscoveryFetch {
      discoveryFetchEnded(id, outcome: outcome)
      return
    }
    if record.openAPIVersion != 0 {
      openAPIDownloadEnded(id, outcome)
      return
    }
    requests[id].outcome = outcome
    inFlightAtInstance[Int(record.instance)] -= 1
    requests[id].generation &+= 1
    requests[id].phase = .toClient
    let client = Int(record.client)
    let delay = clients[client].link.delay(at: calendar.now, isRequest: false) ?? spec.controlPlane.proxy.dialTimeout
    calendar.schedule(.arriveAtClient(request: id, generation: requests[id].generation), after: delay)
  }

  /// Frees the request's admission seat and runs the queued requests it lets through.
  mutating func releaseAdmission(_ id: UInt32, instance: Int) {
    var dispatched: [UInt32] = []
    admission[instance].finish(id, now: calendar.now, dispatched: &dispatched)
    runDispatched(dispatched)
  }

  /// Routes the requests that admission let out of their queues.
  mutating func runDispatched(_ dispatched: [UInt32]) {
    for next in dispatched where requests[next].phase == .queuedForAdmission {
      if requests[next].isReview { reviewExecutes(next) } else { route(next) }
    }
  }
}
