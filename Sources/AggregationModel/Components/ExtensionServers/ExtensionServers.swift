import SimCore
internal import DequeModule

/// The extension API servers' pods (DESIGN §3 "Extension servers"): a proxied request reaching a
/// pod passes the server's own admission if it runs one (research §6), takes one of the pod's
/// workers or waits in its FIFO queue (429 beyond `queueLimit`), asks the control plane to
/// authorize its user when delegated authorization has no fresh cached answer
/// (`ExtensionServers+Reviews.swift`), is served for a drawn service time (scaled by a
/// slow-down), and its answer goes back over the backend link. A hung pod keeps its work; a
/// crashed pod loses it.
struct ExtensionServers {
  enum Event: ComponentEvent {
    /// The request reached its backend pod.
    case arrive(request: UInt32, generation: UInt32)
    /// A pod's worker finished the request.
    case serviceDone(request: UInt32, generation: UInt32, server: Int32, pod: Int32)
    /// A request queued by a pod's own APF reached its queue wait limit.
    case queueWaitExpires(request: UInt32, generation: UInt32)
    /// The review's answer (allowed, or a failure such as 429) reached the pod.
    case reviewAnswer(review: UInt32, generation: UInt32, verdict: ReviewVerdict)
    /// The pod's review client stopped waiting for the current call (10 s); `incarnation`
    /// identifies the review across its retries.
    case reviewTimeout(review: UInt32, incarnation: UInt32)
    /// A review's retry wait is over: the same call again (client-go) or a new call (the webhook).
    case reviewResend(review: UInt32, generation: UInt32, newCall: Bool)

    var modelEvent: ModelEvent { .pods(self) }
  }

  var servers: [ServerRuntime]
  /// Every pod, server by server: pod `p` of server `s` is `pods[firstPod[s] + p]`.
  var pods: [PodState]
  let firstPod: [Int]
  /// The servers' own deadline (their `--request-timeout`, 60 s like kube-apiserver's): it sets
  /// the queue wait of their own admission.
  let requestTimeout: SimDuration

  init(servers: [ServerRuntime], clients: [ClientSpec], version: KubernetesVersion, requestTimeout: SimDuration) {
    self.servers = servers
    var first: [Int] = []
    var pods: [PodState] = []
    for server in servers {
      first.append(pods.count)
      pods.append(contentsOf: Array(repeating: server.newPod(clients: clients, version: version), count: server.spec.replicas))
    }
    self.pods = pods
    firstPod = first
    self.requestTimeout = requestTimeout
  }

  /// The index in `pods` of pod `pod` of `server`.
  @inline(__always) func index(_ server: Int, _ pod: Int) -> Int { firstPod[server] + pod }
  func podCount(_ server: Int) -> Int { servers[server].spec.replicas }
  func pod(_ server: Int, _ pod: Int) -> PodState { pods[index(server, pod)] }

  /// The `k`-th pod (0-based) among the server's ready ones, or nil; `readyCount` counts them.
  func readyPod(_ server: Int, _ k: Int) -> Int? {
    var seen = 0
    for pod in 0..<podCount(server) where pods[index(server, pod)].ready {
      if seen == k { return pod }
      seen += 1
    }
    return nil
  }

  func readyCount(_ server: Int) -> Int {
    (0..<podCount(server)).reduce(0) { $0 + (pods[index(server, $1)].ready ? 1 : 0) }
  }

  func isAcceptingConnections(_ server: Int, _ pod: Int) -> Bool { pods[index(server, pod)].isAcceptingConnections }

  // MARK: The request path

  /// The request reached its pod: the pod's own admission (if any) lets it in, queues it or
  /// answers 429; then it takes a worker. The control plane's own requests come as
  /// system:masters, exempt from the server's own admission (research §3.2, §4.2, §6).
  mutating func arrive(_ id: UInt32, _ kernel: inout Kernel, transport: Transport) {
    let record = kernel.requests[id]
    let server = Int(record.server), pod = Int(record.pod), p = index(server, pod)
    kernel.requests.setPhase(id, .inPod, at: kernel.now)
    if pods[p].admission != nil && !record.origin.isControlPlaneOwn {
      let deadline = kernel.now + requestTimeout
      switch pods[p].admission!.admit(id, client: Int(record.client), kind: record.kind, now: kernel.now, deadline: deadline) {
      case .execute:
        kernel.requests[id].holdsPodAdmission = true
      case .queued(_, let until):
        kernel.requests[id].holdsPodAdmission = true
        kernel.requests[id].queuedAtPod = true
        kernel.scheduleTimer(Event.queueWaitExpires(request: id, generation: record.generation), at: until)
        return
      case .rejected:
        respond(id, reply: .tooManyRequests, &kernel, transport: transport)
        return
      }
    }
    takeWorker(id, server: server, pod: pod, &kernel, transport: transport)
  }

