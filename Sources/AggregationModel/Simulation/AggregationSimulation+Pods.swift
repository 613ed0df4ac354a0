import SimCore
internal import DequeModule

extension AggregationSimulation {
  /// The request reached its pod: the pod's own admission (if any) lets it in, queues it or
  /// answers 429; then it takes a worker.
  mutating func arriveAtPod(_ id: UInt32) {
    let server = Int(requests[id].server), pod = Int(requests[id].pod)
    requests[id].phase = .inPod
    // Probes, discovery fetches and OpenAPI downloads come as system:masters, exempt from the
    // server's own admission (research §3.2, §4.2, §6).
    if servers[server].pods[pod].admission != nil && requests[id].client >= 0 {
      // The server's own deadline (its --request-timeout, 60 s like kube-apiserver's) sets the queue wait.
      let deadline = calendar.now + spec.controlPlane.requestTimeout
      let decision = servers[server].pods[pod].admission!.admit(
        id, client: Int(requests[id].client), kind: requests[id].kind, now: calendar.now, deadline: deadline)
      switch decision {
      case .execute:
        requests[id].holdsPodAdmission = true
      case .queued(_, let until):
        requests[id].holdsPodAdmission = true
        requests[id].queuedAtPod = true
        calendar.schedule(.podQueueWaitExpires(request: id, generation: requests[id].generation), at: until)
        return
      case .rejected:
        respondFromPod(id, reply: .tooManyRequests)
        return
      }
    }
    takeWorker(id, server: server, pod: pod)
  }

  /// An admitted request takes a worker, or waits in the pod's FIFO queue, or the pod's queue is
  /// full and it answers 429.
  mutating func takeWorker(_ id: UInt32, server: Int, pod: Int) {
    let job = PodJob(request: id, generation: requests[id].generation)
    if servers[server].pods[pod].busyWorkers < servers[server].spec.workers {
      startService(job, server: server, pod: pod)
    } else if let limit = servers[server].spec.queueLimit, servers[server].pods[pod].queue.count >= limit {
      respondFromPod(id, reply: .tooManyRequests)
    } else {
      servers[server].pods[pod].queue.append(job)
      recordQueueLength(server: server, pod: pod)
    }
  }

  /// Records the pod's busy workers in its statistics.
  mutating func recordBusy(server: Int, pod: Int) {
    let now = calendar.now, busy = Double(servers[server].pods[pod].busyWorkers)
    servers[server].pods[pod].busy.record(busy, at: now)
    servers[server].pods[pod].bucketBusy.record(busy, at: now)
  }

  /// A worker takes `job`: it first asks the control plane to authorize it (delegated
  /// authorization, when the pod has not authorized the subject within the cache TTL), then serves it.
  mutating func startService(_ job: PodJob, server: Int, pod: Int) {
    servers[server].pods[pod].busyWorkers += 1
    recordBusy(server: server, pod: pod)
    if servers[server].spec.authorization != nil {
      let subject = reviewSubject(job.request, server: server)
      if subject >= 0 && calendar.now >= servers[server].pods[pod].authorizedUntil[subject] {
        sendReview(for: job, server: server, pod: pod, subject: subject)
        return
      }
    }
    serve(job, server: server, pod: pod)
  }

  /// Whose authorization a pod of `server` (with delegated authorization) checks for the request:
  /// its client's cache slot; for the discovery manager's legacy fallback, sent as
  /// `system:kube-aggregator` without `system:masters` (research §3.2), the aggregator's slot
  /// after the clients'; -1 for the `system:masters` traffic it does not review (probes and the
  /// aggregated `GET /apis`).
  func reviewSubject(_ id: UInt32, server: Int) -> Int {
    if requests[id].isLegacyFallback { return servers[server].aggregatorSubject }
    if requests[id].kind == .probe || requests[id].isDiscoveryFetch { return -1 }
    return Int(requests[id].client)
  }

