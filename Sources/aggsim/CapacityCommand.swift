import AggregationModel
import ArgumentParser
import Foundation
import Scenario
import SimCore
import SimOutput

/// `aggsim capacity`: the highest load (or the lowest replica count …) that still meets an SLO,
/// by bisection. At each step the scenario runs with the parameter set to the midpoint; the SLO
/// is met when the whole 95% interval of the metric's mean lies within the bound, so the answer
/// holds with confidence, not just on average.
///
/// Every step is written to `<out>/<scenario>-capacity/capacity.csv` (atomically, with the run's
/// metadata). Exit 0 with an answer; 1 when no value in the range meets the SLO.
struct CapacityCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "capacity", abstract: "Find the highest (or lowest) parameter value that still meets an SLO, by bisection.")

  enum Direction: String, ExpressibleByArgument, CaseIterable { case highest, lowest }

  @Argument(help: "The scenario file (YAML).") var scenario: String
  @Option(help: "The parameter to search, as a key path, e.g. spec.clients[0].workload.poisson.") var param: String
  @Option(parsing: .unconditional, help: "Lower end of the search range.") var low: Double
  @Option(parsing: .unconditional, help: "Upper end of the search range.") var high: Double
  @Option(help: "Text appended to the number when it is set, e.g. /s for a rate.") var suffix = ""
  @Flag(help: "The parameter is an integer (replicas, workers).") var integer = false
  @Option(help: "highest: the largest value that meets the SLO (load); lowest: the smallest (replicas).") var find = Direction.highest
  @Option(help: "The SLO's metric, as in summary.csv, e.g. latency_p99_s.") var metric: String
  @Option(help: "The SLO's scope: client/<name>, apiservice/<name>, pod/<server>/<i> or all.") var scope = "all"
  @Option(parsing: .unconditional, help: "Upper bound of the metric.") var max: Double?
  @Option(parsing: .unconditional, help: "Lower bound of the metric.") var min: Double?
  @Option(parsing: .unconditional, help: "Bisection steps.") var iterations = 8
  @Option(help: "table (for people) or json (one document on stdout, for programs).") var format = OutputFormat.table

  /// The search in `--format json`: its steps, the answer (nil when no value meets the SLO or the
  /// whole range does) and the verdict's text.
  struct Result: Encodable {
    struct StepResult: Encodable {
      var value: String
      var mean, ciLow, ciHigh: Double?
      var meets: Bool
    }
    var parameter, metric, scope, find, verdict: String
    var steps: [StepResult]
    var answer: String?
  }
  @OptionGroup var options: RunOptions
  @OptionGroup var sharding: ShardOption

  func validate() throws {
    for (name, value) in [("--low", low), ("--high", high), ("--max", max), ("--min", min)] {
      if let value, !value.isFinite { throw ValidationError("\(name) must be a finite number, found \(value)") }
    }
    if integer {
      for (name, value) in [("--low", low), ("--high", high)] where value.rounded() != value || value < 1 {
        throw ValidationError("with --integer, \(name) must be a whole number of at least 1, found \(value)")
      }
    }
    guard low < high else { throw ValidationError("--low must be below --high, found \(low) and \(high)") }
    guard max != nil || min != nil else { throw ValidationError("give the SLO bound: --max and/or --min") }
    guard (1...30).contains(iterations) else { throw ValidationError("--iterations must be in 1…30, found \(iterations)") }
    guard let sloMetric = MetricCatalogue.summaryMetric(named: metric) else {
      throw ValidationError("--metric must be a summary metric, found \(metric); metrics: "
                            + MetricCatalogue.summary.map(\.name).joined(separator: ", "))
    }
    let kind = scope.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
    guard sloMetric.scopeKinds.contains(where: { $0.rawValue == kind && ($0 == .all) == (scope == "all") }) else {
      throw ValidationError("--scope \(scope) has no \(metric); its scopes are "
                            + sloMetric.scopeKinds.map(\.pattern).joined(separator: ", "))
    }
  }

  /// Exit code when no value in the range meets the SLO.
  static let noValueMeetsExitCode: Int32 = 1

  func run() async throws {
    let shard = try sharding.parsed()
    var good = find == .highest ? low : high   // the end expected to meet the SLO
    var bad = find == .highest ? high : low    // the end expected to miss it
    var steps: [Step] = []
    var first: ScenarioRunner.Loaded?  // the scenario as the first step read it: its name and metadata
    let clock = ContinuousClock.now
    /// Runs the scenario at `value`, keeps its step and returns whether it meets the SLO.
    func step(_ value: Double) async throws -> Bool {
      let (evaluated, loaded) = try await evaluate(value, step: steps.count, shard: shard)
      if first == nil { first = loaded }
      steps.append(evaluated)
      return evaluated.meets
    }
    let goodEndMeets = try await step(good)
    let badEndMeets = try await step(bad)
    let verdict: String
    if !goodEndMeets {
      verdict = "no value in the range meets the SLO: even \(text(good)) misses it"
    } else if badEndMeets {
      verdict = find == .highest
        ? "\(text(bad)), the top of the range, meets the SLO: raise --high to find where it stops"
        : "\(text(bad)), the bottom of the range, meets the SLO: lower --low to find where it stops"
    } else {
      for _ in 0..<iterations {
        var middle = (good + bad) / 2
        if integer {
          middle = middle.rounded(find == .highest ? .down : .up)
          if middle == good || middle == bad { break }
        }
        if try await step(middle) { good = middle } else { bad = middle }
      }
      verdict = "\(find.rawValue) value that meets the SLO: \(text(good)) (the nearest value that misses it: \(text(bad)))"
    }
    let console = CommandOutput(format: format)
    console.say(TextTable.render(header: ["\(param)", "\(scope) \(metric) mean", "95% CI", "SLO"],
                                 rows: steps.map { [text($0.value), CheckCommand.format($0.mean), $0.intervalText, $0.meets ? "meets" : "misses"] }))
    console.say(verdict)
    if let shard, shard.index != 0 {
      console.say("shard \(shard): the steps are written by shard 0")
    } else {
      let path = try write(steps, of: first!, wall: (ContinuousClock.now - clock).seconds)  // two steps ran
      console.say("steps → \(path)/capacity.csv")
    }
    try console.emit(Result(parameter: param, metric: metric, scope: scope, find: find.rawValue, verdict: verdict,
                            steps: steps.map { .init(value: text($0.value), mean: finite($0.mean), ciLow: finite($0.interval?.low),
                                                     ciHigh: finite($0.interval?.high), meets: $0.meets) },
                            answer: goodEndMeets && !badEndMeets ? text(good) : nil))
    if !goodEndMeets { throw ExitCode(Self.noValueMeetsExitCode) }
  }

  /// One bisection step: the parameter's value, the metric's mean and 95% interval over the
  /// replications, and whether the whole interval meets the SLO.
  struct Step {
    var value: Double
    var mean: Double
    var interval: ConfidenceInterval?
    var meets: Bool
    var events: Int

    var intervalText: String {
      interval.map { "\(CheckCommand.format($0.low)) … \(CheckCommand.format($0.high))" } ?? "–"
    }
  }

  /// Writes `capacity.csv` (one row per step, in the order they ran, each with the search's
  /// parameter, metric, scope and direction, so that the file alone gives the answer) and the
  /// metadata into `<out>/<scenario>-capacity/`, atomically; returns that directory.
  func write(_ steps: [Step], of loaded: ScenarioRunner.Loaded, wall: Double) throws -> String {
    let directory = try OutputDirectory(root: options.out, scenario: "\(loaded.file.name)-capacity")
    var table = CSVTable(columns: ["step", "parameter", "value", "metric", "scope", "find", "mean", "ci_low", "ci_high", "slo_min", "slo_max",
                                   "meets"])
    for (index, step) in steps.enumerated() {
      let number = { (x: Double?) -> CSVValue in finite(x).map(CSVValue.number) ?? .empty }
      table.append([.integer(Int64(index)), .text(param), .text(text(step.value)), .text(metric), .text(scope), .text(find.rawValue),
                    number(step.mean), number(step.interval?.low), number(step.interval?.high), number(min), number(max), .text(step.meets ? "true" : "false")])
    }
    let metadata = try options.metadata(for: loaded, replications: options.replications(of: loaded), seed: options.seed(of: loaded),
                                        wall: wall, events: steps.reduce(0) { $0 + $1.events }).outputFile()
    try directory.write([OutputFile(name: "capacity.csv", text: table.rendered()), metadata])
    return directory.path
  }

  func text(_ value: Double) -> String { (integer ? String(Int(value)) : CheckCommand.format(value)) + suffix }

  /// Runs the scenario at `value`: the metric's estimate and whether the SLO is met (its whole
  /// interval within the bounds, as `expect:` judges a mean), and the scenario as loaded.
  /// With `shard`, the step's replications are spread over the shards (`CapacityExchange`).
  func evaluate(_ value: Double, step: Int, shard: Shard?) async throws -> (Step, ScenarioRunner.Loaded) {
    let loaded = try ScenarioRunner.load(scenario, overrides: options.set + ["\(param)=\(text(value))"])
    let outcomes = if let shard {
      try await CapacityExchange(search: self, shard: shard).outcomes(of: loaded, value: value, step: step)
    } else {
      try await options.execute(loaded, label: "\(param)=\(text(value))")
    }
    let summaries = outcomes.map(\.summary)
    let sloMetric = MetricCatalogue.summaryMetric(named: metric)!  // validated by `validate()`
    guard let values = MetricLookup.values(summaries, scope: scope, metric: sloMetric) else {
      let kind = sloMetric.scopeKinds.first { scope.hasPrefix($0.rawValue + "/") }
      let names = kind.map { kind in summaries.first?.scopes(of: kind).map { "\(kind.rawValue)/\($0.name)" } ?? [] } ?? []
      throw ValidationError("--scope \(scope) is not in the scenario; \(metric) has the scopes "
                            + (names.isEmpty ? sloMetric.scopeKinds.map(\.pattern) : names).joined(separator: ", "))
    }
    let estimate = MetricLookup.estimate(values)
    let interval = estimate?.interval
    let mean = estimate?.mean ?? .nan
    let meets = interval.map { ci in
      ExpectationVerdict.judge(ci, mean: mean) { x in (min.map { x >= $0 } ?? true) && (max.map { x <= $0 } ?? true) } == .pass
    } ?? false
    return (Step(value: value, mean: mean, interval: interval, meets: meets, events: outcomes.eventsHandled), loaded)
  }
}
