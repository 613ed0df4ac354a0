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

  func run() async throws {
    let base = try ScenarioRunner.load(scenario, overrides: options.set)
    let grid = try SweepGrid(fileParameters: base.file.sweep, commandLine: parameters)
    let directory = try OutputDirectory(root: options.out, scenario: base.file.name)
    try await directory.write { staged in
      let records = RecordFiles(staged: staged, tracesRequests: options.tracesRequests(base))
      var outcomes: [[ReplicationOutcome]] = []
      var models: [ModelSpec] = []
      var pointsTable = CSVTable(columns: ["sweep_point", "parameter", "value"])
      let clock = ContinuousClock.now
      for (index, point) in grid.points.enumerated() {
        let loaded = try ScenarioRunner.load(scenario, overrides: options.set + point.map { "\($0.path)=\($0.value)" })
        outcomes.append(try await options.execute(loaded, label: "\(base.file.name) point \(index + 1)/\(grid.points.count)",
                                                  records: records.at(point: index)))
        models.append(loaded.model)
        for assignment in point { pointsTable.append([.integer(index), .text(assignment.path), .text(assignment.value)]) }
        print("point \(index): " + point.map { "\($0.path)=\($0.value)" }.joined(separator: " "))
      }
      let wall = (ContinuousClock.now - clock).seconds
      try records.join(replications: outcomes.map(\.count))
      let table = SummaryTable(outcomes: outcomes)
      let across = SweepSummary(points: grid.points, keys: SweepSummary.keys(of: base.file.expectations), summaries: table.summaries)
      print(across.text())
      let findings = FindingsTable(models: models, summaries: table.summaries)
      print(findings.text())
      return [table.file(), findings.file(), OutputFile(name: "sweep.csv", text: pointsTable.rendered()), across.file(),
              try options.metadata(for: base, replications: options.replications(of: base), seed: options.seed(of: base),
                                   wall: wall, events: outcomes.joined().eventsHandled).outputFile()]
    }
    print("\(base.file.name): \(grid.points.count) sweep points → \(directory.path)/")
  }
}

/// The grid of a sweep: every combination of the parameters' values, the first parameter
/// varying slowest.
struct SweepGrid {
  struct Assignment {
    var path: String
    var value: String
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
}