  /// The worker serves `job`: its service time (scaled by a slow-down) is drawn now.
  mutating func serve(_ job: PodJob, server: Int, pod: Int) {
    let kind = requests[job.request].kind
    let stream = kind == .probe ? servers[server].probeStream : kind == .openAPI ? servers[server].openAPIStream : servers[server].serviceStream
    var time = servers[server].spec.serviceTimes[kind].sample(stream)
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
      recordQueueLength(server: server, pod: pod)
      if requests.isCurrent(next.request, next.generation) {
        servers[server].pods[pod].busyWorkers -= 1
        startService(next, server: server, pod: pod)
        return
      }
    }
    servers[server].pods[pod].busyWorkers -= 1
    recordBusy(server: server, pod: pod)
  }

  mutating func recordQueueLength(server: Int, pod: Int) {
    servers[server].pods[pod].queueLength.record(Double(servers[server].pods[pod].queue.count), at: calendar.now)
  }

  /// The pod's answer travels back over the link (unless the connection is silent or the link
  /// partitioned: then it never arrives and the control plane's timers end the request).
  mutating func respondFromPod(_ id: UInt32, reply: BackendReply) {
    releasePodAdmission(id)
    let c = Int(requests[id].connection)
    requests[id].phase = .toControlPlaneFromPod
    guard c >= 0, connections[c].state == .ready else { return }
    let instance = Int(requests[id].instance), server = Int(requests[id].server)
    let bytes = reply == .ok && !requests[id].bodyless ? servers[server].spec.responseBytes[requests[id].kind] : 0
    guard let delay = backendLinks[instance][server].delay(at: calendar.now, isRequest: false, bytes: bytes) else { return }
    calendar.schedule(.backendAnswer(request: id, generation: requests[id].generation, reply: reply), after: delay)
  }
}

// MARK: SubjectAccessReview callbacks (research §1b, §2.4)

extension AggregationSimulation {
  /// The worker holding `job` sends a SubjectAccessReview to the control-plane instance that
  /// proxied the request, over the pod's backend link (response direction), and waits for it at
  /// most the review client's timeout. The review is a record of the request table (so that APF
  /// can queue it under its id) and never reaches a client.
  /// `subject` is the pod's cache slot of the reviewed user (`reviewSubject`); the review record
  /// keeps it in `client`.
  mutating func sendReview(for job: PodJob, server: Int, pod: Int, subject: Int) {
    let authorization = servers[server].spec.authorization!
    let original = requests[job.request]
    let review = requests.allocate()
    requests[review].isReview = true
    requests[review].reviewFor = job.request
    requests[review].reviewForGeneration = job.generation
    requests[review].client = Int32(subject)
    requests[review].kind = original.kind
    requests[review].instance = original.instance
    requests[review].server = Int32(server)
    requests[review].pod = Int32(pod)
    requests[review].podEpoch = servers[server].pods[pod].epoch
    requests[review].phase = .toControlPlane
    let generation = requests[review].generation
    requests[review].reviewTimeout = calendar.scheduleCancellable(
      .reviewTimeout(review: review, generation: generation), after: authorization.clientTimeout)
    // A partition drops it: the review client's timeout ends it.
    if let delay = backendLinks[Int(original.instance)][server].delay(at: calendar.now, isRequest: false) {
      calendar.schedule(.reviewArrives(review: review, generation: generation), after: delay)
    }
  }

  /// The review reached the control plane: APF admits it under the server's identity (it may
  /// queue, or be rejected with 429).
  mutating func reviewArrives(_ id: UInt32) {
    let instance = Int(requests[id].instance), server = Int(requests[id].server)
    requests[id].phase = .inFilters
    let reviewer = servers[server].spec.authorization!.identity
    let deadline = calendar.now + spec.controlPlane.requestTimeout
    switch admission[instance].admitReview(id, server: server, reviewer: reviewer, now: calendar.now, deadline: deadline) {
    case .execute:
      requests[id].holdsAdmission = true
      reviewExecutes(id)
    case .queued(_, let until):
      waitInAdmissionQueue(id, until: until)
    case .rejected:
      reviewFails(id)
    }
  }

  /// Admitted: the control plane evaluates the review.
  mutating func reviewExecutes(_ id: UInt32) {
    requests[id].phase = .inLocalHandler
    let time = servers[Int(requests[id].server)].spec.authorization!.handlingTime.sample(reviewStream)
    calendar.schedule(.reviewHandled(review: id, generation: requests[id].generation), after: time)
  }

