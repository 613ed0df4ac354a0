public import SimCore

/// What an admission filter (API Priority and Fairness or max-in-flight) decides for one request.
public enum AdmissionDecision: Hashable, Sendable {
  /// The request holds its seats from now until the caller reports `finish`.
  case execute(level: Int)
  /// The request waits in a queue of `level`; the caller schedules a timer at `queueWaitDeadline`
  /// and reports it with `queueWaitExpired` (stale if the request was dispatched meanwhile).
  case queued(level: Int, queueWaitDeadline: SimTime)
  /// HTTP 429 Too Many Requests with this `Retry-After`.
  case rejected(level: Int, retryAfter: SimDuration)

  /// The priority level (or max-in-flight pool) the decision was made in.
  public var level: Int {
    switch self {
    case .execute(let level), .queued(let level, _), .rejected(let level, _): level
    }
  }
}
