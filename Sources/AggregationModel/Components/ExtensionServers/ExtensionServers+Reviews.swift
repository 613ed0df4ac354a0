import SimCore

/// What came back of one SubjectAccessReview request.
enum ReviewVerdict: UInt8 {
  /// 201 with `allowed: true` (every review the model evaluates allows).
  case allowed
  /// 429 from the control plane's admission, with the review record's `Retry-After`.
  case tooManyRequests
  /// The connection was refused: the instance was down.
  case refused
  /// The connection was reset: the instance stopped while it held the review.
  case reset
  /// The review client's own timeout passed first (context deadline exceeded).
  case timedOut
}

/// The webhook authorizer's retry of a failed SubjectAccessReview call (kubernetes/apiserver
/// `plugin/pkg/authorizer/webhook/webhook.go` `Authorize` → `pkg/util/webhook/webhook.go`
/// `WithExponentialBackoff` with `DefaultAuthWebhookRetryBackoff()`,
/// `pkg/server/options/authentication.go:46`, since kubernetes-1.20.0, commit 525410884; the same
/// 500 ms × 1.5, 5 steps, 0.2 jitter and retried errors hard-coded in `pkg/util/webhook/webhook.go`
/// `WithExponentialBackoff` in 1.16–1.19): at most 5 calls, the n-th retry
/// after 500 ms × 1.5ⁿ⁻¹ × (1 + 0.2 U); a call is retried when `DefaultShouldRetry` accepts its
/// error: a reset connection, HTTP/2 connection lost, 500, 504 (`Timeout` reason) or 429, or
/// any status with `Retry-After`. Its own timeout (context deadline exceeded) and a refused
/// connection are not retried.
enum WebhookRetry {
  /// `wait.Backoff.Steps`: calls at most.
  static let calls: UInt8 = 5
  /// `wait.Backoff.Duration`, `Factor`, `Jitter`.
  static let initial = SimDuration.milliseconds(500)
  static let factor = 1.5
  static let jitter = 0.2

  /// Whether `DefaultShouldRetry` retries a call that ended so.
  static func retries(_ verdict: ReviewVerdict) -> Bool {
    switch verdict {
    case .tooManyRequests, .reset: true
    case .allowed, .refused, .timedOut: false
    }
  }

  /// The wait before call `next` (2…5): 500 ms × 1.5^(next − 2), times 1 + 0.2 U with U from `stream`.
  static func delay(beforeCall next: UInt8, stream: RandomSource) -> SimDuration {
    var base = initial.seconds
    for _ in 2..<Int(next) { base *= factor }
    return .seconds(base * (1 + jitter * stream.uniform()))
  }
}

