import AggregationModel
import Scenario
import SimCore

/// One fuzzer input: read as a scenario file (and refused with located errors), or run as one
/// replication in stretches of a simulated second, records dropped, under `budget`.
enum FuzzedScenario {
  /// Small enough for hundreds of inputs a second; a budget overrun is an accepted end.
  static let budget = RunBudget(maxEvents: 50_000, maxMemoryBytes: 2 << 30)

  /// Whether the input was a valid scenario (it then ran to its end or to its budget).
  static func run(_ bytes: [UInt8]) -> Bool {
    guard let file = try? ScenarioLoader.aggsim.load(bytes: bytes, file: "fuzz.yaml") else { return false }
    guard var simulation = try? AggregationSimulation(spec: file.modelSpec(), runSeed: file.run.seed, replication: 0) else { return true }
    _ = try? simulation.runDroppingRecords(within: budget)
    return true
  }
}
