import AggregationModel
import SimCore
import SimOutput

/// Turns the replications of each sweep point into the tidy CSV tables of DESIGN §5. Rows come
/// out in a fixed order (sweep point, scope, metric, replication), and no value depends on the
/// wall clock or on how many replications ran at once.
struct ResultTables {
  /// `results[point][replication]`.
  let results: [[ReplicationResult]]

  /// The summary metrics of one scope (client or APIService), with their units.
  static func scopeMetrics(_ m: ScopeMetrics, duration: SimDuration) -> [(String, String, Double)] {
    let completed = Double(m.completed)
    let seconds = duration.seconds
    var rows: [(String, String, Double)] = [
      ("requests", "count", completed),
      ("throughput_per_s", "1/s", seconds > 0 ? completed / seconds : .nan),
      ("rate_200", "1/s", seconds > 0 ? Double(m.count(.ok)) / seconds : .nan),
      ("retries", "count", Double(m.retries)),
    ]
    let latency = m.latency
    let hasLatency = latency.count > 0
    rows.append(("latency_mean_s", "s", hasLatency ? latency.mean.seconds : .nan))
    for (name, p) in [("latency_p50_s", 50.0), ("latency_p90_s", 90), ("latency_p99_s", 99), ("latency_p999_s", 99.9)] {
      rows.append((name, "s", hasLatency ? latency.percentile(p).seconds : .nan))
    }
    rows.append(("latency_max_s", "s", hasLatency ? latency.max.seconds : .nan))
    for outcome in Outcome.allCases {
      rows.append((Self.fractionMetric(outcome), "ratio", completed > 0 ? Double(m.count(outcome)) / completed : .nan))
    }
    return rows
  }

  /// The summary metrics of a pod.
  static func podMetrics(_ pod: PodMetrics) -> [(String, String, Double)] {
    [("pod_utilisation", "ratio", pod.utilisation), ("pod_queue_length_mean", "count", pod.meanQueueLength),
     ("pod_served", "count", Double(pod.served))]
  }

  static let podMetricNames = ["pod_utilisation", "pod_queue_length_mean", "pod_served"]

  /// The summary metrics of one APF priority level of one instance.
  static func priorityLevelMetrics(_ m: PriorityLevelMetrics) -> [(String, String, Double)] {
    [("seat_utilisation", "ratio", m.seatUtilisation), ("queue_length_mean", "count", m.meanQueueLength),
     ("queue_wait_mean_s", "s", m.meanQueueWaitSeconds), ("rejected", "count", Double(m.rejected)),
     ("dispatched", "count", Double(m.dispatched)), ("concurrency_limit", "seats", Double(m.concurrencyLimit))]
  }

  /// The Available condition of an APIService (after a scope's request metrics): time with
  /// Available=False over the measured time, status flips, and the time from the first fault of
  /// its server to the first False (NaN: none).
  static func availabilityMetrics(_ a: AvailabilityMetrics, openAPI: OpenAPIMetrics) -> [(String, String, Double)] {
    [("unavailable_fraction", "ratio", a.unavailableFraction), ("availability_transitions", "count", Double(a.transitions)),
     ("time_to_detect_s", "s", a.timeToDetect?.seconds ?? .nan), ("status_propagation_max_s", "s", a.propagationMax.seconds),
     ("openapi_downloads", "count", Double(openAPI.downloads)), ("openapi_failed_downloads", "count", Double(openAPI.failedDownloads))]
  }

  /// Every row of APIService `index` of a replication: its requests, then its condition and
  /// background downloads.
  static func apiServiceRows(_ result: ReplicationResult, _ index: Int) -> [(String, String, Double)] {
    scopeMetrics(result.apiServices[index], duration: result.measuredDuration)
      + availabilityMetrics(result.availability[index], openAPI: result.openAPI.isEmpty ? OpenAPIMetrics() : result.openAPI[index])
  }

  /// `success_fraction`, `fraction_429`, `fraction_503_discovery_timeout`, `fraction_client_timeout` …
  /// (the names `expect:` uses).
  static func fractionMetric(_ outcome: Outcome) -> String {
    outcome == .ok ? "success_fraction" : "fraction_\(outcome)"
  }

  /// `summary.csv`: every metric of every scope, per replication and over all of them.
  func summary() -> CSVTable {
    var builder = SummaryBuilder()
    for (point, replications) in results.enumerated() {
      guard let first = replications.first else { continue }
      for (index, name) in first.clientNames.enumerated() {
        add(&builder, point: point, kind: "client", scope: name, replications.map { Self.scopeMetrics($0.clients[index], duration: $0.measuredDuration) })
      }
      // Service-backed APIServices always (their Available condition), local ones with requests.
      for (index, name) in first.apiServiceNames.enumerated()
      where first.availability[index].serviceBacked || replications.contains(where: { $0.apiServices[index].completed > 0 }) {
        add(&builder, point: point, kind: "apiservice", scope: name,
            replications.map { Self.apiServiceRows($0, index) })
      }
      for (index, pod) in first.pods.enumerated() {
        add(&builder, point: point, kind: "pod", scope: "\(pod.server)/\(pod.pod)", replications.map { Self.podMetrics($0.pods[index]) })
      }
      for (index, level) in first.priorityLevels.enumerated() {
        add(&builder, point: point, kind: PriorityLevelMetrics.scopeKind, scope: level.scope,
            replications.map { Self.priorityLevelMetrics($0.priorityLevels[index]) })
      }
      addDiscovery(&builder, point: point, replications)
    }
    return builder.table()
  }

  /// Adds one scope's metrics, given per replication in the same order.
  func add(_ builder: inout SummaryBuilder, point: Int, kind: String, scope: String, _ perReplication: [[(String, String, Double)]]) {
    guard let names = perReplication.first else { return }
    for (metric, (name, unit, _)) in names.enumerated() {
      builder.add(sweepPoint: point, scopeKind: kind, scope: scope, metric: name, unit: unit,
                  values: perReplication.map { $0[metric].2 })
    }
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
