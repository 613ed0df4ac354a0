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

  init(traceSampling: Double, traceStream: RandomSource) {
    self.traceSampling = traceSampling
    self.traceStream = traceStream
    events.reserveCapacity(64)
  }

  /// Logs a system event (rare: faults, readiness, status writes, connection closures).
  mutating func log(_ kind: ModelEventRecord.Kind, at time: SimTime, subject: String, detail: String) {
    events.append(ModelEventRecord(time: time, kind: kind, subject: subject, detail: detail))
  }

  /// Whether the request that just ended goes into the trace (draws from the trace stream only
  /// when sampling is strictly between 0 and 1).
  mutating func samplesRequest() -> Bool {
    traceSampling > 0 && (traceSampling >= 1 || traceStream.bernoulli(traceSampling))
  }

  /// Appends one point of the time series.
  mutating func point(_ time: SimTime, _ kind: ScopeKind, _ scope: String, _ metric: TimeSeriesMetric, _ value: Double) {
    timeSeries.append(TimeSeriesPoint(time: time, scopeKind: kind.rawValue, scope: scope, metric: metric.name, value: value))
  }
}
