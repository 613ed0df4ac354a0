import Foundation
import Testing

/// `aggsim import prometheus` with the built binary: what it writes is a scenario fragment that
/// runs, and a malformed scrape exits 65 with the place of the problem.
@Suite("aggsim import prometheus end to end")
struct ImportCommandTests {
  static let fixtures = "Tests/ScenarioTests/Fixtures/prometheus"

  @Test("an hour of metrics-server scrapes becomes metrics-server's serviceTime and three clients that run in the quickstart")
  func fragmentRuns() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let imported = try AggsimBinaryTests.aggsim(["import", "prometheus", "\(Self.fixtures)/metrics-server-now.txt",
                                                  "--baseline", "\(Self.fixtures)/metrics-server-hour-ago.txt", "--window", "1h",
                                                  "--out", "\(out)/measured.yaml"])
    #expect(imported.status == 0 && imported.stdout.isEmpty, "\(imported.stderr)")
    let lines = try AggsimBinaryTests.read("\(out)/measured.yaml").split(separator: "\n").map(String.init)
    let serviceTimes = lines.filter { $0.hasPrefix("  get:") || $0.hasPrefix("  list:") }.map { $0.trimmingCharacters(in: .whitespaces) }
    let clients = lines.filter { $0.hasPrefix("  - {") }.map { String($0.dropFirst(4)) }
    #expect(serviceTimes.count == 2 && clients.count == 3)
    let run = try AggsimBinaryTests.aggsim([
      "run", "Scenarios/quickstart.yaml", "--replications", "1", "--out", out,
      "--set", "spec.extensionServers[0].serviceTime={\(serviceTimes.joined(separator: ", "))}",
      "--set", "spec.clients=[\(clients.joined(separator: ", "))]", "--set", "spec.expect=[]",
      "--set", "spec.run.duration=30s", "--set", "spec.run.warmup=5s",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let summary = try AggsimBinaryTests.read("\(out)/quickstart/summary.csv")
    for client in ["metrics-k8s-io-nodes-list", "metrics-k8s-io-pods-get", "metrics-k8s-io-pods-list"] {
      #expect(summary.contains(",client,\(client),"), "\(client)")
    }
  }

  @Test("a malformed scrape exits 65 naming file, line and column, and writes nothing")
  func malformedScrape() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let outcome = try AggsimBinaryTests.aggsim(["import", "prometheus", "\(Self.fixtures)/malformed.txt", "--out", "\(out)/measured.yaml"])
    #expect(outcome.status == 65)
    #expect(outcome.stderr == "\(Self.fixtures)/malformed.txt:10:187: apiserver_request_duration_seconds_bucket: expected \",\" or \"}\" after label le, found \"12000\"\n")
    #expect(!FileManager.default.fileExists(atPath: "\(out)/measured.yaml"))
  }

  @Test("a bad --window is a usage error (64)", arguments: ["0s", "forever", "400d"])
  func badWindow(window: String) throws {
    let outcome = try AggsimBinaryTests.aggsim(["import", "prometheus", "\(Self.fixtures)/increase-1h.json", "--window", window])
    #expect(outcome.status == 64)
    #expect(outcome.stderr.contains("--window must be a duration from 1ns to 366 days"), "\(outcome.stderr)")
  }
}
