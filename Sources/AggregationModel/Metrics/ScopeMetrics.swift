public import SimCore

/// What one scope (a client, or an APIService) saw of its requests in one replication, counted
/// when the answer reached the client (or the client gave up) after the warm-up.
public struct ScopeMetrics: Sendable {
  /// Requests ended, per `Outcome` (indexed by its raw value).
  public var outcomes: [Int] = Array(repeating: 0, count: Outcome.allCases.count)
  /// Latency seen by the client, from its first send to the final answer (retries included),
  /// of every request that ended (a client timeout counts at the time the client gave up): the
  /// requests answered 200 and the others, merged when read. Merging adds bucket counts and
  /// exact sums, so this is the histogram one recording of every request would give, but a
  /// request costs one recording (of one 270 kB histogram, rarely in the cache), not two.
  public var latency: LatencyHistogram {
    var all = successLatency
    all.merge(failureLatency)
    return all
  }
  /// The same, of the requests answered 200 only.
  public var successLatency = LatencyHistogram()
  /// The same, of the requests not answered 200.
  public var failureLatency = LatencyHistogram()
  /// Retries sent (after a 429 with Retry-After).
  public var retries = 0
  /// Arrivals of an open workload not sent because the client already had `maxOutstanding`
  /// requests in progress.
  public var droppedOffered = 0
  /// Time spent in each `RequestStage` by every request that ended.
  public var stages = StageStatistics()
  /// New requests the client made (open-workload arrivals, those dropped at `maxOutstanding`
  /// included; a closed loop's sends; a discovery run's requests), counted when made; retries
  /// are not new requests.
  public var offered = 0
  /// Attempts that left the client past its token bucket (retries included), counted when sent.
  public var sent = 0
  /// Requests that ended and whose attempts found, at least once, every HTTP/2 connection they
  /// could use at its stream cap (the transport opened another connection or queued them).
  public var streamCapHits = 0

  public init() {}

  /// Requests that ended, whatever the outcome.
  public var completed: Int { outcomes.reduce(0, +) }

  public func count(_ outcome: Outcome) -> Int { outcomes[outcome.rawValue] }

  mutating func record(_ outcome: Outcome, latency d: SimDuration, stages: StageDurations, metStreamCap: Bool = false) {
    outcomes[outcome.rawValue] += 1
    if metStreamCap { streamCapHits += 1 }
    if outcome == .ok { successLatency.record(d) } else { failureLatency.record(d) }
    self.stages.record(stages)
  }

  mutating func reset() {
    self = ScopeMetrics()
  }

  /// Counts the values its histograms still hold back (`LatencyHistogram`'s deferred bucket
  /// counts), so that reading the result copies no histogram.
  mutating func flushHistograms() {
    successLatency.flush()
    failureLatency.flush()
    stages.flushHistograms()
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
  /// Time-weighted number of requests waiting in the pod's FIFO queue.
  public var meanQueueLength: Double
  /// `served` over the requests served by every pod of the same server (NaN when none served
  /// any): how evenly routing spread the load.
  public var requestShare: Double = .nan
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
  /// Why it ended (`requests.csv`'s `reason` and `status`).
  public var reason: EndReason
  public var attempts: Int
  /// Instance and pod of the last attempt (-1: it never reached one).
  public var instance: Int
  public var pod: Int
  /// The time it spent in each stage; they add up to `latency`.
  public var stages = StageDurations()

  public var latency: SimDuration { end - start }
  /// The summary's category of how it ended.
  public var outcome: Outcome { reason.outcome }
}

/// One APF priority level of one control-plane instance, after the warm-up (summary rows with
/// `scope_kind = priority_level`, `scope = <instance>/<level>`).
public struct PriorityLevelMetrics: Sendable {
  public var instance: Int
  public var level: String
  /// Nominal concurrency limit (seats); 0 for an exempt level.
  public var concurrencyLimit: Int
  /// Time-weighted current concurrency limit (seats): the nominal one without borrowing; 0 for
  /// an exempt level.
  public var meanConcurrencyLimit: Double
  /// Time-weighted seats in use (background included) / time-weighted current concurrency limit
  /// (0 for an exempt level).
  public var seatUtilisation: Double
  /// Time-weighted number of requests waiting in the level's queues.
  public var meanQueueLength: Double
  /// Mean queue wait in seconds of the requests that started executing (0 if none did).
  public var meanQueueWaitSeconds: Double
  /// Requests rejected with 429 (queue full, reject level full, queue wait expired).
  public var rejected: Int
  /// Requests that started executing (at once or from a queue).
  public var dispatched: Int

