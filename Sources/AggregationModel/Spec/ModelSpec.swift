public import SimCore

/// Everything one simulation run needs, as plain values: what the Scenario layer produces.
///
/// A parameter whose default depends on the Kubernetes version is nil for "the version's
/// default" (declared in `VersionDefaults`) until `resolved()` fills it; the simulation runs the
/// resolved spec, so a spec built in code and one read from a scenario file resolve alike.
public struct ModelSpec: Hashable, Sendable {
  public var version: KubernetesVersion = .latest
  public var duration: SimDuration
  /// Statistics are collected from the end of the warm-up on.
  public var warmup: SimDuration = .zero
  public var controlPlane = ControlPlaneSpec()
  /// The APIServices (built-in local ones need not be listed) and their initial Available condition.
  public var apiServices: [APIServiceSpec]
  public var extensionServers: [ExtensionServerSpec]
  /// Links between the control plane and each extension server's pods, per server name; a
  /// server without one uses `.ideal`. `instance` nil applies to every instance.
  public var backendLinks: [BackendLinkSpec] = []
  public var clients: [ClientSpec]
  /// Width of the buckets of `ReplicationResult.timeSeries` (0 = no time series).
  public var timeBucket = ModelSpec.defaultTimeBucket
  /// Fraction of requests (0…1) recorded in the request trace.
  public var requestTraceSampling = 0.0
  /// The aggregated-discovery manager of each instance.
  public var discoveryManager = DiscoveryManagerSpec()
  /// Faults of any target (pods, links, control-plane instances), besides the shorthands of
  /// `ExtensionServerSpec.faults`/`faultProcesses` and `NetworkLinkSpec.partitions`.
  public var faults: [Fault] = []

  /// The default width of a time-series bucket: 10 s.
  public static let defaultTimeBucket = SimDuration.seconds(10)

  public init(duration: SimDuration, apiServices: [APIServiceSpec], extensionServers: [ExtensionServerSpec],
              clients: [ClientSpec]) {
    self.duration = duration
    self.apiServices = apiServices
    self.extensionServers = extensionServers
    self.clients = clients
  }

  /// This spec with every parameter left to its version's default filled in for `version`:
  /// the admission filter (and APF borrowing and work estimate), the discovery cap, the HTTP/2 health check,
  /// each extension server's HTTP/2 streams per connection, each discovery client's mode (and kubectl's
  /// cache TTL and discovery rate limit), and whether the discovery manager runs (when not given: when
  /// some discovery client uses aggregated discovery).
  /// Values given stay; resolving a resolved spec changes nothing.
  public func resolved() -> ModelSpec {
    var spec = self
    VersionDefaults.discoveryTimeout.fill(&spec.controlPlane.proxy.discoveryCap, in: version)
    VersionDefaults.readIdleTimeout.fill(&spec.controlPlane.proxy.readIdleLimit, in: version)
    VersionDefaults.admission.fill(&spec.controlPlane.admissionPolicy, in: version)
    VersionDefaults.openAPIV3.fill(&spec.controlPlane.openAPIController.v3Policy, in: version)
    if case .priorityAndFairness(var configuration) = spec.controlPlane.admission {
      VersionDefaults.apfBorrowing.fill(&configuration.borrowing, in: version)
      VersionDefaults.apfWorkEstimate.fill(&configuration.estimatedServiceDuration, in: version)
      spec.controlPlane.admission = .priorityAndFairness(configuration)
    }
    for server in spec.extensionServers.indices {
      VersionDefaults.streamsPerConnection.fill(&spec.extensionServers[server].maxStreamsPerConnection, in: version)
    }
    for client in spec.clients.indices {
      spec.clients[client].workload.resolve(in: version)
    }
    if spec.discoveryManager.enabled == nil {
      spec.discoveryManager.enabled = spec.clients.contains { $0.workload.discoveryMode == .aggregated }
    }
    return spec
  }
}

/// An APIService of the scenario with its Available condition at the start of the run.
public struct APIServiceSpec: Hashable, Sendable {
  public var apiService: APIService
  public var initiallyAvailable: Bool

  public init(_ apiService: APIService, initiallyAvailable: Bool = true) {
    self.apiService = apiService
    self.initiallyAvailable = initiallyAvailable
  }
}

/// The link from one control-plane instance (or all) to the pods of one extension server.
public struct BackendLinkSpec: Hashable, Sendable {
  public var server: String
  public var instance: Int?
  public var link: NetworkLinkSpec

  public init(server: String, instance: Int? = nil, link: NetworkLinkSpec) {
    self.server = server
    self.instance = instance
    self.link = link
  }
}
