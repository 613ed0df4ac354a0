import AggregationModel
import Foundation
import SimCore
import SimOutput

/// Every summary metric of every scope that A and B both have, as paired differences B − A over
/// replications with common random numbers (replication i of A and of B draw the same variates
/// for what they share), each with its 95% Student-t interval.
struct PairedComparison {
  /// One metric of one scope: both sides' means and the interval of the paired difference.
  struct Row {
    var kind: ScopeKind
    var scope: String
    var metric: SummaryMetric
    var meanA: Double
    var meanB: Double
    var interval: ConfidenceInterval?
    var pairs: Int

    /// Whether the interval excludes 0.
    var isSignificant: Bool { interval.map { $0.low > 0 || $0.high < 0 } ?? false }
    var verdict: String { interval.map { $0.low > 0 ? "B higher" : ($0.high < 0 ? "B lower" : "no difference") } ?? "–" }
  }

  let a: [ReplicationSummary]
  let b: [ReplicationSummary]
  /// Significant differences first, then the rest, each in summary.csv's order of scopes and metrics.
  let rows: [Row]

  init(a: [ReplicationSummary], b: [ReplicationSummary]) {
    self.a = a
    self.b = b
    var rows: [Row] = []
    guard let firstA = a.first, let firstB = b.first else {
      self.rows = []
      return
    }
    for scopeA in [firstA.all] + firstA.scopes {
      let name = scopeA.kind == .all ? "all" : "\(scopeA.kind.rawValue)/\(scopeA.name)"
      guard scopeA.kind == .all || firstB.scopes.contains(where: { $0.kind == scopeA.kind && $0.name == scopeA.name }) else { continue }
      for metric in scopeA.metrics {
        guard let x = MetricLookup.values(a, scope: name, metric: metric), let y = MetricLookup.values(b, scope: name, metric: metric) else {
          continue
        }
        let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
        guard !pairs.isEmpty else { continue }
        let count = Double(pairs.count)
        rows.append(Row(kind: scopeA.kind, scope: name, metric: metric, meanA: pairs.map(\.0).reduce(0, +) / count,
                        meanB: pairs.map(\.1).reduce(0, +) / count,
                        interval: ConfidenceInterval.studentT(of: pairs.map { $0.1 - $0.0 }, level: 0.95), pairs: pairs.count))
      }
    }
    self.rows = rows.filter(\.isSignificant) + rows.filter { !$0.isSignificant }
  }

  /// The interval of B − A of `metric` in `scope`, if both sides have it.
  func difference(scope: String, metric: SummaryMetric) -> ConfidenceInterval? {
    rows.first { $0.scope == scope && $0.metric == metric }?.interval
  }

  /// The significant differences as a table, and how many metrics showed none.
  func rendered() -> String {
    let significant = rows.filter(\.isSignificant)
    let table = TextTable.render(header: ["scope", "metric", "A", "B", "B − A", "95% CI", "verdict"], rows: significant.map { row in
      [row.scope, row.metric.name, CheckCommand.format(row.meanA), CheckCommand.format(row.meanB),
       CheckCommand.format(row.meanB - row.meanA),
       row.interval.map { "\(CheckCommand.format($0.low)) … \(CheckCommand.format($0.high))" } ?? "–", row.verdict]
    })
    let rest = rows.count - significant.count
    return (significant.isEmpty ? "no metric differs at 95%" : table)
      + "\n\(significant.count) of \(rows.count) metrics differ at 95%; the other \(rest) show no difference (all in compare.csv)"
  }

  /// `compare.csv`: every row, significant ones first.
  func table() -> CSVTable {
    var table = CSVTable(columns: ["scope_kind", "scope", "metric", "mean_a", "mean_b", "difference_mean", "ci95_low", "ci95_high",
                                   "n", "verdict"])
    for row in rows {
      table.append([.text(row.kind.rawValue), .text(row.scope), .text(row.metric.name), .number(row.meanA), .number(row.meanB),
                    .number(row.meanB - row.meanA), .number(row.interval?.low), .number(row.interval?.high),
                    .integer(Int64(row.pairs)), .text(row.verdict)])
    }
    return table
  }

  /// Warns on standard error when A and B do not have the same clients: scopes are paired by
  /// name, and a client of one side only has no counterpart.
  func warnAboutUnpairedScopes() {
    let clientsA = Set(a.first?.scopes(of: .client).map(\.name) ?? []), clientsB = Set(b.first?.scopes(of: .client).map(\.name) ?? [])
    guard clientsA != clientsB else { return }
    let onlyA = clientsA.subtracting(clientsB).sorted(), onlyB = clientsB.subtracting(clientsA).sorted()
    FileHandle.standardError.write(Data(("aggsim compare: warning: A and B do not have the same clients, so only "
      + "\(clientsA.intersection(clientsB).count) are compared (by name); only in A: \(onlyA.isEmpty ? "none" : onlyA.joined(separator: ", ")); "
      + "only in B: \(onlyB.isEmpty ? "none" : onlyB.joined(separator: ", "))\n").utf8))
  }
}
