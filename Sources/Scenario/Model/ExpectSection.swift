/// `spec.expect`: assertions on the output metrics, evaluated by the CLI after the run (the
/// regression test of a timeout policy). Each bounds one metric in one scope with `min` and/or
/// `max` (inclusive), applied to the mean over replications.
/// ```yaml
/// expect:
///   - {metric: latency_p99_s, scope: client/hpa, max: 1.0}
///   - {metric: success_fraction, scope: all, min: 0.999}
///   - {metric: pod_utilisation, scope: pod/metrics-server/0, max: 0.8}
///   - {metric: time_to_detect_s, scope: apiservice/v1beta1.metrics.k8s.io, max: 36}
///   - {metric: terminating_max_s, scope: namespace_controller/namespaces, max: 120}
/// ```
/// The scopes and metrics are those of `summary.csv` (`scope_kind/scope`, `ScopeKind`):
/// - `all` (every client request), `client/<client>`, `apiservice/<APIService>` (the requests of
///   the clients targeting it): `requests`, `retries`, `latency_mean_s`, `latency_p50_s`,
///   `latency_p90_s`, `latency_p99_s`, `latency_p999_s`, `latency_max_s` (as the client sees it,
///   retries included), `throughput_per_s`, `rate_200`, `success_fraction`, `fraction_429`,
///   `fraction_503_unavailable`, `fraction_503_discovery_timeout`, `fraction_503_unreachable`,
///   `fraction_504`, `fraction_client_timeout`, `fraction_500` (fractions of the requests
///   completed in the scope after warm-up);
/// - `apiservice/<APIService>` also: `unavailable_fraction`, `availability_transitions`,
///   `time_to_detect_s` (from its server's first fault to the first Available=False),
///   `status_propagation_max_s` (the longest from a status write to a proxy following it),
///   `openapi_downloads`, `openapi_failed_downloads` (the OpenAPI controllers', all instances);
/// - `pod/<server>/<index>` and `all` (the mean over pods): `pod_utilisation`,
///   `pod_queue_length_mean`, `pod_served`;
/// - `kubectl/<client>`, `garbage_collector/<client>`, `namespace_controller/<client>`:
///   `invocations`, `cache_hits`, `discovery_complete`, `discovery_partial`,
///   `discovery_partial_fraction`, `discovery_latency_p50_s`, `discovery_latency_p99_s`,
///   `discovery_latency_max_s`;
/// - `namespace_controller/<client>` also: `namespaces_deleted`, `namespaces_finalized`,
///   `namespace_discovery_failures`, `terminating_mean_s`, `terminating_p50_s`,
///   `terminating_p99_s`, `terminating_max_s`, `still_terminating`, `oldest_terminating_s`;
/// - `discovery/<APIService>` (the discovery manager): `stale_fraction`, `stale_s`,
///   `stale_to_current`, `fetches`, `failed_fetches`, `fallbacks` (syncs that went on to the
///   legacy fallback `GET /apis/<group>/<version>`);
/// - `priority_level/<instance>/<level>` (APF): `seat_utilisation`, `queue_length_mean`,
///   `queue_wait_mean_s`, `rejected`, `dispatched`, `concurrency_limit`.
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
    guard metric.scopeKinds.contains(scope.value.kind) else {
      scopeNode.report(expected: "a scope of the form \(ScopeKind.patterns(metric.scopeKinds)) for \(metric.rawValue)")
      return nil
    }
    return (Expectation(metric: metric, scope: scope.value, min: low, max: high, location: node.location), scope.location)
  }

  static func scope(_ node: NodeReader) -> Located<ExpectationScope>? {
    guard let text = node.string() else { return nil }
    guard let scope = ExpectationScope(text) else {
      node.report(expected: ScopeKind.patterns(ScopeKind.allCases))
      return nil
    }
    return Located(scope, at: node.location)
  }
}

/// The kinds of scope of `summary.csv` (its `scope_kind` column) that expectations can name.
public enum ScopeKind: String, CaseIterable, Hashable, Sendable {
  case all
  case client
  case apiService = "apiservice"
  case pod
  case kubectl
  case garbageCollector = "garbage_collector"
  case namespaceController = "namespace_controller"
  case discovery
  case priorityLevel = "priority_level"

  /// How a scope of this kind is written.
  public var pattern: String {
    switch self {
    case .all: "all"
    case .client: "client/<name>"
    case .apiService: "apiservice/<name>"
    case .pod: "pod/<server>/<index>"
    case .kubectl, .garbageCollector, .namespaceController: "\(rawValue)/<client>"
    case .discovery: "discovery/<apiservice>"
    case .priorityLevel: "priority_level/<instance>/<level>"
    }
  }

  /// `a, b or c` of the kinds' patterns, in declaration order.
  static func patterns(_ kinds: some Collection<ScopeKind>) -> String {
    let list = allCases.filter(kinds.contains).map(\.pattern)
    return list.count < 2 ? list.joined() : list.dropLast().joined(separator: ", ") + " or " + list.last!
  }
}