  /// An admitted request takes a worker, or waits in the pod's FIFO queue, or the pod's queue is
  /// full and it answers 429.
  mutating func takeWorker(_ id: UInt32, server: Int, pod: Int, _ kernel: inout Kernel, transport: Transport) {
    let job = PodJob(request: id, generation: kernel.requests[id].generation)
    let p = index(server, pod)
    if pods[p].busyWorkers < servers[server].spec.workers {
      startService(job, server: server, pod: pod, &kernel)
    } else if let limit = servers[server].spec.queueLimit, pods[p].queue.count >= limit {
      respond(id, reply: .tooManyRequests, &kernel, transport: transport)
    } else {
      pods[p].queue.append(job)
      recordQueueLength(p, at: kernel.now)
    }
  }

  /// A worker takes `job`: it first asks the control plane to authorize it (delegated
  /// authorization, when the pod has not authorized the subject within the cache TTL), then serves it.
  mutating func startService(_ job: PodJob, server: Int, pod: Int, _ kernel: inout Kernel) {
    let p = index(server, pod)
    pods[p].busyWorkers += 1
    recordBusy(p, at: kernel.now)
    if kernel.requests.isCurrent(job.request, job.generation) { kernel.requests.enter(.service, job.request, at: kernel.now) }
    if servers[server].spec.authorization != nil {
      let subject = reviewSubject(job.request, server: server, kernel)
      if subject >= 0 && kernel.now >= pods[p].authorizedUntil[subject] {
        sendReview(for: job, server: server, pod: pod, subject: subject, &kernel)
        return
      }
    }
    serve(job, server: server, pod: pod, &kernel)
  }

  /// The worker serves `job`: its service time (scaled by a slow-down) is drawn now.
  mutating func serve(_ job: PodJob, server: Int, pod: Int, _ kernel: inout Kernel) {
    let kind = kernel.requests[job.request].kind
    var time = servers[server].serviceTime(kind)
    let p = index(server, pod)
    let factor = pods[p].slowFactor
    if factor != 1 { time = time * factor }
    let completion = kernel.scheduleCancellable(
      Event.serviceDone(request: job.request, generation: job.generation, server: Int32(server), pod: Int32(pod)), after: time)
    pods[p].inService.append((job, completion))
  }

  /// A worker finished `job`. A hung pod keeps it (it completes when the hang ends); otherwise
  /// the worker takes the next queued job and the answer goes back, if anyone still waits.
  mutating func serviceDone(_ job: PodJob, server: Int, pod: Int, _ kernel: inout Kernel, transport: Transport) {
    let p = index(server, pod)
    if let i = pods[p].inService.firstIndex(where: { $0.job.request == job.request && $0.job.generation == job.generation }) {
      pods[p].inService.remove(at: i)
    }
    if pods[p].hung {
      pods[p].stalled.append(job)
      return
    }
    pods[p].served += 1
    releaseWorker(server: server, pod: pod, &kernel)
    if kernel.requests.isCurrent(job.request, job.generation) { respond(job.request, reply: .ok, &kernel, transport: transport) }
  }

  /// A worker is free: it takes the first queued job whose request is still wanted (a request
  /// the control plane gave up on was reset with its stream and is dropped unserved).
  mutating func releaseWorker(server: Int, pod: Int, _ kernel: inout Kernel) {
    let p = index(server, pod)
    while let next = pods[p].queue.popFirst() {
      recordQueueLength(p, at: kernel.now)
      if kernel.requests.isCurrent(next.request, next.generation) {
        pods[p].busyWorkers -= 1
        startService(next, server: server, pod: pod, &kernel)
        return
      }
    }
    pods[p].busyWorkers -= 1
    recordBusy(p, at: kernel.now)
  }

