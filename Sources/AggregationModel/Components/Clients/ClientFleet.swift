import SimCore

/// The clients of one replication and what they saw (research §1e, DESIGN §3 "Clients"): open
/// workloads and closed-loop users send requests through client-go's token bucket over their
/// link to the next control-plane instance (round robin), retry a 429 after its Retry-After,
/// and give up after their own timeout, which starts when the first attempt leaves (client-go
/// throttles the first try before it sets up the timeout: `rest/request.go` `request()`). A
/// request carries its `?timeout=` (`RequestRecord.timeoutParameter`) to the control plane. Each ended request is counted for its client and its
/// APIService, in the current time bucket, and in the sampled trace.
///
/// Requests of discovery runs (kubectl, controllers) go through the same path: their runs live in
/// `DiscoveryConsumers`, which hands their requests to `submit(_:_:)`; the per-invocation
/// discovery token buckets live here with the clients' own buckets.
struct ClientFleet {
  enum Event: ComponentEvent {
    /// An open workload's next arrival, or a closed-loop user's next send (`user` ≥ 0).
    case fires(client: Int32, user: Int32)
    /// A retry's Retry-After has passed: the attempt waits for the token bucket again.
    case retry(request: UInt32, generation: UInt32)
    /// The token bucket lets the request go.
    case send(request: UInt32, generation: UInt32)
    /// The final answer of an attempt reached the client.
    case answer(request: UInt32, generation: UInt32)
    /// The client stopped waiting (`incarnation` identifies the request across its attempts).
    case timeout(request: UInt32, incarnation: UInt32)

    var modelEvent: ModelEvent { .clients(self) }
  }

  /// What an arrival asks of the discovery consumers (`count` invocations or deletions).
  enum Arrival {
    case requestsSent
    case discoveryInvocations(count: Int)
    case namespaceDeletions(count: Int)
  }

  /// What became of an answer that reached its client.
  enum Answer {
    /// A 429 with Retry-After: the request goes again later.
    case retrying
    /// The client had already given up: the record is free to go.
    case abandoned
    /// Counted: the discovery run it belongs to (-1: none) hears how it ended.
    case completed(run: Int32, Outcome)
  }

  var clients: [ClientState]
  /// Per client, and per APIService (the requests of the clients targeting it). A client's own
  /// requests (origin `.client`) all go to its one APIService, so their ends are recorded once,
  /// in the client's scope, and added to the APIService's by `apiServiceScopes()` (histograms
  /// merge exactly): `apiServiceMetrics` records the ends of the others (discovery runs) only.
  var metrics: [ScopeMetrics]
  private var apiServiceMetrics: [ScopeMetrics]
  /// The time-series bucket in progress: per scope (clients, then APIServices) and outcome, the
  /// requests that ended; per scope, their summed latency in seconds.
  var bucketOutcomes: [Int]
  var bucketLatencySeconds: [Double]
  /// The discovery token bucket of each discovery run (kubectl: a new process per invocation).
  private var runBuckets: [TokenBucket?] = []
  /// Unreachable client links: the client's dial fails after client-go's 30 s dial timeout.
  let dialTimeout: SimDuration
  /// Per client, the open-workload requests sent and not ended yet (at most its `maxOutstanding`).
  private var outstanding: [Int]

  init(clients: [ClientState], apiServices: Int, dialTimeout: SimDuration) {
    self.clients = clients
    metrics = Array(repeating: ScopeMetrics(), count: clients.count)
    apiServiceMetrics = Array(repeating: ScopeMetrics(), count: apiServices)
    let scopes = clients.count + apiServices
    bucketOutcomes = Array(repeating: 0, count: scopes * Outcome.allCases.count)
    bucketLatencySeconds = Array(repeating: 0, count: scopes)
    self.dialTimeout = dialTimeout
    outstanding = Array(repeating: 0, count: clients.count)
  }

  // MARK: Arrivals

