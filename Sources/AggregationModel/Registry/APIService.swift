/// Where a remote APIService's extension API server is reached: a Service in the cluster
/// (`spec.service` of an APIService). The aggregator dials `<name>.<namespace>.svc:<port>`
/// over TLS (research kube-aggregator.md §1a, §5).
public struct ServiceReference: Hashable, Sendable {
  /// Namespace of the Service, e.g. `kube-system`.
  public var namespace: String
  /// Name of the Service, e.g. `metrics-server`.
  public var name: String
  /// Service port; 443 when omitted (kube-aggregator `v1/defaults.go`, research §1a); valid 1...65535 (§5).
  public var port: Int

  /// The default of `spec.service.port` (research §1a).
  public static let defaultPort = 443

  /// A reference to Service `namespace/name` on `port` (443 unless given, research §1a).
  public init(namespace: String, name: String, port: Int = ServiceReference.defaultPort) {
    self.namespace = namespace
    self.name = name
    self.port = port
  }
}

/// A registered group-version: one `apiregistration.k8s.io/v1` APIService object. It claims
/// `group/version` for either the local delegate chain (`service == nil`: built-in groups and
/// every CRD group, served in-process with no availability gating) or a remote extension API
/// server behind `service`, proxied by the aggregator (research kube-aggregator.md §2.2, §5).
///
/// Priorities order legacy discovery: higher `groupPriorityMinimum` first (a group's priority is
/// the maximum over its versions), then higher `versionPriority` within the group (§5).
/// The value does not validate itself on construction; call `validate()`.
public struct APIService: Hashable, Sendable {
  /// `metadata.name`; valid only as `<version>.<group>`, which for the core group is `v1.`
  /// (trailing dot, empty group), as in kube-aggregator `validation.go` (research §5).
  public var name: String
  /// `spec.group`; empty for the legacy core group (`/api/v1`).
  public var group: String
  /// `spec.version`, e.g. `v1beta1`.
  public var version: String
  /// `spec.service`; nil for a local APIService (served in-process by kube-apiserver).
  public var service: ServiceReference?
  /// `spec.groupPriorityMinimum`, valid 1...20000; higher sorts the group earlier (research §5).
  public var groupPriorityMinimum: Int
  /// `spec.versionPriority`, valid 1...1000; higher sorts the version earlier in its group (§5).
  public var versionPriority: Int
  /// `spec.insecureSkipTLSVerify`: the backend's serving certificate is not verified (§1a, §5).
  public var insecureSkipTLSVerify: Bool

  /// The range `spec.groupPriorityMinimum` must lie in (research §5).
  public static let groupPriorityRange = 1...20000
  /// The range `spec.versionPriority` must lie in (research §5).
  public static let versionPriorityRange = 1...1000
  /// The range `spec.service.port` must lie in (research §5).
  public static let portRange = 1...65535

  /// An APIService with an explicit `metadata.name` (which `validate()` checks against group and version).
  public init(
    name: String, group: String, version: String, service: ServiceReference? = nil,
    groupPriorityMinimum: Int, versionPriority: Int, insecureSkipTLSVerify: Bool = false
  ) {
    self.name = name
    self.group = group
    self.version = version
    self.service = service
    self.groupPriorityMinimum = groupPriorityMinimum
    self.versionPriority = versionPriority
    self.insecureSkipTLSVerify = insecureSkipTLSVerify
  }

  /// An APIService named as the API requires: `<version>.<group>` (`v1.` for the core group).
  public init(
    group: String, version: String, service: ServiceReference? = nil,
    groupPriorityMinimum: Int, versionPriority: Int, insecureSkipTLSVerify: Bool = false
  ) {
    self.init(
      name: APIService.requiredName(group: group, version: version), group: group, version: version,
      service: service, groupPriorityMinimum: groupPriorityMinimum, versionPriority: versionPriority,
      insecureSkipTLSVerify: insecureSkipTLSVerify)
  }

  /// The only valid `metadata.name` for a group-version: `spec.version + "." + spec.group`.
  public static func requiredName(group: String, version: String) -> String { "\(version).\(group)" }

  /// True when served in-process (`spec.service == nil`): no proxy hop, always Available with
  /// reason `Local` (research §2.2, §4.2).
  public var isLocal: Bool { service == nil }

  /// True for the legacy core group (`v1.`, empty group), whose paths are `/api/v1/…`.
  public var isCore: Bool { group.isEmpty }

  /// `group/version` as written in discovery documents (`v1` for the core group).
  public var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

  /// A CRD group-version as registered by kube-apiserver's crdregistration controller: local,
  /// priorities 1000/100 (research §5).
  public static func crd(group: String, version: String) -> APIService {
    APIService(group: group, version: version, groupPriorityMinimum: 1000, versionPriority: 100)
  }

  /// metrics-server's `v1beta1.metrics.k8s.io`: 100/100, `kube-system/metrics-server:443`,
  /// `insecureSkipTLSVerify: true` (metrics-server `manifests/base/apiservice.yaml`, research §1f).
  public static let metricsServer = APIService(
    group: "metrics.k8s.io", version: "v1beta1",
    service: ServiceReference(namespace: "kube-system", name: "metrics-server", port: 443),
    groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true)
}