  /// `<instance>/<level>`.
  public var scope: String { "\(instance)/\(level)" }
}

/// One value of `timeseries.csv`: a metric of one scope over the bucket that ends at `time`.
///
/// `scopeKind` is a `ScopeKind`'s raw value and `metric` the name of a `TimeSeriesMetric`, with its
/// unit, scope kinds and meaning in `MetricCatalogue.timeSeries`.
public struct TimeSeriesPoint: Hashable, Sendable {
  public var time: SimTime
  public var scopeKind: String
  public var scope: String
  public var metric: String
  public var value: Double
}

/// One line of `events.csv`: something that happened to the system (not to one request).
public struct ModelEventRecord: Hashable, Sendable {
  public enum Kind: String, Hashable, Sendable {
    case faultBegins = "fault_begins"
    case faultEnds = "fault_ends"
    /// `detail` is `ready` or `not_ready`.
    case podReadinessChanged = "pod_readiness_changed"
    /// The HTTP/2 health check closed a silent connection.
    case connectionClosedByHealthCheck = "connection_closed_by_health_check"
    /// A crash reset a connection.
    case connectionResetByCrash = "connection_reset_by_crash"
    /// A status write set an APIService's Available condition to True; `subject` is the
    /// APIService, `detail` `<reason> (instance <i>)`.
    case available = "available"
    /// A status write set it to False (or changed the reason of a False condition).
    case unavailable = "unavailable"
    /// A namespace was deleted (Terminating); `subject` is `<client>/<number>`.
    case namespaceDeleted = "namespace_deleted"
    /// Its first sync with partial discovery set `NamespaceDeletionDiscoveryFailure`.
    case namespaceDiscoveryFailure = "namespace_discovery_failure"
    /// Its content is deleted and the namespace is gone.
    case namespaceFinalized = "namespace_finalized"
    /// A restarted kube-apiserver instance's `/readyz` passes: its load balancer sends it
    /// requests again; `subject` is `instance/<i>`, `detail` what it waited for last.
    case instanceReady = "instance_ready"
    /// A gracefully stopped kube-apiserver instance's process exits (`gracefulRestart`);
    /// `detail` says why now: its in-flight requests drained, or the fault's window ended.
    case instanceStopped = "instance_stopped"
    /// The load balancer's health checks take an instance out of rotation (`LoadBalancer`).
    case loadBalancerOut = "load_balancer_out"
    /// … and put it back.
    case loadBalancerIn = "load_balancer_in"
  }

  public var time: SimTime
  public var kind: Kind
  /// What it happened to: `<server>/<pod>`.
  public var subject: String
  /// The fault kind (with `scheduled` or `random`), the readiness, or the connection's instance.
  public var detail: String
}

/// The Available condition of one APIService in one replication, after the warm-up
/// (the shared status, research §4.4: what every instance's proxy follows after propagation).
public struct AvailabilityMetrics: Hashable, Sendable {
  /// Whether the APIService has a service (a local one is always Available: Local).
  public var serviceBacked = false
  /// Time with Available=False (or Unknown).
  public var unavailableTime: SimDuration = .zero
  /// `unavailableTime` over the measured duration (0…1).
  public var unavailableFraction = 0.0
  /// Status flips True ↔ False.
  public var transitions = 0
  /// From the first fault of the APIService's server to the first False after it (nil: no
  /// fault, or never detected). Measured over the whole run, warm-up included.
  public var timeToDetect: SimDuration?
  /// The longest time from a status write to the proxy of an instance following it (watch
  /// propagation, the registration queue and its worker), after the warm-up.
  public var propagationMax = SimDuration.zero

  public init() {}
}

/// The OpenAPI v2 and v3 downloads of one APIService, summed over instances, after the warm-up.
public struct OpenAPIMetrics: Hashable, Sendable {
  public var downloads: Int
  public var failedDownloads: Int

  public init(downloads: Int = 0, failedDownloads: Int = 0) {
    self.downloads = downloads
    self.failedDownloads = failedDownloads
  }
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
  /// Per control-plane instance and APF level (instance-major, levels in configuration order);
  /// empty unless admission is APF.
  public var priorityLevels: [PriorityLevelMetrics]
  /// Every `ModelSpec.timeBucket` from the start (warm-up included): bucket-major, then
  /// clients, APIServices, pods and instances in index order, metrics in a fixed order.
  public var timeSeries: [TimeSeriesPoint]
  /// Faults, readiness changes and connection closures over the whole run (warm-up included),
  /// in time order.
  public var events: [ModelEventRecord]
  /// Per APIService (registry order, as `apiServices`): its Available condition over the run.
  public var availability: [AvailabilityMetrics]
  /// Events handled, and the simulated time over which statistics were collected.
  public var eventsHandled: UInt64
  public var measuredDuration: SimDuration
  /// Per discovery client (kubectl, garbage collector, namespace deletion), in client order.
  public var discovery: [DiscoveryMetrics] = []
  /// Per namespace-deletion client, in client order.
  public var namespaces: [NamespaceMetrics] = []
  /// Per APIService (registry order): the OpenAPI controllers' downloads, summed over instances.
  public var openAPI: [OpenAPIMetrics] = []
  /// Per service-backed APIService, in registry order, when the discovery manager runs.
  public var discoveryManager: [APIServiceDiscoveryMetrics] = []
}
