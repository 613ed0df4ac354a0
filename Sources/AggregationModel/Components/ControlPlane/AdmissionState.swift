import SimCore

/// The admission filter of one control-plane instance: APF, max-in-flight, or none. The
/// filters are kept as optionals (not enum payloads) so that they mutate in place.
struct AdmissionState {
  var apf: PriorityAndFairness?
  var maxInFlight: MaxInFlightLimiter?
  /// Each client's APF classification, computed once.
  var classifications: [PriorityAndFairness.Classification] = []
  /// Each extension server's review identity classification (APF only; servers without
  /// delegated authorization get the first client-free default).
  var serverClassifications: [PriorityAndFairness.Classification] = []
  /// Each client's subject (for the max-in-flight filter's exemption).
  let subjects: [RequestSubject]
  /// Seats a proxied LIST takes: 10 in 1.23.0–1.23.5, 1 otherwise (`VersionBehaviour.aggregatedListSeats`).
  let listSeats: Int

  /// The filter `spec` describes, for clients `subjects`. A configuration APF refuses (a schema
  /// naming a missing level) is reported by the scenario layer before a run; here it falls back
  /// to the defaults, which are valid.
  /// `borrowing` overrides the configuration's (false for a pod's own APF, which has no
  /// borrowing controller in this model).
  init(_ spec: AdmissionSpec, subjects: [RequestSubject], reviewers: [RequestSubject] = [], version: KubernetesVersion,
       borrowing: Bool? = nil) {
    listSeats = VersionBehaviour(version).aggregatedListSeats
    self.subjects = subjects
    switch spec {
    case .unlimited:
      break
    case .priorityAndFairness(var configuration):
      if let borrowing { configuration.borrowing = borrowing }
      var apf = (try? PriorityAndFairness(configuration: configuration, version: version)) ?? (try! PriorityAndFairness(version: version))
      classifications = subjects.map { apf.classify($0) }
      serverClassifications = reviewers.map { apf.classify($0) }
      for index in classifications.indices { apf.prepareHand(&classifications[index]) }
      for index in serverClassifications.indices { apf.prepareHand(&serverClassifications[index]) }
      self.apf = apf
    case .maxInFlight(let readOnly, let mutating):
      maxInFlight = MaxInFlightLimiter(readOnlyLimit: readOnly, mutatingLimit: mutating)
    }
  }

  /// Admits the request of `client`, seats by `kind`.
  mutating func admit(_ request: UInt32, client: Int, kind: RequestKind, now: SimTime, deadline: SimTime) -> AdmissionDecision {
    if apf != nil {
      let classification = classifications[client]
      let seats = kind == .list ? listSeats : 1
      return apf!.admit(request, classification: classification, seats: seats, now: now, deadline: deadline)
    }
    if maxInFlight != nil {
      return maxInFlight!.admit(request, isMutating: false, subject: subjects[client])
    }
    return .execute(level: 0)
  }

  /// Admits a SubjectAccessReview sent by extension server `server` (one seat, read-only).
  mutating func admitReview(_ request: UInt32, server: Int, reviewer: RequestSubject, now: SimTime, deadline: SimTime) -> AdmissionDecision {
    if apf != nil {
      return apf!.admit(request, classification: serverClassifications[server], seats: 1, now: now, deadline: deadline)
    }
    if maxInFlight != nil {
      // A SubjectAccessReview is a create (mutating) request.
      return maxInFlight!.admit(request, isMutating: true, subject: reviewer)
    }
    return .execute(level: 0)
  }

  /// Releases the request's seat (or takes it out of its queue); appends to `dispatched` the
  /// queued requests that may now run.
  mutating func finish(_ request: UInt32, now: SimTime, dispatched: inout [UInt32]) {
    if apf != nil { apf!.finish(request, now: now, dispatched: &dispatched) }
    if maxInFlight != nil { maxInFlight!.finish(request) }
  }

  /// A queued request's wait limit passed: true when it was still queued (now rejected with 429).
  mutating func queueWaitExpired(_ request: UInt32, now: SimTime, dispatched: inout [UInt32]) -> Bool {
    apf?.queueWaitExpired(request, now: now, dispatched: &dispatched) ?? false
  }

  /// The apiserver process restarted at `now`: no seat is held and nothing waits; APF's
  /// statistics go on.
  mutating func restarted(at now: SimTime) {
    apf?.restarted(at: now)
    if let limiter = maxInFlight {
      maxInFlight = MaxInFlightLimiter(readOnlyLimit: limiter.readOnlyLimit, mutatingLimit: limiter.mutatingLimit,
                                       retryAfter: limiter.retryAfter, exemptGroup: limiter.exemptGroup)
    }
  }

  /// The Retry-After a rejection in `level` carries now.
  func retryAfter(level: Int) -> SimDuration { apf?.retryAfter(level: level) ?? .seconds(1) }
}
