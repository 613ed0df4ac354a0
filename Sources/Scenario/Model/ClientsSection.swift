import SimCore
public import AggregationModel

/// `spec.clients`: who sends requests, to which APIService, how often, with client-go's behaviour.
/// ```yaml
/// clients:
///   - name: hpa                               # required, unique
///     identity: {serviceAccount: kube-system/horizontal-pod-autoscaler}
///     #   or {user: alice, groups: [dev]} or {node: n1}; default {user: <name>}
///     target: {apiService: v1beta1.metrics.k8s.io, kind: get}   # kind: get (default), list or discovery
///     #   discovery = legacy /apis/<group>/<version> of that APIService
///     workload: {poisson: 10/s}               # required, one of the forms of `WorkloadReader`
///     #   {kubectl: {...}}: kubectl invocations (`kubectlWorkload`); the target is their GET's
///     #   {hpa: {...}}: autoscalers; target default {apiService: v1beta1.metrics.k8s.io, kind: list}
///     #   {garbageCollector: {...}}, {namespaceDeletion: {...}}: discovery consumers, no target
///     rateLimit: {qps: 5, burst: 10}          # client-go's token bucket (default 5/10; 20/30, the
///     #   controller manager's, for hpa, garbageCollector and namespaceDeletion); none disables
///     retries: 10                             # 429/5xx with Retry-After (default 10); 0 disables
///     timeout: none                           # client-side timeout, > 0; default none; from when the
///     #   first attempt leaves (after the token bucket), retries included
///     requestTimeout: none                    # the `?timeout=` its requests carry, in (0s, 24h]; default
///     #   none. kube-apiserver's deadline is the smaller of it and controlPlane.requestTimeout
///     #   (from 1.21), APF's queue wait a quarter of that (from 1.29). client-go sends both from
///     #   rest.Config.Timeout; kubectl's --request-timeout sets both. Discovery consumers' discovery
///     #   requests default to client-go's 32 s for both (kubectl; controllers before 1.23)
///     link: {latency: 2ms}                    # default links.clients
///     maxOutstanding: 100000                  # open workloads: requests in progress at most, in
///     #   [1, 1000000]; an arrival beyond is not sent and counts as dropped_offered (k6's maxVUs)
///     connection: perRequest                  # HA: perRequest (default: each request to the next
///     #   instance in turn) or pinned (one HTTP/2 connection, as a client-go process: every request
///     #   to the instance it landed on, `ClientConnection`); kubectl only perRequest: each
///     #   invocation connects anew
/// ```
public struct ClientsSection: ScenarioSection, Hashable {
  public static let key = "clients"

  public struct Entry: Hashable, Sendable {
    /// The client; `link` is `ClientSpec`'s default unless `link:` was given (see `hasOwnLink`).
    public var spec: ClientSpec
    public var name: Located<String>
    /// The target APIService (nil for a discovery consumer, which has no target).
    public var apiService: Located<String>?
    /// Whether the client has its own `link:` (else it gets `links.clients`).
    public var hasOwnLink: Bool
    /// The discovery mode of a discovery client, where it was written (nil: the version's).
    public var discoveryMode: Located<KubectlSpec.DiscoveryMode>? = nil
  }

  public var entries: [Entry]

  public init?(reading node: NodeReader) {
    guard let entries = node.array(Self.entry) else { return nil }
    self.entries = entries
  }

  /// The clients, each without its own `link:` given `defaultLink` (`links.clients`; nil keeps
  /// `ClientSpec`'s default link).
  public func specs(defaultLink: NetworkLinkSpec?) -> [ClientSpec] {
    entries.map { entry in
      var spec = entry.spec
      if !entry.hasOwnLink, let defaultLink { spec.link = defaultLink }
      return spec
    }
  }

