/// The layout of one CSV file: its file name and its columns in output order, each with a
/// one-line meaning, so the writer, the tests and the README all read the same definition.
public struct CSVSchema: Hashable, Sendable {
  /// One column: its name (units in the name where it has one, e.g. `time_s`) and what it holds.
  public struct Column: Hashable, Sendable {
    /// Header name, e.g. `ci95_low`.
    public let name: String
    /// What the column holds and in which unit, for the README.
    public let meaning: String

    /// A column called `name` that holds `meaning`.
    public init(_ name: String, _ meaning: String) {
      self.name = name
      self.meaning = meaning
    }
  }

  /// File name inside the scenario's output directory, e.g. `summary.csv`.
  public let fileName: String
  /// Columns in output order.
  public let columns: [Column]

  /// A schema for `fileName` with `columns` in order.
  public init(fileName: String, columns: [Column]) {
    self.fileName = fileName
    self.columns = columns
  }

  /// Header names in output order.
  public var columnNames: [String] { columns.map(\.name) }

  /// Position of the column called `name`, or nil.
  public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

  /// The columns as a Markdown table (`| column | meaning |`, one row per column, in order),
  /// for the README, so the documentation is generated from the same definition as the writer.
  public var markdown: String {
    var out = "| column | meaning |\n|---|---|\n"
    for column in columns {
      out += "| `\(column.name.replacingPipes())` | \(column.meaning.replacingPipes()) |\n"
    }
    return out
  }
}

extension String {
  /// The text with `|` escaped for a Markdown table cell.
  fileprivate func replacingPipes() -> String {
    var out = ""
    for character in self { if character == "|" { out += "\\|" } else { out.append(character) } }
    return out
  }
}

/// The CSV files aggsim writes into `notebooks-out/<scenario>/` (DESIGN §5): tidy, one
/// observation per row, stable column order, times in seconds of simulated time.
public enum OutputSchema {
  /// `summary.csv`: one row per (sweep point, replication or `all`, scope, metric). A
  /// replication row fills `value`; the `all` row fills `mean`, `ci95_low`, `ci95_high`, `n`,
  /// `min` and `max`.
  public static let summary = CSVSchema(
    fileName: "summary.csv",
    columns: [
      .init("sweep_point", "index of the sweep point, 0 when the scenario has no sweep"),
      .init("replication", "replication index from 0, or `all` for the across-replication row"),
      .init("scope_kind", "what the scope is: `client`, `apiservice`, `pod`, `priority_level`, `kubectl`, `garbage_collector`, `namespace_controller` (a discovery client), `discovery` (the discovery manager's view of an APIService); their metrics are listed below the tables"),
      .init("scope", "the client, APIService, pod (`server/index`) or level (`instance/level`) the metric belongs to"),
      .init("metric", "metric name, e.g. `latency_p99_s`, `rate_200`, `fraction_504`, `seat_utilisation`"),
      .init("unit", "unit of value, mean and ci95_*: `s`, `1/s`, `ratio` …"),
      .init("value", "the metric in one replication (empty in the `all` row)"),
      .init("mean", "mean over replications (`all` row only)"),
      .init("ci95_low", "lower end of the 95% Student-t interval of the mean (`all` row, n ≥ 2)"),
      .init("ci95_high", "upper end of the 95% Student-t interval of the mean (`all` row, n ≥ 2)"),
      .init("n", "number of replications with a finite value (`all` row only)"),
      .init("min", "smallest finite value over the replications (`all` row only)"),
      .init("max", "largest finite value over the replications (`all` row only)"),
    ])

  /// `timeseries.csv`: one row per (sweep point, replication, time bucket, scope, metric).
  public static let timeseries = CSVSchema(
    fileName: "timeseries.csv",
    columns: [
      .init("sweep_point", "index of the sweep point, 0 when the scenario has no sweep"),
      .init("replication", "replication index from 0"),
      .init("time_s", "end of the time bucket, seconds of simulated time, exact to the nanosecond (e.g. `30`, `30.5`, `0.000000001`); the bucket width is `time_bucket_s` in metadata.json"),
      .init("scope_kind", "what the scope is: `client`, `apiservice`, `pod`, `instance`"),
      .init("scope", "the client, APIService, pod (`server/index`) or control-plane instance"),
      .init("metric", "metric name, e.g. `completions_200`, `mean_latency_s`, `available`, `proxies_available`, `discovery_stale_instances`, `terminating_namespaces`, `busy_workers`, `queue_length`, `in_flight`"),
      .init("value", "the metric over the bucket"),
    ])

