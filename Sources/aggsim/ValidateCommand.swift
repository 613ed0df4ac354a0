import AggregationModel
import ArgumentParser
import Foundation
import Scenario

/// `aggsim validate`: reads scenario files and reports every error of each, without running.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate", abstract: "Check scenario files and report every error, without running them.")

  @Argument(help: "Scenario files (YAML).") var scenarios: [String]
  @Option(name: .customLong("set"), help: "Override a scenario value: key.path=value (repeatable).") var set: [String] = []

  func run() throws {
    var failed = false
    for path in scenarios {
      do {
        let loaded = try ScenarioRunner.load(path, overrides: set)
        print("\(path): valid scenario \"\(loaded.file.name)\" (\(loaded.model.clients.count) clients, "
              + "\(loaded.model.extensionServers.count) extension servers)")
      } catch is ExitCode {
        failed = true
      }
    }
    if failed { throw ExitCode(ScenarioRunner.badScenarioExitCode) }
  }
}