/// The pods' side of delegated authorization (research §1b, §2.4): a worker that holds a request
/// whose user its pod has not authorized within the cache TTL sends a SubjectAccessReview to the
/// control-plane instance that proxied the request, over the pod's backend link. The review
/// client's timeout (10 s) is its `?timeout=` (so its deadline at the control plane) and its
/// context deadline per call. A 429 is retried by client-go after its Retry-After (at most 10
/// times, within the call's timeout, as every client-go request: `RetryPolicy.clientGo`); a call
/// that still fails is retried by the webhook authorizer (`WebhookRetry`). Allowed → cached and
/// served; otherwise the pod answers 500 (k8s.io/apiserver's authorization filter on an
/// authorizer error). The control plane's side is `ControlPlane+Reviews`.
///
/// Simplifications: a webhook retry goes to the same instance when it is up, else to the next one
/// that is (the extension server reaches kube-apiserver through its Service); the reviewed
/// request's own context does not end the review (a review outlives a proxied request the
/// aggregator gave up on).
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
  /// never reaches a client. Its first call starts now.
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
    kernel.requests[review].timeoutParameter = authorization.clientTimeout
    kernel.requests[review].clientTimeout = authorization.clientTimeout
    startCall(review, &kernel)
  }

  /// One `Create` call of the review: its own client timeout, then its first request.
  private mutating func startCall(_ review: UInt32, _ kernel: inout Kernel) {
    kernel.requests[review].webhookCalls += 1
    kernel.requests[review].attempt = 0
    let timeout = kernel.requests[review].clientTimeout
    kernel.requests[review].senderTimeout = kernel.scheduleCancellable(
      Event.reviewTimeout(review: review, incarnation: kernel.requests[review].incarnation), after: timeout,
      lane: kernel.lanes.lane(for: timeout))
    transmitReview(review, &kernel)
  }

  /// One request of the call leaves the pod for its instance (a partition drops it: the call's
  /// timeout ends it).
  private mutating func transmitReview(_ review: UInt32, _ kernel: inout Kernel) {
    kernel.requests[review].attempt += 1
    kernel.requests.setPhase(review, .toControlPlane, at: kernel.now)
    let record = kernel.requests[review]
    if let delay = kernel.links.backendDelay(instance: record.instance, server: record.server, at: kernel.now, isRequest: false) {
      kernel.schedule(ControlPlane.Event.reviewArrives(review: review, generation: record.generation), after: delay,
                      lane: kernel.links.backendLane(instance: record.instance, server: record.server, isRequest: false))
    }
  }

  /// A retry's wait is over: client-go sends the same call's request again (`newCall` false), or
  /// the webhook authorizer makes its next call (true). Nothing happens if the pod crashed.
  mutating func resendReview(_ review: UInt32, newCall: Bool, _ kernel: inout Kernel, transport: Transport) {
    guard case .review(_, _, let epoch, _) = kernel.requests[review].origin,
          pods[index(Int(kernel.requests[review].server), Int(kernel.requests[review].pod))].epoch == epoch else {
      kernel.cancel(kernel.requests[review].senderTimeout)
      kernel.requests.release(review)
      return
    }
    guard newCall else {
      transmitReview(review, &kernel)
      return
    }
    // The Service may send the new call's connection to another instance when this one is down;
    // a restarted instance is back in the `kubernetes` Service's endpoints once its `/readyz`
    // passes (kube-apiserver's `RunKubernetesService` polls its own `/readyz` every 100 ms before
    // it reconciles its endpoint, "wait until process is ready").
    let instance = kernel.loadBalanced(from: Int(kernel.requests[review].instance), byHealthChecks: false)
    kernel.requests[review].instance = Int32(instance)
    startCall(review, &kernel)
  }

  /// A request of the review ended (its answer reached the pod, its connection failed, or its call
  /// timed out): allowed → cached for the TTL and the request served; a 429 within client-go's
  /// retries → sent again after its Retry-After; a call that failed in a way the webhook retries →
  /// the next call after its backoff; otherwise the worker is freed and the pod answers 500.
  /// Nothing happens if the pod crashed meanwhile.
  mutating func reviewAnswered(_ id: UInt32, _ verdict: ReviewVerdict, _ kernel: inout Kernel, transport: Transport) {
    let record = kernel.requests[id]
    guard case .review(let reviewed, let reviewedGeneration, let epoch, let subject) = record.origin else { return }
    let server = Int(record.server), pod = Int(record.pod), p = index(server, pod)
    if pods[p].epoch == epoch, verdict == .tooManyRequests,
       case .retry(let after) = RetryPolicy.clientGo.decision(status: 429, retryAfter: record.retryAfter, attempt: Int(record.attempt)) {
      retryLater(id, after: after, newCall: false, &kernel)
      return
    }
    kernel.cancel(record.senderTimeout)
    kernel.requests[id].senderTimeout = nil
    if pods[p].epoch == epoch, WebhookRetry.retries(verdict), record.webhookCalls < WebhookRetry.calls {
      retryLater(id, after: WebhookRetry.delay(beforeCall: record.webhookCalls + 1, stream: servers[server].reviewBackoffStream),
                 newCall: true, &kernel)
      return
    }
    kernel.requests.release(id)
    guard pods[p].epoch == epoch else { return }
    let job = PodJob(request: reviewed, generation: reviewedGeneration)
    if verdict == .allowed {
      pods[p].authorizedUntil[Int(subject)] = kernel.now + servers[server].spec.authorization!.allowCacheTTL
      serve(job, server: server, pod: pod, &kernel)
      return
    }
    releaseWorker(server: server, pod: pod, &kernel)
    if kernel.requests.isCurrent(job.request, job.generation) { respond(job.request, reply: .internalError, &kernel, transport: transport) }
  }

  /// The review waits `after`, then `resendReview`. Events of the request that ended are stale.
  private func retryLater(_ id: UInt32, after: SimDuration, newCall: Bool, _ kernel: inout Kernel) {
    kernel.requests[id].generation &+= 1
    kernel.requests.setPhase(id, .waitingForRetry, at: kernel.now)
    kernel.schedule(Event.reviewResend(review: id, generation: kernel.requests[id].generation, newCall: newCall), after: after)
  }
}
