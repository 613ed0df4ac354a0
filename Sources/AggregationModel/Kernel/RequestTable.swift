import SimCore

/// Where a request is on its path (for assertions, the request trace and what a client timeout
/// must cancel).
enum RequestPhase: UInt8 {
  case free, waitingForToken, toControlPlane, inFilters, queuedForAdmission, inLocalHandler,
       waitingForConnection, toPod, inPod, toControlPlaneFromPod, toClient, waitingForRetry

  /// The stage of the latency a request in this phase is in (`inPod` starts in the pod's
  /// queues; taking a worker moves it to `service`); nil for a free record.
  var stage: RequestStage? {
    switch self {
    case .free: nil
    case .waitingForToken: .throttle
    case .toControlPlane, .toPod: .networkOut
    case .inFilters: .filters
    case .queuedForAdmission: .apfQueue
    case .inLocalHandler: .service
    case .waitingForConnection: .connectionWait
    case .inPod: .podQueue
    case .toControlPlaneFromPod, .toClient: .networkBack
    case .waitingForRetry: .retryBackoff
    }
  }
}

/// Who sent a request, and so who hears how it ended. Every switch over it is exhaustive, so a
/// new kind of sender is a compile error everywhere its requests need a decision.
enum RequestOrigin: Equatable {
  /// A client's request: an open workload's (`user` -1) or a closed-loop user's.
  case client(user: Int32)
  /// A request of discovery run `run` (a kubectl invocation, a garbage-collector or namespace
  /// sync): `GET /api`, `/apis`, each `/apis/<g>/<v>`, or kubectl's resource GET after it.
  case discoveryRun(Int32)
  /// One of the availability controller's parallel probes (`GET /apis/<g>/<v>` as
  /// `system:masters`) of the check with generation `check` (research §4.2).
  case probe(check: UInt32)
  /// A discovery manager's aggregated `GET /apis`, or its legacy fallback `GET /apis/<g>/<v>`
  /// sent as `system:kube-aggregator` without `system:masters` (research §3.2).
  case discoveryFetch(legacyFallback: Bool)
  /// An OpenAPI controller's download of the v2 or v3 spec; `forRegistration` when the
  /// registration worker waits for it (research §4.3).
  case openAPI(version: UInt8, forRegistration: Bool)
  /// A SubjectAccessReview a pod sent to authorize request `reviewed` (as it was at
  /// `reviewedGeneration`); `podEpoch` is the pod's crash count then (a crash forgets the
  /// waiting worker); `subject` is the pod's authorization-cache slot of the reviewed user.
  case review(reviewed: UInt32, reviewedGeneration: UInt32, podEpoch: UInt32, subject: Int32)

  /// An availability probe.
  var isProbe: Bool {
    if case .probe = self { true } else { false }
  }

  /// Requests the control plane sends on its own behalf as `system:masters`: exempt from APF
  /// and from an extension server's own admission (research §3.2, §4.2, §6).
  var isControlPlaneOwn: Bool {
    switch self {
    case .probe, .discoveryFetch, .openAPI: true
    case .client, .discoveryRun, .review: false
    }
  }
}

/// One request across its attempts. Records live in one array and are reused through a free
/// list, so a run allocates nothing per request once the table has grown to the peak number of
/// requests in flight. `generation` moves on with every attempt and whenever the control plane
/// finishes with an attempt, so that events of an earlier attempt are recognised and dropped.
struct RequestRecord {
  /// Set through `RequestTable.setPhase(_:_:at:)`, which keeps `stages` (the record's own
  /// assignment is only `release`'s `.free`).
  var phase = RequestPhase.free
  /// The stage the request is in now (nil before its first phase), since `stageSince`.
  var stage: RequestStage?
  var stageSince = SimTime.zero
  /// The time spent in each stage until `stageSince`.
  var stages = StageDurations()
  var generation: UInt32 = 0
  /// Counts the uses of this record, so that the client timeout (which spans attempts) can tell
  /// its request from a later one that reuses the record.
  var incarnation: UInt32 = 0
  var origin = RequestOrigin.client(user: -1)
  /// The client that sent it (client requests and discovery runs); -1 for the control plane's own.
  var client: Int32 = -1
  var attempt: Int32 = 0
  var firstSent = SimTime.zero
  var instance: Int32 = 0
  /// Index in the registry, or -1 when the target does not exist (or a discovery run's local
  /// `/api` and `/apis`).
  var apiService: Int32 = -1
  var kind = RequestKind.get
  /// A legacy `/apis/<g>/<v>` request, proxied under the 5 s cap.
  var isGroupVersionDiscovery = false
  var server: Int32 = -1
  var pod: Int32 = -1
  /// The connection whose stream the request holds, or -1.
  var connection: Int32 = -1
  /// The connection whose handshakes the request waits for, or -1.
  var setupConnection: Int32 = -1
  var holdsAdmission = false
  /// Holds a seat of (or waits in) the pod's own admission.
  var holdsPodAdmission = false
  var queuedAtPod = false
  /// The client stopped waiting; the control plane does not know and goes on.
  var clientGaveUp = false
  /// Answered without a body to count on the link: an OpenAPI 304 or v3 index, a 404 or 406 to
  /// the discovery manager's `GET /apis`.
  var bodyless = false
  /// Answered by the control plane's own handler whatever `apiService` says (`/api`, `/apis`, a
  /// CRD group-version).
  var servedLocally = false
  /// Waits for its discovery run's token bucket instead of the client's ordinary one.
  var usesDiscoveryBucket = false
  /// An attempt found every connection it could use at the HTTP/2 stream cap (the transport
  /// opened another connection or queued it): counted as `stream_cap_hits` when it ends.
  var metStreamCap = false
  /// How the attempt ended (set when it ends; its `outcome` is the summary's category).
  var reason = EndReason.ok
  var retryAfter = SimDuration.zero
  /// The request's `?timeout=` parameter (zero: none): the server's deadline is the smaller of
  /// it and `--request-timeout` (`ControlPlane.deadline(of:)`).
  var timeoutParameter = SimDuration.zero
  /// The sender's own timeout (zero: none), armed when the first attempt leaves (after the token
  /// bucket): a client's, or a review client's per SubjectAccessReview call.
  var clientTimeout = SimDuration.zero
  /// A review's calls so far (the webhook authorizer's retries; each call has its own attempts).
  var webhookCalls: UInt8 = 0
  var deadline: EventHandle?
  var discoveryCap: EventHandle?
  /// The sender's own timeout: the client's (across attempts) or a review client's (10 s).
  var senderTimeout: EventHandle?