  /// Resolves the client's target and schedules its first arrival (or starts its users); the
  /// garbage collector's first sync is the consumers' (`DiscoveryConsumers.scheduleFirstSync`).
  mutating func start(_ client: Int, _ kernel: inout Kernel) {
    clients[client].resolveTarget(in: kernel.registry.registry)
    switch clients[client].spec.workload {
    case .open, .kubectl, .namespaceDeletion:
      if let first = clients[client].firstArrival() { kernel.schedule(Event.fires(client: Int32(client), user: -1), at: first) }
    case .closed(let users, _):
      for user in 0..<users { kernel.schedule(Event.fires(client: Int32(client), user: Int32(user)), at: .zero) }
    case .garbageCollector:
      break
    }
  }

  /// An open workload's arrival (the next one is scheduled) or a closed user's send. Requests
  /// go at once; invocations and deletions are the consumers' to start.
  mutating func fires(_ client: Int, user: Int, _ kernel: inout Kernel) -> Arrival {
    var count = 1
    if user < 0 {
      count = clients[client].perArrival
      clients[client].arrivalsSoFar += 1
      if let next = clients[client].nextArrival(after: kernel.now) {
        kernel.schedule(Event.fires(client: Int32(client), user: -1), at: next)
      }
    }
    switch clients[client].role {
    case .discoveryInvocations: return .discoveryInvocations(count: count)
    case .namespaceDeletions: return .namespaceDeletions(count: count)
    case .requests:
      for _ in 0..<count { beginRequest(client: client, user: user, &kernel) }
      return .requestsSent
    }
  }

  /// A new request of `client`: its client timeout starts, then the token bucket decides when it
  /// goes. An open workload's arrival is dropped (counted, not sent) while the client has
  /// `maxOutstanding` requests in progress.
  private mutating func beginRequest(client: Int, user: Int, _ kernel: inout Kernel) {
    let apiService = clients[client].apiService
    if user < 0 {
      guard outstanding[client] < clients[client].spec.maxOutstanding else {
        metrics[client].droppedOffered += 1
        metrics[client].offered += 1
        if apiService >= 0 {
          apiServiceMetrics[Int(apiService)].droppedOffered += 1
          apiServiceMetrics[Int(apiService)].offered += 1
        }
        return
      }
      outstanding[client] += 1
    }
    let id = kernel.requests.allocate()
    kernel.requests[id].origin = .client(user: Int32(user))
    kernel.requests[id].client = Int32(client)
    kernel.requests[id].firstSent = kernel.now
    kernel.requests[id].apiService = apiService
    kernel.requests[id].kind = clients[client].kind
    kernel.requests[id].isGroupVersionDiscovery = clients[client].isGroupVersionDiscovery
    kernel.requests[id].timeoutParameter = clients[client].spec.requestTimeout ?? .zero
    kernel.requests[id].clientTimeout = clients[client].spec.timeout ?? .zero
    if apiService >= 0 { kernel.requests[id].server = kernel.registry.serverOf[Int(apiService)] }
    submit(id, &kernel)
  }

  /// Sends a request whose record is filled in (a client's, or a discovery run's, with its
  /// `timeoutParameter` and `clientTimeout`): its first attempt.
  mutating func submit(_ id: UInt32, _ kernel: inout Kernel) {
    metrics[Int(kernel.requests[id].client)].offered += 1
    let apiService = Int(kernel.requests[id].apiService)
    if apiService >= 0 { apiServiceMetrics[apiService].offered += 1 }
    sendAttempt(id, &kernel)
  }

  // MARK: Attempts

  /// One attempt: wait for a token, then send.
  mutating func sendAttempt(_ id: UInt32, _ kernel: inout Kernel) {
    let client = Int(kernel.requests[id].client)
    kernel.requests[id].attempt += 1
    let now = kernel.now
    let sendAt = kernel.requests[id].usesDiscoveryBucket ? runBuckets[Int(kernel.requests[id].discoveryRun)]!.reserve(now: now)
      : clients[client].tokenBucket?.reserve(now: now) ?? now
    if sendAt > now {
      kernel.requests.setPhase(id, .waitingForToken, at: kernel.now)
      kernel.schedule(Event.send(request: id, generation: kernel.requests[id].generation), at: sendAt)
    } else {
      send(id, &kernel)
    }
  }

