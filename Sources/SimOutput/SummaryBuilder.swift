import SimCore

/// Collects per-replication values of summary metrics and emits the tidy rows of `summary.csv`
/// (`OutputSchema.summary`): one row per replication with its `value`, then one `all` row with
/// the mean, the 95% Student-t interval (`ConfidenceInterval.studentT`), `n`, and the min and
/// max over replications.
///
/// Determinism: metrics are kept in an array, never a `Dictionary` or `Set`, and rows come out
/// sorted by sweep point, scope kind, scope and metric (String `<`, independent of locale), then
/// replication 0, 1, … with `all` last; two metrics with the same key keep the order they were
/// added in. The same inputs therefore give the same bytes whatever order replications finished.
///
/// The `all` row: `n` counts the finite values (NaN and ±∞, e.g. a percentile of no requests,
/// are left out, as `ConfidenceInterval.studentT` does); `mean` is their mean (empty when
/// n = 0); `ci95_low`/`ci95_high` are empty when n < 2; `min`/`max` are the smallest and largest
/// finite values (empty when n = 0).
///
/// - Complexity: `rows()` O(m log m + total values) for m metrics.
public struct SummaryBuilder: Sendable {
  /// One metric of one scope at one sweep point, with its value in every replication.
  public struct Metric: Hashable, Sendable {
    /// Index of the sweep point, 0 when there is no sweep.
    public var sweepPoint: Int
    /// What the scope is: `client`, `api_service`, `aggregator`, `pod` …
    public var scopeKind: String
    /// The client, APIService, pod … the metric belongs to.
    public var scope: String
    /// Metric name, e.g. `latency_p99`.
    public var metric: String
    /// Unit of the values, e.g. `s`, `1/s`, `ratio`.
    public var unit: String
    /// One value per replication, in replication order (index 0 first).
    public var values: [Double]
  }

  /// Metrics in the order they were added.
  public private(set) var metrics: [Metric] = []

  /// The confidence level of the `all` rows' interval (0.95 for the `ci95_*` columns).
  public let level: Double = 0.95

  /// An empty builder.
  public init() {}

  /// Adds a metric whose value in replication `r` is `values[r]` (unit `unit`).
  public mutating func add(
    sweepPoint: Int = 0, scopeKind: String, scope: String, metric: String, unit: String, values: [Double]
  ) {
    metrics.append(
      Metric(sweepPoint: sweepPoint, scopeKind: scopeKind, scope: scope, metric: metric, unit: unit, values: values))
  }

  /// The summary rows, sorted as described on the type, in `OutputSchema.summary` column order.
  public func rows() -> [[CSVValue]] {
    let order = metrics.indices.sorted { a, b in
      let x = metrics[a], y = metrics[b]
      if x.sweepPoint != y.sweepPoint { return x.sweepPoint < y.sweepPoint }
      if x.scopeKind != y.scopeKind { return x.scopeKind < y.scopeKind }
      if x.scope != y.scope { return x.scope < y.scope }
      if x.metric != y.metric { return x.metric < y.metric }
      return a < b
    }
    var rows: [[CSVValue]] = []
    for i in order {
      let m = metrics[i]
      let key: [CSVValue] = [.text(m.scopeKind), .text(m.scope), .text(m.metric), .text(m.unit)]
      for (r, value) in m.values.enumerated() {
        rows.append([.integer(m.sweepPoint), .integer(r)] + key + [.number(value), .empty, .empty, .empty, .empty, .empty, .empty])
      }
      rows.append([.integer(m.sweepPoint), .text("all")] + key + allColumns(m.values))
    }
    return rows
  }

  /// The whole `summary.csv` table.
  public func table() -> CSVTable {
    var table = CSVTable(schema: OutputSchema.summary)
    table.append(contentsOf: rows())
    return table
  }

  /// `value, mean, ci95_low, ci95_high, n, min, max` of an `all` row.
  private func allColumns(_ values: [Double]) -> [CSVValue] {
    let finite = values.filter(\.isFinite)
    let range: [CSVValue] = [.number(finite.min()), .number(finite.max())]
    if let ci = ConfidenceInterval.studentT(of: finite, level: level) {
      return [.empty, .number(ci.mean), .number(ci.low), .number(ci.high), .integer(ci.count)] + range
    }
    let mean: CSVValue = finite.isEmpty ? .empty : .number(finite[0])  // n ≤ 1
    return [.empty, mean, .empty, .empty, .integer(finite.count)] + range
  }
}
