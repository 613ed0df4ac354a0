import AggregationModel
import ArgumentParser
import Foundation
import Scenario
import SimCore
import SimOutput

/// `aggsim sweep`: runs a grid of parameter values (the scenario's `sweep:` or `--param`), one
/// summary row set per point, into one `summary.csv` with a `sweep.csv` that names each point,
/// and prints the table across points (`SweepSummary`), also written as `sweep-summary.csv`.
struct SweepCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep", abstract: "Run a grid of parameter values and write one summary row set per point.")

  @Argument(help: "The scenario file (YAML).") var scenario: String
  @Option(name: .customLong("param"), help: "A swept parameter: key.path=v1,v2,… (repeatable; replaces the file's sweep:).")
  var parameters: [String] = []
  @OptionGroup var options: RunOptions
  @OptionGroup var sharding: ShardOption

  func run() async throws {
    let shard = try sharding.parsed()
    let base = try ScenarioRunner.load(scenario, overrides: options.set)
    let grid = try SweepGrid(fileParameters: base.file.sweep, commandLine: parameters)
    let count = options.replications(of: base)
    let ranges = shard?.replications(points: grid.points.count, each: count) ?? grid.points.map { _ in 0..<count }
    let directory = try OutputDirectory(root: options.out, scenario: shard?.directoryName(base.file.name) ?? base.file.name)
    try await directory.write { staged in
      let records = RecordFiles(staged: staged, tracesRequests: options.tracesRequests(base))
      var outcomes: [[ReplicationOutcome]] = []
      var models: [ModelSpec] = []
      let clock = ContinuousClock.now
      for (index, point) in grid.points.enumerated() {
        guard !ranges[index].isEmpty else {
          outcomes.append([])
          continue
        }
        let loaded = try ScenarioRunner.load(scenario, overrides: options.set + point.map(\.setting))
        outcomes.append(try await options.execute(loaded, label: "\(base.file.name) point \(index + 1)/\(grid.points.count)",
                                                  records: records.at(point: index), only: ranges[index]))
        models.append(loaded.model)
        let share = shard == nil ? "" : " replications \(ranges[index].lowerBound)..<\(ranges[index].upperBound)"
        print("point \(index): " + point.map(\.setting).joined(separator: " ") + share)
      }
      let wall = (ContinuousClock.now - clock).seconds
      try records.join(ranges: ranges)
      var metadata = options.metadata(for: base, replications: count, seed: options.seed(of: base), wall: wall,
                                      events: outcomes.joined().eventsHandled)
      if let shard {
        metadata.extras = options.shardExtras(base, shard: shard, command: "sweep", units: grid.points.count * count,
                                              sweepParameters: parameters)
        let runs = outcomes.indices.map { (point: $0, first: ranges[$0].lowerBound, outcomes: outcomes[$0]) }
        return [ShardUnits.file(runs), grid.file(), OutputFile(name: ShardUnits.scenarioFileName, bytes: base.bytes),
                try metadata.outputFile()]
      }
      return try Self.files(grid: grid, expectations: base.file.expectations, models: models, outcomes: outcomes, metadata: metadata)
    }
    print("\(base.file.name): \(grid.points.count) sweep points" + (shard.map { " (shard \($0))" } ?? "") + " → \(directory.path)/")
  }

  /// The files of a whole sweep (`sweep`, or `merge` of a sweep's shards): summary.csv,
  /// findings.csv, sweep.csv, sweep-summary.csv (whose table and findings are printed) and
  /// metadata.json; `models` are the points' models, in point order.
  static func files(grid: SweepGrid, expectations: [Expectation], models: [ModelSpec], outcomes: [[ReplicationOutcome]],
                    metadata: RunMetadata) throws -> [OutputFile] {
    let table = SummaryTable(outcomes: outcomes)
    let across = SweepSummary(points: grid.points, keys: SweepSummary.keys(of: expectations), summaries: table.summaries)
    print(across.text())
    let findings = FindingsTable(models: models, summaries: table.summaries)
    print(findings.text())
    return [table.file(), findings.file(), grid.file(), across.file(), try metadata.outputFile()]
  }
}

/// The grid of a sweep: every combination of the parameters' values, the first parameter
/// varying slowest.
struct SweepGrid {
  struct Assignment {
    var path: String
    var value: String
    /// As `--set` writes it: `path=value`.
    var setting: String { "\(path)=\(value)" }
  }

  var points: [[Assignment]]

  init(fileParameters: [SweepParameter], commandLine: [String]) throws {
    var axes: [(String, [String])] = fileParameters.map { ($0.path, $0.values) }
    if !commandLine.isEmpty {
      axes = try commandLine.map { text in
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
          throw ValidationError("--param expects key.path=v1,v2,…, found \"\(text)\"")
        }
        let values = text[text.index(after: equals)...].split(separator: ",").map(String.init)
        guard !values.isEmpty else { throw ValidationError("--param \(text[..<equals]) has no values") }
        return (String(text[..<equals]), values)
      }
    }
    guard !axes.isEmpty else { throw ValidationError("nothing to sweep: the scenario has no sweep: and no --param was given") }
    var points: [[Assignment]] = [[]]
    for (path, values) in axes {
      points = points.flatMap { point in values.map { point + [Assignment(path: path, value: $0)] } }
    }
    self.points = points
  }

  /// `sweep.csv`: the parameter values of each point.
  func file() -> OutputFile {
    var table = CSVTable(columns: ["sweep_point", "parameter", "value"])
    for (index, point) in points.enumerated() {
      for assignment in point { table.append([.integer(index), .text(assignment.path), .text(assignment.value)]) }
    }
    return OutputFile(name: "sweep.csv", text: table.rendered())
  }
}
