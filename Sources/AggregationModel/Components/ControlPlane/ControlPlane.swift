import SimCore

/// The kube-apiserver instances in front of the aggregator (research §1b, §1d, §2): a request
/// that reaches an instance gets its deadline (`deadline(of:)`: its `?timeout=` when shorter than
/// the 60 s `--request-timeout`, from 1.21; → 504), passes the authn/audit/authz filters, and is
/// admitted by APF or max-in-flight (executing, queued with a wait limit of a quarter of its
/// deadline (of the 60 s before 1.29), or rejected with 429 and Retry-After); then the aggregator routes it
/// (`routeDecision`): the in-process handler for a local group-version, 503 at once for an
/// APIService the instance's proxy holds unavailable, or the proxy, which caps `/apis/<g>/<v>` at
/// 5 s. Extension servers' SubjectAccessReviews are admitted and answered here too
/// (`ControlPlane+Reviews.swift`).
struct ControlPlane {
  enum Event: ComponentEvent {
    /// The request reached its control-plane instance.
    case arrive(request: UInt32, generation: UInt32)
    /// Authentication, audit and authorization are done: admission next.
    case filtersDone(request: UInt32, generation: UInt32)
    /// A request queued by APF reached its queue wait limit.
    case queueWaitExpires(request: UInt32, generation: UInt32)
    /// The in-process handler of a local APIService answered.
    case localHandlerDone(request: UInt32, generation: UInt32)
    /// The request deadline passed: 504.
    case deadlineExpires(request: UInt32, generation: UInt32)
    /// The 5 s cap on `/apis/<g>/<v>` passed: 503.
    case discoveryCapExpires(request: UInt32, generation: UInt32)
    /// A pod's SubjectAccessReview reached the control plane.
    case reviewArrives(review: UInt32, generation: UInt32)
    /// The control plane evaluated the review.
    case reviewHandled(review: UInt32, generation: UInt32)
    /// APF's borrowing controller of an instance re-allocates the levels' seats (every 10 s).
    case adjustConcurrency(instance: Int32, epoch: UInt32)
    /// A step of a priority level's background demand starts (on every instance).
    case backgroundStep(level: Int32, step: Int32)
    /// A gracefully stopping instance's shutdown delay has passed: it stops listening.
    case stopListening(instance: Int32, epoch: UInt32)
    /// A gracefully stopping instance that no longer listens answered its last in-flight request.
    case drained(instance: Int32, epoch: UInt32)

    var modelEvent: ModelEvent { .controlPlane(self) }
  }

  /// What admission made of a request whose filters are done.
  enum Admitted {
    /// It executes: route it.
    case route
    /// It waits in an APF queue (its wait limit is scheduled).
    case queued
    /// 429: finish it.
    case rejected
  }

  /// Where the aggregator sends an admitted request.
  enum Routing {
    /// Answered now, without a backend: finish it for this reason.
    case finish(EndReason)
    /// The in-process handler is working on it.
    case local
    /// To the proxy's transport towards `server`.
    case proxy(server: Int32)
  }

  let spec: ControlPlaneSpec
  /// The release's deadline rules (`VersionBehaviour.deadlineFromTimeoutParameter` and
  /// `.queueWaitFromRequestDeadline`), resolved once: they are read for every request.
  let deadlineFromTimeoutParameter: Bool, queueWaitFromRequestDeadline: Bool
  /// Per instance: its admission filter.
  var admission: [AdmissionState]
  /// Per instance: client requests between arrival and the control plane's answer.
  var inFlight: [Int]
  /// Per instance: where it is in a graceful shutdown (`ControlPlane+Shutdown`).
  var shutdown: [ShutdownPhase]
  /// The calendar lanes of the deadline, the discovery cap, and a constant filter overhead or
  /// local handler time.
  let deadlineLane: Int?, capLane: Int?, filterLane: Int?, localLane: Int?
  let filterStream: RandomSource
  let localHandlerStream: RandomSource
  /// The control plane's stream of SubjectAccessReview handling times.
  let reviewStream: RandomSource
  /// Per instance and APF level: the level's time-series scope `<instance>/<level>`.
  let levelScopes: [[String]]