  /// The pod's answer travels back over the link (unless the connection is silent or the link
  /// partitioned: then it never arrives and the control plane's timers end the request).
  mutating func respond(_ id: UInt32, reply: BackendReply, _ kernel: inout Kernel, transport: Transport) {
    releaseOwnAdmission(id, &kernel, transport: transport)
    kernel.requests.setPhase(id, .toControlPlaneFromPod, at: kernel.now)
    guard transport.canAnswer(id, kernel.requests) else { return }
    // Field by field: a copy of the whole record outlives the link's draw (a 250-byte memcpy).
    let server = kernel.requests[id].server, instance = kernel.requests[id].instance
    let generation = kernel.requests[id].generation
    let bytes = reply == .ok && !kernel.requests[id].bodyless ? servers[Int(server)].spec.responseBytes[kernel.requests[id].kind] : 0
    guard let delay = kernel.links.backendDelay(instance: instance, server: server, at: kernel.now,
                                                      isRequest: false, bytes: bytes) else { return }
    kernel.schedule(Transport.Event.answer(request: id, generation: generation, reply: reply), after: delay,
                    lane: kernel.links.backendLane(instance: instance, server: server, isRequest: false))
  }

  // MARK: The server's own admission

  /// Frees the request's seat in (or place in the queue of) its pod's own admission; queued
  /// requests this lets through take workers.
  mutating func releaseOwnAdmission(_ id: UInt32, _ kernel: inout Kernel, transport: Transport) {
    guard kernel.requests[id].holdsPodAdmission else { return }
    kernel.requests[id].holdsPodAdmission = false
    kernel.requests[id].queuedAtPod = false
    let server = Int(kernel.requests[id].server), pod = Int(kernel.requests[id].pod)
    var dispatched: [UInt32] = []
    pods[index(server, pod)].admission!.finish(id, now: kernel.now, dispatched: &dispatched)
    runDispatched(dispatched, server: server, pod: pod, &kernel, transport: transport)
  }

  /// A request queued by the pod's own APF reached its wait limit: the pod answers 429.
  mutating func queueWaitExpired(_ id: UInt32, _ kernel: inout Kernel, transport: Transport) {
    guard kernel.requests[id].queuedAtPod else { return }
    let server = Int(kernel.requests[id].server), pod = Int(kernel.requests[id].pod)
    var dispatched: [UInt32] = []
    if pods[index(server, pod)].admission!.queueWaitExpired(id, now: kernel.now, dispatched: &dispatched) {
      kernel.requests[id].holdsPodAdmission = false
      kernel.requests[id].queuedAtPod = false
      respond(id, reply: .tooManyRequests, &kernel, transport: transport)
    }
    runDispatched(dispatched, server: server, pod: pod, &kernel, transport: transport)
  }

  private mutating func runDispatched(_ dispatched: [UInt32], server: Int, pod: Int, _ kernel: inout Kernel, transport: Transport) {
    for next in dispatched where kernel.requests[next].queuedAtPod {
      kernel.requests[next].queuedAtPod = false
      takeWorker(next, server: server, pod: pod, &kernel, transport: transport)
    }
  }

  // MARK: Statistics

  private mutating func recordBusy(_ p: Int, at now: SimTime) {
    let busy = Double(pods[p].busyWorkers)
    pods[p].busy.record(busy, at: now)
    pods[p].bucketBusy.record(busy, at: now)
  }

  mutating func recordQueueLength(_ p: Int, at now: SimTime) {
    pods[p].queueLength.record(Double(pods[p].queue.count), at: now)
  }

  mutating func resetStatistics(at now: SimTime) {
    for p in pods.indices {
      pods[p].busy.reset(at: now)
      pods[p].queueLength.reset(at: now)
      pods[p].served = 0
    }
  }

  /// Each pod's load over the measured time, server by server.
  func podMetrics(at end: SimTime) -> [PodMetrics] {
    servers.indices.flatMap { server in
      let total = (0..<podCount(server)).reduce(0) { $0 + pods[index(server, $1)].served }
      return (0..<podCount(server)).map { pod in
        let state = pods[index(server, pod)]
        return PodMetrics(server: servers[server].spec.name, pod: pod,
                          utilisation: state.busy.mean(upTo: end) / Double(servers[server].spec.workers), served: state.served,
                          meanQueueLength: state.queueLength.mean(upTo: end),
                          requestShare: total > 0 ? Double(state.served) / Double(total) : .nan)
      }
    }
  }
}
