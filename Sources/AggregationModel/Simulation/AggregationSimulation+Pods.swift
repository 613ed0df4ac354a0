public import SimCore
internal import DequeModule

extension AggregationSimulation {
  /// The request reached its pod: a worker takes it, or it waits in the pod's FIFO queue, or the
  /// pod's queue is full and it answers 429.
  mutating func arriveAtPod(_ id: UInt32) {
    let server = Int(requests[id].server), pod = Int(requests[id].pod)
    requests[id].phase = .inPod
    let job = PodJob(request: id, generation: requests[id].generation)
    if servers[server].pods[pod].busyWorkers < servers[server].spec.workers {
      startService(job, server: server, pod: pod)
    } else if let limit = servers[server].spec.queueLimit, servers[server].pods[pod].queue.count >= limit {
      respondFromPod(id, reply: .tooManyRequests)
    } else {
      servers[server].pods[pod].queue.append(job)
    }
  }

  /// A worker starts on `job`: its service time (scaled by a slow-down) is drawn now.
  mutating func startService(_ job: PodJob, server: Int, pod: Int) {
    let now = calendar.now
    servers[server].pods[pod].busyWorkers += 1
    servers[server].pods[pod].busy.record(Double(servers[server].pods[pod].busyWorkers), at: now)
    var time = servers[server].spec.serviceTimes[requests[job.request].kind].sample(servers[server].serviceStream)
    let factor = servers[server].pods[pod].slowFactor
    if factor != 1 { time = time * factor }
    let completion = calendar.scheduleCancellable(
      .serviceDone(request: job.request, generation: job.generation, server: Int32(server), pod: Int32(pod)), after: time)
    servers[server].pods[pod].inService.append((job, completion))
  }

  /// A worker finished `job`. A hung pod keeps it (it completes when the hang ends); otherwise
  /// the worker takes the next queued job and the answer goes back, if anyone still waits.
  mutating func serviceDone(_ job: PodJob, server: Int, pod: Int) {
    if let index = servers[server].pods[pod].inService.firstIndex(where: { $0.job.request == job.request && $0.job.generation == job.generation }) {
      servers[server].pods[pod].inService.remove(at: index)
    }
    if servers[server].pods[pod].hung {
      servers[server].pods[pod].stalled.append(job)
      return
    }
    servers[server].pods[pod].served += 1
    releaseWorker(server: server, pod: pod)
    if requests.isCurrent(job.request, job.generation) { respondFromPod(job.request, reply: .ok) }
  }

  /// A worker is free: it takes the first queued job whose request is still wanted (a request
  /// the control plane gave up on was reset with its stream and is dropped unserved).
  mutating func releaseWorker(server: Int, pod: Int) {
    while let next = servers[server].pods[pod].queue.popFirst() {
      if requests.isCurrent(next.request, next.generation) {
        servers[server].pods[pod].busyWorkers -= 1
        startService(next, server: server, pod: pod)
        return
      }
    }
    servers[server].pods[pod].busyWorkers -= 1
    servers[server].pods[pod].busy.record(Double(servers[server].pods[pod].busyWorkers), at: calendar.now)
  }

  /// The pod's answer travels back over the link (unless the connection is silent or the link
  /// partitioned: then it never arrives and the control plane's timers end the request).
  mutating func respondFromPod(_ id: UInt32, reply: BackendReply) {
    let c = Int(requests[id].connection)
    requests[id].phase = .toControlPlaneFromPod
    guard c >= 0, connections[c].state == .ready else { return }
    let instance = Int(requests[id].instance), server = Int(requests[id].server)
    guard let delay = backendLinks[instance][server].delay(at: calendar.now, isRequest: false) else { return }
    calendar.schedule(.backendAnswer(request: id, generation: requests[id].generation, reply: reply), after: delay)
  }
}
