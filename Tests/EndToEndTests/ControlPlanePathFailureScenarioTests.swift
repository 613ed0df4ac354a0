import Foundation
import Testing

/// `Scenarios/control-plane-path-failure.yaml` run by the built binary (kubernetes/kubernetes#121245,
/// research §9 item 14): kube-apiserver's path to metrics-server's pods is a black hole from 2 m
/// to 6 m while the pods stay Ready. The figures are derived in the scenario's header.
@Suite("control-plane-path-failure scenario end to end")
struct ControlPlanePathFailureScenarioTests {
  @Test("FailedDiscoveryCheck 5-35 s after the route drops and Passed within 30 s of its return, in every replication; the pods never leave Ready; check passes")
  func stuckWhileThePodsAnswer() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", "Scenarios/control-plane-path-failure.yaml", "--out", out])
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    let events = OutputRows.rows(try AggsimBinaryTests.read("\(out)/control-plane-path-failure/events.csv"))
    #expect(!events.contains { $0[3] == "pod_readiness_changed" }, "a pod left Ready")
    for replication in 0..<5 {
      let writes = events.filter { $0[1] == Substring("\(replication)") && ($0[3] == "unavailable" || $0[3] == "available") }
      #expect(writes.map { String($0[3]) } == ["unavailable", "available"], "replication \(replication)")
      guard writes.count == 2, let down = Double(writes[0][2]), let up = Double(writes[1][2]) else { continue }
      #expect(writes[0][5].hasPrefix("FailedDiscoveryCheck") && writes[1][5].hasPrefix("Passed"))
      #expect(down > 125 && down < 155, "detected at \(down) s")
      #expect(up > 360 && up < 390, "recovered at \(up) s")
    }
  }
}
