import AggregationModel
import ArgumentParser
import Foundation
import Scenario
import SimCore
import SimOutput

/// `aggsim compare A B`: the same workload under two policies or versions. Both run with the
/// same seed, so each replication of A and of B draws the same variates for every component they
/// share (common random numbers); the paired differences B − A per replication then give a much
/// narrower interval than two independent runs would. Every summary metric of every scope both
/// have is compared (`PairedComparison`), significant differences listed first; `--expect`
/// gates turn "B is not worse than A by more than x" into an exit code.
struct CompareCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare", abstract: "Compare two scenarios with common random numbers: paired differences B − A with 95% intervals.")

  @Argument(help: "Scenario A (the baseline).") var baseline: String
  @Argument(help: "Scenario B (the change); A again when omitted, with --set-b making the difference.") var candidate: String?
  @Option(name: .customLong("set-a"), help: "Override a value of A only: key.path=value (repeatable).") var setA: [String] = []
  @Option(name: .customLong("set-b"), help: "Override a value of B only: key.path=value (repeatable).") var setB: [String] = []
  @OptionGroup var options: RunOptions

  func validate() throws {
    if candidate == nil && setB.isEmpty && setA.isEmpty {
      throw ValidationError("give scenario B, or --set-a/--set-b to compare scenario A with a variant of itself")
    }
  }

  @Option(name: .customLong("expect"), parsing: .unconditionalSingleValue,
          help: "A gate on B − A: SCOPE:METRIC:+X (B may exceed A by at most X) or SCOPE:METRIC:-X (B may fall below A by at most X), e.g. client/hpa:latency_p99_s:+0.05 (repeatable; exit 1 unless the whole 95% interval of the difference meets it).")
  var gates: [String] = []
  @Option(help: "table (for people) or json (one document on stdout, for programs).") var format = OutputFormat.table

  /// The comparison in `--format json`: every metric's paired difference, then the gates.
  struct Result: Encodable {
    struct Difference: Encodable {
      var scopeKind, scope, metric, verdict: String
      var meanA, meanB, difference, ciLow, ciHigh: Double?
      var n: Int
    }
    struct GateResult: Encodable {
      var scope, metric, result: String
      var limit: Double
      var ciLow, ciHigh: Double?
    }
    var differences: [Difference]
    var gates: [GateResult]
  }

  /// A gate of `--expect`: the paired difference B − A of `metric` in `scope` must stay at or
  /// below `limit` (`limit` > 0, an increase) or at or above it (`limit` < 0, a decrease).
  struct Gate: Equatable {
    var scope: String
    var metric: SummaryMetric
    var limit: Double

    init(parsing text: String) throws {
      let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      guard parts.count == 3, let limit = Double(parts[2]), limit.isFinite, limit != 0, parts[2].first == "+" || parts[2].first == "-" else {
        throw ValidationError("--expect expects SCOPE:METRIC:+X or SCOPE:METRIC:-X, e.g. client/hpa:latency_p99_s:+0.05, found \(text)")
      }
      guard let metric = MetricCatalogue.summaryMetric(named: parts[1]) else {
        throw ValidationError("--expect \(text): no summary metric \(parts[1]); metrics: " + MetricCatalogue.summary.map(\.name).joined(separator: ", "))
      }
      scope = parts[0]
      self.metric = metric
      self.limit = limit
    }

    /// pass, FAIL, or INCONCLUSIVE for a difference's 95% interval (the rule of `expect:`'s
    /// mean, `ExpectationVerdict.judge`), and the outcome.
    func verdict(_ ci: ConfidenceInterval?) -> (text: String, outcome: ExpectationVerdict.Outcome) {
      guard let ci else { return ("FAIL (fewer than 2 paired replications)", .fail) }
      let outcome = ExpectationVerdict.judge(ci, mean: (ci.low + ci.high) / 2) { limit > 0 ? $0 <= limit : $0 >= limit }
      switch outcome {
      case .pass: return ("pass", outcome)
      case .fail: return ("FAIL", outcome)
      case .inconclusive: return ("INCONCLUSIVE (run more replications)", outcome)
      }
    }
  }

  @OptionGroup var sharding: ShardOption

  func run() async throws {
    let gates = try self.gates.map(Gate.init(parsing:))
    let a = try ScenarioRunner.load(baseline, overrides: options.set + setA)
    let b = try ScenarioRunner.load(candidate ?? baseline, overrides: options.set + setB)
    // B runs with A's replications and seed, so that both draw the same variates.
    let replications = options.replications(of: a), seed = options.seed(of: a)
    let name = a.file.name == b.file.name ? "\(a.file.name)-compare" : "\(a.file.name)-vs-\(b.file.name)"
    let shard = try sharding.parsed()
    // A shard runs both sides of its replications: each pair stays on one machine.
    let range = shard?.replications(points: 1, each: replications)[0] ?? 0..<replications
    let directory = try OutputDirectory(root: options.out, scenario: shard?.directoryName(name) ?? name)
    let console = CommandOutput(format: format)
    var conclusion: Conclusion?
    // The directory is locked and checked before the simulations, not after them.
    try await directory.write { _ in
      let clock = ContinuousClock.now
      let outcomesA = try await ScenarioRunner.execute(a.model, name: a.file.name, replications: range.count, first: range.lowerBound,
                                                       seed: seed, jobs: options.jobs, budget: options.budget)
      let outcomesB = try await ScenarioRunner.execute(b.model, name: b.file.name, replications: range.count, first: range.lowerBound,
                                                       seed: seed, jobs: options.jobs, budget: options.budget)
      guard let shard else {
        let made = Self.conclude(a: outcomesA, b: outcomesB, gates: gates, console: console)
        conclusion = made
        return made.files
      }
      var metadata = options.metadata(for: a, replications: replications, seed: seed, wall: (ContinuousClock.now - clock).seconds,
                                      events: outcomesA.eventsHandled + outcomesB.eventsHandled)
      metadata.extras = options.shardExtras(a, shard: shard, command: "compare", units: replications)
      metadata.extras["output_name"] = name
      metadata.extras["traces_requests"] = "false"
      metadata.extras["set_a"] = MergeCommand.jsonList(setA)
      metadata.extras["set_b"] = MergeCommand.jsonList(setB)
      metadata.extras["gates"] = MergeCommand.jsonList(self.gates)
      metadata.extras["scenario_b_hash"] = Fingerprint.hex(b.bytes)
      return [ShardUnits.file([(0, range.lowerBound, outcomesA), (1, range.lowerBound, outcomesB)]),
              OutputFile(name: ShardUnits.scenarioFileName, bytes: a.bytes), try metadata.outputFile()]
    }
    if let shard {
      console.say("shard \(shard): replications \(range.lowerBound)..<\(range.upperBound) of A and B → \(directory.path)/ (aggsim merge compares)")
      return
    }
    console.say("→ \(directory.path)/compare.csv (and each side's summary-a.csv, summary-b.csv)")
    if let conclusion { try Self.finish(conclusion, gates: gates.count, console: console) }
  }

  /// The comparison of a compare's two sides: its files, its JSON result and how many gates failed.
  struct Conclusion {
    var files: [OutputFile]
    var result: Result
    var failedGates: Int
  }

  /// Compares the paired replications (printing the table and the gates) and makes the files
  /// (`compare`, or `merge` of a compare's shards).
  static func conclude(a outcomesA: [ReplicationOutcome], b outcomesB: [ReplicationOutcome], gates: [Gate],
                       console: CommandOutput) -> Conclusion {
    var failedGates = 0
    var result = Result(differences: [], gates: [])
    let comparison = PairedComparison(a: outcomesA.map(\.summary), b: outcomesB.map(\.summary))
    comparison.warnAboutUnpairedScopes()
    console.say(comparison.rendered())
    result.differences = comparison.rows.map { row in
      Result.Difference(scopeKind: row.kind.rawValue, scope: row.scope, metric: row.metric.name, verdict: row.verdict,
                        meanA: finite(row.meanA), meanB: finite(row.meanB), difference: finite(row.meanB - row.meanA),
                        ciLow: finite(row.interval?.low), ciHigh: finite(row.interval?.high), n: row.pairs)
    }
    if !gates.isEmpty {
      let rows = gates.map { gate -> [String] in
        let ci = comparison.difference(scope: gate.scope, metric: gate.metric)
        let (verdict, outcome) = gate.verdict(ci)
        if outcome != .pass { failedGates += 1 }
        result.gates.append(Result.GateResult(scope: gate.scope, metric: gate.metric.name, result: verdict, limit: gate.limit,
                                              ciLow: finite(ci?.low), ciHigh: finite(ci?.high)))
        return [gate.scope, gate.metric.name, (gate.limit > 0 ? "B − A ≤ " : "B − A ≥ ") + CheckCommand.format(gate.limit),
                ci.map { "\(CheckCommand.format($0.low)) … \(CheckCommand.format($0.high))" } ?? "–", verdict]
      }
      console.say(TextTable.render(header: ["scope", "metric", "gate", "95% CI of B − A", "result"], rows: rows))
    }
    let files = [OutputFile(name: "compare.csv", text: comparison.table().rendered()),
                 OutputFile(name: "summary-a.csv", bytes: SummaryTable(outcomes: [outcomesA]).file().bytes),
                 OutputFile(name: "summary-b.csv", bytes: SummaryTable(outcomes: [outcomesB]).file().bytes)]
    return Conclusion(files: files, result: result, failedGates: failedGates)
  }

  /// Emits the JSON document; exit 1 when a gate failed or was inconclusive.
  static func finish(_ conclusion: Conclusion, gates: Int, console: CommandOutput) throws {
    try console.emit(conclusion.result)
    if conclusion.failedGates > 0 {
      console.say("\(conclusion.failedGates) of \(gates) gates failed or were inconclusive")
      throw ExitCode.failure
    }
  }
}
