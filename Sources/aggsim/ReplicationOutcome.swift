import AggregationModel

/// What the CLI keeps of one replication once it has run: its summary metrics, what decides
/// which APIServices `summary.csv` lists, and how many events it handled. Its records went to
/// their files (or nowhere) while it ran, and its histograms go with its `ReplicationResult`, so
/// a run holds per finished replication only a few values per scope, however long it simulated.
struct ReplicationOutcome: Sendable {
  /// Every summary metric of every scope, computed once.
  var summary: ReplicationSummary
  /// Per APIService (registry order): whether it has a Service (its Available condition is
  /// measured), and whether it completed a request after the warm-up.
  var serviceBacked: [Bool]
  var completedRequests: [Bool]
  /// Events the replication handled (for the run's line and metadata).
  var eventsHandled: UInt64

  /// An outcome read back (a shard's `shard-units.csv`, `ShardUnits`).
  init(summary: ReplicationSummary, serviceBacked: [Bool], completedRequests: [Bool], eventsHandled: UInt64) {
    self.summary = summary
    self.serviceBacked = serviceBacked
    self.completedRequests = completedRequests
    self.eventsHandled = eventsHandled
  }

  /// Keeps what the CLI needs of `result`.
  init(_ result: ReplicationResult) {
    summary = ReplicationSummary(result)
    serviceBacked = result.availability.map(\.serviceBacked)
    completedRequests = result.apiServices.map { $0.completed > 0 }
    eventsHandled = result.eventsHandled
  }
}

extension Collection<ReplicationOutcome> {
  /// Events handled by all these replications.
  var eventsHandled: Int { reduce(0) { $0 + Int($1.eventsHandled) } }
}
