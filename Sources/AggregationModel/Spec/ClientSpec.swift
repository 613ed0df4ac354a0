public import SimCore

/// What a client's requests ask for.
public enum ClientTarget: Hashable, Sendable {
  /// A resource request (GET or LIST) under the APIService with this name, e.g.
  /// `v1beta1.metrics.k8s.io`: proxied when the APIService has a service, local otherwise.
  case resource(apiService: String, kind: RequestKind)
  /// A legacy discovery request `/apis/<group>/<version>` of that APIService (5 s cap when proxied).
  case groupVersionDiscovery(apiService: String)
  /// Nothing of its own: a discovery consumer (garbage collector, namespace controller) whose
  /// only requests are its discoveries.
  case none
}

/// When an open workload's requests arrive (simulated time).
public enum ArrivalProcess: Hashable, Sendable {
  /// Poisson arrivals at a constant rate.
  case poisson(Rate)
  /// Evenly spaced arrivals.
  case constant(Rate)
  /// `size` requests at once, every `period`, the first at `period`.
  case bursts(size: Int, period: SimDuration)
  /// Poisson arrivals whose rate changes at the given instants (piecewise constant; the first
  /// segment should start at zero; a rate of 0 pauses arrivals).
  case timeVarying([RateSegment])
  /// A recorded trace: one request at each instant (sorted).
  case trace([SimTime])
}

/// One piece of a time-varying arrival rate: `rate` from `start` until the next segment.
public struct RateSegment: Hashable, Sendable {
  public var start: SimTime
  /// Requests per second; zero pauses arrivals.
  public var perSecond: Double

  public init(start: SimTime, perSecond: Double) {
    self.start = start
    self.perSecond = perSecond
  }
}

/// How a client generates load.
public enum Workload: Hashable, Sendable {
  /// Requests arrive by themselves, whatever happens to earlier ones.
  case open(ArrivalProcess)
  /// `users` concurrent loops (controllers): send, wait for the answer, think, send again.
  case closed(users: Int, thinkTime: Distribution)
  /// kubectl invocations: discovery (unless cached), then optionally a GET of the target.
  case kubectl(KubectlSpec)
  /// The garbage collector's discovery every 30 s (partial discovery tolerated).
  case garbageCollector(GarbageCollectorSpec)
  /// Namespaces deleted by the namespace controller, which needs complete discovery.
  case namespaceDeletion(NamespaceDeletionSpec)

  /// Who runs discoveries with this workload (the scope kind of its discovery rows); nil for
  /// open and closed workloads.
  public var discoveryConsumer: DiscoveryConsumer? {
    switch self {
    case .kubectl: .kubectl
    case .garbageCollector: .garbageCollector
    case .namespaceDeletion: .namespaceController
    case .open, .closed: nil
    }
  }

  /// The discovery mode of a discovery consumer; nil for open and closed workloads, and for a
  /// consumer that leaves it to the version until `ModelSpec.resolved()`.
  public var discoveryMode: KubectlSpec.DiscoveryMode? {
    switch self {
    case .kubectl(let kubectl): kubectl.discovery
    case .garbageCollector(let collector): collector.discovery
    case .namespaceDeletion(let namespaces): namespaces.discovery
    case .open, .closed: nil
    }
  }

  /// Fills the version defaults of a discovery consumer (`VersionDefaults`): its discovery
  /// mode, and kubectl's cache TTL and discovery rate limit. Given values stay.
  mutating func resolve(in version: KubernetesVersion) {
    switch self {
    case .kubectl(var kubectl):
      VersionDefaults.discoveryMode.fill(&kubectl.discovery, in: version)
      VersionDefaults.kubectlCacheTTL.fill(&kubectl.cacheTTL, in: version)
      VersionDefaults.kubectlDiscoveryRateLimit.fill(&kubectl.discoveryRateLimit, in: version)
      self = .kubectl(kubectl)
    case .garbageCollector(var collector):
      VersionDefaults.discoveryMode.fill(&collector.discovery, in: version)
      self = .garbageCollector(collector)
    case .namespaceDeletion(var namespaces):
      VersionDefaults.discoveryMode.fill(&namespaces.discovery, in: version)
      self = .namespaceDeletion(namespaces)
    case .open, .closed:
      break
    }
  }

  /// The arrival process of an open workload, of kubectl invocations or of namespace deletions;
  /// nil for a closed loop and the garbage collector (which schedule themselves).
  public var arrivals: ArrivalProcess? {
    switch self {
    case .open(let process): process
    case .kubectl(let kubectl): kubectl.invocations
    case .namespaceDeletion(let namespaces): namespaces.deletions
    case .closed, .garbageCollector: nil
    }
  }
}