  /// The control plane of `spec` (its streams were created in this order, after the clients').
  init(_ spec: ModelSpec, instances: Int, streams: StreamRegistry, filterStream: RandomSource, lanes: TimerLanes) {
    self.spec = spec.controlPlane
    let version = VersionBehaviour(spec.version)
    deadlineFromTimeoutParameter = version.deadlineFromTimeoutParameter
    queueWaitFromRequestDeadline = version.queueWaitFromRequestDeadline
    deadlineLane = lanes.lane(for: spec.controlPlane.requestTimeout)
    capLane = lanes.lane(for: spec.controlPlane.proxy.discoveryCap?.duration)
    filterLane = lanes.lane(for: spec.controlPlane.filterOverhead.constantValue)
    localLane = lanes.lane(for: spec.controlPlane.localHandlerTime.constantValue)
    self.filterStream = filterStream
    localHandlerStream = streams.stream("controlplane/local-handler").source
    reviewStream = streams.stream("controlplane/subject-access-review").source
    let subjects = spec.clients.map(\.identity)
    let reviewers = spec.extensionServers.map { $0.authorization?.identity ?? .serviceAccount(namespace: $0.service.namespace, name: $0.name) }
    admission = (0..<instances).map { _ in
      AdmissionState(spec.controlPlane.admission, subjects: subjects, reviewers: reviewers, version: spec.version)
    }
    inFlight = Array(repeating: 0, count: instances)
    shutdown = Array(repeating: .serving, count: instances)
    levelScopes = admission.enumerated().map { instance, state in (state.apf?.levelNames ?? []).map { "\(instance)/\($0)" } }
  }

  /// The request reached its instance: the deadline starts, then the filters run. A request the
  /// client gave up on while it was on the wire is dropped (its stream is already reset).
  mutating func arrive(_ id: UInt32, _ kernel: inout Kernel) {
    guard !kernel.requests[id].clientGaveUp else {
      kernel.requests.release(id)
      return
    }
    let instance = Int(kernel.requests[id].instance)
    guard accepts(instance, kernel) else {
      // The load balancer's one retry on another instance (`redispatch`), else the refusal.
      if let other = redispatchTarget(from: instance, kernel) {
        kernel.requests[id].instance = Int32(other)
        arrive(id, &kernel)
      } else {
        refuse(id, &kernel)
      }
      return
    }
    let generation = kernel.requests[id].generation
    kernel.requests.setPhase(id, .inFilters, at: kernel.now)
    inFlight[Int(kernel.requests[id].instance)] += 1
    let deadline = deadline(of: kernel.requests[id])
    kernel.requests[id].deadline = kernel.scheduleCancellable(
      Event.deadlineExpires(request: id, generation: generation), after: deadline,
      lane: deadline == spec.requestTimeout ? deadlineLane : kernel.lanes.lane(for: deadline))
    let overhead = spec.filterOverhead.sample(filterStream)
    kernel.schedule(Event.filtersDone(request: id, generation: generation), after: overhead, lane: filterLane)
  }

  /// Authentication and audit are done: admission (APF or max-in-flight) decides. A queued or
  /// executing request holds its place until the caller releases it (`releaseAdmission`).
  mutating func admit(_ id: UInt32, _ kernel: inout Kernel) -> Admitted {
    let instance = Int(kernel.requests[id].instance)
    let client = Int(kernel.requests[id].client)
    let deadline = kernel.now + queueWaitBasis(of: kernel.requests[id])
    switch admission[instance].admit(id, client: client, kind: kernel.requests[id].kind, now: kernel.now, deadline: deadline) {
    case .execute:
      kernel.requests[id].holdsAdmission = true
      return .route
    case .queued(_, let until):
      waitInQueue(id, until: until, &kernel)
      return .queued
    case .rejected(_, let retryAfter):
      kernel.requests[id].retryAfter = retryAfter
      return .rejected
    }
  }

