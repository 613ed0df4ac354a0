import SimCore

/// What a replication writes down as it runs, beside the statistics the components keep: the
/// system events of `events.csv`, the sampled request trace of `requests.csv` and the points of
/// `timeseries.csv`. Each grows with the simulated time, so a runner may take them out while the
/// run goes on (`AggregationSimulation.takeRecords()`) and write them to files.
struct Recorder {
  var events: [ModelEventRecord] = []
  var trace: [RequestTraceEntry] = []
  var timeSeries: [TimeSeriesPoint] = []
  /// Fraction of ended requests written to the trace (0…1), and the stream that draws it.
  let traceSampling: Double
  let traceStream: RandomSource
  /// The trace keeps requests that end after the warm-up (a sampled request that ends during
  /// it is drawn, and dropped).
  var tracing: Bool

  init(traceSampling: Double, traceStream: RandomSource, warmup: SimDuration) {
    self.traceSampling = traceSampling
    self.traceStream = traceStream
    tracing = warmup <= .zero
    events.reserveCapacity(64)
  }

  /// Hands over what was recorded so far (the recorder starts empty again).
  mutating func take() -> ReplicationRecords {
    defer {
      events.removeAll(keepingCapacity: true)
      trace.removeAll(keepingCapacity: true)
      timeSeries.removeAll(keepingCapacity: true)
    }
    return ReplicationRecords(events: events, trace: trace, timeSeries: timeSeries)
  }

  /// Logs a system event (rare: faults, readiness, status writes, connection closures).
  mutating func log(_ kind: ModelEventRecord.Kind, at time: SimTime, subject: String, detail: String) {
    events.append(ModelEventRecord(time: time, kind: kind, subject: subject, detail: detail))
  }

  /// Whether the request that just ended goes into the trace (draws from the trace stream only
  /// when sampling is strictly between 0 and 1, during the warm-up too).
  mutating func samplesRequest() -> Bool {
    traceSampling > 0 && (traceSampling >= 1 || traceStream.bernoulli(traceSampling)) && tracing
  }

  /// Appends one point of the time series.
  mutating func point(_ time: SimTime, _ kind: ScopeKind, _ scope: String, _ metric: TimeSeriesMetric, _ value: Double) {
    timeSeries.append(TimeSeriesPoint(time: time, scopeKind: kind.rawValue, scope: scope, metric: metric.name, value: value))
  }
}

/// What a replication recorded over some stretch of its run: system events, sampled requests and
/// time-series points, each in the order they happened (`AggregationSimulation.takeRecords()`).
public struct ReplicationRecords: Sendable {
  public var events: [ModelEventRecord]
  public var trace: [RequestTraceEntry]
  public var timeSeries: [TimeSeriesPoint]

  public init(events: [ModelEventRecord] = [], trace: [RequestTraceEntry] = [], timeSeries: [TimeSeriesPoint] = []) {
    self.events = events
    self.trace = trace
    self.timeSeries = timeSeries
  }

  /// Nothing recorded.
  public var isEmpty: Bool { events.isEmpty && trace.isEmpty && timeSeries.isEmpty }
}
