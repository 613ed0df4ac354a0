import Foundation
import Testing

/// `Scenarios/kubectl-dead-pod-ip.yaml` run by the built binary (openshift/origin#17159, research
/// §9 item 2): kubectl 1.22 users against metrics-server's black-holed pod IP, its endpoint Ready,
/// with and without the 30 s availability resync and the 5 s cap. The figures are derived in the
/// scenario's header.
@Suite("kubectl-dead-pod-ip scenario end to end")
struct DeadPodIPScenarioTests {
  typealias S = ScenarioFigureTests
  static let ci = (kind: "kubectl", name: "ci-kubectl")
  static let developer = (kind: "kubectl", name: "developer-kubectl")

  @Test("with the resync: unavailable 295 s of 600 in every replication, the slowest CI command 5 s per ask before the status turned False (at most 25 s, here 5.014 or 10.014 s), the developer's at most 10 s, the CI median in milliseconds; check passes")
  func boundedByTheResync() throws {
    let unavailable = try S.run("kubectl-dead-pod-ip", scope: (kind: "apiservice", name: "v1beta1.metrics.k8s.io"), metric: "unavailable_fraction")
    #expect(unavailable.status == 0)
    #expect(unavailable.values.count == 5 && unavailable.values.allSatisfy { abs($0 - 295.0 / 600) < 1e-4 }, "\(unavailable.values)")
    let longest = try S.run("kubectl-dead-pod-ip", scope: Self.ci, metric: "discovery_latency_max_s")
    #expect(longest.values.count == 5 && longest.values.allSatisfy { abs($0 - 5.014) < 1e-9 || abs($0 - 10.014) < 1e-9 }, "\(longest.values)")
    let developer = try S.run("kubectl-dead-pod-ip", scope: Self.developer, metric: "discovery_latency_max_s")
    #expect(developer.values.count == 5 && developer.values.allSatisfy { $0 <= 10.02 }, "\(developer.values)")
  }

  @Test("no resync: every CI command in the black hole takes 25.013 s (5 asks at the cap), the median 20.03 s, the developer's 10.007 s (2 asks: its fresh cache is read, then the reset rediscovers); without the cap as well 160.008 s and 64.004 s (kubectl's 32 s); check fails",
        arguments: [([String](), 25.013, 10.007),
                    (["--set", "spec.controlPlane.proxy.discoveryTimeout=none"], 160.008, 64.004)])
  func noResync(overrides: [String], ci: Double, developer: Double) throws {
    let off = ["--replications", "1", "--set", "spec.controlPlane.availabilityController.enabled=false"] + overrides
    let longest = try S.run("kubectl-dead-pod-ip", scope: Self.ci, metric: "discovery_latency_max_s", overrides: off)
    #expect(longest.status == 1)
    #expect(longest.values.count == 1 && abs(longest.values[0] - ci) < 1e-9, "\(longest.values)")
    let slowest = try S.run("kubectl-dead-pod-ip", scope: Self.developer, metric: "discovery_latency_max_s", overrides: off)
    #expect(slowest.values.count == 1 && abs(slowest.values[0] - developer) < 1e-9, "\(slowest.values)")
    let partial = try S.run("kubectl-dead-pod-ip", scope: Self.ci, metric: "discovery_partial", overrides: off)
    #expect(partial.values == [10])
    if overrides.isEmpty {
      let median = try S.run("kubectl-dead-pod-ip", scope: Self.ci, metric: "discovery_latency_p50_s", overrides: off)
      #expect(median.values.count == 1 && median.values[0] > 20 && median.values[0] < 20.1, "\(median.values)")
    }
  }
}