  static func entry(_ node: NodeReader) -> Entry? {
    guard let m = node.mapping(ScenarioSchema.client) else { return nil }
    let name = m.required("name")?.located { $0.name() }
    let workloadNode = m.required("workload")
    let workload = workloadNode?.workload()
    let role = workloadNode.flatMap(Self.role)
    let identity = m.optionalValue("identity") { $0.identity() }
    let target = Self.target(m, role: role, at: workloadNode)
    let defaultLimit = role?.rateLimit ?? .clientGo
    let rateLimit = m.read("rateLimit", default: defaultLimit) { $0.noneOr(Self.rateLimit) }
    let retries = m.read("retries", default: RetryPolicy.clientGo.maxRetries) { $0.integer(in: 0...1000) }
    let timeout = m.read("timeout", default: nil) { $0.noneOr { $0.positiveDuration() } }
    let requestTimeout = m.read("requestTimeout", default: nil) { $0.noneOr(Self.timeoutParameter) }
    let link = m.optionalValue("link") { $0.networkLink() }
    let maxOutstanding = m.read("maxOutstanding", default: ClientSpec.defaultMaxOutstanding) { n -> Int? in
      guard case .open = workload else {
        n.report(expected: "no maxOutstanding: it bounds an open workload (poisson, constant, bursts, timeVarying, trace or hpa)")
        return nil
      }
      return n.integer(in: 1...1_000_000)
    }
    let connection = m.read("connection", default: ClientSpec.defaultConnection) { n -> ClientConnection? in
      guard let connection = n.oneOf(ClientConnection.self) else { return nil }
      if case .kubectl = workload, connection == .pinned {
        n.report(expected: "perRequest for kubectl: each invocation opens a connection of its own")
        return nil
      }
      return connection
    }
    guard let name, let identity, let target, let workload, let rateLimit, let retries, let timeout, let requestTimeout, let link,
          let maxOutstanding, let connection else { return nil }
    var spec = ClientSpec(name: name.value, identity: identity ?? role?.identity ?? .user(name.value), target: target.0,
                          workload: workload, rateLimit: rateLimit, retry: RetryPolicy(maxRetries: retries), timeout: timeout,
                          requestTimeout: requestTimeout)
    if let link { spec.link = link }
    spec.maxOutstanding = maxOutstanding
    spec.connection = connection
    var entry = Entry(spec: spec, name: name, apiService: target.1, hasOwnLink: link != nil)
    if let mode = spec.workload.discoveryMode, let node = workloadNode.flatMap(Self.discoveryNode) {
      entry.discoveryMode = Located(mode, at: node.location)
    }
    return entry
  }

  /// The `discovery:` of a kubectl, garbage-collector or namespace-deletion workload, if written.
  static func discoveryNode(_ workload: NodeReader) -> NodeReader? {
    ["kubectl", "garbageCollector", "namespaceDeletion"].lazy.compactMap { workload.child($0)?.child("discovery") }.first
  }

  /// The kube-controller-manager controllers a workload stands for: their default identity
  /// (`--use-service-account-credentials`), the controller manager's rate limit, and whether
  /// they have a target.
  enum ControllerRole: Equatable {
    case hpa, garbageCollector, namespaceController

    var identity: RequestSubject {
      switch self {
      case .hpa: .serviceAccount(namespace: "kube-system", name: "horizontal-pod-autoscaler")
      case .garbageCollector: .serviceAccount(namespace: "kube-system", name: "generic-garbage-collector")
      case .namespaceController: .serviceAccount(namespace: "kube-system", name: "namespace-controller")
      }
    }

    /// The token bucket of its requests: the controller manager's 20/30, but 20/200 for the
    /// garbage collector's discovery client (`RateLimitSpec.controllerManagerDiscovery`).
    var rateLimit: RateLimitSpec {
      switch self {
      case .hpa, .namespaceController: .controllerManager
      case .garbageCollector: .controllerManagerDiscovery
      }
    }
  }

  static func role(_ workload: NodeReader) -> ControllerRole? {
    if workload.hasKey("hpa") { return .hpa }
    if workload.hasKey("garbageCollector") { return .garbageCollector }
    if workload.hasKey("namespaceDeletion") { return .namespaceController }
    return nil
  }

  /// The client's target: required for ordinary clients and kubectl; the metrics API's pod LIST
  /// by default for `hpa`; none for the discovery consumers (which refuse one).
  static func target(_ m: MappingReader, role: ControllerRole?, at workload: NodeReader?) -> (ClientTarget, Located<String>?)? {
    switch role {
    case .garbageCollector, .namespaceController:
      if m.contains("target") {
        m.reportKey("target", expected: "no target: a garbage collector or namespace controller sends only discovery requests",
                    found: "\"target\"")
        return nil
      }
      return (.none, nil)
    case .hpa where !m.contains("target"):
      let name = "v1beta1.metrics.k8s.io"
      return (.resource(apiService: name, kind: .list), workload.map { Located(name, at: $0.location) })
    default:
      return m.required("target").flatMap(Self.target).map { ($0.0, $0.1) }
    }
  }

