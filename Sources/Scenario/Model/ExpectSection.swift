public import AggregationModel

/// `spec.expect`: assertions on the output metrics, evaluated by the CLI after the run (the
/// regression test of a timeout policy). Each bounds one metric in one scope with `min` and/or
/// `max` (inclusive), applied to a figure over the replications (`over:`, `ExpectationAggregate`):
/// `mean` (default: passes when the whole `confidence` interval of the mean meets the bound,
/// default 0.95, `none` for the mean alone; inconclusive when the interval straddles it),
/// `max`, `min`, `every` (each replication) or `quantile(q)`.
/// ```yaml
/// expect:
///   - {metric: latency_p99_s, scope: client/hpa, max: 1.0}
///   - {metric: terminating_max_s, scope: namespace_controller/namespaces, max: 120, over: every}
///   - {metric: latency_p99_s, scope: all, max: 0.5, over: quantile(0.9)}
///   - {metric: success_fraction, scope: all, min: 0.99, confidence: 0.99}
///   - {metric: success_fraction, scope: all, min: 0.999}
///   - {metric: pod_utilisation, scope: pod/metrics-server/0, max: 0.8}
///   - {metric: time_to_detect_s, scope: apiservice/v1beta1.metrics.k8s.io, max: 36}
///   - {metric: terminating_max_s, scope: namespace_controller/namespaces, max: 120}
/// ```
/// The scopes and metrics are those of `summary.csv` (`scope_kind/scope`, `ScopeKind.pattern`,
/// and `all`): each metric of `MetricCatalogue.summary`, in a scope of one of its `scopeKinds`.
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
    guard let m = node.mapping(ScenarioSchema.expectation) else { return nil }
    let metric = m.required("metric")?.oneOf(MetricCatalogue.summary.map(\.name)).flatMap(MetricCatalogue.summaryMetric(named:))
    let scopeNode = m.required("scope")
    let scope = scopeNode.flatMap(Self.scope)
    let low = m.optionalValue("min") { $0.number() }
    let high = m.optionalValue("max") { $0.number() }
    let over = m.read("over", default: ExpectationAggregate.mean) { $0.aggregate() }
    let confidence = m.read("confidence", default: Expectation.defaultConfidence) { $0.noneOr { $0.number(in: 0.5...0.9999) } }
    guard let metric, let scopeNode, let scope, let low, let high, let over, let confidence else { return nil }
    if confidence != Expectation.defaultConfidence, over != .mean, let node = m.optional("confidence") {
      node.report(expected: "no confidence: it is the level of the mean's interval (over: mean), not of \(over)")
      return nil
    }
    if low == nil && high == nil {
      node.report(expected: "a bound: min, max or both", found: "neither")
      return nil
    }
    if let low, let high, low > high, let maxNode = m.optional("max") {
      maxNode.report(expected: "a max >= min (\(NodeReader.format(low)))")
      return nil
    }
    guard metric.scopeKinds.contains(scope.value.kind) else {
      scopeNode.report(expected: "a scope of the form \(ScopeKind.patterns(metric.scopeKinds)) for \(metric.name)")
      return nil
    }
    return (Expectation(metric: metric, scope: scope.value, min: low, max: high, over: over, confidence: confidence,
                        location: node.location), scope.location)
  }

  static func scope(_ node: NodeReader) -> Located<ExpectationScope>? {
    guard let text = node.string() else { return nil }
    guard let scope = ExpectationScope(text) else {
      node.report(expected: ScopeKind.patterns(MetricCatalogue.summaryScopeKinds))
      return nil
    }
    return Located(scope, at: node.location)
  }
}

extension NodeReader {
  /// `mean`, `max`, `min`, `every` or `quantile(q)` with 0 < q < 1.
  func aggregate() -> ExpectationAggregate? {
    let expected = "one of mean, max, min, every, quantile(q) with 0 < q < 1"
    guard let text = string() else { return nil }
    switch text {
    case "mean": return .mean
    case "max": return .max
    case "min": return .min
    case "every": return .every
    default:
      guard text.hasPrefix("quantile("), text.hasSuffix(")"), let q = Double(text.dropFirst(9).dropLast()), q > 0, q < 1 else {
        report(expected: expected)
        return nil
      }
      return .quantile(q)
    }
  }
}

extension ScopeKind {
  /// `a, b or c` of the kinds' patterns, in declaration order.
  static func patterns(_ kinds: some Collection<ScopeKind>) -> String {
    let list = allCases.filter(kinds.contains).map(\.pattern)
    return list.count < 2 ? list.joined() : list.dropLast().joined(separator: ", ") + " or " + list.last!
  }
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
  /// (nil when the text is none of the patterns of `MetricCatalogue.summaryScopeKinds`).
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

/// One assertion of `spec.expect`: `min <= over(metric(scope)) <= max`.
public struct Expectation: Hashable, Sendable {
  public var metric: SummaryMetric
  public var scope: ExpectationScope
  public var min: Double?
  public var max: Double?
  /// The figure over the replications that the bounds apply to.
  public var over: ExpectationAggregate
  /// The level of the mean's interval (`over: mean`); nil judges the mean alone.
  public var confidence: Double?
  /// Where the expectation was written (for the CLI's report of a failed one).
  public var location: SourceLocation

  /// `confidence:` when it is not given: a 95% interval.
  public static let defaultConfidence: Double? = 0.95

  public init(metric: SummaryMetric, scope: ExpectationScope, min: Double?, max: Double?, over: ExpectationAggregate = .mean,
              confidence: Double? = Expectation.defaultConfidence, location: SourceLocation) {
    self.metric = metric
    self.scope = scope
    self.min = min
    self.max = max
    self.over = over
    self.confidence = confidence
    self.location = location
  }

  /// Whether `value` lies within the bounds.
  public func holds(for value: Double) -> Bool {
    (min.map { value >= $0 } ?? true) && (max.map { value <= $0 } ?? true)
  }
}