  /// The request's deadline from its arrival: its `?timeout=` when positive and shorter than
  /// `--request-timeout` (from 1.21, `VersionBehaviour.deadlineFromTimeoutParameter`), else
  /// `--request-timeout`.
  func deadline(of record: RequestRecord) -> SimDuration {
    let parameter = record.timeoutParameter
    guard deadlineFromTimeoutParameter, parameter > .zero, parameter < spec.requestTimeout else { return spec.requestTimeout }
    return parameter
  }

  /// The deadline APF divides by four for the queue-wait limit: the request's own from 1.29
  /// (`VersionBehaviour.queueWaitFromRequestDeadline`), `--request-timeout` before. Measured from
  /// the end of the filters (the audit's §2.7 note: from the arrival in Kubernetes).
  func queueWaitBasis(of record: RequestRecord) -> SimDuration {
    queueWaitFromRequestDeadline ? deadline(of: record) : spec.requestTimeout
  }

  /// APF queued the request: it holds its place in the queue until dispatched or `until`.
  mutating func waitInQueue(_ id: UInt32, until: SimTime, _ kernel: inout Kernel) {
    kernel.requests[id].holdsAdmission = true
    kernel.requests.setPhase(id, .queuedForAdmission, at: kernel.now)
    kernel.scheduleTimer(Event.queueWaitExpires(request: id, generation: kernel.requests[id].generation), at: until)
  }

  /// The queue wait limit of a request APF queued: true when it was still waiting (now rejected:
  /// a client request gets its Retry-After; a review goes back to its pod with it). `dispatched` gets
  /// the queued requests its departure lets through.
  mutating func queueWaitExpired(_ id: UInt32, _ kernel: inout Kernel, dispatched: inout [UInt32]) -> Bool {
    guard kernel.requests[id].phase == .queuedForAdmission else { return false }
    let instance = Int(kernel.requests[id].instance)
    guard admission[instance].queueWaitExpired(id, now: kernel.now, dispatched: &dispatched) else { return false }
    kernel.requests[id].holdsAdmission = false
    let classifications = kernel.requests[id].origin.isReview ? admission[instance].serverClassifications : admission[instance].classifications
    let subject = kernel.requests[id].origin.isReview ? Int(kernel.requests[id].server) : Int(kernel.requests[id].client)
    let level = classifications.isEmpty ? 0 : classifications[subject].level
    kernel.requests[id].retryAfter = admission[instance].retryAfter(level: level)
    if kernel.requests[id].origin.isReview { answerReview(id, .tooManyRequests, &kernel) }
    return true
  }

  /// Frees the request's admission seat (or queue place); `dispatched` gets the queued requests
  /// this lets run.
  mutating func releaseAdmission(_ id: UInt32, _ kernel: inout Kernel, dispatched: inout [UInt32]) {
    guard kernel.requests[id].holdsAdmission else { return }
    kernel.requests[id].holdsAdmission = false
    admission[Int(kernel.requests[id].instance)].finish(id, now: kernel.now, dispatched: &dispatched)
  }

  /// Admitted: the aggregator serves it locally, answers at once, or proxies it (research §2.2).
  mutating func routeDecision(_ id: UInt32, _ kernel: inout Kernel) -> Routing {
    let record = kernel.requests[id]
    let apiService = Int(record.apiService)
    // An unknown group-version: a fast local 404, counted with the unreachable targets.
    guard apiService >= 0 || record.servedLocally else { return .finish(.notFound) }
    guard !record.servedLocally, kernel.registry.isServiceBacked(apiService) else {
      kernel.requests.setPhase(id, .inLocalHandler, at: kernel.now)
      kernel.schedule(Event.localHandlerDone(request: id, generation: record.generation),
                      after: spec.localHandlerTime.sample(localHandlerStream), lane: localLane)
      return .local
    }
    // 503 `service unavailable`, no backend contact.
    guard kernel.registry.proxyHolds(instance: Int(record.instance), apiService) else { return .finish(.serviceUnavailable) }
    guard record.server >= 0 else { return .finish(.noEndpoints) }
    if record.isGroupVersionDiscovery, let cap = spec.proxy.discoveryTimeout {
      kernel.requests[id].discoveryCap = kernel.scheduleCancellable(
        Event.discoveryCapExpires(request: id, generation: record.generation), after: cap, lane: capLane)
    }
    kernel.requests.setPhase(id, .waitingForConnection, at: kernel.now)
    return .proxy(server: record.server)
  }

