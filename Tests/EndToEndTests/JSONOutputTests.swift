import Foundation
import Testing

/// `--format json`: check, compare and capacity print one JSON document on stdout (the human
/// lines go to stderr), for programs (issue 12 item 3).
@Suite("aggsim end to end: --format json")
struct JSONOutputTests {
  static let short = ["--set", "spec.run.duration=20s", "--set", "spec.run.warmup=5s", "--replications", "2"]

  static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

  @Test("check: an array with one object per expectation (scope, metric, over, bounds, value, interval, outcome, location)")
  func check() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["check", "Scenarios/quickstart.yaml", "--format", "json", "--out", out] + Self.short)
    #expect(run.status == 0, "\(run.stderr)")
    let results = try #require(try Self.json(run.stdout) as? [[String: Any]])
    #expect(results.map { $0["metric"] as? String } == ["success_fraction", "latency_p99_s", "fraction_503_discovery_timeout"])
    #expect(results.allSatisfy { $0["outcome"] as? String == "pass" && $0["over"] as? String == "mean" })
    #expect(results[1]["max"] as? Double == 0.5 && results[1]["scope"] as? String == "client/hpa")
    #expect((results[1]["location"] as? String)?.hasPrefix("Scenarios/quickstart.yaml:") == true)
    #expect(run.stderr.contains("all 3 expectations hold"))
  }

  @Test("compare: every paired difference and every gate; capacity: its steps and its answer")
  func compareAndCapacity() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let compare = try AggsimBinaryTests.aggsim(["compare", "Scenarios/quickstart.yaml", "--set-b", "spec.extensionServers[1].workers=1",
                                                "--expect", "all:success_fraction:-0.5", "--format", "json", "--out", out] + Self.short)
    #expect(compare.status == 0, "\(compare.stderr)")
    let result = try #require(try Self.json(compare.stdout) as? [String: Any])
    let differences = try #require(result["differences"] as? [[String: Any]])
    #expect(differences.count > 100)
    #expect((result["gates"] as? [[String: Any]])?.first?["result"] as? String == "pass")
    let capacity = try AggsimBinaryTests.aggsim(["capacity", "Scenarios/quickstart.yaml", "--param", "spec.clients[1].workload.poisson",
                                                 "--suffix", "/s", "--low", "10", "--high", "20", "--metric", "latency_p99_s",
                                                 "--scope", "client/controller-a", "--max", "1000", "--format", "json", "--out", out] + Self.short)
    #expect(capacity.status == 0, "\(capacity.stderr)")
    let search = try #require(try Self.json(capacity.stdout) as? [String: Any])
    #expect((search["steps"] as? [Any])?.count == 2)
    #expect(search["answer"] == nil || search["answer"] is NSNull)
    #expect((search["verdict"] as? String)?.contains("the top of the range, meets the SLO") == true)
  }
}
