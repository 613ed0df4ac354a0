import SimCore

/// The kubelet's view of extension-server pods (`ExtensionServerSpec.readinessProbe`, with the
/// model's simplifications in `ReadinessProbeSpec`; kubernetes/kubernetes:pkg/kubelet/prober/
/// worker.go): a readiness probe every period per pod, whose result runs (failureThreshold
/// failures, successThreshold successes) take the pod out of or back into the Service's ready
/// endpoints; and a crashed container seen within about a second (PLEG relist), which takes its
/// pod out whether or not it is probed. The probe is a local check on the pod's node: it never
/// goes through the aggregator, a link or the pod's workers, and it draws no service time. A
/// readiness change reaches the availability controller at once (an EndpointSlice event).
struct ReadinessProber {
  enum Event: ComponentEvent {
    /// The probe ticker of a pod fires.
    case tick(server: Int32, pod: Int32)
    /// A probe was not answered within its timeout (stale unless `generation` is current).
    case timeout(server: Int32, pod: Int32, generation: UInt32)
    /// The kubelet noticed a pod's crash (`epoch`: the pod's crash count then): it leaves the
    /// ready endpoints unless it has restarted since.
    case crashSeen(server: Int32, pod: Int32, epoch: UInt32)

    var modelEvent: ModelEvent { .readiness(self) }
  }

  /// A crashed container is seen by the kubelet within about a second (PLEG relist).
  static let crashDetection: SimDuration = .seconds(1)

  /// One pod's probe worker (the worker's `lastResult` and `resultRun`).
  struct Worker {
    /// The first tick; the ticks follow every period.
    var phase = SimDuration.zero
    /// The last probe's result and how many in a row gave it. Pods start Ready, as after a run
    /// of successes.
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

  /// Per server: its probe (nil: not probed) and the time its pods take to answer one before
  /// any slow-down (the mean probe service time, in seconds).
  let probes: [ReadinessProbeSpec?]
  let answerSeconds: [Double]
  /// Indexed like `ExtensionServers.pods`.
  var workers: [Worker]

  /// Draws each probed pod's first tick: a uniform phase in [0, period) from the pod's own stream
  /// `server/<name>/readiness/<pod>` unless `firstProbe` pins it. Built last, so that these
  /// streams, which exist only when a server has a probe, never move another stream's key.
  init(_ servers: ExtensionServers, streams: StreamRegistry) {
    probes = servers.servers.map(\.spec.readinessProbe)
    answerSeconds = servers.servers.map { $0.spec.serviceTimes.probe.mean.seconds }
    workers = Array(repeating: Worker(), count: servers.pods.count)
    for server in servers.servers.indices {
      guard let probe = probes[server] else { continue }
      for pod in 0..<servers.podCount(server) {
        workers[servers.index(server, pod)].phase = probe.firstProbe ?? SimDuration(
          nanoseconds: Int64(streams.stream("server/\(servers.servers[server].spec.name)/readiness/\(pod)").uniform()
                             * Double(probe.period.nanoseconds)))
      }
    }
  }

  /// Schedules every probed pod's first tick.
  func start(_ kernel: inout Kernel, servers: ExtensionServers) {
    for server in probes.indices where probes[server] != nil {
      for pod in 0..<servers.podCount(server) {
        kernel.schedule(Event.tick(server: Int32(server), pod: Int32(pod)), at: .zero + workers[servers.index(server, pod)].phase)
      }
    }
  }

  /// The ticker fires: the next tick is scheduled, and a probe goes unless one is still out
  /// (then this tick waits for it, as Go's ticker channel holds one tick).
  mutating func tick(server: Int, pod: Int, _ kernel: inout Kernel, servers: inout ExtensionServers,
                     availability: inout AvailabilityController, transport: inout Transport) {
    kernel.schedule(Event.tick(server: Int32(server), pod: Int32(pod)), after: probes[server]!.period)
    let w = servers.index(server, pod)
    if workers[w].outstanding {
      workers[w].tickPending = true
      return
    }
    probe(server: server, pod: pod, &kernel, servers: &servers, availability: &availability, transport: &transport)
  }

  /// Whether the pod answers a probe within its timeout: the mean probe service time scaled by
  /// the pod's slow-down factor must not exceed it.
  private func answersInTime(server: Int, pod: Int, _ servers: ExtensionServers) -> Bool {
    answerSeconds[server] * servers.pod(server, pod).slowFactor <= probes[server]!.timeout.seconds
  }

  /// One probe of the pod: skipped within `initialDelay` of a restart; failed at once if the pod
  /// refuses connections or has crashed; out until its timeout if the pod hangs or is too slow;
  /// otherwise succeeded at once.
  private mutating func probe(server: Int, pod: Int, _ kernel: inout Kernel, servers: inout ExtensionServers,
                              availability: inout AvailabilityController, transport: inout Transport) {
    let spec = probes[server]!
    let w = servers.index(server, pod)
    if let started = workers[w].startedAt, kernel.now - started < spec.initialDelay { return }
    let state = servers.pod(server, pod)
    if !state.isAcceptingConnections {
      ended(server: server, pod: pod, succeeded: false, &kernel, servers: &servers, availability: &availability, transport: &transport)
    } else if state.hung || !answersInTime(server: server, pod: pod, servers) {
      workers[w].outstanding = true
      workers[w].generation &+= 1
      kernel.schedule(Event.timeout(server: Int32(server), pod: Int32(pod), generation: workers[w].generation), after: spec.timeout)
    } else {
      ended(server: server, pod: pod, succeeded: true, &kernel, servers: &servers, availability: &availability, transport: &transport)
    }
  }

