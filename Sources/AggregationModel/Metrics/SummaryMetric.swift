import SimCore

/// One summary metric: a figure per scope and replication, computed from a `ReplicationResult`
/// after the run (one row of `summary.csv` per replication, and the figure `expect:`, `check`,
/// `compare`, `capacity` and `report` read). Its name, unit, scope kinds, meaning and formula are
/// declared once, in `MetricCatalogue.summary`.
///
/// Two metrics are the same when their names are (names are unique in the catalogue).
public struct SummaryMetric: Hashable, Sendable, CustomStringConvertible {
  /// As in `summary.csv`'s `metric` column and `expect:`'s `metric`, e.g. `latency_p99_s`.
  public let name: String
  /// The unit of its values (`summary.csv`'s `unit` column).
  public let unit: MetricUnit
  /// What it measures, in one line.
  public let meaning: String
  /// How it is computed, and from which part of a replication's results.
  let formula: Formula

  init(_ name: String, _ unit: MetricUnit, _ meaning: String, _ formula: Formula) {
    self.name = name
    self.unit = unit
    self.meaning = meaning
    self.formula = formula
  }

  /// The kinds of scope that have this metric, in `ScopeKind` order.
  public var scopeKinds: [ScopeKind] { formula.scopeKinds }

  public var description: String { name }

  public static func == (a: Self, b: Self) -> Bool { a.name == b.name }
  public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// The unit of a metric's value, as `summary.csv`'s `unit` column writes it.
public enum MetricUnit: String, CaseIterable, Hashable, Sendable {
  /// A number of things (requests, transitions, namespaces …), or a time-weighted mean of one.
  case count
  /// Per second of measured simulated time.
  case perSecond = "1/s"
  /// Seconds of simulated time.
  case seconds = "s"
  /// A fraction, 0…1.
  case ratio
  /// APF seats.
  case seats
}

extension SummaryMetric {
  /// How a summary metric is computed from one part of a replication's results; the part decides
  /// the kinds of scope that have the metric.
  enum Formula: Sendable {
    /// A scope's requests, over the measured duration (`all`: every client's requests merged).
    case requests(@Sendable (ScopeMetrics, SimDuration) -> Double)
    /// An APIService's Available condition and its OpenAPI downloads.
    case availability(@Sendable (AvailabilityMetrics, OpenAPIMetrics) -> Double)
    /// A pod (`all`: the mean over pods).
    case pod(@Sendable (PodMetrics) -> Double)
    /// A discovery client (kubectl, garbage collector, namespace controller).
    case discoveryClient(@Sendable (DiscoveryMetrics) -> Double)
    /// The namespaces of a namespace-deletion client.
    case namespaces(@Sendable (NamespaceMetrics) -> Double)
    /// The discovery manager's view of an APIService.
    case discoveryManager(@Sendable (APIServiceDiscoveryMetrics) -> Double)
    /// An APF priority level of one instance.
    case priorityLevel(@Sendable (PriorityLevelMetrics) -> Double)

    var scopeKinds: [ScopeKind] {
      switch self {
      case .requests: [.all, .client, .apiService]
      case .availability: [.apiService]
      case .pod: [.all, .pod]
      case .discoveryClient: [.kubectl, .garbageCollector, .namespaceController]
      case .namespaces: [.namespaceController]
      case .discoveryManager: [.discovery]
      case .priorityLevel: [.priorityLevel]
      }
    }
  }

  /// The parts of one replication's results that one scope's metrics are computed from (nil or
  /// empty: the scope has no such part, and no rows of the metrics computed from it).
  struct Sources {
    var duration: SimDuration
    var requests: ScopeMetrics?
    var availability: (AvailabilityMetrics, OpenAPIMetrics)?
    /// One pod for a pod scope; every pod for `all` (their mean).
    var pods: [PodMetrics] = []
    var discoveryClient: DiscoveryMetrics?
    var namespaces: NamespaceMetrics?
    var discoveryManager: APIServiceDiscoveryMetrics?
    var priorityLevel: PriorityLevelMetrics?
  }

  /// The metric's value in a scope with these sources; nil when the scope lacks its part.
  func value(in sources: Sources) -> Double? {
    switch formula {
    case .requests(let f): sources.requests.map { f($0, sources.duration) }
    case .availability(let f): sources.availability.map { f($0.0, $0.1) }
    case .pod(let f):
      switch sources.pods.count {
      case 0: nil
      case 1: f(sources.pods[0])
      default: sources.pods.reduce(0) { $0 + f($1) } / Double(sources.pods.count)
      }
    case .discoveryClient(let f): sources.discoveryClient.map(f)
    case .namespaces(let f): sources.namespaces.map(f)
    case .discoveryManager(let f): sources.discoveryManager.map(f)
    case .priorityLevel(let f): sources.priorityLevel.map(f)
    }
  }

  /// `x / y`, NaN when `y` is not positive (a rate of no time, a fraction of nothing).
  static func ratio(_ x: Double, _ y: Double) -> Double { y > 0 ? x / y : .nan }

  /// A histogram statistic in seconds, NaN when the histogram is empty.
  static func seconds(_ h: LatencyHistogram, _ statistic: (LatencyHistogram) -> SimDuration) -> Double {
    h.count > 0 ? statistic(h).seconds : .nan
  }
}
