/// One time-series metric: a value per scope and time bucket (`ModelSpec.timeBucket`) in
/// `timeseries.csv` (`TimeSeriesPoint.metric`), declared once in `MetricCatalogue.timeSeries`.
/// Unlike a summary metric it is computed by the simulation as the bucket ends, over the whole
/// run (warm-up included).
public struct TimeSeriesMetric: Hashable, Sendable, CustomStringConvertible {
  /// As in `timeseries.csv`'s `metric` column, e.g. `completions_200`.
  public let name: String
  /// The unit of its values.
  public let unit: MetricUnit
  /// The kinds of scope that have it (`timeseries.csv`'s `scope_kind`), in `ScopeKind` order.
  public let scopeKinds: [ScopeKind]
  /// What it measures, in one line.
  public let meaning: String

  init(_ name: String, _ unit: MetricUnit, _ scopeKinds: [ScopeKind], _ meaning: String) {
    self.name = name
    self.unit = unit
    self.scopeKinds = scopeKinds
    self.meaning = meaning
  }

  public var description: String { name }

  /// `completions_200`, `completions_429`, `completions_client_timeout` …: the requests that ended
  /// with `outcome` in the bucket.
  public static func completions(_ outcome: Outcome) -> TimeSeriesMetric { outcomeCompletions[outcome.rawValue] }

  static let outcomeCompletions = Outcome.allCases.map { outcome in
    TimeSeriesMetric("completions_\(outcome)", .count, [.client, .apiService],
                     "in the bucket, requests \(SummaryMetric.ended(outcome))")
  }

  public static let meanLatency = TimeSeriesMetric(
    "mean_latency_s", .seconds, [.client, .apiService], "mean latency of the requests that ended in the bucket (NaN: none did)")
  public static let busyWorkers = TimeSeriesMetric(
    "busy_workers", .count, [.pod], "time-weighted busy workers over the bucket")
  public static let queueLength = TimeSeriesMetric(
    "queue_length", .count, [.pod], "requests waiting in the pod's FIFO queue at the bucket end")
  public static let available = TimeSeriesMetric(
    "available", .ratio, [.apiService], "fraction of the bucket a service-backed APIService's shared status was Available=True")
  public static let proxiesAvailable = TimeSeriesMetric(
    "proxies_available", .count, [.apiService], "instances whose proxy holds the APIService available at the bucket end")
  public static let discoveryStaleInstances = TimeSeriesMetric(
    "discovery_stale_instances", .count, [.apiService],
    "instances whose discovery manager publishes the APIService Stale at the bucket end (when the manager runs)")
  public static let terminatingNamespaces = TimeSeriesMetric(
    "terminating_namespaces", .count, [.client], "namespaces of a namespace-deletion client Terminating at the bucket end")
  public static let inFlight = TimeSeriesMetric(
    "in_flight", .count, [.instance], "client requests between arrival and answer at the instance at the bucket end")

  public static let concurrencyLimit = TimeSeriesMetric(
    "concurrency_limit", .seats, [.priorityLevel],
    "the APF level's current concurrency limit at the bucket end: nominal, or as borrowing (1.26+) last set it (non-exempt levels)")
  public static let seatsInUse = TimeSeriesMetric(
    "seats_in_use", .seats, [.priorityLevel], "seats the APF level's executing requests hold at the bucket end (non-exempt levels)")

  /// The points the model emits per time bucket when `spec` has the scopes it has: for each
  /// metric, one per scope of each of its kinds (an upper bound: some metrics skip some scopes).
  /// Used to estimate `timeseries.csv` before a run.
  public static func pointsPerBucket(of spec: ModelSpec) -> Int {
    func scopes(_ kind: ScopeKind) -> Int {
      switch kind {
      case .client: spec.clients.count
      case .apiService: spec.apiServices.count
      case .pod: spec.extensionServers.reduce(0) { $0 + $1.replicas }
      case .instance: spec.controlPlane.instances
      case .priorityLevel: spec.controlPlane.instances * 8
      case .all, .kubectl, .garbageCollector, .namespaceController, .discovery: 1
      }
    }
    return all.reduce(0) { sum, metric in sum + metric.scopeKinds.reduce(0) { $0 + scopes($1) } }
  }

  /// In the order the model emits them within a bucket.
  static let all: [TimeSeriesMetric] =
    outcomeCompletions + [meanLatency, busyWorkers, queueLength, available, proxiesAvailable, discoveryStaleInstances,
                          terminatingNamespaces, inFlight, concurrencyLimit, seatsInUse]
}