  /// Evaluated (allowed): the seat is released and the answer goes back to the pod.
  mutating func reviewHandled(_ id: UInt32) {
    answerReview(id, allowed: true)
  }

  /// The review failed at the control plane (429 or queue wait expired): the error goes back.
  mutating func reviewFails(_ id: UInt32) {
    answerReview(id, allowed: false)
  }

  mutating func answerReview(_ id: UInt32, allowed: Bool) {
    if requests[id].holdsAdmission {
      requests[id].holdsAdmission = false
      releaseAdmission(id, instance: Int(requests[id].instance))
    }
    requests[id].phase = .toPod
    let instance = Int(requests[id].instance), server = Int(requests[id].server)
    if let delay = backendLinks[instance][server].delay(at: calendar.now, isRequest: true) {
      calendar.schedule(.reviewAnswer(review: id, generation: requests[id].generation, allowed: allowed), after: delay)
    }
  }

  /// The review client gave up: the control plane forgets the review, the pod fails the request.
  mutating func reviewTimesOut(_ id: UInt32) {
    requests[id].reviewTimeout = nil
    if requests[id].holdsAdmission {
      requests[id].holdsAdmission = false
      releaseAdmission(id, instance: Int(requests[id].instance))
    }
    reviewEnds(id, allowed: false)
  }

  /// The review's outcome reached the pod: allowed → cached for the TTL and the request served;
  /// otherwise the pod answers 500 (k8s.io/apiserver's authorization filter on an authorizer
  /// error). Nothing happens if the pod crashed meanwhile.
  mutating func reviewEnds(_ id: UInt32, allowed: Bool) {
    let record = requests[id]
    if let timeout = record.reviewTimeout { calendar.cancel(timeout) }
    requests.release(id)
    let server = Int(record.server), pod = Int(record.pod)
    guard servers[server].pods[pod].epoch == record.podEpoch else { return }
    let job = PodJob(request: record.reviewFor, generation: record.reviewForGeneration)
    if allowed {
      let ttl = servers[server].spec.authorization!.allowCacheTTL
      servers[server].pods[pod].authorizedUntil[Int(record.client)] = calendar.now + ttl
      serve(job, server: server, pod: pod)
      return
    }
    releaseWorker(server: server, pod: pod)
    if requests.isCurrent(job.request, job.generation) { respondFromPod(job.request, reply: .internalError) }
  }
}

// MARK: The extension server's own admission

extension AggregationSimulation {
  /// Frees the request's seat in (or place in the queue of) its pod's own admission; queued
  /// requests this lets through take workers.
  mutating func releasePodAdmission(_ id: UInt32) {
    guard requests[id].holdsPodAdmission else { return }
    requests[id].holdsPodAdmission = false
    requests[id].queuedAtPod = false
    let server = Int(requests[id].server), pod = Int(requests[id].pod)
    var dispatched: [UInt32] = []
    servers[server].pods[pod].admission!.finish(id, now: calendar.now, dispatched: &dispatched)
    runPodDispatched(dispatched, server: server, pod: pod)
  }

  /// A request queued by the pod's own APF reached its wait limit: the pod answers 429.
  mutating func podQueueWaitExpires(_ id: UInt32) {
    guard requests[id].queuedAtPod else { return }
    let server = Int(requests[id].server), pod = Int(requests[id].pod)
    var dispatched: [UInt32] = []
    if servers[server].pods[pod].admission!.queueWaitExpired(id, now: calendar.now, dispatched: &dispatched) {
      requests[id].holdsPodAdmission = false
      requests[id].queuedAtPod = false
      respondFromPod(id, reply: .tooManyRequests)
    }
    runPodDispatched(dispatched, server: server, pod: pod)
  }

  mutating func runPodDispatched(_ dispatched: [UInt32], server: Int, pod: Int) {
    for next in dispatched where requests[next].queuedAtPod {
      requests[next].queuedAtPod = false
      takeWorker(next, server: server, pod: pod)
    }
  }
}
