import AggregationModel
import ArgumentParser
import Foundation
import Scenario
import SimCore
import SimOutput

/// `aggsim check`: runs scenarios and evaluates their `expect:` assertions, the regression test
/// of a timeout policy for a CI pipeline. Exit 0 when every assertion holds, 1 when one fails
/// or is inconclusive (unless `--inconclusive pass`).
///
/// An assertion bounds a figure over the replications (`over:`): by default the mean, which
/// passes only when its whole interval (`confidence:`, 95%) meets the bound and is inconclusive
/// when the interval straddles it; or the max, min, every replication, or a quantile.
struct CheckCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Run scenarios and evaluate their expect: assertions (exit 1 if any fails).")

  @Argument(help: "Scenario files (YAML), or directories: every *.yaml in them (a regression suite).") var scenarios: [String]
  @OptionGroup var judging: CheckJudging
  @OptionGroup var options: RunOptions
  @OptionGroup var sharding: ShardOption

  func validate() throws {
    if sharding.shard != nil && judging.junit != nil {
      throw ValidationError("--junit reports the expectations, which `aggsim merge` evaluates once every shard has run: give it --junit")
    }
  }

  func run() async throws {
    let shard = try sharding.parsed()
    var verdicts = CheckVerdicts(judging: judging)
    for path in try Self.scenarioFiles(scenarios) {
      let loaded = try ScenarioRunner.load(path, overrides: options.set)
      let outcome = try await options.runAndWrite(loaded, shard: shard, command: "check")
      verdicts.console.say(outcome.line)
      if shard == nil {
        verdicts.console.say(outcome.findings.text())
        verdicts.add(loaded, summaries: outcome.summaries)
      }
    }
    if shard != nil {
      verdicts.console.say("the expectations are evaluated by `aggsim merge` once every shard has run")
      return
    }
    try verdicts.finish()
  }

  /// One table row (scenario, scope, metric, over, bound, value, CI, n, result) and the outcome.
  static func evaluate(_ expectation: Expectation, summaries: [ReplicationSummary],
                       scenario: String) -> (row: [String], outcome: ExpectationVerdict.Outcome, verdict: ExpectationVerdict?) {
    var bound: [String] = []
    if let min = expectation.min { bound.append("≥ \(format(min))") }
    if let max = expectation.max { bound.append("≤ \(format(max))") }
    let scope = expectation.scope.description, metric = expectation.metric.name
    let head = [scenario, scope, metric, expectation.over.description, bound.joined(separator: ", ")]
    guard let values = MetricLookup.values(summaries, scope: scope, metric: expectation.metric) else {
      return (head + ["–", "–", "0", "FAIL (no such scope or metric)"], .fail, nil)
    }
    guard let verdict = ExpectationVerdict.judge(expectation, values: values) else {
      return (head + ["–", "–", "0", "FAIL (no data)"], .fail, nil)
    }
    let ciText = verdict.interval.map { "\(format($0.low)) … \(format($0.high))" } ?? "–"
    let result: String
    switch verdict.outcome {
    case .pass: result = "pass"
    case .fail: result = "FAIL"
    case .inconclusive:
      let halfWidth = verdict.interval.map { ($0.high - $0.low) / 2 } ?? .nan
      result = "INCONCLUSIVE (the interval is ±\(format(halfWidth)): run more replications)"
    }
    return (head + [format(verdict.figure), ciText, "\(verdict.count)", result], verdict.outcome, verdict)
  }

  static func format(_ x: Double) -> String { SignificantFigures.text(x, digits: 4) }

  /// The files named, a directory standing for its `*.yaml` files (sorted); a directory without
  /// one is a usage error.
  static func scenarioFiles(_ paths: [String]) throws -> [String] {
    try paths.flatMap { path -> [String] in
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
      let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
      guard !files.isEmpty else { throw ValidationError("\(path) is a directory without scenario files (*.yaml)") }
      return files.map { (path.hasSuffix("/") ? path : path + "/") + $0 }
    }
  }
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