  /// The request leaves the client for a control-plane instance that takes traffic (a load
  /// balancer in front of HA instances skips one that is down or whose `/readyz` fails:
  /// `Kernel.loadBalanced`; which one: `instance(for:_:)`).
  /// The first attempt starts the client's timeout, which spans the retries.
  mutating func send(_ id: UInt32, _ kernel: inout Kernel) {
    let client = Int(kernel.requests[id].client)
    let timeout = kernel.requests[id].clientTimeout
    if kernel.requests[id].attempt == 1, timeout > .zero {
      kernel.requests[id].senderTimeout = kernel.scheduleCancellable(
        Event.timeout(request: id, incarnation: kernel.requests[id].incarnation), after: timeout, lane: kernel.lanes.lane(for: timeout))
    }
    let instance = instance(for: client, &kernel)
    kernel.requests[id].instance = Int32(instance)
    kernel.requests.setPhase(id, .toControlPlane, at: kernel.now)
    metrics[client].sent += 1
    if kernel.requests[id].apiService >= 0 { apiServiceMetrics[Int(kernel.requests[id].apiService)].sent += 1 }
    let generation = kernel.requests[id].generation
    if let delay = kernel.links.clientDelay(client, at: kernel.now, isRequest: true) {
      kernel.schedule(ControlPlane.Event.arrive(request: id, generation: generation), after: delay,
                      lane: kernel.links.clientLane(client, isRequest: true))
    } else {
      // A partitioned client link: the client's dial fails after client-go's 30 s dial timeout.
      kernel.requests[id].reason = .apiserverDialTimeout
      kernel.requests.setPhase(id, .toClient, at: kernel.now)
      kernel.schedule(Event.answer(request: id, generation: generation), after: dialTimeout)
    }
  }

  /// The instance a request of `client` goes to (`ClientSpec.connection`): the next one in turn
  /// (`.perRequest`), or the one its connection is on (`.pinned`), connecting first to a random
  /// one when it has none or its instance stopped taking traffic. `inout` only so that the kernel
  /// is not copied.
  @inline(__always) mutating func instance(for client: Int, _ kernel: inout Kernel) -> Int {
    guard let connection = clients[client].connectionStream else {
      let instance = kernel.loadBalanced(from: clients[client].nextInstance)
      clients[client].nextInstance = (instance + 1) % kernel.instances
      return instance
    }
    let current = clients[client].connectedInstance
    if current >= 0 && kernel.takesTraffic(current) && kernel.balancerSends(current) { return current }
    let instance = kernel.loadBalanced(from: connection.integer(below: kernel.instances))
    clients[client].connectedInstance = instance
    return instance
  }

  /// The final answer of an attempt reached the client: a 429 is retried after its Retry-After;
  /// otherwise the request is counted (unless the client gave up on it before).
  mutating func answerArrived(_ id: UInt32, _ kernel: inout Kernel) -> Answer {
    let record = kernel.requests[id]
    guard !record.clientGaveUp else { return .abandoned }
    let client = Int(record.client)
    if record.outcome == .tooManyRequests,
       case .retry(let after) = clients[client].spec.retry.decision(status: 429, retryAfter: record.retryAfter,
                                                                     attempt: Int(record.attempt)) {
      kernel.requests[id].generation &+= 1
      kernel.requests.setPhase(id, .waitingForRetry, at: kernel.now)
      metrics[client].retries += 1
      kernel.schedule(Event.retry(request: id, generation: kernel.requests[id].generation), after: after)
      return .retrying
    }
    kernel.cancel(record.senderTimeout)
    recordCompletion(id, reason: record.reason, &kernel)
    return .completed(run: record.discoveryRun, record.outcome)
  }

