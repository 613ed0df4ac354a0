import AggregationModel

/// Combinations of a scenario's keys with `run.kubernetesVersion` that no real cluster has (issue
/// 12 item 7): a feature asked for in a release that lacks it is an error at the key; a feature
/// of a release where it exists only behind an alpha gate that is off by default is a warning
/// (the user may have turned the gate on). Only written keys are checked: a version's defaults
/// are always real.
///
/// - Aggregated discovery (`discovery: aggregated` of a kubectl, garbage-collector or
///   namespace-deletion client; `discovery.enabled: true`): the `AggregatedDiscoveryEndpoint`
///   gate first appears in apiserver v0.26.0 (Kubernetes 1.26) Alpha, off by default, and is Beta
///   and on from v0.27.0 (kubernetes/apiserver pkg/features/kube_features.go).
/// - APF (`admission: {priorityAndFairness: …}`): `APIPriorityAndFairness` is absent in
///   kubernetes-1.16.0, Alpha and off in v0.17.0–v0.19.0, Beta and on from v0.20.0 (same file).
/// - APF borrowing (`borrowing: true`): `updateBorrowingLocked` first exists in apiserver v0.26.0
///   (pkg/util/flowcontrol/apf_controller.go); before, no level lends or borrows seats. No gate
///   turns it on, but borrowing in an older release is a what-if the model can answer (what
///   1.26's borrowing would have done to a 1.25 workload), so it is a warning.
enum VersionChecks {
  /// The first minor release with the aggregated discovery endpoint (alpha, off by default).
  static let aggregatedDiscoveryAlpha = 26
  /// The first minor release that serves aggregated discovery by default.
  static let aggregatedDiscoveryOn = 27
  /// The first minor release with APF (alpha, off by default).
  static let priorityAndFairnessAlpha = 17
  /// The first minor release with APF on by default.
  static let priorityAndFairnessOn = 20
  /// The first minor release whose APF levels borrow seats.
  static let borrowingSince = 26

  /// A feature asked for in a release that lacks it.
  static func errors(_ read: SectionsRead<ModelSections>) -> [ScenarioError] {
    findings(read).filter { $0.isError }.map(\.problem)
  }

  /// A feature asked for in a release that has it only behind a gate that is off by default.
  static func warnings(_ read: SectionsRead<ModelSections>) -> [ScenarioError] {
    findings(read).filter { !$0.isError }.map(\.problem)
  }

  static func findings(_ read: SectionsRead<ModelSections>) -> [(isError: Bool, problem: ScenarioError)] {
    guard let version = read.run?.kubernetesVersion else { return [] }
    let minor = version.minor
    var found: [(Bool, ScenarioError)] = []
    func aggregated(_ location: SourceLocation, _ what: String) {
      if minor < aggregatedDiscoveryAlpha {
        found.append((true, location.error(
          expected: "legacy discovery in Kubernetes \(version), which has no aggregated discovery (AggregatedDiscoveryEndpoint "
            + "first in 1.26, alpha; on by default from 1.27)", found: what)))
      } else if minor < aggregatedDiscoveryOn {
        found.append((false, location.error(
          expected: "legacy discovery in Kubernetes \(version) unless its AggregatedDiscoveryEndpoint feature gate (alpha, off "
            + "by default) is on", found: what)))
      }
    }
    for client in read.sections.clients?.entries ?? [] {
      if let mode = client.discoveryMode, mode.value == .aggregated { aggregated(mode.location, "aggregated") }
    }
    if let discovery = read.sections.discovery, discovery.spec.enabled == true, let location = discovery.enabledAt {
      aggregated(location, "true (the aggregated-discovery manager)")
    }
    if let controlPlane = read.sections.controlPlane {
      if let mode = controlPlane.admissionMode, mode.value == "priorityAndFairness" {
        if minor < priorityAndFairnessAlpha {
          found.append((true, mode.location.error(
            expected: "maxInFlight or unlimited admission in Kubernetes \(version), which has no API Priority and Fairness "
              + "(APIPriorityAndFairness first in 1.17, alpha; on by default from 1.20)", found: "priorityAndFairness")))
        } else if minor < priorityAndFairnessOn {
          found.append((false, mode.location.error(
            expected: "maxInFlight admission in Kubernetes \(version) unless its APIPriorityAndFairness feature gate (alpha, "
              + "off by default) is on", found: "priorityAndFairness")))
        }
      }
      if let borrowing = controlPlane.borrowing, borrowing.value, minor < borrowingSince {
        found.append((false, borrowing.location.error(
          expected: "no borrowing in Kubernetes \(version), whose APF priority levels keep their nominal seats (borrowing from "
            + "1.26); simulated as asked, a counterfactual", found: "true")))
      }
    }
    return found
  }
}
