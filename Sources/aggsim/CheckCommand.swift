import AggregationModel
import ArgumentParser
import Foundation
import Scenario
import SimCore

/// `aggsim check`: runs scenarios and evaluates their `expect:` assertions, the regression test
/// of a timeout policy for a CI pipeline. Exit 0 when every assertion holds, 1 when one fails.
///
/// An assertion holds when the mean over replications satisfies its bound; the table shows the
/// 95% interval so a reader sees how close the margin is ("CI crosses" when it straddles it).
struct CheckCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Run scenarios and evaluate their expect: assertions (exit 1 if any fails).")

  @Argument(help: "Scenario files (YAML).") var scenarios: [String]
  @OptionGroup var options: RunOptions

  func run() async throws {
    var failures = 0
    var rows: [[String]] = []
    for path in scenarios {
      let loaded = try ScenarioRunner.load(path, overrides: options.set)
      let outcome = try await options.runAndWrite(loaded)
      print(outcome.line)
      for expectation in loaded.file.expectations {
        let row = CheckCommand.evaluate(expectation, summaries: outcome.summaries, scenario: loaded.file.name)
        if row.last?.hasPrefix("FAIL") == true { failures += 1 }
        rows.append(row)
      }
    }
    print(TextTable.render(header: ["scenario", "scope", "metric", "bound", "mean", "95% CI", "n", "result"], rows: rows))
    if failures > 0 {
      print("\(failures) of \(rows.count) expectations failed")
      throw ExitCode.failure
    }
    print("all \(rows.count) expectations hold")
  }

  /// One table row: scenario, scope, metric, bound, mean, CI, n, result.
  static func evaluate(_ expectation: Expectation, summaries: [ReplicationSummary], scenario: String) -> [String] {
    var bound: [String] = []
    if let min = expectation.min { bound.append("≥ \(format(min))") }
    if let max = expectation.max { bound.append("≤ \(format(max))") }
    let boundText = bound.joined(separator: ", ")
    let scope = expectation.scope.description, metric = expectation.metric.name
    guard let values = MetricLookup.values(summaries, scope: scope, metric: expectation.metric) else {
      return [scenario, scope, metric, boundText, "–", "–", "0", "FAIL (no such scope or metric)"]
    }
    guard let estimate = MetricLookup.estimate(values) else {
      return [scenario, scope, metric, boundText, "–", "–", "0", "FAIL (no data)"]
    }
    let mean = estimate.mean, ci = estimate.interval
    let holds = (expectation.min.map { mean >= $0 } ?? true) && (expectation.max.map { mean <= $0 } ?? true)
    let crosses = ci.map { ci in
      (expectation.min.map { ci.low < $0 && ci.high >= $0 } ?? false) || (expectation.max.map { ci.low <= $0 && ci.high > $0 } ?? false)
    } ?? false
    let ciText = ci.map { "\(format($0.low)) … \(format($0.high))" } ?? "–"
    let result = holds ? (crosses ? "pass (CI crosses)" : "pass") : (crosses ? "FAIL (CI crosses)" : "FAIL")
    return [scenario, scope, metric, boundText, format(mean), ciText, "\(estimate.count)", result]
  }

  static func format(_ x: Double) -> String { String(format: "%.4g", x) }
}

/// A plain left-aligned text table.
enum TextTable {
  static func render(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
      String(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
    }.joined(separator: "\n")
  }
}