  static func target(_ node: NodeReader) -> (ClientTarget, Located<String>)? {
    guard let m = node.mapping(ScenarioSchema.target) else { return nil }
    let apiService = m.required("apiService")?.located { $0.name() }
    let kind = m.read("kind", default: "get") { $0.oneOf(["get", "list", "discovery"]) }
    guard let apiService, let kind else { return nil }
    switch kind {
    case "discovery": return (.groupVersionDiscovery(apiService: apiService.value), apiService)
    case "list": return (.resource(apiService: apiService.value, kind: .list), apiService)
    default: return (.resource(apiService: apiService.value, kind: .get), apiService)
    }
  }

  /// The longest `?timeout=` accepted: kube-apiserver caps a request's deadline at its
  /// `--request-timeout` (60 s by default) anyway, so a day is more than any cluster honours.
  static let maximumTimeoutParameter = SimDuration.hours(24)

  /// A `?timeout=` in (0s, 24h]: the server parses any positive Go duration
  /// (`request_deadline.go` `parseTimeout`) and uses it when below its `--request-timeout`.
  static func timeoutParameter(_ node: NodeReader) -> SimDuration? {
    guard let value = node.positiveDuration() else { return nil }
    guard value <= maximumTimeoutParameter else { node.report(expected: "a duration in (0s, 24h]"); return nil }
    return value
  }

  /// `{qps, burst}`; a key left out takes client-go's (`RateLimitSpec.clientGo`). `qps` (a
  /// number per second, or a rate such as `3/min`) lies in [0.001, 1000000]: below one token
  /// every 1000 s no real client is limited (client-go's defaults are 5 and 50), and the bucket's
  /// arithmetic in nanoseconds stays exact; `burst` in [1, 1000000].
  static func rateLimit(_ node: NodeReader) -> RateLimitSpec? {
    guard let m = node.mapping(ScenarioSchema.rateLimit) else { return nil }
    let defaults = RateLimitSpec.clientGo
    let qps = m.read("qps", default: defaults.qps) { n -> Rate? in
      let bounds = minimumQPS...NodeReader.maximumRate
      if case .string = n.scalarKind {
        guard let rate = n.rate() else { return nil }
        guard bounds.contains(rate.perSecond) else { n.report(expected: "a rate of at least 0.001/s"); return nil }
        return rate
      }
      return n.number(in: bounds).map(Rate.perSecond)
    }
    let burst = m.read("burst", default: defaults.burst) { $0.integer(in: 1...1_000_000) }
    guard let qps, let burst else { return nil }
    return RateLimitSpec(qps: qps, burst: burst)
  }

  /// The smallest token-bucket rate a scenario may give, per second.
  static let minimumQPS = 0.001
}

extension NodeReader {
  /// `{serviceAccount: <namespace>/<name>}`, `{user: <name>, groups: [...]}` or `{node: <name>}`.
  func identity() -> RequestSubject? {
    guard let m = mapping(ScenarioSchema.identity),
          let kind = m.exactlyOne(of: ScenarioSchema.identity.exactlyOne, what: "an identity"),
          let value = m.optional(kind) else { return nil }
    if kind != "user", m.contains("groups") {
      m.reportKey("groups", expected: "groups only with user", found: "\"groups\"")
      return nil
    }
    switch kind {
    case "serviceAccount":
      guard let text = value.string() else { return nil }
      let parts = text.split(separator: "/", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
        value.report(expected: "<namespace>/<name>, e.g. kube-system/horizontal-pod-autoscaler")
        return nil
      }
      return .serviceAccount(namespace: String(parts[0]), name: String(parts[1]))
    case "node":
      return value.name().map { .node($0) }
    default:
      let user = value.name()
      let groups = m.read("groups", default: []) { $0.array { $0.name() } }
      guard let user, let groups else { return nil }
      return .user(user, groups: groups)
    }
  }
}
