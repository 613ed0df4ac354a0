import SimCore
internal import DequeModule

/// One request a pod holds: the request and the generation it had when it arrived (the record
/// may move on if the control plane gives up, while the pod goes on working).
struct PodJob {
  let request: UInt32
  let generation: UInt32
}

/// One pod of an extension server: its workers, its FIFO queue, its readiness and its fault state.
struct PodState {
  var busyWorkers = 0
  var queue = Deque<PodJob>()
  /// Jobs being served, with the handle of their completion (cancelled if the pod crashes).
  var inService: [(job: PodJob, completion: EventHandle)] = []
  /// Jobs whose service ended while the pod hung; they complete when the hang ends.
  var stalled: [PodJob] = []
  var crashed = false
  var hung = false
  var refusing = false
  var slowFactor = 1.0
  /// In the Service's ready endpoints (kube-proxy and endpoint routing pick only these).
  var ready = true
  /// Time-weighted busy workers, for utilisation.
  var busy = TimeWeightedStatistic()
  /// Time-weighted queue length, for the mean queue length.
  var queueLength = TimeWeightedStatistic()
  /// The same over the current time-series bucket.
  var bucketBusy = TimeWeightedStatistic()
  var served = 0
  /// Per client, then for `system:kube-aggregator` (the discovery manager's legacy fallback):
  /// the SubjectAccessReview cache (authorized until then).
  var authorizedUntil: [SimTime] = []
  /// The server's own admission (APF or max-in-flight), if it runs one (research §6, #97957).
  var admission: AdmissionState?
  /// Counts crashes (work in progress, including workers waiting for a review, is lost).
  var epoch: UInt32 = 0

  var isAcceptingConnections: Bool { !crashed && !refusing }
}

/// An extension server in one replication: its spec and the streams of its service times.
struct ServerRuntime {
  let spec: ExtensionServerSpec
  let serviceStream: RandomSource
  /// Service times of the availability controller's probes, on a stream of their own so that
  /// turning the controller on or off leaves the client requests' variates unchanged.
  let probeStream: RandomSource
  /// Service times of the OpenAPI downloads (their own stream: turning them off leaves every
  /// other variate as it was).
  let openAPIStream: RandomSource
  /// The jitter of the webhook authorizer's retries of its SubjectAccessReviews (`WebhookRetry`).
  let reviewBackoffStream: RandomSource
  /// Per pod: the stream of its random faults (only when the server has fault processes).
  let faultStreams: [RandomSource]
  /// The slot of `system:kube-aggregator` in each pod's `authorizedUntil` (after the clients').
  let aggregatorSubject: Int
  /// `<server>/<pod>`: the pods' names in events and the time series.
  let podNames: [String]

  /// Creates the server's streams, in this order: service, probes, OpenAPI, each pod's faults,
  /// review backoff (each seeded by its name, so the order changes no variate).
  init(_ spec: ExtensionServerSpec, streams: StreamRegistry, clientCount: Int) {
    self.spec = spec
    aggregatorSubject = clientCount
    serviceStream = streams.stream("server/\(spec.name)/service").source
    probeStream = streams.stream("server/\(spec.name)/probes").source
    openAPIStream = streams.stream("server/\(spec.name)/openapi").source
    faultStreams = spec.faultProcesses.isEmpty ? [] : (0..<spec.replicas).map { streams.stream("server/\(spec.name)/faults/\($0)").source }
    podNames = (0..<spec.replicas).map { "\(spec.name)/\($0)" }
    reviewBackoffStream = streams.stream("server/\(spec.name)/review-backoff").source
  }

  /// A fresh pod of this server, with its own admission if the server runs one.
  func newPod(clients: [ClientSpec], version: KubernetesVersion) -> PodState {
    var pod = PodState()
    pod.authorizedUntil = Array(repeating: .zero, count: spec.authorization == nil ? 0 : clients.count + 1)
    pod.queue.reserveCapacity(256)
    pod.stalled.reserveCapacity(spec.workers)
    pod.inService.reserveCapacity(spec.workers)
    if let own = spec.ownAdmission {
      // A pod's own APF keeps its nominal limits (no borrowing controller runs for pods).
      pod.admission = AdmissionState(own, subjects: clients.map(\.identity), version: version, borrowing: false)
    }
    return pod
  }

  /// A request of `kind` takes a worker this long (before any slow-down), drawn from the stream
  /// of its kind. (`mutating` only so that callers reach the server in place, without a copy.)
  mutating func serviceTime(_ kind: RequestKind) -> SimDuration {
    switch kind {
    case .get: spec.serviceTimes.get.sample(serviceStream)
    case .list: spec.serviceTimes.list.sample(serviceStream)
    case .discovery: spec.serviceTimes.discovery.sample(serviceStream)
    case .probe: spec.serviceTimes.probe.sample(probeStream)
    case .openAPI: spec.serviceTimes.openAPI.sample(openAPIStream)
    }
  }
}