/// What an expectation bounds (see `ExpectSection` for the meaning and unit of each).
public enum ExpectationMetric: String, CaseIterable, Hashable, Sendable {
  case requests
  case retries
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
  case unavailableFraction = "unavailable_fraction"
  case availabilityTransitions = "availability_transitions"
  case timeToDetect = "time_to_detect_s"
  case statusPropagationMax = "status_propagation_max_s"
  case openAPIDownloads = "openapi_downloads"
  case openAPIFailedDownloads = "openapi_failed_downloads"
  case podUtilisation = "pod_utilisation"
  case podQueueLengthMean = "pod_queue_length_mean"
  case podServed = "pod_served"
  case invocations
  case cacheHits = "cache_hits"
  case discoveryComplete = "discovery_complete"
  case discoveryPartial = "discovery_partial"
  case discoveryPartialFraction = "discovery_partial_fraction"
  case discoveryLatencyP50 = "discovery_latency_p50_s"
  case discoveryLatencyP99 = "discovery_latency_p99_s"
  case discoveryLatencyMax = "discovery_latency_max_s"
  case namespacesDeleted = "namespaces_deleted"
  case namespacesFinalized = "namespaces_finalized"
  case namespaceDiscoveryFailures = "namespace_discovery_failures"
  case terminatingMean = "terminating_mean_s"
  case terminatingP50 = "terminating_p50_s"
  case terminatingP99 = "terminating_p99_s"
  case terminatingMax = "terminating_max_s"
  case stillTerminating = "still_terminating"
  case oldestTerminating = "oldest_terminating_s"
  case staleFraction = "stale_fraction"
  case staleSeconds = "stale_s"
  case staleToCurrent = "stale_to_current"
  case fetches
  case failedFetches = "failed_fetches"
  case fallbacks
  case seatUtilisation = "seat_utilisation"
  case queueLengthMean = "queue_length_mean"
  case queueWaitMean = "queue_wait_mean_s"
  case rejected
  case dispatched
  case concurrencyLimit = "concurrency_limit"

  /// The kinds of scope that have this metric.
  public var scopeKinds: Set<ScopeKind> {
    switch self {
    case .requests, .retries, .latencyMean, .latencyP50, .latencyP90, .latencyP99, .latencyP999, .latencyMax, .throughput,
         .rate200, .successFraction, .fraction429, .fraction503Unavailable, .fraction503DiscoveryTimeout,
         .fraction503Unreachable, .fraction504, .fractionClientTimeout, .fraction500:
      [.all, .client, .apiService]
    case .unavailableFraction, .availabilityTransitions, .timeToDetect, .statusPropagationMax, .openAPIDownloads,
         .openAPIFailedDownloads:
      [.apiService]
    case .podUtilisation, .podQueueLengthMean, .podServed: [.pod, .all]
    case .invocations, .cacheHits, .discoveryComplete, .discoveryPartial, .discoveryPartialFraction, .discoveryLatencyP50,
         .discoveryLatencyP99, .discoveryLatencyMax:
      [.kubectl, .garbageCollector, .namespaceController]
    case .namespacesDeleted, .namespacesFinalized, .namespaceDiscoveryFailures, .terminatingMean, .terminatingP50,
         .terminatingP99, .terminatingMax, .stillTerminating, .oldestTerminating:
      [.namespaceController]
    case .staleFraction, .staleSeconds, .staleToCurrent, .fetches, .failedFetches, .fallbacks: [.discovery]
    case .seatUtilisation, .queueLengthMean, .queueWaitMean, .rejected, .dispatched, .concurrencyLimit: [.priorityLevel]
    }
  }

  /// Whether the metric is of a pod (else of requests, discovery or the control plane).
  public var isPodMetric: Bool { scopeKinds.contains(.pod) }
}

/// Which part of the results an expectation looks at.
public enum ExpectationScope: Hashable, Sendable, CustomStringConvertible {
  case all
  case client(String)
  case apiService(String)
  case pod(server: String, index: Int)
  /// A kubectl, garbage-collector or namespace-deletion client's discovery (kind: which).
  case discoveryClient(ScopeKind, String)
  /// The discovery manager's view of an APIService.
  case discovery(apiService: String)
  case priorityLevel(instance: Int, level: String)

  /// Parses `all`, `client/hpa`, `pod/metrics-server/0`, `priority_level/0/global-default` …
  /// (nil when the text is none of `ScopeKind`'s patterns).
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    func index(_ s: String) -> Int? { s.allSatisfy(\.isASCII) ? Int(s).flatMap { $0 >= 0 ? $0 : nil } : nil }
    guard let kind = parts.first.flatMap(ScopeKind.init(rawValue:)) else { return nil }
    switch (kind, parts.count) {
    case (.all, 1): self = .all
    case (.client, 2) where !parts[1].isEmpty: self = .client(parts[1])
    case (.apiService, 2) where !parts[1].isEmpty: self = .apiService(parts[1])
    case (.pod, 3) where !parts[1].isEmpty:
      guard let i = index(parts[2]) else { return nil }
      self = .pod(server: parts[1], index: i)
    case (.kubectl, 2) where !parts[1].isEmpty, (.garbageCollector, 2) where !parts[1].isEmpty,
         (.namespaceController, 2) where !parts[1].isEmpty:
      self = .discoveryClient(kind, parts[1])
    case (.discovery, 2) where !parts[1].isEmpty: self = .discovery(apiService: parts[1])
    case (.priorityLevel, 3) where !parts[2].isEmpty:
      guard let i = index(parts[1]) else { return nil }
      self = .priorityLevel(instance: i, level: parts[2])
    default: return nil
    }
  }

  public var kind: ScopeKind {
    switch self {
    case .all: .all
    case .client: .client
    case .apiService: .apiService
    case .pod: .pod
    case .discoveryClient(let kind, _): kind
    case .discovery: .discovery
    case .priorityLevel: .priorityLevel
    }
  }

  /// As written: `all`, `client/hpa`, `apiservice/v1beta1.metrics.k8s.io`, `pod/metrics-server/0` …
  public var description: String {
    switch self {
    case .all: "all"
    case .client(let name): "client/\(name)"
    case .apiService(let name): "apiservice/\(name)"
    case .pod(let server, let index): "pod/\(server)/\(index)"
    case .discoveryClient(let kind, let name): "\(kind.rawValue)/\(name)"
    case .discovery(let name): "discovery/\(name)"
    case .priorityLevel(let instance, let level): "priority_level/\(instance)/\(level)"
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
