import ArgumentParser
import Foundation
import Scenario

/// `aggsim explain`: the effective scenario, every key with its value and where the value comes
/// from (the file and line, `--set`, the default, or the Kubernetes version's default and its
/// source), as YAML with trailing comments (`ScenarioExplanation`).
struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Print a scenario with every default resolved and where each value comes from.")

  @Argument(help: "A scenario file (YAML).") var scenario: String
  @Option(name: .customLong("set"), help: "Override a scenario value: key.path=value (repeatable).") var set: [String] = []

  func run() throws {
    do {
      print(try ScenarioExplanation.text(path: scenario, overrides: set), terminator: "")
    } catch {
      FileHandle.standardError.write(Data((error.description + "\n").utf8))
      throw ExitCode(ScenarioRunner.badScenarioExitCode)
    }
  }
}
