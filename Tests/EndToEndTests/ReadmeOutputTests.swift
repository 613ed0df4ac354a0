import Foundation
import Testing

/// The README's example outputs are what the binary prints: the quick start's `make run` and the
/// `aggsim check` of the quickstart, byte for byte but for the wall time and the output directory
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
}
