/// Every output metric of aggsim, declared once: the summary metrics (`summary.csv`, and what
/// `expect:`, `check`, `compare`, `capacity` and `report` read) and the time-series metrics
/// (`timeseries.csv`), each with its name, unit, scope kinds and meaning. The README's metric
/// tables are checked against it by a test.
public enum MetricCatalogue {
  /// Every summary metric, in the order `expect:` lists them: a scope's requests, an APIService's
  /// condition, pods, discovery clients, namespaces, the discovery manager, APF priority levels.
  public static let summary: [SummaryMetric] =
    SummaryMetric.requestFamily + SummaryMetric.stageFamily + SummaryMetric.availabilityFamily + SummaryMetric.podFamily
    + SummaryMetric.discoveryClientFamily + SummaryMetric.namespaceFamily + SummaryMetric.discoveryManagerFamily
    + SummaryMetric.priorityLevelFamily

  /// Every time-series metric, in the order the model emits them within a bucket.
  public static let timeSeries: [TimeSeriesMetric] = TimeSeriesMetric.all

  /// The summary metric with this name, if there is one.
  public static func summaryMetric(named name: String) -> SummaryMetric? { summaryByName[name] }

  /// The time-series metric with this name, if there is one.
  public static func timeSeriesMetric(named name: String) -> TimeSeriesMetric? { timeSeries.first { $0.name == name } }

  /// The summary metrics of a kind of scope, in catalogue order (empty for `instance`).
  public static func summaryMetrics(of kind: ScopeKind) -> [SummaryMetric] { summaryByKind[kind] ?? [] }

  /// The kinds of scope that have summary metrics (every `summary.csv` scope kind, and `all`),
  /// in `ScopeKind` order.
  public static let summaryScopeKinds: [ScopeKind] = ScopeKind.allCases.filter { !summaryMetrics(of: $0).isEmpty }

  private static let summaryByName = Dictionary(uniqueKeysWithValues: summary.map { ($0.name, $0) })
  private static let summaryByKind = Dictionary(grouping: summary.flatMap { m in m.scopeKinds.map { ($0, m) } }, by: \.0)
    .mapValues { $0.map(\.1) }
}
