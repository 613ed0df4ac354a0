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

/// One request in the sampled request trace (`requests.csv`).
public struct RequestTraceEntry: Hashable, Sendable {
  public var client: Int
  /// Registry index of the target APIService (-1: none).
  public var apiService: Int
  public var kind: RequestKind
  /// First send by the client, and the end (answer or client timeout).
  public var start: SimTime
  public var end: SimTime
  public var outcome: Outcome
  public var attempts: Int
  /// Instance and pod of the last attempt (-1: it never reached one).
  public var instance: Int
  public var pod: Int

  public var latency: SimDuration { end - start }
}

/// Everything one replication measured, as plain values (merged and written by the caller).
public struct ReplicationResult: Sendable {
  public var replication: Int
  public var clientNames: [String]
  public var clients: [ScopeMetrics]
  public var apiServiceNames: [String]
  public var apiServices: [ScopeMetrics]
  public var pods: [PodMetrics]
  /// Sampled requests, in the order they ended (empty unless `ModelSpec.requestTraceSampling` > 0).
  public var trace: [RequestTraceEntry]
  /// Events handled, and the simulated time over which statistics were collected.
  public var events: UInt64
  public var measuredDuration: SimDuration
}
