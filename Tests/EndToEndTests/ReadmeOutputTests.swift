import Foundation
import Testing

/// The README's example outputs are what the binary prints: the quick start's `make run`, the
/// `aggsim check` of the quickstart and the regression gate's failing check, byte for byte but for
/// the wall time and the output directory
/// (the run's line ends "in <wall> s (<rate> M events/s) → <out>/quickstart/").
@Suite("README outputs")
struct ReadmeOutputTests {
  /// The run line's wall time, rate and output directory, which differ from run to run.
  static func withoutWallTime(_ text: String) -> String {
    text.replacing(#/ in [0-9.]+ s \([0-9.]+ M events/s\) → \S+/#, with: " in … → …")
  }

  /// Every fenced block of the README that starts with the quickstart's run line, without wall times.
  static func readmeQuickstartOutputs() throws -> [String] {
    let readme = try AggsimBinaryTests.read(AggsimBinaryTests.packageRoot.appendingPathComponent("README.md").path)
    return readme.components(separatedBy: "```\n").filter { $0.hasPrefix("quickstart: 10 replications,") }
      .map(withoutWallTime)
  }

  @Test("the README shows what aggsim run and aggsim check of Scenarios/quickstart.yaml print, but the wall time",
        arguments: ["run", "check"])
  func readmeShowsTheRealOutput(command: String) throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let outcome = try AggsimBinaryTests.aggsim([command, "Scenarios/quickstart.yaml", "--out", out])
    #expect(outcome.status == 0, "\(outcome.stderr)")
    #expect(try Self.readmeQuickstartOutputs().contains(Self.withoutWallTime(outcome.stdout)),
            "README.md has no block with what `aggsim \(command) Scenarios/quickstart.yaml` prints:\n\(outcome.stdout)")
  }

  /// The README's CI-gate example: `aggsim check` of kubectl-blackholed-metrics-server without the 5 s cap.
  static let gateCommand = "$ aggsim check Scenarios/kubectl-blackholed-metrics-server.yaml --set spec.controlPlane.proxy.discoveryTimeout=none "
    + "--junit aggsim-junit.xml\n"

  @Test("the README's regression-gate example is what aggsim check prints without the 5 s discovery cap (exit 1), but the wall time")
  func readmeShowsTheGateOutput() throws {
    let readme = try AggsimBinaryTests.read(AggsimBinaryTests.packageRoot.appendingPathComponent("README.md").path)
    let after = try #require(readme.components(separatedBy: Self.gateCommand).dropFirst().first, "README.md lacks the gate example")
    let shown = try #require(after.components(separatedBy: "```").first).replacing("           (exit 1)", with: "")
    let out = try AggsimBinaryTests.temporaryDirectory()
    let outcome = try AggsimBinaryTests.aggsim(["check", "Scenarios/kubectl-blackholed-metrics-server.yaml", "--set",
                                                "spec.controlPlane.proxy.discoveryTimeout=none", "--junit", "\(out)/aggsim-junit.xml", "--out", out])
    #expect(outcome.status == 1, "\(outcome.stderr)")
    let printed = outcome.stdout.replacing("\(out)/aggsim-junit.xml", with: "aggsim-junit.xml")
    #expect(Self.withoutWallTime(printed) == Self.withoutWallTime(shown), "README.md shows:\n\(shown)\naggsim check prints:\n\(printed)")
  }
}
