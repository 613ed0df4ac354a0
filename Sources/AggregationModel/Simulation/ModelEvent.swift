/// The events of the aggregation model. They carry indices into the simulation's tables (and a
/// request's generation, so that a timer or a message of an earlier attempt is recognised as
/// stale and dropped), never objects or closures, so a calendar entry stays small.
enum ModelEvent {
  /// An open workload's next arrival, or a closed-loop user's next send (`user` ≥ 0).
  case clientFires(client: Int32, user: Int32)
  /// A retry's Retry-After has passed: the attempt waits for the token bucket again.
  case retryRequest(request: UInt32, generation: UInt32)
  /// The client's token bucket lets the request go.
  case sendRequest(request: UInt32, generation: UInt32)
  /// The request reached its control-plane instance.
  case arriveAtControlPlane(request: UInt32, generation: UInt32)
  /// Authentication, audit and authorization are done: admission next.
  case filtersDone(request: UInt32, generation: UInt32)
  /// A request queued by APF reached its queue wait limit.
  case queueWaitExpires(request: UInt32, generation: UInt32)
  /// The in-process handler of a local APIService answered.
  case localHandlerDone(request: UInt32, generation: UInt32)
  /// The request reached its backend pod.
  case arriveAtPod(request: UInt32, generation: UInt32)
  /// A pod's worker finished the request.
  case serviceDone(request: UInt32, generation: UInt32, server: Int32, pod: Int32)
  /// The backend's answer (or a transport error) reached the control plane.
  case backendAnswer(request: UInt32, generation: UInt32, reply: BackendReply)
  /// The answer reached the client.
  case arriveAtClient(request: UInt32, generation: UInt32)
  /// The request deadline (60 s) passed: 504.
  case deadlineExpires(request: UInt32, generation: UInt32)
  /// The 5 s cap on `/apis/<g>/<v>` passed: 503.
  case discoveryCapExpires(request: UInt32, generation: UInt32)
  /// The client stopped waiting (`incarnation` identifies the request across its attempts).
  case clientTimeoutExpires(request: UInt32, incarnation: UInt32)
  /// A connection finished its TCP and TLS handshakes, or failed them.
  case connectionSetupDone(connection: Int32, generation: UInt32, reply: BackendReply)
  /// The HTTP/2 health check of a silent connection closes it.
  case connectionHealthCheck(connection: Int32, generation: UInt32)
  /// A scheduled fault of a server begins or ends.
  case faultBegins(server: Int32, fault: Int32)
  case faultEnds(server: Int32, fault: Int32)
  /// The kubelet noticed a pod's crash (`epoch`: the pod's crash count then): it drops out of
  /// the Service's ready endpoints unless it has restarted since.
  case crashSeen(server: Int32, pod: Int32, epoch: UInt32)
  /// The kubelet's readiness-probe ticker of a pod fires.
  case readinessProbeTick(server: Int32, pod: Int32)
  /// A readiness probe was not answered within its timeout (stale unless `generation` is current).
  case readinessProbeTimeout(server: Int32, pod: Int32, generation: UInt32)
  /// A random fault (process `process` of the server's `faultProcesses`) strikes or is repaired.
  case randomFaultBegins(server: Int32, process: Int32, pod: Int32)
  case randomFaultEnds(server: Int32, process: Int32, pod: Int32)
  /// A pod's SubjectAccessReview reached the control plane.
  case reviewArrives(review: UInt32, generation: UInt32)
  /// The control plane evaluated the review.
  case reviewHandled(review: UInt32, generation: UInt32)
  /// The review's answer (allowed, or a failure such as 429) reached the pod.
  case reviewAnswer(review: UInt32, generation: UInt32, allowed: Bool)
  /// The pod's review client stopped waiting (10 s).
  case reviewTimeout(review: UInt32, generation: UInt32)
  /// A request queued by a pod's own APF reached its queue wait limit.
  case podQueueWaitExpires(request: UInt32, generation: UInt32)
  /// An instance's availability controller starts: its informer lists every APIService.
  case availabilityStarts(instance: Int32)
  /// An instance's availability controller re-enqueues every service-backed APIService.
  case availabilityResync(instance: Int32)
  /// The rate-limited requeue of an APIService whose check failed (stale unless `generation` is current).
  case availabilityRetry(instance: Int32, apiService: Int32, generation: UInt32)
  /// A status write reached an instance's informer (watch event).
  case statusArrives(instance: Int32, apiService: Int32, available: Bool)
  /// The instance's registration worker installed the APIService's status in its proxy.
  case registrationDone(instance: Int32, apiService: Int32)
  /// The discovery manager of `instance` enqueues the fetch of an APIService (retry or refresh;
  /// stale unless `generation` is current).
  case discoveryFetchDue(instance: Int32, apiService: Int32, generation: UInt32)
  /// The discovery manager's 1-minute loop marks every APIService dirty (before 1.36).
  case discoveryResync(instance: Int32)
  /// The namespace controller syncs a Terminating namespace (after the grace period or a requeue).
  case namespaceSyncDue(namespace: Int32)
  /// A namespace's content is deleted: it is finalized.
  case namespaceFinalized(namespace: Int32)
  /// An OpenAPI controller's `AddAfter` of an APIService is due (stale unless `generation` is current).
  case openAPIDownloadDue(instance: Int32, version: UInt8, apiService: Int32, generation: UInt32)
  /// A time-series bucket ends.
  case timeBucketEnds
  /// Statistics start here.
  case warmupEnds
}

/// What came back from a backend exchange: an answer, a 429 from the pod's own limit, or a
/// transport error, whose Go text the aggregator's 503 carries (`error trying to reach service:
/// <detail>`, research §2.3).
enum BackendReply: UInt8 {
  case ok
  case tooManyRequests
  case connectionRefused
  case dialTimeout
  case tlsHandshakeTimeout
  case connectionLost
  case connectionReset
  /// 500 from the pod (its authorization failed).
  case internalError

  var detail: String {
    switch self {
    case .ok, .tooManyRequests, .internalError: ""
    case .connectionRefused: "dial tcp: connect: connection refused"
    case .dialTimeout: "dial tcp: i/o timeout"
    case .tlsHandshakeTimeout: "net/http: TLS handshake timeout"
    case .connectionLost: "http2: client connection lost"
    case .connectionReset: "read: connection reset by peer"
    }
  }
}