  /// `events.csv`: availability transitions, discovery staleness and faults, in time order.
  public static let events = CSVSchema(
    fileName: "events.csv",
    columns: [
      .init("sweep_point", "index of the sweep point, 0 when the scenario has no sweep"),
      .init("replication", "replication index from 0"),
      .init("time_s", "when it happened, seconds of simulated time, exact to the nanosecond"),
      .init("kind", "what happened, e.g. `fault_begins`, `pod_readiness_changed`, `connection_closed_by_health_check`, `available`/`unavailable` (a status write of an APIService), `namespace_deleted`, `namespace_discovery_failure` (its first sync with partial discovery), `namespace_finalized`, `instance_ready` (a restarted kube-apiserver's `/readyz` passes; `detail`: what it waited for last), `instance_stopped` (a gracefully restarted one's process exits; `detail`: why then), `load_balancer_out`/`load_balancer_in` (the load balancer's health checks take an instance out of rotation or put it back)"),
      .init("subject", "what it happened to: a pod (`server/index`), an APIService, a namespace (`<client>/<number>`), a link (`link/<name>`) or a kube-apiserver instance (`instance/<i>`)"),
      .init("detail", "why, in words (reason or condition message; for a status write `<reason> (instance <i>)`)"),
    ])

  /// `requests.csv`: the sampled per-request trace, written only when asked for.
  public static let requests = CSVSchema(
    fileName: "requests.csv",
    columns: [
      .init("sweep_point", "index of the sweep point, 0 when the scenario has no sweep"),
      .init("replication", "replication index from 0"),
      .init("request", "request number within the replication"),
      .init("client", "client that sent the request"),
      .init("api_service", "APIService it was routed to (empty for a local request)"),
      .init("kind", "request kind: `get`, `list`, `discovery`, `probe`, `openapi`"),
      .init("start_s", "when the client sent it, seconds of simulated time, exact to the nanosecond"),
      .init("end_s", "when the client got the answer, seconds of simulated time, exact to the nanosecond"),
      .init("latency_s", "end_s − start_s, seconds, exact to the nanosecond"),
      .init("status", "HTTP status the client saw, e.g. 200, 404, 429, 500, 503, 504 (0: no answer came)"),
      .init("reason", "why it ended, empty for a 200: one of the reasons listed below the table, e.g. `504_deadline`, `503_discovery_timeout`, `client_timeout`"),
      .init("attempts", "number of attempts including retries"),
      // Where its time went: the stages add up to latency_s (aggsim's RequestStage, in its order).
      .init("stage_throttle_s", "seconds waiting for a token of the client's token bucket"),
      .init("stage_retry_backoff_s", "seconds waiting before retries (Retry-After of a 429)"),
      .init("stage_network_out_s", "seconds on the network towards the server (client → kube-apiserver → pod)"),
      .init("stage_filters_s", "seconds in kube-apiserver's filters (authentication, authorization, audit)"),
      .init("stage_apf_queue_s", "seconds waiting in an APF queue"),
      .init("stage_connection_wait_s", "seconds the proxy waited for a connection to the pod (stream cap, dial, TLS)"),
      .init("stage_pod_queue_s", "seconds waiting at the pod (its own APF queue, its queue for a worker)"),
      .init("stage_service_s", "seconds being served (a pod's worker with its authorization reviews, or kube-apiserver's own handler)"),
      .init("stage_network_back_s", "seconds on the network back (pod → kube-apiserver → client)"),
    ])

  /// `findings.csv`: the bottlenecks the summary metrics point to (`FindingRules`), one row per
  /// finding, by sweep point; a header alone when nothing limits.
  public static let findings = CSVSchema(
    fileName: "findings.csv",
    columns: [
      .init("sweep_point", "index of the sweep point, 0 when the scenario has no sweep"),
      .init("kind", "what limits: `client_rate_limit`, `client_default_rate_limit` (client-go's 5 QPS / burst 10 left as is), `pod_pinning`, `pod_saturated`, `priority_level_saturated`, `priority_level_rejecting`, `stream_cap`, `discovery_incomplete`, `too_few_samples`"),
      .init("scope", "where, as summary.csv writes it: `client/<name>`, `pod/<server>/<index>`, `priority_level/<instance>/<level>`, `apiservice/<name>`, `kubectl/<client>`, `garbage_collector/<client>`, `namespace_controller/<client>`"),
      .init("evidence", "the summary metric the finding rests on, e.g. `sent_per_s`, `pod_request_share`, `seat_utilisation`"),
      .init("figure", "its mean over the replications with a finite value (`too_few_samples`: how many replications measured it)"),
      .init("knob", "the setting that moves it, with its value, e.g. `rateLimit qps 20, burst 30`"),
      .init("key_path", "where a scenario sets it, e.g. `spec.clients[0].rateLimit` (usable with --set)"),
      .init("message", "the finding in one line, as printed after run, check and sweep"),
    ])

  /// Every schema, in the order the README lists them.
  public static let all: [CSVSchema] = [summary, timeseries, events, requests, findings]
}
