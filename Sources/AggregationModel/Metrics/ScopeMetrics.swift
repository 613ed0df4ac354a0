public import SimCore

/// What one scope (a client, or an APIService) saw of its requests in one replication, counted
/// when the answer reached the client (or the client gave up) after the warm-up.
public struct ScopeMetrics: Sendable {
  /// Requests ended, per `Outcome` (indexed by its raw value).
  public var outcomes: [Int] = Array(repeating: 0, count: Outcome.allCases.count)
  /// Latency seen by the client, from its first send to the final answer (retries included),
  /// of every request that ended.
  public var latency = LatencyHistogram()
  /// The same, of the requests that ended with 200.
  public var successLatency = LatencyHistogram()
  /// Retries sent (after a 429 with Retry-After).
  public var retries = 0

  public init() {}

  /// Requests that ended, whatever the outcome.
  public var completed: Int { outcomes.reduce(0, +) }

  public func count(_ outcome: Outcome) -> Int { outcomes[outcome.rawValue] }

  mutating func record(_ outcome: Outcome, latency d: SimDuration) {
    outcomes[outcome.rawValue] += 1
    latency.record(d)
    if outcome == .ok { successLatency.record(d) }
  }

  mutating func reset() {
    self = ScopeMetrics()
  }
}

/// A pod's load in one replication (after the warm-up).
public struct PodMetrics: Sendable {
  public var server: String
  public var pod: Int
  /// Time-weighted busy workers / workers.
  public var utilisation: Double
  /// Requests whose service completed.
  public var served: Int
}

/// Everything one replication measured, as plain values (merged and written by the caller).
public struct ReplicationResult: Sendable {
  public var replication: Int
  public var clientNames: [String]
  public var clients: [ScopeMetrics]
  public var apiServiceNames: [String]
  public var apiServices: [ScopeMetrics]
  public var pods: [PodMetrics]
  /// Events handled, and the simulated time over which statistics were collected.
  public var events: UInt64
  public var measuredDuration: SimDuration
}
