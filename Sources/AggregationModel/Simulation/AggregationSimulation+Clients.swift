import SimCore

extension AggregationSimulation {
  /// Resolves the client's target and schedules its first arrival (or starts its users).
  mutating func startClient(_ index: Int) {
    let spec = clients[index].spec
    switch spec.target {
    case .resource(let name, let kind):
      clients[index].apiService = Int32(registry.index(named: name) ?? -1)
      clients[index].kind = kind
    case .groupVersionDiscovery(let name):
      clients[index].apiService = Int32(registry.index(named: name) ?? -1)
      clients[index].kind = .discovery
      clients[index].isGroupVersionDiscovery = true
    case .none:
      clients[index].apiService = -1
    }
    switch spec.workload {
    case .open, .kubectl, .namespaceDeletion:
      if let first = firstArrival(index) {
        calendar.schedule(.clientFires(client: Int32(index), user: -1), at: first)
      }
    case .garbageCollector(let gc):
      let phase = gc.firstSync
        ?? SimDuration(nanoseconds: Int64(discovery.clients[index]!.stream.uniform() * Double(gc.period.nanoseconds)))
      calendar.schedule(.clientFires(client: Int32(index), user: -1), at: .zero + phase)
    case .closed(let users, _):
      for user in 0..<users { calendar.schedule(.clientFires(client: Int32(index), user: Int32(user)), at: .zero) }
    }
  }

  mutating func firstArrival(_ index: Int) -> SimTime? {
    if case .bursts(_, let period) = clients[index].spec.workload.arrivals { return .zero + period }
    return clients[index].nextArrival(after: .zero)
  }

  /// An open workload's arrival (then the next one is scheduled), or a closed user's send.
  mutating func clientFires(_ index: Int, user: Int) {
    var count = 1
    if user < 0 {
      if case .bursts(let size, _) = clients[index].spec.workload.arrivals { count = size }
      clients[index].arrivalsSoFar += 1
      if let next = clients[index].nextArrival(after: calendar.now) {
        calendar.schedule(.clientFires(client: Int32(index), user: -1), at: next)
      }
    }
    switch clients[index].spec.workload {
    case .kubectl, .garbageCollector:
      for _ in 0..<count { discoveryClientFires(client: index) }
    case .namespaceDeletion:
      for _ in 0..<count { namespaceDeleted(client: index) }
    case .open, .closed:
      for _ in 0..<count { beginRequest(client: index, user: user) }
    }
  }

  /// A new request of `client`: its client timeout starts, then the token bucket decides when it goes.
  mutating func beginRequest(client: Int, user: Int) {
    let id = requests.allocate()
    let now = calendar.now
    let apiService = clients[client].apiService
    requests[id].client = Int32(client)
    requests[id].user = Int32(user)
    requests[id].firstSent = now
    requests[id].apiService = apiService
    requests[id].kind = clients[client].kind
    requests[id].isGroupVersionDiscovery = clients[client].isGroupVersionDiscovery
    if apiService >= 0 { requests[id].server = serverOfAPIService[Int(apiService)] }
    if let timeout = clients[client].spec.timeout {
      requests[id].clientTimeout = calendar.scheduleCancellable(
        .clientTimeoutExpires(request: id, incarnation: requests[id].incarnation), after: timeout)
    }
    sendAttempt(id)
  }

  /// One attempt: wait for a token, then send.
  mutating func sendAttempt(_ id: UInt32) {
    let client = Int(requests[id].client)
    requests[id].attempt += 1
    let now = calendar.now
    let sendAt = requests[id].usesDiscoveryBucket ? reserveDiscoveryToken(invocation: requests[id].invocation, now: now)
      : clients[client].tokenBucket?.reserve(now: now) ?? now
    if sendAt > now {
      requests[id].phase = .waitingForToken
      calendar.schedule(.sendRequest(request: id, generation: requests[id].generation), at: sendAt)
    } else {
      sendRequest(id)
    }
  }

