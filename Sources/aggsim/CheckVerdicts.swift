import AggregationModel
import ArgumentParser
import Scenario
import SimCore
import SimOutput

/// How `check` (and `merge` of a check's shards) judges and reports expectations.
struct CheckJudging: ParsableArguments {
  enum InconclusivePolicy: String, ExpressibleByArgument, CaseIterable { case fail, pass }

  @Option(help: "What an inconclusive expectation (the mean's interval straddles its bound) counts as.")
  var inconclusive = InconclusivePolicy.fail
  @Option(help: "Also write the results as JUnit XML to this file (one test case per expectation), for CI.") var junit: String?
  @Option(help: "table (for people) or json (one document on stdout, for programs).") var format = OutputFormat.table
}

/// The verdicts of the expectations of one or more scenarios (`check`, or `merge` of a check's
/// shards): the table, the JSON results, the JUnit report and the count of failures.
struct CheckVerdicts {
  /// One expectation's result in `--format json`.
  struct Result: Encodable {
    var scenario, scope, metric, over: String
    var min, max, value, ciLow, ciHigh: Double?
    var n: Int
    /// pass, fail or inconclusive.
    var outcome: String
    /// Where the expectation is written (file:line:column).
    var location: String
  }

  let judging: CheckJudging
  let console: CommandOutput
  var failures = 0
  var rows: [[String]] = []
  var results: [Result] = []
  var report: JUnitReport

  init(judging: CheckJudging) {
    self.judging = judging
    console = CommandOutput(format: judging.format)
    report = JUnitReport(inconclusivePasses: judging.inconclusive == .pass)
  }

  /// Judges every expectation of `loaded` on the replications' `summaries`.
  mutating func add(_ loaded: ScenarioRunner.Loaded, summaries: [ReplicationSummary]) {
    for expectation in loaded.file.expectations {
      let (row, outcome, verdict) = CheckCommand.evaluate(expectation, summaries: summaries, scenario: loaded.file.name)
      if outcome == .fail || (outcome == .inconclusive && judging.inconclusive == .fail) { failures += 1 }
      rows.append(row)
      report.add(row: row, outcome: outcome, location: "\(expectation.location)")
      results.append(Result(scenario: loaded.file.name, scope: row[1], metric: row[2], over: row[3], min: expectation.min,
                            max: expectation.max, value: finite(verdict?.figure), ciLow: finite(verdict?.interval?.low),
                            ciHigh: finite(verdict?.interval?.high), n: verdict?.count ?? 0, outcome: "\(outcome)",
                            location: "\(expectation.location)"))
    }
  }

  /// Prints the table (and the JSON document), writes the JUnit file; exit 1 when an
  /// expectation failed (or was inconclusive under `--inconclusive fail`).
  func finish() throws {
    console.say(TextTable.render(header: ["scenario", "scope", "metric", "over", "bound", "value", "95% CI", "n", "result"], rows: rows))
    if let junit = judging.junit {
      try AtomicFileWriter.write(report.xml(), to: junit)
      console.say("JUnit → \(junit)")
    }
    try console.emit(results)
    if failures > 0 {
      console.say("\(failures) of \(rows.count) expectations failed" + (judging.inconclusive == .fail ? " or were inconclusive" : ""))
      throw ExitCode.failure
    }
    console.say("all \(rows.count) expectations hold")
  }
}