/// A client of the API: its identity, what it asks for, how often, and client-go's behaviour
/// (token bucket, retries on 429/5xx with Retry-After, client timeout).
public struct ClientSpec: Hashable, Sendable {
  public var name: String
  /// Who the client is, as authentication and APF classification see it.
  public var identity: RequestSubject
  public var target: ClientTarget
  public var workload: Workload
  /// client-go's token bucket (QPS, burst); nil = not rate limited (default `.clientGo`, 5/10).
  public var rateLimit: RateLimitSpec?
  public var retry: RetryPolicy
  /// The client gives up after this long, counted from when the request's first attempt leaves
  /// (after the token bucket; retries included); nil = never. client-go's `rest.Config.Timeout`.
  public var timeout: SimDuration?
  /// The `?timeout=` parameter its requests carry (nil = none): kube-apiserver's deadline for
  /// them is the smaller of it and `controlPlane.requestTimeout` (from 1.21), and APF's queue-wait
  /// limit a quarter of that (from 1.29). A client-go client with `rest.Config.Timeout` sends both
  /// (`timeout` and `requestTimeout` equal); a scenario may set either alone.
  public var requestTimeout: SimDuration?
  /// The link from this client to the control plane.
  public var link: NetworkLinkSpec
  /// An open workload's most requests in progress at once: an arrival beyond it is not sent
  /// and counts as `dropped_offered`. Whatever generates open load has finite workers or
  /// connections (k6's constant-arrival-rate `maxVUs`, whose excess arrivals it counts as
  /// `dropped_iterations`; client-go instead blocks its caller, a closed loop), so an overloaded
  /// run holds at most this many waiting requests per client, not an ever-growing backlog.
  public var maxOutstanding: Int = ClientSpec.defaultMaxOutstanding
  /// How its requests reach the kube-apiserver instances behind the load balancer.
  public var connection: ClientConnection = ClientSpec.defaultConnection

  /// `maxOutstanding`'s default: 100,000 requests per client (a few tens of MB of state);
  /// far above any open workload that the aggregation layer can serve (10⁴/s for 10 s).
  public static let defaultMaxOutstanding = 100_000
  /// `connection`'s default: per request, as aggsim spread requests before the choice existed
  /// (every scenario's figures stay comparable; a controller is better modelled `.pinned`).
  public static let defaultConnection = ClientConnection.perRequest

  public init(name: String, identity: RequestSubject, target: ClientTarget, workload: Workload,
              rateLimit: RateLimitSpec? = .clientGo, retry: RetryPolicy = .clientGo,
              timeout: SimDuration? = nil, requestTimeout: SimDuration? = nil, link: NetworkLinkSpec = .ideal) {
    self.name = name
    self.identity = identity
    self.target = target
    self.workload = workload
    self.rateLimit = rateLimit
    self.retry = retry
    self.timeout = timeout
    self.requestTimeout = requestTimeout
    self.link = link
  }
}

/// How a client's requests are spread over the kube-apiserver instances (HA) by the load
/// balancer in front of them. With one instance both are the same.
public enum ClientConnection: String, CaseIterable, Hashable, Sendable {
  /// Each request goes to the next instance that takes traffic (round robin): many callers with
  /// connections of their own, or a load balancer that balances requests (an L7 proxy).
  case perRequest
  /// One connection, as a client-go process holds: its requests are multiplexed over one HTTP/2
  /// connection, which the load balancer placed on one instance, so they all go there
  /// (kubernetes/kubernetes#48610). The load balancer places it on a random instance that takes
  /// traffic at the client's first request; when that instance stops taking traffic (down, or
  /// its `/readyz` failing) the client connects again, to a random one, and stays there when the
  /// first comes back (kube-apiserver's `--goaway-chance`, default 0, would move it:
  /// kubernetes/kubernetes#88567). A partitioned instance still takes traffic: the client stays.
  case pinned
}

/// client-go's flowcontrol token bucket parameters.
public struct RateLimitSpec: Hashable, Sendable {
  public var qps: Rate
  public var burst: Int

  public init(qps: Rate, burst: Int) {
    self.qps = qps
    self.burst = burst
  }

  /// client-go's default bucket (`rest.Config` QPS 5, burst 10; research §1e).
  public static let clientGo = RateLimitSpec(qps: .perSecond(5), burst: 10)
}
