/// `spec.expect`: assertions on the output metrics, evaluated by the CLI after the run (the
/// regression test of a timeout policy). Each bounds one metric in one scope with `min` and/or
/// `max` (inclusive), applied to the mean over the replications where the metric is finite (a
/// replication with no value, e.g. a `time_to_detect_s` that never happened, only lowers `n`).
/// ```yaml
/// expect:
///   - {metric: latency_p99_s, scope: client/hpa, max: 1.0}
///   - {metric: success_fraction, scope: all, min: 0.999}
///   - {metric: pod_utilisation, scope: pod/metrics-server/0, max: 0.8}
///   - {metric: time_to_detect_s, scope: apiservice/v1beta1.metrics.k8s.io, min: 5, max: 36}
/// ```
/// Scopes: `all` (every client request), `client/<client name>`, `apiservice/<APIService name>`
/// (the requests of the clients targeting it), `pod/<extension server>/<replica index>`.
/// Metrics (`ExpectationMetric`; seconds for latencies, fractions in [0, 1] of the requests
/// completed in the scope after warm-up, rates per second of simulated time):
/// - `latency_mean_s`, `latency_p50_s`, `latency_p90_s`, `latency_p99_s`, `latency_p999_s`, `latency_max_s`:
///   response time as the client sees it (retries included);
/// - `throughput_per_s`: responses per second; `rate_200`: 200 responses per second;
/// - `success_fraction`: fraction answered 200;
/// - `fraction_429`: rejected by APF/max-in-flight or a full pod queue;
/// - `fraction_503_unavailable`: the APIService was not Available;
/// - `fraction_503_discovery_timeout`: the 5 s cap on legacy discovery;
/// - `fraction_503_unreachable`: `error trying to reach service` (dial, TLS, connection lost);
/// - `fraction_504`: the request deadline (`requestTimeout`);
/// - `fraction_client_timeout`: the client's own `timeout`;
/// - `fraction_500`: the extension server failed its delegated authorization (SubjectAccessReview);
/// - `pod_utilisation`: busy workers / workers (only with `pod/…` or `all`, the mean over pods);
///   `pod_queue_length_mean`: mean waiting requests of the pod (only with `pod/…` or `all`);
/// - `unavailable_fraction`, `availability_transitions`, `time_to_detect_s`: the APIService's
///   Available condition (only with `apiservice/…`): time with Available=False over the measured
///   time, status flips, and seconds from the first fault of its server to the first False
///   (over the whole run, warm-up included; no value when there was no fault or no detection).
public struct ExpectSection: ScenarioSection, Hashable {
  public static let key = "expect"
  public var expectations: [Expectation]
  /// Where each expectation's scope was written (for the checks of the names in it).
  var scopeLocations: [SourceLocation]

  public init?(reading node: NodeReader) {
    guard let list = node.array(Self.expectation) else { return nil }
    expectations = list.map(\.0)
    scopeLocations = list.map(\.1)
  }

  static func expectation(_ node: NodeReader) -> (Expectation, SourceLocation)? {
    guard let m = node.mapping(knownKeys: ["metric", "scope", "min", "max"]) else { return nil }
    let metric = m.required("metric")?.oneOf(ExpectationMetric.self)
    let scopeNode = m.required("scope")
    let scope = scopeNode.flatMap(Self.scope)
    let low = m.optionalValue("min") { $0.number() }
    let high = m.optionalValue("max") { $0.number() }
    guard let metric, let scopeNode, let scope, let low, let high else { return nil }
    if low == nil && high == nil {
      node.report(expected: "a bound: min, max or both", found: "neither")
      return nil
    }
    if let low, let high, low > high, let maxNode = m.optional("max") {
      maxNode.report(expected: "a max >= min (\(NodeReader.format(low)))")
      return nil
    }
    if metric.isAvailabilityMetric {
      guard case .apiService = scope.value else {
        scopeNode.report(expected: "an apiservice/<name> scope for \(metric.rawValue) (a metric of the Available condition)")
        return nil
      }
    } else if metric.isPodMetric, case .client = scope.value {
      scopeNode.report(expected: "a pod/<server>/<index> or all scope for \(metric.rawValue)")
      return nil
    } else if metric.isPodMetric, case .apiService = scope.value {
      scopeNode.report(expected: "a pod/<server>/<index> or all scope for \(metric.rawValue)")
      return nil
    } else if !metric.isPodMetric, case .pod = scope.value {
      scopeNode.report(expected: "a client/<name>, apiservice/<name> or all scope for \(metric.rawValue) (a request metric)")
      return nil
    }
    return (Expectation(metric: metric, scope: scope.value, min: low, max: high, location: node.location), scope.location)
  }

