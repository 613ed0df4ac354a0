import SimCore

/// The metrics of a scope's requests (`client`, `apiservice`, `all`), counted when the answer
/// reached the client (or the client gave up) after the warm-up; and an APIService's Available
/// condition and OpenAPI downloads (`apiservice`).
extension SummaryMetric {
  public static let requests = SummaryMetric(
    "requests", .count, "requests that ended, whatever the outcome", .requests { m, _ in Double(m.completed) })
  public static let retries = SummaryMetric(
    "retries", .count, "retries sent after a 429 with Retry-After", .requests { m, _ in Double(m.retries) })
  public static let droppedOffered = SummaryMetric(
    "dropped_offered", .count, "open-workload arrivals not sent: the client already had maxOutstanding requests in progress",
    .requests { m, _ in Double(m.droppedOffered) })
  public static let latencyMean = SummaryMetric(
    "latency_mean_s", .seconds,
    "mean latency as the client sees it: first send to final answer, retries included; every request, a client timeout at the time the client gave up",
    .requests { m, _ in seconds(m.latency, \.mean) })
  public static let latencyP50 = latencyPercentile("latency_p50_s", 50, "50th")
  public static let latencyP90 = latencyPercentile("latency_p90_s", 90, "90th")
  public static let latencyP99 = latencyPercentile("latency_p99_s", 99, "99th")
  public static let latencyP999 = latencyPercentile("latency_p999_s", 99.9, "99.9th")
  public static let latencyMax = SummaryMetric(
    "latency_max_s", .seconds, "longest latency", .requests { m, _ in seconds(m.latency, \.max) })
  public static let successLatencyMean = SummaryMetric(
    "success_latency_mean_s", .seconds, "mean latency of the requests answered 200 only (NaN: none was)",
    .requests { m, _ in seconds(m.successLatency, \.mean) })
  public static let successLatencyP50 = successPercentile("success_latency_p50_s", 50, "50th")
  public static let successLatencyP90 = successPercentile("success_latency_p90_s", 90, "90th")
  public static let successLatencyP99 = successPercentile("success_latency_p99_s", 99, "99th")
  public static let successLatencyP999 = successPercentile("success_latency_p999_s", 99.9, "99.9th")
  public static let successLatencyMax = SummaryMetric(
    "success_latency_max_s", .seconds, "longest latency of a request answered 200", .requests { m, _ in seconds(m.successLatency, \.max) })
  public static let throughput = SummaryMetric(
    "throughput_per_s", .perSecond, "requests that ended, per second", .requests { m, d in ratio(Double(m.completed), d.seconds) })
  public static let rate200 = SummaryMetric(
    "rate_200", .perSecond, "requests answered 200, per second", .requests { m, d in ratio(Double(m.count(.ok)), d.seconds) })
  public static let successFraction = fraction(.ok)
  public static let offeredRate = SummaryMetric(
    "offered_per_s", .perSecond,
    "new requests made per second (open-workload arrivals, those dropped at maxOutstanding included; closed-loop and discovery sends), retries not",
    .requests { m, d in ratio(Double(m.offered), d.seconds) })
  public static let sentRate = SummaryMetric(
    "sent_per_s", .perSecond, "attempts that left the client past its token bucket per second, retries included",
    .requests { m, d in ratio(Double(m.sent), d.seconds) })
  public static let streamCapHits = SummaryMetric(
    "stream_cap_hits", .count,
    "requests that ended and found, at least once, every HTTP/2 connection they could use at its stream cap (another connection opened, or queued)",
    .requests { m, _ in Double(m.streamCapHits) })

  /// `success_fraction`, `fraction_429`, `fraction_503_discovery_timeout`, `fraction_client_timeout` …:
  /// the fraction of the requests that ended with `outcome`.
  public static func fraction(_ outcome: Outcome) -> SummaryMetric { outcomeFractions[outcome.rawValue] }

  static let outcomeFractions = Outcome.allCases.map { outcome in
    SummaryMetric(outcome == .ok ? "success_fraction" : "fraction_\(outcome)", .ratio, "fraction of the requests \(ended(outcome))",
                  .requests { m, _ in ratio(Double(m.count(outcome)), Double(m.completed)) })
  }

  /// How a request with this outcome ended, after "requests".
  static func ended(_ outcome: Outcome) -> String {
    switch outcome {
    case .ok: "answered 200"
    case .tooManyRequests: "rejected with 429 by admission (APF or max-in-flight), after the client's retries"
    case .unavailable: "answered 503 service unavailable (the APIService not Available, or no ready endpoint)"
    case .discoveryTimeout: "answered 503 after the 5 s cap on `/apis/<group>/<version>`"
    case .unreachable: "answered 503 error trying to reach service (dial, TLS or connection failure), or not answered because kube-apiserver could not be reached"
    case .deadlineExceeded: "answered 504 (the request deadline passed)"
    case .clientTimeout: "given up by the client (its own timeout) before an answer came"
    case .backendError: "answered 500 by the extension server (its delegated authorization failed)"
    }
  }

  static func latencyPercentile(_ name: String, _ p: Double, _ ordinal: String) -> SummaryMetric {
    SummaryMetric(name, .seconds, "\(ordinal) percentile of the latency of every request (HdrHistogram, 3 significant digits)",
                  .requests { m, _ in seconds(m.latency) { $0.percentile(p) } })
  }

  static func successPercentile(_ name: String, _ p: Double, _ ordinal: String) -> SummaryMetric {
    SummaryMetric(name, .seconds, "\(ordinal) percentile of the latency of the requests answered 200 only (HdrHistogram, 3 significant digits)",
                  .requests { m, _ in seconds(m.successLatency) { $0.percentile(p) } })
  }

  /// The metrics of a scope's requests, in the order `expect:` lists them.
  static let requestFamily: [SummaryMetric] =
    [requests, retries, droppedOffered, latencyMean, latencyP50, latencyP90, latencyP99, latencyP999, latencyMax, successLatencyMean, successLatencyP50,
     successLatencyP90, successLatencyP99, successLatencyP999, successLatencyMax, throughput, rate200, offeredRate, sentRate, streamCapHits]
    + outcomeFractions

  public static let unavailableFraction = SummaryMetric(
    "unavailable_fraction", .ratio, "time with Available=False (or Unknown) over the measured time",
    .availability { a, _ in a.unavailableFraction })
  public static let availabilityTransitions = SummaryMetric(
    "availability_transitions", .count, "flips of the Available condition True ↔ False", .availability { a, _ in Double(a.transitions) })
  public static let timeToDetect = SummaryMetric(
    "time_to_detect_s", .seconds, "from its server's first fault to the first Available=False (NaN: none)",
    .availability { a, _ in a.timeToDetect?.seconds ?? .nan })
  public static let statusPropagationMax = SummaryMetric(
    "status_propagation_max_s", .seconds, "longest time from a status write to an instance's proxy following it",
    .availability { a, _ in a.propagationMax.seconds })
  public static let openAPIDownloads = SummaryMetric(
    "openapi_downloads", .count, "OpenAPI v2 and v3 downloads by the OpenAPI controllers of every instance",
    .availability { _, o in Double(o.downloads) })
  public static let openAPIFailedDownloads = SummaryMetric(
    "openapi_failed_downloads", .count, "those downloads that failed", .availability { _, o in Double(o.failedDownloads) })

  /// An APIService's condition and downloads, in the order `expect:` lists them.
  static let availabilityFamily: [SummaryMetric] =
    [unavailableFraction, availabilityTransitions, timeToDetect, statusPropagationMax, openAPIDownloads, openAPIFailedDownloads]
}