  /// The request leaves the client for the next control-plane instance.
  mutating func sendRequest(_ id: UInt32) {
    let client = Int(requests[id].client)
    let instance = clients[client].nextInstance
    clients[client].nextInstance = (instance + 1) % admission.count
    requests[id].instance = Int32(instance)
    requests[id].phase = .toControlPlane
    let generation = requests[id].generation
    if let delay = clients[client].link.delay(at: calendar.now, isRequest: true) {
      calendar.schedule(.arriveAtControlPlane(request: id, generation: generation), after: delay)
    } else {
      // A partitioned client link: the client's dial fails after client-go's 30 s dial timeout.
      requests[id].outcome = .unreachable
      requests[id].phase = .toClient
      calendar.schedule(.arriveAtClient(request: id, generation: generation), after: spec.controlPlane.proxy.dialTimeout)
    }
  }

  /// The final answer of an attempt reached the client: retry, or record and finish.
  mutating func arriveAtClient(_ id: UInt32) {
    let record = requests[id]
    let client = Int(record.client)
    if !record.clientGaveUp, record.outcome == .tooManyRequests,
       case .retry(let after) = clients[client].spec.retry.decision(status: 429, retryAfter: record.retryAfter,
                                                                     attempt: Int(record.attempt)) {
      requests[id].generation &+= 1
      requests[id].phase = .waitingForRetry
      clientMetrics[client].retries += 1
      calendar.schedule(.retryRequest(request: id, generation: requests[id].generation), after: after)
      return
    }
    if !record.clientGaveUp {
      if let timeout = record.clientTimeout { calendar.cancel(timeout) }
      recordCompletion(id, outcome: record.outcome)
      continueUser(of: id)
    }
    requests.release(id)
  }

  /// The client stopped waiting: it records a timeout now and resets its stream. A request the
  /// control plane is working on is cancelled there as at its own deadline (its context ends:
  /// the APF seat or queue place is freed, the proxied stream to the pod is reset); one still on
  /// the wire is dropped when it arrives; an answer already on its way back is ignored.
  mutating func clientTimeoutExpires(_ id: UInt32, incarnation: UInt32) {
    guard requests[id].incarnation == incarnation, requests[id].phase != .free, !requests[id].clientGaveUp else { return }
    requests[id].clientGaveUp = true
    recordCompletion(id, outcome: .clientTimeout)
    continueUser(of: id)
    switch requests[id].phase {
    case .waitingForRetry, .waitingForToken:
      requests.release(id)
    case .inFilters, .queuedForAdmission, .inLocalHandler, .waitingForConnection, .toPod, .inPod, .toControlPlaneFromPod:
      finishServerSide(id, .clientTimeout)
    case .free, .toControlPlane, .toClient:
      break
    }
  }

  /// A closed-loop user thinks, then sends its next request.
  mutating func continueUser(of id: UInt32) {
    let user = requests[id].user
    guard user >= 0 else { return }
    let client = Int(requests[id].client)
    guard case .closed(_, let think) = clients[client].spec.workload else { return }
    calendar.schedule(.clientFires(client: Int32(client), user: user), after: think.sample(clients[client].thinkStream))
  }

  /// Counts a request that ended (by its end time: statistics kept during the warm-up are
  /// reset when it ends).
  mutating func recordCompletion(_ id: UInt32, outcome: Outcome) {
    let latency = calendar.now - requests[id].firstSent
    clientMetrics[Int(requests[id].client)].record(outcome, latency: latency)
    let apiService = Int(requests[id].apiService)
    if apiService >= 0 { apiServiceMetrics[apiService].record(outcome, latency: latency) }
    countInBucket(scope: Int(requests[id].client), outcome: outcome, latency: latency)
    if apiService >= 0 { countInBucket(scope: clientMetrics.count + apiService, outcome: outcome, latency: latency) }
    let sampling = spec.requestTraceSampling
    if sampling > 0 && (sampling >= 1 || traceStream.bernoulli(sampling)) {
      let record = requests[id]
      trace.append(RequestTraceEntry(
        client: Int(record.client), apiService: apiService, kind: record.kind, start: record.firstSent, end: calendar.now,
        outcome: outcome, attempts: Int(record.attempt), instance: Int(record.instance), pod: Int(record.pod)))
    }
    if requests[id].invocation >= 0 { discoveryRequestEnded(id, outcome: outcome) }
  }
}
