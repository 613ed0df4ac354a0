import Foundation
import Scenario
import Testing

/// Keys a release cannot honour (issue 12 item 7): an error at the key when the release lacks the
/// feature, a warning when it has it only behind an alpha gate that is off by default.
@Suite("version checks")
struct VersionChecksTests {
  static func kubectl(_ version: String) -> String {
    minimalModel(version: version, extra: """
        - name: kubectl
          target: {apiService: v1beta1.metrics.k8s.io}
          workload: {kubectl: {invocations: {poisson: 1/min}, discovery: aggregated}}
    """)
  }

  static func warnings(_ yaml: String) throws -> [String] {
    try ScenarioLoader.aggsim.load(yaml: yaml, file: "lab.yaml").warnings.map(\.description)
  }

  @Test("an aggregated-discovery client is an error before 1.26, a warning in 1.26 (alpha, off), nothing from 1.27")
  func aggregatedDiscovery() throws {
    #expect(modelProblems(Self.kubectl("1.25")) == [
      "lab.yaml:25:70: spec.clients[1].workload.kubectl.discovery: expected legacy discovery in Kubernetes 1.25, which has no "
        + "aggregated discovery (AggregatedDiscoveryEndpoint first in 1.26, alpha; on by default from 1.27), found aggregated"])
    #expect(try Self.warnings(Self.kubectl("1.26")) == [
      "lab.yaml:25:70: spec.clients[1].workload.kubectl.discovery: expected legacy discovery in Kubernetes 1.26 unless its "
        + "AggregatedDiscoveryEndpoint feature gate (alpha, off by default) is on, found aggregated"])
    #expect(try Self.warnings(Self.kubectl("1.27")) == [])
    // The version's default (legacy before 1.27) is never reported.
    #expect(try Self.warnings(Self.kubectl("1.27").replacingOccurrences(of: ", discovery: aggregated", with: "")) == [])
    #expect(modelProblems(minimalModel(version: "1.20", extra: "  discovery: {enabled: true}")) == [
      "lab.yaml:23:24: spec.discovery.enabled: expected legacy discovery in Kubernetes 1.20, which has no aggregated discovery "
        + "(AggregatedDiscoveryEndpoint first in 1.26, alpha; on by default from 1.27), found true (the aggregated-discovery manager)"])
    #expect(modelProblems(minimalModel(version: "1.20", extra: "  discovery: {enabled: false}")) == [])
  }

  @Test("APF admission is an error in 1.16, a warning in 1.17-1.19 (alpha, off), nothing from 1.20")
  func priorityAndFairness() throws {
    let apf = { (v: String) in minimalModel(version: v, extra: "  controlPlane: {admission: {priorityAndFairness: {}}}") }
    #expect(modelProblems(apf("1.16")) == [
      "lab.yaml:23:29: spec.controlPlane.admission: expected maxInFlight or unlimited admission in Kubernetes 1.16, which has no "
        + "API Priority and Fairness (APIPriorityAndFairness first in 1.17, alpha; on by default from 1.20), found priorityAndFairness"])
    #expect(try Self.warnings(apf("1.19")) == [
      "lab.yaml:23:29: spec.controlPlane.admission: expected maxInFlight admission in Kubernetes 1.19 unless its "
        + "APIPriorityAndFairness feature gate (alpha, off by default) is on, found priorityAndFairness"])
    #expect(try Self.warnings(apf("1.20")) == [])
  }

  @Test("borrowing: true is a warning before 1.26 (a counterfactual); false is accepted in any release")
  func borrowing() throws {
    let borrowing = { (v: String, b: String) in
      minimalModel(version: v, extra: "  controlPlane: {admission: {priorityAndFairness: {borrowing: \(b)}}}")
    }
    #expect(try Self.warnings(borrowing("1.25", "true")) == [
      "lab.yaml:23:63: spec.controlPlane.admission.priorityAndFairness.borrowing: expected no borrowing in Kubernetes 1.25, whose "
        + "APF priority levels keep their nominal seats (borrowing from 1.26); simulated as asked, a counterfactual, found true"])
    #expect(try Self.warnings(borrowing("1.25", "false")) == [])
    #expect(try Self.warnings(borrowing("1.26", "true")) == [])
  }
}
