import AggregationModel
import SimOutput

/// `summary.csv` (DESIGN §5) of the replications of each sweep point: rows in a fixed order
/// (sweep point, scope, metric, replication), no value depending on the wall clock or on how
/// many replications ran at once. The files that grow with the simulated time (time series,
/// events, requests) are streamed while the replications run (`RecordFiles`).
struct SummaryTable {
  /// `outcomes[point][replication]`.
  let outcomes: [[ReplicationOutcome]]

  /// `summaries[point][replication]`: the summary metrics of each replication.
  var summaries: [[ReplicationSummary]] { outcomes.map { $0.map(\.summary) } }

  /// `summary.csv`: every metric of every scope, per replication and over all of them.
  func table() -> CSVTable {
    var builder = SummaryBuilder()
    for (point, replications) in outcomes.enumerated() {
      guard let first = replications.first?.summary else { continue }
      for (number, scope) in first.scopes.enumerated() where isWritten(scope, point: point) {
        for (column, metric) in scope.metrics.enumerated() {
          builder.add(sweepPoint: point, scopeKind: scope.kind.rawValue, scope: scope.name, metric: metric.name,
                      unit: metric.unit.rawValue, values: replications.map { $0.summary.scopes[number].values[column] })
        }
      }
    }
    return builder.table()
  }

  /// `summary.csv` as a file of the run.
  func file() -> OutputFile { OutputFile(schema: OutputSchema.summary, table: table()) }

  /// Whether summary.csv has the rows of a scope: a service-backed APIService always (its
  /// Available condition), a local one only when a replication had requests to it; every other
  /// scope always.
  func isWritten(_ scope: ReplicationSummary.Scope, point: Int) -> Bool {
    guard scope.kind == .apiService else { return true }
    let replications = outcomes[point]
    return replications[0].serviceBacked[scope.index] || replications.contains { $0.completedRequests[scope.index] }
  }
}
