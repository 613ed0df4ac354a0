public import SimCore

/// One sample of a Prometheus metric as a scrape or a query result gives it: the series'
/// name (`apiserver_request_duration_seconds_bucket`), its labels, its value, and where it was
/// read (for located errors).
public struct PrometheusSample: Hashable, Sendable {
  /// The metric name, with its `_bucket`/`_count`/`_sum`/`_total` suffix as exposed.
  public var name: String
  /// Label name → value, e.g. `verb` → `LIST`, `le` → `0.005`.
  public var labels: [String: String]
  /// The value: a counter's or bucket's count (cumulative since the process started in a scrape;
  /// over the query's window in an `increase(...)` result).
  public var value: Double
  /// 1-based line and column of the sample in its file (0 where the format has none).
  public var line: Int
  public var column: Int

  public init(name: String, labels: [String: String], value: Double, line: Int = 0, column: Int = 0) {
    self.name = name
    self.labels = labels
    self.value = value
    self.line = line
    self.column = column
  }

  /// The series' identity, `name{a="x",b="y"}` with the labels sorted: the same series in two
  /// scrapes has the same key.
  public var seriesKey: String {
    name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
  }
}

/// What `aggsim import prometheus` read: the samples and, when the input says, the window they
/// were counted over (a range query's first and last timestamps).
public struct PrometheusInput: Sendable {
  public var samples: [PrometheusSample]
  /// The window the values were counted over, when the input holds it; nil otherwise.
  public var window: MeasurementWindow?

  public init(samples: [PrometheusSample], window: MeasurementWindow? = nil) {
    self.samples = samples
    self.window = window
  }

  /// The largest input read: 64 MiB (a full kube-apiserver scrape of a large cluster is 10–30 MB).
  public static let maxBytes = 64 << 20
  /// The most samples read: 1,000,000 (a scrape of a large cluster has about 200,000).
  public static let maxSamples = 1_000_000
}

/// The time the imported counts were measured over, from the input (a range query's first and
/// last timestamps) or the command line (`--window`).
public struct MeasurementWindow: Hashable, Sendable {
  /// How long (> 0).
  public var length: SimDuration
  /// Where it came from, for the fragment's header, e.g. `--window 1h`.
  public var source: String

  public init(length: SimDuration, source: String) {
    self.length = length
    self.source = source
  }
}
