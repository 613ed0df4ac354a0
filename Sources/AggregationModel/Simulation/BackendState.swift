import SimCore
internal import DequeModule

/// One request a pod holds: the request and the generation it had when it arrived (the record
/// may move on if the control plane gives up, while the pod goes on working).
struct PodJob {
  let request: UInt32
  let generation: UInt32
}

/// One pod of an extension server: its workers, its FIFO queue and its fault state.
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
  /// The kubelet's readiness-probe worker (unused when the server has no `readinessProbe`).
  var probe = ReadinessProbeState()

  var isAcceptingConnections: Bool { !crashed && !refusing }
}

/// The kubelet's readiness-probe worker of one pod (kubernetes/kubernetes:pkg/kubelet/prober/worker.go).
struct ReadinessProbeState {
  /// The first tick; the ticks follow every period.
  var phase = SimDuration.zero
  /// The last probe's result and how many in a row gave it (the worker's `lastResult` and
  /// `resultRun`). Pods start Ready, as after a run of successes.
  var lastSucceeded = true
  var run = Int(Int32.max)
  /// A probe is out (the pod has not answered yet); `generation` tells its timeout from those
  /// of earlier probes.
  var outstanding = false
  var generation: UInt32 = 0
  /// A tick came while the probe was out: the next probe goes when it ends.
  var tickPending = false
  /// When the container last restarted after a crash (nil: started before the run).
  var startedAt: SimTime?
}

/// An extension server in one replication: its pods and the stream of its service times.
struct ServerState {
  let spec: ExtensionServerSpec
  var pods: [PodState]
  let serviceStream: RandomStream
  /// Service times of the availability controller's probes, on a stream of their own so that
  /// turning the controller on or off leaves the client requests' variates unchanged.
  let probeStream: RandomStream
  /// Service times of the OpenAPI downloads (their own stream: turning them off leaves every
  /// other variate as it was).
  let openAPIStream: RandomStream
  /// Per pod: the stream of its random faults.
  let faultStreams: [RandomStream]
  /// The time a pod takes to answer a readiness probe before any slow-down: the mean probe
  /// service time, in seconds.
  let readinessAnswerSeconds: Double
  /// The slot of `system:kube-aggregator` in each pod's `authorizedUntil` (after the clients').
  let aggregatorSubject: Int

  init(_ spec: ExtensionServerSpec, streams: StreamRegistry, clientCount: Int) {
    self.spec = spec
    var pod = PodState()
    pod.authorizedUntil = Array(repeating: .zero, count: spec.authorization == nil ? 0 : clientCount + 1)
    aggregatorSubject = clientCount
    pod.queue.reserveCapacity(256)
    pod.stalled.reserveCapacity(spec.workers)
    pod.inService.reserveCapacity(spec.workers)
    pods = Array(repeating: pod, count: spec.replicas)
    serviceStream = streams.stream("server/\(spec.name)/service")
    probeStream = streams.stream("server/\(spec.name)/probes")
    openAPIStream = streams.stream("server/\(spec.name)/openapi")
    readinessAnswerSeconds = spec.serviceTimes.probe.mean.seconds
    faultStreams = spec.faultProcesses.isEmpty ? [] : (0..<spec.replicas).map { streams.stream("server/\(spec.name)/faults/\($0)") }
  }

  /// The `k`-th pod (0-based) among the ready ones, or nil; `readyCount` counts them.
  func readyPod(_ k: Int) -> Int? {
    var seen = 0
    for index in pods.indices where pods[index].ready {
      if seen == k { return index }
      seen += 1
    }
    return nil
  }

  var readyCount: Int { pods.reduce(0) { $0 + ($1.ready ? 1 : 0) } }
}