  static func scope(_ node: NodeReader) -> Located<ExpectationScope>? {
    let expected = "all, client/<name>, apiservice/<name> or pod/<server>/<index>"
    guard let text = node.string() else { return nil }
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let scope: ExpectationScope?
    switch (parts.first, parts.count) {
    case ("all", 1): scope = .all
    case ("client", 2) where !parts[1].isEmpty: scope = .client(parts[1])
    case ("apiservice", 2) where !parts[1].isEmpty: scope = .apiService(parts[1])
    case ("pod", 3) where !parts[1].isEmpty:
      scope = parts[2].allSatisfy(\.isASCII) ? Int(parts[2]).flatMap { $0 >= 0 ? .pod(server: parts[1], index: $0) : nil } : nil
    default: scope = nil
    }
    guard let scope else { node.report(expected: expected); return nil }
    return Located(scope, at: node.location)
  }
}

/// What an expectation bounds (see `ExpectSection` for the meaning and unit of each).
public enum ExpectationMetric: String, CaseIterable, Hashable, Sendable {
  case latencyMean = "latency_mean_s"
  case latencyP50 = "latency_p50_s"
  case latencyP90 = "latency_p90_s"
  case latencyP99 = "latency_p99_s"
  case latencyP999 = "latency_p999_s"
  case latencyMax = "latency_max_s"
  case throughput = "throughput_per_s"
  case rate200 = "rate_200"
  case successFraction = "success_fraction"
  case fraction429 = "fraction_429"
  case fraction503Unavailable = "fraction_503_unavailable"
  case fraction503DiscoveryTimeout = "fraction_503_discovery_timeout"
  case fraction503Unreachable = "fraction_503_unreachable"
  case fraction504 = "fraction_504"
  case fractionClientTimeout = "fraction_client_timeout"
  case fraction500 = "fraction_500"
  case podUtilisation = "pod_utilisation"
  case podQueueLengthMean = "pod_queue_length_mean"
  case unavailableFraction = "unavailable_fraction"
  case availabilityTransitions = "availability_transitions"
  case timeToDetect = "time_to_detect_s"

  /// Whether the metric is of a pod (else of requests or of an Available condition).
  public var isPodMetric: Bool { self == .podUtilisation || self == .podQueueLengthMean }
  /// Whether the metric is of an APIService's Available condition (else of requests or a pod).
  public var isAvailabilityMetric: Bool {
    self == .unavailableFraction || self == .availabilityTransitions || self == .timeToDetect
  }
}

/// Which part of the results an expectation looks at.
public enum ExpectationScope: Hashable, Sendable, CustomStringConvertible {
  case all
  case client(String)
  case apiService(String)
  case pod(server: String, index: Int)

  /// As written: `all`, `client/hpa`, `apiservice/v1beta1.metrics.k8s.io`, `pod/metrics-server/0`.
  public var description: String {
    switch self {
    case .all: "all"
    case .client(let name): "client/\(name)"
    case .apiService(let name): "apiservice/\(name)"
    case .pod(let server, let index): "pod/\(server)/\(index)"
    }
  }
}

/// One assertion of `spec.expect`: `min <= metric(scope) <= max`.
public struct Expectation: Hashable, Sendable {
  public var metric: ExpectationMetric
  public var scope: ExpectationScope
  public var min: Double?
  public var max: Double?
  /// Where the expectation was written (for the CLI's report of a failed one).
  public var location: SourceLocation

  public init(metric: ExpectationMetric, scope: ExpectationScope, min: Double?, max: Double?, location: SourceLocation) {
    self.metric = metric
    self.scope = scope
    self.min = min
    self.max = max
    self.location = location
  }

  /// Whether `value` lies within the bounds.
  public func holds(for value: Double) -> Bool {
    (min.map { value >= $0 } ?? true) && (max.map { value <= $0 } ?? true)
  }
}
