public import SimCore

/// The `Available` condition of an APIService, as the availability controllers write it
/// (research kube-aggregator.md §4.2): a status, the reason of the first failing check, a message,
/// and the simulated instant of the last status flip. The proxy forwards only while the status is
/// `.true` (§2.2).
public struct AvailableCondition: Hashable, Sendable {
  /// `status` of the condition.
  public enum Status: String, Hashable, Sendable {
    case `true` = "True", `false` = "False", unknown = "Unknown"
  }

  /// Why the condition has its status; the raw value is the reason string of the real object
  /// (research §4.2 check table).
  public enum Reason: String, Hashable, Sendable, CaseIterable {
    /// `spec.service == nil`: the local controller sets True.
    case local = "Local"
    /// Every check passed, including the discovery probe: True.
    case passed = "Passed"
    /// The Service is not in the lister: False.
    case serviceNotFound = "ServiceNotFound"
    /// The named port is not in the (ClusterIP) Service: False.
    case servicePortError = "ServicePortError"
    /// No EndpointSlices for the Service: False.
    case endpointsNotFound = "EndpointsNotFound"
    /// No Ready endpoint carrying the port: False.
    case missingEndpoints = "MissingEndpoints"
    /// All 5 parallel discovery probes failed: False.
    case failedDiscoveryCheck = "FailedDiscoveryCheck"
    /// The Service lister failed: Unknown.
    case serviceAccessError = "ServiceAccessError"
    /// The EndpointSlice lister failed: Unknown.
    case endpointsAccessError = "EndpointsAccessError"
  }

  /// True, False or Unknown; only True lets the proxy forward (research §2.2).
  public var status: Status
  /// The first failing check, or `Local`/`Passed` (research §4.2).
  public var reason: Reason
  /// Human-readable detail, e.g. `all checks passed` or the last probe error.
  public var message: String
  /// When `status` last changed; a write that keeps the status keeps this instant (research §4.2).
  public var lastTransitionTime: SimTime

  /// A condition as written at `lastTransitionTime`.
  public init(status: Status, reason: Reason, message: String, lastTransitionTime: SimTime) {
    self.status = status
    self.reason = reason
    self.message = message
    self.lastTransitionTime = lastTransitionTime
  }

  /// The condition the local controller writes: True, `Local`,
  /// `Local APIServices are always available` (kube-aggregator local_available_controller.go).
  public static func local(at now: SimTime) -> AvailableCondition {
    AvailableCondition(status: .true, reason: .local, message: "Local APIServices are always available", lastTransitionTime: now)
  }

  /// The condition after all checks passed: True, `Passed`, `all checks passed` (research §4.2).
  public static func passed(at now: SimTime) -> AvailableCondition {
    AvailableCondition(status: .true, reason: .passed, message: "all checks passed", lastTransitionTime: now)
  }

  /// This condition after a controller sets `status`, `reason` and `message` at `now`:
  /// `lastTransitionTime` moves to `now` only if the status flips (research §4.2).
  public func updated(status: Status, reason: Reason, message: String, at now: SimTime) -> AvailableCondition {
    AvailableCondition(
      status: status, reason: reason, message: message,
      lastTransitionTime: status == self.status ? lastTransitionTime : now)
  }

  /// The same, for a condition that may not exist yet (a new APIService has none): the first
  /// write sets `lastTransitionTime` to `now`.
  public static func updating(_ old: AvailableCondition?, status: Status, reason: Reason, message: String, at now: SimTime) -> AvailableCondition {
    old?.updated(status: status, reason: reason, message: message, at: now)
      ?? AvailableCondition(status: status, reason: reason, message: message, lastTransitionTime: now)
  }
}