  /// The control plane's answer to a client request goes back over the client's link (a
  /// partitioned link: the client's dial fails after the dial timeout). Later events of the
  /// attempt are stale.
  mutating func respond(_ id: UInt32, _ reason: EndReason, _ kernel: inout Kernel) {
    kernel.requests[id].reason = reason
    let instance = Int(kernel.requests[id].instance)
    inFlight[instance] -= 1
    if inFlight[instance] == 0 && shutdown[instance] == .draining {
      kernel.schedule(Event.drained(instance: Int32(instance), epoch: kernel.instanceEpoch[instance]), after: .zero)
    }
    answerClient(id, &kernel)
  }

  /// The instance's apiserver died: its seats, queues and in-flight count are gone (the caller
  /// has answered the requests it held); it starts again with a fresh filter.
  mutating func instanceStopped(_ instance: Int, at now: SimTime) {
    admission[instance].restarted(at: now)
    inFlight[instance] = 0
    shutdown[instance] = .serving
  }

  /// The request reached an instance that is down: its connection is refused, and the refusal
  /// travels back to the client (`unreachable`).
  mutating func refuse(_ id: UInt32, _ kernel: inout Kernel) {
    kernel.requests[id].reason = .apiserverConnectionRefused
    answerClient(id, &kernel)
  }

  /// The answer of the attempt leaves for the client over its link (a partitioned link: the
  /// client's dial fails after the dial timeout). Later events of the attempt are stale.
  /// Inlined: called from a mutating method, a non-mutating call copied the whole control plane.
  @inline(__always) private func answerClient(_ id: UInt32, _ kernel: inout Kernel) {
    kernel.requests[id].generation &+= 1
    kernel.requests.setPhase(id, .toClient, at: kernel.now)
    let client = Int(kernel.requests[id].client)
    let answer = ClientFleet.Event.answer(request: id, generation: kernel.requests[id].generation)
    if let delay = kernel.links.clientDelay(client, at: kernel.now, isRequest: false) {
      kernel.schedule(answer, after: delay, lane: kernel.links.clientLane(client, isRequest: false))
    } else {
      kernel.schedule(answer, after: spec.proxy.dialTimeout)
    }
  }

  mutating func resetStatistics(at now: SimTime) {
    for instance in admission.indices { admission[instance].apf?.resetStatistics(at: now) }
  }

  /// Each APF priority level of each instance (instance-major, levels in configuration order).
  func priorityLevels(at end: SimTime) -> [PriorityLevelMetrics] {
    var levels: [PriorityLevelMetrics] = []
    for (instance, state) in admission.enumerated() {
      guard let apf = state.apf else { continue }
      for (level, name) in apf.levelNames.enumerated() {
        let limit = apf.concurrencyLimits[level]
        // With borrowing, seats are used against the time-weighted current limit.
        let current = apf.borrows ? apf.concurrencyLimitStatistic(level: level).mean(upTo: end) : Double(limit)
        let waits = apf.queueWaitTally(level: level)
        levels.append(PriorityLevelMetrics(
          instance: instance, level: name, concurrencyLimit: limit, meanConcurrencyLimit: limit > 0 ? current : 0,
          seatUtilisation: limit > 0 && current > 0 ? apf.seatsInUseStatistic(level: level).mean(upTo: end) / current : 0,
          meanQueueLength: apf.queueLengthStatistic(level: level).mean(upTo: end),
          meanQueueWaitSeconds: waits.count > 0 ? waits.mean : 0,
          rejected: apf.rejectedCount(level: level), dispatched: waits.count))
      }
    }
    return levels
  }
}
