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

/// Size in bytes of a successful response body per request kind; with a link's
/// `bandwidthBytesPerSecond` it adds `size / bandwidth` to the response leg from the pod.
///
/// The defaults (get 2 KiB, list 64 KiB, discovery 8 KiB, probe 1 KiB, OpenAPI 1 MiB) are
/// illustrative figures for a metrics-server-like API, not constants from the research.
public struct ResponseSizes: Hashable, Sendable {
  public var get = 2 * 1_024
  public var list = 64 * 1_024
  public var discovery = 8 * 1_024
  public var probe = 1_024
  public var openAPI = 1_024 * 1_024

  public init() {}

  public subscript(kind: RequestKind) -> Int {
    get {
      switch kind {
      case .get: self.get
      case .list: list
      case .discovery: discovery
      case .probe: probe
      case .openAPI: openAPI
      }
    }
    set {
      switch kind {
      case .get: self.get = newValue
      case .list: list = newValue
      case .discovery: discovery = newValue
      case .probe: probe = newValue
      case .openAPI: openAPI = newValue
      }
    }
  }
}

/// Delegated authorization of an extension server built on k8s.io/apiserver (research §1b,
/// §2.4): a proxied user request whose (user, verb, resource) the pod has not authorized within
/// the cache TTL makes the pod send a SubjectAccessReview back into kube-apiserver, admitted by
/// APF under the server's own identity (kubernetes/kubernetes#109106: the priority inversion).
///
/// Simplifications: the cache is per pod and keyed by client (a client sends one kind of
/// request); every review allows (so the deny TTL only documents the default); the review skips
/// the control plane's filter overhead and takes one seat.
public struct DelegatedAuthorizationSpec: Hashable, Sendable {
  /// The identity the server's SubjectAccessReviews carry, e.g. its service account
  /// (`system:serviceaccount:kube-system:metrics-server` → workload-high; others → workload-low).
  public var identity: RequestSubject
  /// How long an allowed decision is cached: 10 s (`--authorization-webhook-cache-authorized-ttl`, research §1b).
  public var allowCacheTTL: SimDuration = .seconds(10)
  /// How long a denied decision is cached: 10 s (`--authorization-webhook-cache-unauthorized-ttl`, research §1b).
  public var denyCacheTTL: SimDuration = .seconds(10)
  /// The SubjectAccessReview client's timeout: 10 s (research §1b).
  public var clientTimeout: SimDuration = .seconds(10)
  /// The control plane's time to evaluate one review once admitted (default 1 ms).
  public var handlingTime: Distribution = .constant(.milliseconds(1))

  public init(identity: RequestSubject) {
    self.identity = identity
  }

  /// Reviews sent as the service account `name` in `namespace`.
  public static func serviceAccount(namespace: String, name: String) -> Self {
    Self(identity: .serviceAccount(namespace: namespace, name: name))
  }
}

/// A fault that strikes each chosen pod again and again: up for a `timeBetweenFailures` variate,
/// down (the fault in force) for a `timeToRepair` variate, and so on (an alternating renewal
/// process, so the long-run fraction of time down is MTTR / (MTBF + MTTR)). Each pod draws from
/// its own stream `server/<name>/faults/<pod>`.
public struct FaultProcessSpec: Hashable, Sendable {
  public var kind: FaultSpec.Kind
  public var timeBetweenFailures: Distribution
  public var timeToRepair: Distribution
  /// Which pods (replica indices); nil = every pod, each failing on its own.
  public var pods: [Int]?

  public init(kind: FaultSpec.Kind, timeBetweenFailures: Distribution, timeToRepair: Distribution, pods: [Int]? = nil) {
    self.kind = kind
    self.timeBetweenFailures = timeBetweenFailures
    self.timeToRepair = timeToRepair
    self.pods = pods
  }
}

/// A fault of an extension server's pods over a window of simulated time.
public struct FaultSpec: Hashable, Sendable {
  /// What goes wrong.
  public enum Kind: Hashable, Sendable, CustomStringConvertible {
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

    public var description: String {
      switch self {
      case .crash: "crash"
      case .hang: "hang"
      case .slowDown(let factor): "slow_down x\(factor)"
      case .refuse: "refuse"
      case .silentConnectionDrop: "silent_connection_drop"
      }
    }
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

/// How an extension server answers the aggregated-discovery `GET /apis` of the control plane's
/// discovery manager (research kube-aggregator.md §3.2, §9 item 5). Only that request depends on
/// it: the legacy `GET /apis/<group>/<version>` (clients, probes, the manager's legacy fallback)
/// is answered 200 whatever the case.
///
/// What each answer makes of the group-version (`wideLegacyDiscoveryFallback` in
/// `VersionBehaviour`): `served` → Current in every version; `notAcceptable` → legacy fallback in
/// every version; `notFound` and `ignoresAccept` → legacy fallback from 1.29, and before that
/// `notFound` is Stale at every refresh (kubernetes/kubernetes#119662) and `ignoresAccept` is
/// published Current but with no resources (inferred, see `wideLegacyDiscoveryFallback`).
public enum AggregatedDiscoverySupport: String, CaseIterable, Hashable, Sendable {
  /// 200 with the aggregated content type (`application/json;g=apidiscovery.k8s.io;v=v2…;as=
  /// APIGroupDiscoveryList`): servers built on k8s.io/apiserver that serve aggregated discovery.
  case served
  /// 404: a plain mux that serves only `/apis/<group>/<version>`, such as the Agones allocation
  /// API (agones `pkg/util/apiserver/apiserver.go`; kube-apiserver logged `404 404 page not
  /// found`, googleforgames/agones#3172).
  case notFound
  /// 406 Not Acceptable: content negotiation that does not know the aggregated type (a server
  /// built on an older k8s.io/apiserver).
  case notAcceptable
  /// 200 with a plain `APIGroupList` (JSON): a server that ignores the Accept header.
  case ignoresAccept
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
  /// servers (research §1b); nil = the version's default, `VersionDefaults.streamsPerConnection`.
  public var maxStreamsPerConnection: Int?
  public var faults: [FaultSpec]
  /// Random faults (MTBF/MTTR), each pod on its own.
  public var faultProcesses: [FaultProcessSpec] = []
  /// Response body sizes per request kind (illustrative defaults).
  public var responseBytes = ResponseSizes()
  /// SubjectAccessReview callbacks into the control plane; nil = none (the server authorizes
  /// locally, or the traffic is `system:masters`).
  public var authorization: DelegatedAuthorizationSpec?
  /// The server's own admission, applied per pod when a request arrives (before its workers):
  /// servers built on k8s.io/apiserver with a kubeconfig run their own APF, so user traffic is
  /// admitted twice (research §6, kubernetes/kubernetes#97957); nil = none. Each pod has its
  /// own seats; the pod's queue wait follows from a 60 s deadline (the control plane's
  /// `requestTimeout`), and the seat is released when the pod answers or the stream is reset.
  public var ownAdmission: AdmissionSpec?
  /// The kubelet's readiness probe of each pod; nil = none (the default): only a crash takes a
  /// pod out of the ready endpoints, 1 s after it, and a hung, refusing or slow pod stays Ready.
  public var readinessProbe: ReadinessProbeSpec?
  /// How the server answers the discovery manager's aggregated-discovery `GET /apis`.
  public var aggregatedDiscovery = AggregatedDiscoverySupport.served

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
