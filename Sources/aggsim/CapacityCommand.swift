import AggregationModel
import ArgumentParser
import Foundation
import Scenario
import SimCore

/// `aggsim capacity`: the highest load (or the lowest replica count …) that still meets an SLO,
/// by bisection. At each step the scenario runs with the parameter set to the midpoint; the SLO
/// is met when the whole 95% interval of the metric's mean lies within the bound, so the answer
/// holds with confidence, not just on average.
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
  @OptionGroup var options: RunOptions

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
    guard MetricCatalogue.summaryMetric(named: metric) != nil else {
      throw ValidationError("--metric must be a summary metric, found \(metric); metrics: "
                            + MetricCatalogue.summary.map(\.name).joined(separator: ", "))
    }
  }

  func run() async throws {
    var good = find == .highest ? low : high   // the end expected to meet the SLO
    var bad = find == .highest ? high : low    // the end expected to miss it
    var rows: [[String]] = []
    /// Runs the scenario at `value`, adds its row and returns whether it meets the SLO.
    func step(_ value: Double) async throws -> Bool {
      let (meets, mean, ci) = try await evaluate(value)
      rows.append([text(value), CheckCommand.format(mean), ci, meets ? "meets" : "misses"])
      return meets
    }
    let goodEndMeets = try await step(good)
    let badEndMeets = try await step(bad)
    guard goodEndMeets, !badEndMeets else {
      print(TextTable.render(header: ["\(param)", "\(scope) \(metric) mean", "95% CI", "SLO"], rows: rows))
      print(goodEndMeets ? "every value in the range meets the SLO: widen the range" : "no value in the range meets the SLO")
      return
    }
    for _ in 0..<iterations {
      var middle = (good + bad) / 2
      if integer {
        middle = middle.rounded(find == .highest ? .down : .up)
        if middle == good || middle == bad { break }
      }
      if try await step(middle) { good = middle } else { bad = middle }
    }
    print(TextTable.render(header: ["\(param)", "\(scope) \(metric) mean", "95% CI", "SLO"], rows: rows))
    print("\(find.rawValue) value that meets the SLO: \(text(good)) (the nearest value that misses it: \(text(bad)))")
  }

  func text(_ value: Double) -> String { (integer ? String(Int(value)) : CheckCommand.format(value)) + suffix }

  /// Runs the scenario at `value`: whether the SLO is met, the mean and the interval's text.
  func evaluate(_ value: Double) async throws -> (Bool, Double, String) {
    let loaded = try ScenarioRunner.load(scenario, overrides: options.set + ["\(param)=\(text(value))"])
    let summaries = try await options.execute(loaded, label: "\(param)=\(text(value))").map(\.summary)
    let sloMetric = MetricCatalogue.summaryMetric(named: metric)!  // validated by `validate()`
    guard let values = MetricLookup.values(summaries, scope: scope, metric: sloMetric) else {
      throw ValidationError("no metric \(metric) for scope \(scope); \(metric) is a metric of "
                            + sloMetric.scopeKinds.map(\.pattern).joined(separator: ", "))
    }
    let estimate = MetricLookup.estimate(values)
    let mean = estimate?.mean ?? .nan
    guard let ci = estimate?.interval else { return (false, mean, "–") }
    let meets = (max.map { ci.high <= $0 } ?? true) && (min.map { ci.low >= $0 } ?? true)
    return (meets, mean, "\(CheckCommand.format(ci.low)) … \(CheckCommand.format(ci.high))")
  }
}