  /// The probe's timeout passed: it failed, unless it was answered (or failed) meanwhile.
  mutating func timedOut(server: Int, pod: Int, generation: UInt32, _ kernel: inout Kernel, servers: inout ExtensionServers,
                         availability: inout AvailabilityController, transport: inout Transport) {
    let w = servers.index(server, pod)
    guard workers[w].outstanding, workers[w].generation == generation else { return }
    workers[w].outstanding = false
    ended(server: server, pod: pod, succeeded: false, &kernel, servers: &servers, availability: &availability, transport: &transport)
  }

  /// A hang or slow-down of the pod ended: a probe still out is answered now if nothing else
  /// holds it (the pod is not hung and fast enough); otherwise it keeps its timeout.
  mutating func podRecovered(server: Int, pod: Int, _ kernel: inout Kernel, servers: inout ExtensionServers,
                             availability: inout AvailabilityController, transport: inout Transport) {
    let w = servers.index(server, pod)
    guard probes[server] != nil, workers[w].outstanding, !servers.pod(server, pod).hung,
          answersInTime(server: server, pod: pod, servers) else { return }
    workers[w].outstanding = false
    ended(server: server, pod: pod, succeeded: true, &kernel, servers: &servers, availability: &availability, transport: &transport)
  }

  /// The pod crashed: a probe still out fails with its connection.
  mutating func podCrashed(server: Int, pod: Int, _ kernel: inout Kernel, servers: inout ExtensionServers,
                           availability: inout AvailabilityController, transport: inout Transport) {
    let w = servers.index(server, pod)
    guard probes[server] != nil, workers[w].outstanding else { return }
    workers[w].outstanding = false
    ended(server: server, pod: pod, succeeded: false, &kernel, servers: &servers, availability: &availability, transport: &transport)
  }

  /// The pod's container restarted after a crash: with a probe it stays NotReady (the kubelet's
  /// initial readiness result) until enough probes succeed, the first `initialDelay` from now;
  /// without one it is Ready at once.
  mutating func containerRestarted(server: Int, pod: Int, _ kernel: inout Kernel, servers: inout ExtensionServers,
                                   availability: inout AvailabilityController, transport: inout Transport) {
    let ready = probes[server] == nil
    if !ready { workers[servers.index(server, pod)].startedAt = kernel.now }
    Self.setReady(server: server, pod: pod, ready, &kernel, servers: &servers, availability: &availability, transport: &transport)
  }

  /// The kubelet sees the crash: the pod leaves the ready endpoints, unless it has restarted (or
  /// crashed again) since.
  func crashSeen(server: Int, pod: Int, epoch: UInt32, _ kernel: inout Kernel, servers: inout ExtensionServers,
                 availability: inout AvailabilityController, transport: inout Transport) {
    let state = servers.pod(server, pod)
    guard state.crashed, state.epoch == epoch else { return }
    Self.setReady(server: server, pod: pod, false, &kernel, servers: &servers, availability: &availability, transport: &transport)
  }

  /// Counts the result as the kubelet's worker does (`doProbe`): a run of equal results; once the
  /// run reaches its threshold the pod's readiness follows. A tick kept while the probe was out
  /// sends the next probe now.
  private mutating func ended(server: Int, pod: Int, succeeded: Bool, _ kernel: inout Kernel, servers: inout ExtensionServers,
                              availability: inout AvailabilityController, transport: inout Transport) {
    let spec = probes[server]!
    let w = servers.index(server, pod)
    if workers[w].lastSucceeded == succeeded {
      workers[w].run = min(workers[w].run + 1, Int(Int32.max))
    } else {
      workers[w].lastSucceeded = succeeded
      workers[w].run = 1
    }
    if workers[w].run >= (succeeded ? spec.successThreshold : spec.failureThreshold) {
      Self.setReady(server: server, pod: pod, succeeded, &kernel, servers: &servers, availability: &availability, transport: &transport)
    }
    if workers[w].tickPending {
      workers[w].tickPending = false
      probe(server: server, pod: pod, &kernel, servers: &servers, availability: &availability, transport: &transport)
    }
  }

  /// Sets the pod's readiness; a change is an EndpointSlice event for the availability controller.
  static func setReady(server: Int, pod: Int, _ ready: Bool, _ kernel: inout Kernel, servers: inout ExtensionServers,
                       availability: inout AvailabilityController, transport: inout Transport) {
    guard servers.setReady(server: server, pod: pod, ready, &kernel) else { return }
    availability.endpointsChanged(server: server, &kernel, transport: &transport, pods: servers)
  }
}
