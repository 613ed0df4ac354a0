import AggregationModel
import SimCore
import SimOutput

/// Turns the replications of each sweep point into the tidy CSV tables of DESIGN §5. Rows come
/// out in a fixed order (sweep point, scope, metric, replication), and no value depends on the
/// wall clock or on how many replications ran at once.
struct ResultTables {
  /// `results[point][replication]`.
  let results: [[ReplicationResult]]
  /// `summaries[point][replication]`: the summary metrics of each replication, computed once.
  let summaries: [[ReplicationSummary]]

  init(results: [[ReplicationResult]]) {
    self.results = results
    summaries = results.map { $0.map(ReplicationSummary.init) }
  }

  /// `summary.csv`: every metric of every scope, per replication and over all of them.
  func summary() -> CSVTable {
    var builder = SummaryBuilder()
    for (point, replications) in summaries.enumerated() {
      guard let first = replications.first else { continue }
      for (number, scope) in first.scopes.enumerated() where isWritten(scope, point: point) {
        for (column, metric) in scope.metrics.enumerated() {
          builder.add(sweepPoint: point, scopeKind: scope.kind.rawValue, scope: scope.name, metric: metric.name,
                      unit: metric.unit.rawValue, values: replications.map { $0.scopes[number].values[column] })
        }
      }
    }
    return builder.table()
  }

  /// Whether summary.csv has the rows of a scope: a service-backed APIService always (its
  /// Available condition), a local one only when a replication had requests to it; every other
  /// scope always.
  func isWritten(_ scope: ReplicationSummary.Scope, point: Int) -> Bool {
    guard scope.kind == .apiService else { return true }
    let replications = results[point]
    return replications[0].availability[scope.index].serviceBacked
      || replications.contains { $0.apiServices[scope.index].completed > 0 }
  }

  /// `requests.csv`: the sampled request trace of every replication.
  func requests() -> CSVTable {
    var table = CSVTable(schema: OutputSchema.requests)
    for (point, replications) in results.enumerated() {
      for result in replications {
        for (number, entry) in result.trace.enumerated() {
          let apiService: CSVValue = entry.apiService >= 0 ? .text(result.apiServiceNames[entry.apiService]) : .empty
          table.append([
            .integer(point), .integer(result.replication), .integer(number), .text(result.clientNames[entry.client]),
            apiService, .text(entry.kind.description), .number(entry.start.seconds), .number(entry.end.seconds),
            .number(entry.latency.seconds), .integer(entry.outcome.code), .text(entry.outcome == .ok ? "" : entry.outcome.description),
            .integer(entry.attempts),
          ])
        }
      }
    }
    return table
  }

  /// `timeseries.csv`: per time bucket, the model's time series of every replication.
  func timeSeries() -> CSVTable {
    var table = CSVTable(schema: OutputSchema.timeseries)
    for (point, replications) in results.enumerated() {
      for result in replications {
        for p in result.timeSeries {
          table.append([.integer(point), .integer(result.replication), .number(p.time.seconds), .text(p.scopeKind),
                        .text(p.scope), .text(p.metric), .number(p.value)])
        }
      }
    }
    return table
  }

  /// `events.csv`: faults, readiness changes and connection failures, in time order per replication.
  func events() -> CSVTable {
    var table = CSVTable(schema: OutputSchema.events)
    for (point, replications) in results.enumerated() {
      for result in replications {
        for e in result.events {
          table.append([.integer(point), .integer(result.replication), .number(e.time.seconds), .text(e.kind.rawValue),
                        .text(e.subject), .text(e.detail)])
        }
      }
    }
    return table
  }

  /// Every CSV file of the run: summary, time series and events, and the request trace when sampled.
  func files(includeRequests: Bool) -> [OutputFile] {
    var files = [OutputFile(schema: OutputSchema.summary, table: summary()),
                 OutputFile(schema: OutputSchema.timeseries, table: timeSeries()),
                 OutputFile(schema: OutputSchema.events, table: events())]
    if includeRequests { files.append(OutputFile(schema: OutputSchema.requests, table: requests())) }
    return files
  }
}
