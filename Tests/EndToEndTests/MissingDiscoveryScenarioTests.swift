import Foundation
import Testing

/// `Scenarios/aggregated-discovery-missing-before-first-check.yaml` run by the built binary:
/// instance 2 of three restarts from 120 s to 130 s while the custom API's pod is dead from the
/// start. In 1.29 it serves at 130.022 s and its aggregated document lacks custom.example.com
/// until its first fetch fails at 135.022 s (kubernetes/kubernetes#115303); from 1.30 `/readyz`
/// waits for the discovery start-up pass, which publishes it Stale (#122883).
@Suite("aggregated-discovery-missing-before-first-check scenario end to end")
struct MissingDiscoveryScenarioTests {
  static let scenario = "Scenarios/aggregated-discovery-missing-before-first-check.yaml"
  static let name = "aggregated-discovery-missing-before-first-check"

  /// Per replication, the times (ms) of instance 2's `instance_ready` rows and of the
  /// `namespace_finalized` rows in `events.csv`.
  static func events(_ out: String) throws -> (ready: [Int: [String]], finalized: [Int: [Int]]) {
    let lines = try AggsimBinaryTests.read("\(out)/\(Self.name)/events.csv").split(separator: "\n").dropFirst()
    var ready: [Int: [String]] = [:], finalized: [Int: [Int]] = [:]
    for line in lines {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      let replication = Int(fields[1])!, ms = Int((Double(fields[2])! * 1_000).rounded())
      if fields[3] == "instance_ready" { ready[replication, default: []].append("\(ms) \(fields[4]) \(fields[5])") }
      if fields[3] == "namespace_finalized" { finalized[replication, default: []].append(ms) }
    }
    return (ready, finalized)
  }

  @Test("1.29: instance 2 is ready at 130.022 s and its document lacks the dead custom API until 135.022 s: 7 namespaces finalized in that window (130.159–135.013 s) in every replication, 2 kubectl runs with nothing Stale to drop; the expectations hold")
  func missingGroupFinalizesNamespaces() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", Self.scenario, "--out", out])
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    let (ready, finalized) = try Self.events(out)
    for replication in 0..<5 {
      #expect(ready[replication] == ["130022 instance/2 registration initial sync"], "replication \(replication)")
      let times = finalized[replication] ?? []
      #expect(times.count == 7 && times.allSatisfy { $0 >= 130_022 && $0 < 135_022 }, "replication \(replication): \(times)")
    }
  }

  @Test("1.30: /readyz waits for the discovery start-up pass (135.022 s, the custom API Stale), no client reads a document without the group: no namespace finalized, all 120 kubectl runs drop the Stale group-version; check fails")
  func startupPassKeepsTheGroupStale() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", Self.scenario, "--out", out, "--set", "spec.run.kubernetesVersion=1.30"])
    #expect(check.status == 1)
    let (ready, finalized) = try Self.events(out)
    for replication in 0..<5 {
      #expect(ready[replication] == ["135022 instance/2 discovery start-up pass"], "replication \(replication)")
    }
    #expect(finalized.isEmpty)
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/\(Self.name)/summary.csv"))
    let dropped = OutputRows.perReplication(rows, kind: "kubectl", scope: "ci-kubectl", metric: "discovery_stale_dropped")
    let terminating = OutputRows.perReplication(rows, kind: "namespace_controller", scope: "namespaces", metric: "still_terminating")
    #expect(dropped.count == 5 && dropped.allSatisfy { $0 == 120 }, "\(dropped)")
    #expect(terminating.count == 5 && terminating.allSatisfy { $0 == 75 }, "\(terminating)")
  }
}
