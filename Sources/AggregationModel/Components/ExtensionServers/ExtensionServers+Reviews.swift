import SimCore

/// The pods' side of delegated authorization (research §1b, §2.4): a worker that holds a request
/// whose user its pod has not authorized within the cache TTL sends a SubjectAccessReview to the
/// control-plane instance that proxied the request, over the pod's backend link, and waits for it
/// at most the review client's timeout. Allowed → cached and served; otherwise the pod answers
/// 500 (k8s.io/apiserver's authorization filter on an authorizer error). The control plane's side
/// is `ControlPlane+Reviews`.
extension ExtensionServers {
  /// Whose authorization a pod of `server` checks for the request: its client's cache slot; for
  /// the discovery manager's legacy fallback, sent as `system:kube-aggregator` without
  /// `system:masters` (research §3.2), the aggregator's slot after the clients'; -1 for the
  /// `system:masters` traffic it does not review (probes, the aggregated `GET /apis`, OpenAPI).
  func reviewSubject(_ id: UInt32, server: Int, _ kernel: Kernel) -> Int {
    switch kernel.requests[id].origin {
    case .discoveryFetch(legacyFallback: true): servers[server].aggregatorSubject
    case .discoveryFetch(legacyFallback: false), .probe, .openAPI: -1
    case .client, .discoveryRun, .review: Int(kernel.requests[id].client)
    }
  }

  /// The review is a record of the request table (so that APF can queue it under its id) and
  /// never reaches a client.
  mutating func sendReview(for job: PodJob, server: Int, pod: Int, subject: Int, _ kernel: inout Kernel) {
    let authorization = servers[server].spec.authorization!
    let original = kernel.requests[job.request]
    let review = kernel.requests.allocate()
    kernel.requests[review].origin = .review(reviewed: job.request, reviewedGeneration: job.generation,
                                             podEpoch: pods[index(server, pod)].epoch, subject: Int32(subject))
    kernel.requests[review].kind = original.kind
    kernel.requests[review].instance = original.instance
    kernel.requests[review].server = Int32(server)
    kernel.requests[review].pod = Int32(pod)
    kernel.requests[review].phase = .toControlPlane
    let generation = kernel.requests[review].generation
    kernel.requests[review].senderTimeout = kernel.scheduleCancellable(
      Event.reviewTimeout(review: review, generation: generation), after: authorization.clientTimeout,
      lane: kernel.lanes.lane(for: authorization.clientTimeout))
    // A partition drops it: the review client's timeout ends it.
    if let delay = kernel.links.backendDelay(instance: original.instance, server: Int32(server), at: kernel.now, isRequest: false) {
      kernel.schedule(ControlPlane.Event.reviewArrives(review: review, generation: generation), after: delay,
                      lane: kernel.links.backendLane(instance: original.instance, server: Int32(server), isRequest: false))
    }
  }

  /// The review's outcome reached the pod (or its client gave up): allowed → cached for the TTL
  /// and the request served; otherwise the worker is freed and the pod answers 500. Nothing
  /// happens if the pod crashed meanwhile.
  mutating func reviewEnds(_ id: UInt32, allowed: Bool, _ kernel: inout Kernel, transport: Transport) {
    let record = kernel.requests[id]
    kernel.cancel(record.senderTimeout)
    kernel.requests.release(id)
    guard case .review(let reviewed, let reviewedGeneration, let epoch, let subject) = record.origin else { return }
    let server = Int(record.server), pod = Int(record.pod), p = index(server, pod)
    guard pods[p].epoch == epoch else { return }
    let job = PodJob(request: reviewed, generation: reviewedGeneration)
    if allowed {
      pods[p].authorizedUntil[Int(subject)] = kernel.now + servers[server].spec.authorization!.allowCacheTTL
      serve(job, server: server, pod: pod, &kernel)
      return
    }
    releaseWorker(server: server, pod: pod, &kernel)
    if kernel.requests.isCurrent(job.request, job.generation) { respond(job.request, reply: .internalError, &kernel, transport: transport) }
  }
}
