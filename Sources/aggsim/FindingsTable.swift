import AggregationModel
import SimOutput

/// The bottleneck findings of a run (`FindingRules`), per sweep point: `findings.csv` and the
/// lines printed after `run`, `check` and `sweep`. Deterministic: points in order, each point's
/// findings in `FindingRules`' order; figures from the replications' summaries only.
struct FindingsTable {
  /// `points[point]`: the findings of a sweep point (one point without a sweep).
  let points: [[Finding]]

  /// The findings of each point: `models[point]` is the resolved spec it ran, `summaries[point]`
  /// its replications' summaries.
  init(models: [ModelSpec], summaries: [[ReplicationSummary]]) {
    points = zip(models, summaries).map { FindingRules.findings(spec: $0, summaries: $1) }
  }

  /// `findings.csv`.
  func file() -> OutputFile {
    var table = CSVTable(schema: OutputSchema.findings)
    for (point, findings) in points.enumerated() {
      for f in findings {
        table.append([.integer(point), .text(f.kind.rawValue), .text(f.scope), .text(f.evidence.name), .number(f.figure),
                      .text(f.knob), .text(f.keyPath), .text(f.message)])
      }
    }
    return OutputFile(schema: OutputSchema.findings, table: table)
  }

  /// The findings for people: `findings:` then one indented line each (`point N:` before each
  /// line of a sweep), or `findings: none (nothing limits)`.
  func text() -> String {
    let lines = points.enumerated().flatMap { point, findings in
      findings.map { "  " + (points.count > 1 ? "point \(point): " : "") + $0.message }
    }
    return lines.isEmpty ? "findings: none (nothing limits)" : (["findings:"] + lines).joined(separator: "\n")
  }
}