  /// The client stopped waiting: it counts a timeout now (the caller then cancels what the control
  /// plane still does for it). Returns the request's discovery run (-1: none), or nil when the
  /// timeout is stale (the request ended, or the record was reused).
  mutating func timeoutExpired(_ id: UInt32, incarnation: UInt32, _ kernel: inout Kernel) -> Int32? {
    let record = kernel.requests[id]
    guard record.incarnation == incarnation, record.phase != .free, !record.clientGaveUp else { return nil }
    kernel.requests[id].clientGaveUp = true
    recordCompletion(id, reason: .clientTimeout, &kernel)
    return record.discoveryRun
  }

  /// A closed-loop user thinks, then sends its next request.
  mutating func continueUser(of id: UInt32, _ kernel: inout Kernel) {
    guard case .client(let user) = kernel.requests[id].origin, user >= 0 else { return }
    let client = Int(kernel.requests[id].client)
    guard case .closed(_, let think) = clients[client].spec.workload else { return }
    kernel.schedule(Event.fires(client: Int32(client), user: user), after: think.sample(clients[client].thinkStream))
  }

  // MARK: Discovery runs' buckets

  /// Discovery run `run` gets its own discovery token bucket (kubectl's per-process 50/300).
  mutating func startRunBucket(_ run: Int32, limit: RateLimitSpec, at now: SimTime) {
    while runBuckets.count <= Int(run) { runBuckets.append(nil) }
    runBuckets[Int(run)] = TokenBucket(qps: limit.qps, burst: limit.burst, start: now)
  }

  // MARK: Statistics

  /// Counts a request that ended (by its end time: statistics kept during the warm-up are
  /// reset when it ends), in its bucket and, if sampled, in the trace.
  private mutating func recordCompletion(_ id: UInt32, reason: EndReason, _ kernel: inout Kernel) {
    let record = kernel.requests[id]
    let outcome = reason.outcome
    let latency = kernel.now - record.firstSent
    let stages = kernel.requests.stages(of: id, at: kernel.now)
    assert(stages.total == latency, "the stages of request \(id) add up to \(stages.total), its latency is \(latency)")
    let client = Int(record.client), apiService = Int(record.apiService)
    if case .client(let user) = record.origin, user < 0 { outstanding[client] -= 1 }
    metrics[client].record(outcome, latency: latency, stages: stages, metStreamCap: record.metStreamCap)
    if case .client = record.origin {
      assert(Int(clients[client].apiService) == apiService, "a client's own request goes to the client's APIService")
    } else if apiService >= 0 {
      apiServiceMetrics[apiService].record(outcome, latency: latency, stages: stages, metStreamCap: record.metStreamCap)
    }
    countInBucket(scope: client, outcome: outcome, latency: latency)
    if apiService >= 0 { countInBucket(scope: clients.count + apiService, outcome: outcome, latency: latency) }
    if kernel.recorder.samplesRequest() {
      kernel.recorder.trace.append(RequestTraceEntry(
        client: client, apiService: apiService, kind: record.kind, start: record.firstSent, end: kernel.now,
        reason: reason, attempts: Int(record.attempt), instance: Int(record.instance), pod: Int(record.pod), stages: stages))
    }
  }

  private mutating func countInBucket(scope: Int, outcome: Outcome, latency: SimDuration) {
    bucketOutcomes[scope * Outcome.allCases.count + outcome.rawValue] += 1
    bucketLatencySeconds[scope] += latency.seconds
  }

  /// Per APIService, what its scope saw: its own counts, and the ended requests of every client
  /// that targets it (recorded in the client's scope only, see `metrics`).
  func apiServiceScopes() -> [ScopeMetrics] {
    var scopes = apiServiceMetrics
    for (client, state) in clients.enumerated() where state.role == .requests && state.apiService >= 0 {
      scopes[Int(state.apiService)].mergeEndedRequests(metrics[client])
    }
    return scopes
  }

  /// Counts the values every scope's histograms still hold back, before the result is read.
  mutating func flushHistograms() {
    for index in metrics.indices { metrics[index].flushHistograms() }
    for index in apiServiceMetrics.indices { apiServiceMetrics[index].flushHistograms() }
  }

  mutating func resetStatistics() {
    for index in metrics.indices { metrics[index].reset() }
    for index in apiServiceMetrics.indices { apiServiceMetrics[index].reset() }
  }
}
