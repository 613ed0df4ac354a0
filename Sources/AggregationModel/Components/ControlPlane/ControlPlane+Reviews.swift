import SimCore

/// The control plane's side of delegated authorization (research §1b, §2.4): a pod's
/// SubjectAccessReview is admitted by APF under the extension server's own identity (it may
/// queue, or be rejected with 429 and Retry-After: kubernetes/kubernetes#109106's priority
/// inversion), evaluated, and answered back over the pod's backend link. Its deadline is its
/// `?timeout=` (the review client's 10 s), so from 1.29 it waits in an APF queue at most 2.5 s.
/// The pod's side is `ExtensionServers+Reviews`.
extension ControlPlane {
  /// The review reached the control plane: APF admits it (or queues or rejects it).
  mutating func reviewArrives(_ id: UInt32, reviewer: RequestSubject, _ kernel: inout Kernel) {
    let instance = Int(kernel.requests[id].instance), server = Int(kernel.requests[id].server)
    // A review sent to an instance that is down, or no longer listens, is refused: it fails back to its pod.
    guard accepts(instance, kernel) else {
      answerReview(id, .refused, &kernel)
      return
    }
    kernel.requests.setPhase(id, .inFilters, at: kernel.now)
    let deadline = kernel.now + queueWaitBasis(of: kernel.requests[id])
    switch admission[instance].admitReview(id, server: server, reviewer: reviewer, now: kernel.now, deadline: deadline) {
    case .execute:
      kernel.requests[id].holdsAdmission = true
      reviewExecutes(id, handlingTime: handlingTime(of: id, kernel), &kernel)
    case .queued(_, let until):
      waitInQueue(id, until: until, &kernel)
    case .rejected(_, let retryAfter):
      kernel.requests[id].retryAfter = retryAfter
      answerReview(id, .tooManyRequests, &kernel)
    }
  }

  /// Admitted: the control plane evaluates the review for `handlingTime` (drawn now).
  mutating func reviewExecutes(_ id: UInt32, handlingTime: Distribution, _ kernel: inout Kernel) {
    kernel.requests.setPhase(id, .inLocalHandler, at: kernel.now)
    kernel.schedule(Event.reviewHandled(review: id, generation: kernel.requests[id].generation),
                    after: handlingTime.sample(reviewStream))
  }

  /// The time the control plane takes to evaluate a review of the request's server.
  func handlingTime(of id: UInt32, _ kernel: Kernel) -> Distribution {
    kernel.spec.extensionServers[Int(kernel.requests[id].server)].authorization!.handlingTime
  }

  /// The review's answer (allowed; 429 with the record's Retry-After, at once or at its queue-wait
  /// limit; refused by an instance that is down) goes back to the pod over its backend link (a
  /// partition drops it: the pod's review timeout ends it). The caller has released the seat.
  mutating func answerReview(_ id: UInt32, _ verdict: ReviewVerdict, _ kernel: inout Kernel) {
    kernel.requests.setPhase(id, .toPod, at: kernel.now)
    let record = kernel.requests[id]
    if let delay = kernel.links.backendDelay(instance: record.instance, server: record.server, at: kernel.now, isRequest: true) {
      kernel.schedule(ExtensionServers.Event.reviewAnswer(review: id, generation: record.generation, verdict: verdict), after: delay,
                      lane: kernel.links.backendLane(instance: record.instance, server: record.server, isRequest: true))
    }
  }
}
