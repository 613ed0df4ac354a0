public import SimCore

/// The admission decision of a control-plane instance for one request.
enum AdmissionOutcome {
  case execute
  case queued(until: SimTime)
  case rejected(retryAfter: SimDuration)
}

/// The admission filter of one control-plane instance.
struct AdmissionState {
  let spec: AdmissionSpec

  init(_ spec: AdmissionSpec) { self.spec = spec }

  mutating func admit(_ request: UInt32, identity: ClientIdentity, now: SimTime, deadline: SimTime) -> AdmissionOutcome {
    switch spec {
    case .unlimited: .execute
    }
  }

  /// Releases the request's seat; appends to `dispatched` the queued requests that may now run.
  mutating func finish(_ request: UInt32, now: SimTime, dispatched: inout [UInt32]) {}

  /// A queued request's wait limit passed: true when it was still queued (now rejected).
  mutating func queueWaitExpired(_ request: UInt32, now: SimTime) -> Bool { false }
}