  /// The summary's category of how it ended.
  var outcome: Outcome { reason.outcome }

  /// Moves to `phase` at `now`, and to its stage.
  @inline(__always) mutating func setPhase(_ phase: RequestPhase, at now: SimTime) {
    self.phase = phase
    enter(phase.stage, at: now)
  }

  /// In `stage` from `now`: the time since the current stage began is added to the current one.
  @inline(__always) mutating func enter(_ stage: RequestStage?, at now: SimTime) {
    // In place: `stages = stages(at: now)` copied the 128-byte stage vector twice per phase change.
    if let current = self.stage { stages[current] = stages[current] + (now - stageSince) }
    self.stage = stage
    stageSince = now
  }

  /// The time spent in each stage until `now`, the current stage counted to `now`.
  @inline(__always) func stages(at now: SimTime) -> StageDurations {
    var stages = self.stages
    if let current = stage { stages[current] = stages[current] + (now - stageSince) }
    return stages
  }

  /// The discovery run it belongs to, or -1.
  var discoveryRun: Int32 {
    if case .discoveryRun(let run) = origin { return run }
    return -1
  }
}

/// The table of request records with its free list.
struct RequestTable {
  var records: [RequestRecord] = []
  var freeList: [UInt32] = []

  init(capacity: Int) {
    records.reserveCapacity(capacity)
    freeList.reserveCapacity(capacity)
  }

  /// A free record, reset for a new request (its generation keeps counting).
  mutating func allocate() -> UInt32 {
    if let id = freeList.popLast() {
      let generation = records[Int(id)].generation &+ 1
      let incarnation = records[Int(id)].incarnation &+ 1
      records[Int(id)] = RequestRecord()
      records[Int(id)].generation = generation
      records[Int(id)].incarnation = incarnation
      return id
    }
    records.append(RequestRecord())
    return UInt32(records.count - 1)
  }

  /// Moves request `id` to `phase` at `now`, closing its current stage and opening the phase's.
  @inline(__always) mutating func setPhase(_ id: UInt32, _ phase: RequestPhase, at now: SimTime) {
    records[Int(id)].setPhase(phase, at: now)
  }

  /// Request `id` is in `stage` from `now`: the time since the current stage began is added to it.
  @inline(__always) mutating func enter(_ stage: RequestStage?, _ id: UInt32, at now: SimTime) {
    records[Int(id)].enter(stage, at: now)
  }

  /// The time request `id` spent in each stage until `now` (its current stage counted to `now`).
  func stages(of id: UInt32, at now: SimTime) -> StageDurations { records[Int(id)].stages(at: now) }

  mutating func release(_ id: UInt32) {
    records[Int(id)].phase = .free
    records[Int(id)].generation &+= 1
    freeList.append(id)
  }

  /// True when an event of `generation` still concerns the request's current attempt.
  func isCurrent(_ id: UInt32, _ generation: UInt32) -> Bool {
    records[Int(id)].generation == generation && records[Int(id)].phase != .free
  }

  subscript(id: UInt32) -> RequestRecord {
    get { records[Int(id)] }
    _modify { yield &records[Int(id)] }
  }

  /// Requests in flight (allocated and not yet released).
  var inFlight: Int { records.count - freeList.count }
}
