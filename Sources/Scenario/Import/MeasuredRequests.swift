internal import SimCore

/// The requests one API server measured, per group, version, resource and verb, from the
/// buckets of a latency histogram (`apiserver_request_duration_seconds_bucket` by default:
/// k8s.io/apiserver `pkg/endpoints/metrics/metrics.go`, labels verb, dry_run, group, version,
/// resource, subresource, scope, component; buckets 5 ms … 60 s since 1.23) and the request
/// counter (`apiserver_request_total`, the same labels and `code`): every other label (scope,
/// subresource, component, dry_run, code, instance, job, …) is summed over.
///
/// Counts are over the measurement window: the samples as given (an `increase(...)` query, a
/// range query's increase), less a `baseline` scrape's when one is given (two scrapes of the
/// same server, the window between them).
public struct MeasuredRequests: Sendable {
  /// One group/version/resource/verb's histogram and request count over the window.
  public struct Series: Hashable, Sendable {
    public var group: String
    public var version: String
    public var resource: String
    /// As the server labels it: GET, LIST, WATCH, POST, …
    public var verb: String
    /// Cumulative counts at each upper bound in seconds, increasing, `+Inf` (`.infinity`) last.
    public var buckets: [(upperBound: Double, count: Double)]
    /// Requests counted: `apiserver_request_total` summed over codes when the input has it,
    /// else the histogram's `+Inf` bucket.
    public var requests: Double

    public static func == (a: Series, b: Series) -> Bool {
      a.group == b.group && a.version == b.version && a.resource == b.resource && a.verb == b.verb
        && a.requests == b.requests && a.buckets.elementsEqual(b.buckets) { $0 == $1 }
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(group); hasher.combine(version); hasher.combine(resource); hasher.combine(verb) }
  }

  /// Series with at least one request in the window, sorted by group, version, resource, verb.
  public var series: [Series]

  /// The labels that name a series; the others are summed over.
  static let identity = ["group", "version", "resource", "verb"]

  /// Builds the series of `histogram` (its `_bucket` samples) and of `counter` from `input`,
  /// less `baseline` when given.
  /// - Throws: `ScenarioErrors` located at the sample: a counter that decreased since the
  ///   baseline (the server restarted), a bad `le`, buckets that are not cumulative, or no
  ///   bucket of `histogram` at all.
  public init(_ input: [PrometheusSample], baseline: [PrometheusSample]? = nil, file: String,
              histogram: String = "apiserver_request_duration_seconds", counter: String = "apiserver_request_total") throws(ScenarioErrors) {
    var before: [String: Double] = [:]
    for sample in baseline ?? [] { before[sample.seriesKey] = sample.value }
    func located(_ sample: PrometheusSample, _ expected: String, _ found: String) -> ScenarioErrors {
      ScenarioErrors([ScenarioError(file: file, line: sample.line, column: sample.column, keyPath: sample.seriesKey,
                                    expected: expected, found: found)])
    }
    struct Key: Hashable, Comparable {
      var labels: [String]
      static func < (a: Key, b: Key) -> Bool { a.labels.lexicographicallyPrecedes(b.labels) }
    }
    var buckets: [Key: [Double: Double]] = [:]
    var totals: [Key: Double] = [:]
    for sample in input {
      let isBucket = sample.name == histogram + "_bucket" || (sample.name.isEmpty && sample.labels["le"] != nil)
      let isCounter = sample.name == counter || (sample.name.isEmpty && sample.labels["le"] == nil)
      guard isBucket || isCounter else { continue }
      var value = sample.value
      guard value.isFinite, value >= 0, value <= 1e15 else {
        throw located(sample, "a count, finite and in [0, 1e15]", ScenarioFragment.number(value))
      }
      if let earlier = before[sample.seriesKey] {
        guard value >= earlier else {
          throw located(sample, "a count at least the baseline's \(ScenarioFragment.number(earlier))",
                        "\(ScenarioFragment.number(value)): the server restarted between the scrapes (a counter reset); take both from one process lifetime")
        }
        value -= earlier
      }
      let key = Key(labels: Self.identity.map { sample.labels[$0] ?? "" })
      if isCounter { totals[key, default: 0] += value; continue }
      let text = sample.labels["le"] ?? ""
      guard let bound = PrometheusTextFormat.Cursor.number(text), !bound.isNaN, bound >= 0, bound <= 86_400 || bound == .infinity else {
        throw located(sample, "an le label of seconds in [0, 86400] or +Inf", "le=\"\(text)\"")
      }
      buckets[key, default: [:]][bound, default: 0] += value
    }
    guard !buckets.isEmpty else {
      throw ScenarioErrors([ScenarioError(file: file, line: 0, column: 0, keyPath: "",
                                          expected: "samples of \(histogram)_bucket (a latency histogram with le labels)", found: "none")])
    }
    var series: [Series] = []
    for (key, counts) in buckets.sorted(by: { $0.key < $1.key }) {
      let sorted = counts.sorted { $0.key < $1.key }.map { (upperBound: $0.key, count: $0.value) }
      let name = "\(histogram)_bucket{" + zip(Self.identity, key.labels).map { "\($0)=\"\($1)\"" }.joined(separator: ",") + "}"
      func fail(_ expected: String, _ found: String) -> ScenarioErrors {
        ScenarioErrors([ScenarioError(file: file, line: 0, column: 0, keyPath: name, expected: expected, found: found)])
      }
      guard sorted.last?.upperBound == .infinity else { throw fail("a bucket le=\"+Inf\" (every Prometheus histogram has one)", "none") }
      guard sorted.count <= 1_001 else { throw fail("at most 1000 finite buckets", "\(sorted.count - 1)") }
      for i in sorted.indices.dropFirst() where sorted[i].count < sorted[i - 1].count {
        throw fail("cumulative counts (each bucket at least the one before)",
                   "\(sorted[i - 1].count) at le=\(sorted[i - 1].upperBound), then \(sorted[i].count) at le=\(sorted[i].upperBound)")
      }
      let total = sorted[sorted.count - 1].count
      guard total > 0 else { continue }  // no request in the window
      series.append(Series(group: key.labels[0], version: key.labels[1], resource: key.labels[2], verb: key.labels[3],
                           buckets: sorted, requests: totals[key] ?? total))
    }
    self.series = series
  }
}
