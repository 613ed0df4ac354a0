import SimCore

/// Where a request is on its path (for assertions and the request trace).
enum RequestPhase: UInt8 {
  case free, waitingForToken, toControlPlane, inFilters, queuedForAdmission, inLocalHandler,
       waitingForConnection, toPod, inPod, toControlPlaneFromPod, toClient, waitingForRetry
}

/// One client request across its attempts. Records live in one array and are reused through a
/// free list, so a run allocates nothing per request once the table has grown to the peak
/// number of requests in flight. `generation` moves on with every attempt and whenever the
/// control plane finishes with an attempt, so that events of an earlier attempt are dropped.
struct RequestRecord {
  var phase = RequestPhase.free
  var generation: UInt32 = 0
  /// Counts the uses of this record, so that the client timeout (which spans attempts) can tell
  /// its request from a later one that reuses the record.
  var incarnation: UInt32 = 0
  var client: Int32 = -1
  /// The closed-loop user that sent it, or -1 for an open workload.
  var user: Int32 = -1
  var attempt: Int32 = 0
  var firstSent = SimTime.zero
  var instance: Int32 = 0
  /// Index in the registry, or -1 when the target does not exist.
  var apiService: Int32 = -1
  var kind = RequestKind.get
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
  var deadline: EventHandle?
  var discoveryCap: EventHandle?
  var clientTimeout: EventHandle?
  /// The client stopped waiting; the control plane does not know and goes on.
  var clientGaveUp = false
  var outcome = Outcome.ok
  var retryAfter = SimDuration.zero
  /// A SubjectAccessReview a pod sent on behalf of request `reviewFor` (this record is then not
  /// a client request: `server` and `pod` are the reviewer's, `client` the reviewed request's).
  var isReview = false
  var reviewFor: UInt32 = 0
  var reviewForGeneration: UInt32 = 0
  /// The pod's crash count when the review was sent (a crash forgets the waiting worker).
  var podEpoch: UInt32 = 0
  var reviewTimeout: EventHandle?
  /// An availability controller's discovery probe (`client` is -1; no admission, no metrics):
  /// `probeCheck` is the generation of the check it belongs to (research §4.2).
  var isProbe = false
  var probeCheck: UInt32 = 0
  /// An OpenAPI controller's download (2 or 3; 0: not one), and whether the registration worker
  /// waits for it (research §4.3).
  var openAPIVersion: UInt8 = 0
  var openAPIForRegistration = false
  /// Answered without a body to count on the link: an OpenAPI 304 or v3 index, a 404 or 406 to
  /// the discovery manager's `GET /apis`.
  var bodyless = false
  /// The discovery run (kubectl invocation, controller sync) this request belongs to, or -1.
  var invocation: Int32 = -1
  /// Answered by the control plane's own handler whatever `apiService` says (`/api`, `/apis`, a
  /// CRD group-version).
  var servedLocally = false
  /// Waits for the client's discovery token bucket instead of its ordinary one.
  var usesDiscoveryBucket = false
  /// A discovery manager's fetch (no client: `client` is -1).
  var isDiscoveryFetch = false
  /// The fetch is the legacy fallback (`GET /apis/<g>/<v>` as `system:kube-aggregator`, without
  /// `system:masters`) that followed an unusable answer to the aggregated `GET /apis`.
  var isLegacyFallback = false
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
