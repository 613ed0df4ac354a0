import AggregationModel
import Scenario
import SimCore
import SimOutput

/// The table across the points of a sweep (issue 11 item 5): each swept parameter's value and,
/// for each key metric of the scenario, the mean over replications and its 95% Student-t
/// interval (`MetricLookup.estimate`). Printed after `sweep` and written as `sweep-summary.csv`,
/// one row per point (wide): `point`, each parameter, then `<scope>:<metric>_mean`, `_ci_low`,
/// `_ci_high` per key metric. Metric values are in the metric's catalogue unit.
struct SweepSummary {
  /// One key metric: a scope of `summary.csv` and a catalogue metric.
  struct Key: Equatable {
    var scope: String
    var metric: SummaryMetric
    /// `<scope>:<metric>`, the prefix of its columns.
    var label: String { "\(scope):\(metric.name)" }
  }

  /// The metrics `all` has when a scenario states no expectations.
  static let defaultMetricNames = ["latency_p50_s", "latency_p99_s", "success_fraction", "throughput_per_s"]

  let parameters: [String]
  let points: [[SweepGrid.Assignment]]
  let keys: [Key]
  /// `estimates[point][key]`: nil when the point has no such scope or no finite value.
  let estimates: [[MetricLookup.Estimate?]]

  /// The key metrics of a scenario: every distinct `expect:` scope and metric in file order, or,
  /// without expectations, `all`'s median and p99 latency, success fraction and throughput.
  static func keys(of expectations: [Expectation]) -> [Key] {
    var keys: [Key] = []
    for expectation in expectations {
      let key = Key(scope: expectation.scope.description, metric: expectation.metric)
      if !keys.contains(key) { keys.append(key) }
    }
    if !keys.isEmpty { return keys }
    return defaultMetricNames.compactMap(MetricCatalogue.summaryMetric(named:)).map { Key(scope: "all", metric: $0) }
  }

  init(points: [[SweepGrid.Assignment]], keys: [Key], summaries: [[ReplicationSummary]]) {
    self.points = points
    self.keys = keys
    parameters = points.first?.map(\.path) ?? []
    estimates = summaries.map { replications in
      keys.map { key in MetricLookup.values(replications, scope: key.scope, metric: key.metric).flatMap(MetricLookup.estimate) }
    }
  }

  /// `sweep-summary.csv`: one row per point; an empty field where there is no estimate or
  /// interval (fewer than two finite replications).
  func table() -> CSVTable {
    let columns = ["point"] + parameters + keys.flatMap { ["\($0.label)_mean", "\($0.label)_ci_low", "\($0.label)_ci_high"] }
    var table = CSVTable(columns: columns)
    for (index, point) in points.enumerated() {
      var row: [CSVValue] = [.integer(index)] + point.map { .text($0.value) }
      for estimate in estimates[index] {
        row += [.number(estimate?.mean), .number(estimate?.interval?.low), .number(estimate?.interval?.high)]
      }
      table.append(row)
    }
    return table
  }

  /// The file name of the table.
  static let fileName = "sweep-summary.csv"

  /// `sweep-summary.csv` as a file of the run.
  func file() -> OutputFile { OutputFile(name: Self.fileName, text: table().rendered()) }

  /// The table for the terminal: a column per parameter and per key metric, each cell
  /// `mean [low, high]` (`–` without an estimate, the mean alone without an interval).
  func text() -> String {
    let header = ["point"] + parameters + keys.map(\.label)
    let rows = points.enumerated().map { index, point in
      ["\(index)"] + point.map(\.value) + estimates[index].map(Self.cell)
    }
    return TextTable.render(header: header, rows: rows)
  }

  static func cell(_ estimate: MetricLookup.Estimate?) -> String {
    guard let estimate else { return "–" }
    let mean = CheckCommand.format(estimate.mean)
    guard let interval = estimate.interval else { return mean }
    return "\(mean) [\(CheckCommand.format(interval.low)), \(CheckCommand.format(interval.high))]"
  }
}
