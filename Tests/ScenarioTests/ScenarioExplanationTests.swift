import AggregationModel
import Foundation
import Scenario
import Testing

/// `aggsim explain` (issue 12 item 5): every key with its value and its origin.
@Suite("scenario explanation")
struct ScenarioExplanationTests {
  static func path(_ relative: String) -> String { ScenarioSchemaTests.path(relative) }

  @Test("explain names the file and line, --set, the default, or the Kubernetes version's default with its source")
  func origins() throws {
    let file = Self.path("Scenarios/quickstart.yaml")
    let text = try ScenarioExplanation.text(path: file, overrides: ["spec.run.replications=3", "spec.controlPlane.proxy.discoveryTimeout=none"])
    let lines = Set(text.split(separator: "\n").map(String.init))
    for expected in [
      "    duration: 10m  # \(file):17",
      "    kubernetesVersion: \"1.36\"  # \(file):21",
      "    filterOverhead:  # \(file):27",
      "        mean: 200us  # \(file):27",
      "    replications: 3  # --set",
      "    proxy:  # --set",
      "      discoveryTimeout: none  # --set",
      "    instances: 1  # default",
      "    timeBucket: 10s  # default",
      "      # firstResync: a random phase per instance (default)",
      "    admission: {priorityAndFairness: {}}  # Kubernetes 1.36 default (\(VersionDefaults.admission.source))",
      "      readIdleTimeout: 30s  # Kubernetes 1.36 default (\(VersionDefaults.readIdleTimeout.source))",
      "      maxStreamsPerConnection: 100  # Kubernetes 1.36 default (\(VersionDefaults.streamsPerConnection.source))",
    ] {
      #expect(lines.contains(expected), "\(expected)")
    }
  }

  @Test("the version defaults follow run.kubernetesVersion: 1.17 has max-in-flight admission, no HTTP/2 health check, 250 streams")
  func versionDefaults() throws {
    let text = try ScenarioExplanation.text(path: Self.path("Scenarios/quickstart.yaml"), overrides: ["spec.run.kubernetesVersion=1.17"])
    let lines = Set(text.split(separator: "\n").map(String.init))
    #expect(lines.contains("    kubernetesVersion: 1.17  # --set"))
    #expect(lines.contains("    admission: {maxInFlight: {readOnly: 400, mutating: 200}}  # Kubernetes 1.17 default (\(VersionDefaults.admission.source))"))
    #expect(lines.contains("      readIdleTimeout: none  # Kubernetes 1.17 default (\(VersionDefaults.readIdleTimeout.source))"))
    #expect(lines.contains("      maxStreamsPerConnection: 250  # Kubernetes 1.17 default (\(VersionDefaults.streamsPerConnection.source))"))
  }

  /// The explanation read back as the scenario gives the same model: every default it writes is
  /// the one the reader fills in (comments and descriptive defaults are left out of it).
  @Test("every scenario's explanation, read as a scenario, is the same model: the declared defaults are the readers'",
        arguments: ScenarioSchemaTests.scenarioFiles)
  func explanationIsTheSameModel(_ relative: String) throws {
    let file = Self.path(relative)
    let original = try ScenarioLoader.aggsim.load(path: file)
    let explained = try ScenarioLoader.aggsim.load(yaml: try ScenarioExplanation.text(path: file), file: file)
    #expect(explained.modelSpec().resolved() == original.modelSpec().resolved())
    #expect(explained.run == original.run)
  }

  @Test("explain reports an invalid scenario's errors")
  func invalid() {
    #expect(throws: ScenarioErrors.self) { try ScenarioExplanation.text(path: Self.path("Tests/EndToEndTests/Fixtures/bad.yaml")) }
  }
}
