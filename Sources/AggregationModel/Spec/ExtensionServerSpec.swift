public import SimCore

/// The kinds of request an extension API server serves, each with its own service time.
public enum RequestKind: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// A resource GET (`/apis/<g>/<v>/namespaces/<ns>/<resource>/<name>`).
  case get
  /// A resource LIST.
  case list
  /// A legacy per-group-version discovery request (`/apis/<g>/<v>`), capped at 5 s by the proxy.
  case discovery
  /// The availability controller's probe (also `/apis/<g>/<v>`, as `system:masters`).
  case probe
  /// An OpenAPI spec download (`/openapi/v2`, `/openapi/v3`).
  case openAPI

  public var description: String { ["get", "list", "discovery", "probe", "openapi"][rawValue] }
}

/// Service time of an extension server per request kind: the time a worker is busy with one
/// request, excluding network and queueing.
public struct ServiceTimes: Hashable, Sendable {
  public var get: Distribution
  public var list: Distribution
  public var discovery: Distribution
  public var probe: Distribution
  public var openAPI: Distribution

  public init(get: Distribution, list: Distribution, discovery: Distribution, probe: Distribution, openAPI: Distribution) {
    self.get = get
    self.list = list
    self.discovery = discovery
    self.probe = probe
    self.openAPI = openAPI
  }

  /// Every kind served with the same distribution.
  public static func uniform(_ d: Distribution) -> ServiceTimes {
    ServiceTimes(get: d, list: d, discovery: d, probe: d, openAPI: d)
  }

  public subscript(kind: RequestKind) -> Distribution {
    switch kind {
    case .get: get
    case .list: list
    case .discovery: discovery
    case .probe: probe
    case .openAPI: openAPI
    }
  }
}

/// A fault of an extension server's pods over a window of simulated time.
public struct FaultSpec: Hashable, Sendable {
  /// What goes wrong.
  public enum Kind: Hashable, Sendable {
    /// The process is gone: connections are refused at once (`connect: connection refused`,
    /// one round trip) and requests in progress are lost with their connection.
    case crash
    /// The process accepts connections and requests and never answers (black hole).
    case hang
    /// Service times are multiplied by `factor` (> 0).
    case slowDown(factor: Double)
    /// Connections are refused, but the process and its pending work are unaffected.
    case refuse
    /// The pooled HTTP/2 connections to the pod silently stop delivering frames (packets
    /// dropped on an established connection while new connections would work): requests on them
    /// fail only when the HTTP/2 health check closes the connection (research §2.4, #141318).
    case silentConnectionDrop
  }

  public var kind: Kind
  /// Which pods (replica indices); nil = every pod of the server.
  public var pods: [Int]?
  public var start: SimTime
  /// How long the fault lasts; nil = until the end of the run.
  public var duration: SimDuration?

  public init(kind: Kind, pods: [Int]? = nil, start: SimTime, duration: SimDuration? = nil) {
    self.kind = kind
    self.pods = pods
    self.start = start
    self.duration = duration
  }
}

/// An extension API server behind one or more APIServices: `replicas` identical pods, each
/// serving at most `workers` requests at once; extra requests wait in a FIFO queue of at most
/// `queueLimit` (nil = unbounded), beyond which the pod answers 429 at once. Service time is drawn
/// per request from `serviceTimes` (simulated time).
public struct ExtensionServerSpec: Hashable, Sendable {
  public var name: String
  /// The Service the APIServices point at; an APIService whose `service` equals it is served here.
  public var service: ServiceReference
  public var replicas: Int
  public var workers: Int
  public var queueLimit: Int?
  public var serviceTimes: ServiceTimes
  /// Concurrent HTTP/2 streams the server grants per client connection: 100 for
  /// kube-apiserver-style servers and metrics-server (1.29+), 1000 for `NewRecommendedOptions`
  /// servers (research §1b); nil = the version's default.
  public var maxStreamsPerConnection: Int?
  public var faults: [FaultSpec]

  public init(name: String, service: ServiceReference, replicas: Int = 1, workers: Int = 100, queueLimit: Int? = nil,
              serviceTimes: ServiceTimes, maxStreamsPerConnection: Int? = nil, faults: [FaultSpec] = []) {
    self.name = name
    self.service = service
    self.replicas = replicas
    self.workers = workers
    self.queueLimit = queueLimit
    self.serviceTimes = serviceTimes
    self.maxStreamsPerConnection = maxStreamsPerConnection
    self.faults = faults
  }
}
