import SimCore
public import AggregationModel

/// `spec.controlPlane`: the kube-apiserver instances that run the aggregator. Every key is
/// optional; the defaults are Kubernetes' (research kube-aggregator.md §1):
/// ```yaml
/// controlPlane:
///   instances: 1                 # >= 1: HA instances behind one load balancer
///   requestTimeout: 60s          # > 0: --request-timeout, 504 after it
///   filterOverhead: 0s           # distribution: authn/audit/authz before admission
///   localHandlerTime: 1ms        # distribution: in-process handler of a local group
///   admission:                   # exactly one of (default: the version's, APF from 1.20, maxInFlight before):
///     priorityAndFairness:       # the Kubernetes priority levels and flow schemas
///       serverConcurrencyLimit: 600     # >= 1 seats (--max-requests-inflight + --max-mutating-requests-inflight)
///       borrowing: true          # levels lend and borrow seats every 10 s; default the version's (from 1.26)
///       levels:                  # optional overrides of default levels, by name
///         - {name: global-default, shares: 20, lendablePercent: 50, queues: 128, handSize: 6, queueLengthLimit: 50}
///         - name: workload-low   # background: seats the cluster's other traffic holds at the level
///           background: 40       #   (at every instance): in use, and seat demand for borrowing;
///         - name: workload-high  #   integer seats in [0, 10000], or steps from a start time:
///           background: [{start: 0s, seats: 20}, {start: 5m, seats: 300}]   # starts >= 0s, increasing
///     # maxInFlight: {readOnly: 400, mutating: 200}
///     # unlimited: {}
///   proxy:
///     routing: clusterIP         # or endpoints (--enable-aggregator-routing)
///     discoveryTimeout: 5s       # or none; default the version's (5s from 1.16, none before)
///     dialTimeout: 30s
///     tlsHandshakeTimeout: 10s
///     readIdleTimeout: 30s       # or none; HTTP/2 health check: PING after this long without a frame
///                                # (default the version's: 30s from 1.20, 1.19.5, 1.18.18; none before)
///     pingTimeout: 15s           # close the connection if the PING is not answered
///     atStreamCap: openConnection   # or queue
///   availabilityController:      # each instance's remote availability controller (research §4)
///     enabled: true              # false: every Available condition stays as apiServices set it
///     resync: 30s                # > 0: every APIService re-checked this often
///     firstResync: 12s           # >= 0, < resync; default: a random phase per instance
///     workers: 5                 # >= 1 checks at once per instance
///     probes: 5                  # >= 1 parallel discovery probes; one success = Available
///     probeTimeout: 5s           # > 0
///     backoff: {base: 5ms, max: 30s}   # requeue after a failed check: base x 2^n, capped at max
///     propagationDelay: 0s       # distribution: status write -> watch -> each instance's informer
///     registrationTime: 1ms      # distribution: the 1-worker registration queue, per APIService
///     registrationResync: 5m     # >= 1ms: every APIService re-enters the registration queue this often
///   openAPIController:           # each instance's OpenAPI v2/v3 aggregation (research §4.3, §8)
///     enabled: true              # false: no background downloads
///     v3: true                   # also the v3 controller; default the version's (from 1.24)
///     interval: 1m               # > 0: after a successful download; failures back off interval x 2^n …
///     backoffMax: 1h             # … capped at backoffMax
///     timeout: 60s               # > 0: a download's deadline
///     firstDownload: 1s          # >= 0: after the start
///     registrationDownloads: true   # the registration worker downloads v2 after each status change
///   loadBalancer:                # health checks of the instances' load balancer; default none: it
///     interval: 2s               #   follows /readyz at once. [100ms, 5m] (HAProxy's inter)
///     unhealthyThreshold: 3      # 1..10 failed checks in a row take an instance out (fall)
///     healthyThreshold: 2        # 1..10 passed checks in a row put it back (rise)
///     redispatch: false          # true: a refused request is sent once more to another instance
///     path: readyz               # or healthz: passes through a graceful shutdown's delay
/// ```
public struct ControlPlaneSection: ScenarioSection, Hashable {
  public static let key = "controlPlane"
  /// The control plane with the file's values; `proxy.discoveryCap` is nil unless
  /// `proxy.discoveryTimeout` was written (the version's default, filled by `ModelSpec.resolved()`).
  public var spec: ControlPlaneSpec
  /// The admission mode written (`priorityAndFairness`, `maxInFlight`, `unlimited`) and where, if written.
  public var admissionMode: Located<String>?
  /// `priorityAndFairness.borrowing` where it was written, if it was.
  public var borrowing: Located<Bool>?

  public init?(reading node: NodeReader) {
    guard let m = node.mapping(ScenarioSchema.controlPlane) else { return nil }
    var spec = ControlPlaneSpec()
    let instances = m.read("instances", default: spec.instances) { $0.integer(in: 1...64) }
    let timeout = m.read("requestTimeout", default: spec.requestTimeout) { $0.positiveDuration() }
    let overhead = m.read("filterOverhead", default: spec.filterOverhead) { $0.distribution() }
    let handler = m.read("localHandlerTime", default: spec.localHandlerTime) { $0.distribution() }
    let admission = m.read("admission", default: spec.admissionPolicy) { n -> AdmissionSpec?? in Self.admission(n).map { .some($0) } }
    let proxy = m.read("proxy", default: spec.proxy, Self.proxy)
    let availability = m.read("availabilityController", default: spec.availabilityController, Self.availabilityController)
    let openAPI = m.read("openAPIController", default: spec.openAPIController, Self.openAPIController)
    let balancer = m.read("loadBalancer", default: spec.loadBalancer) { $0.noneOr(Self.loadBalancer) }
    guard let instances, let timeout, let overhead, let handler, let admission, let proxy, let availability, let openAPI, let balancer
    else { return nil }
    spec.loadBalancer = balancer
    spec.availabilityController = availability
    spec.openAPIController = openAPI
    spec.instances = instances
    spec.requestTimeout = timeout
    spec.filterOverhead = overhead
    spec.localHandlerTime = handler
    spec.admissionPolicy = admission
    spec.proxy = proxy
    self.spec = spec
    if let admissionNode = m.optional("admission"), let key = ScenarioSchema.admission.exactlyOne.first(where: admissionNode.hasKey) {
      admissionMode = Located(key, at: admissionNode.location)
      if let node = admissionNode.child("priorityAndFairness")?.child("borrowing"), case .bool(let value) = node.scalarKind {
        borrowing = Located(value, at: node.location)
      }
    }
  }

  static func admission(_ node: NodeReader) -> AdmissionSpec? {
    let kinds = ScenarioSchema.admission.exactlyOne
    guard let m = node.mapping(ScenarioSchema.admission),
          let kind = m.exactlyOne(of: kinds, what: "an admission mode"), let body = m.optional(kind) else { return nil }
    switch kind {
    case "unlimited":
      guard body.isNull || body.mapping(ScenarioSchema.unlimited) != nil else { return nil }
      return .unlimited
    case "maxInFlight":
      guard let b = body.mapping(ScenarioSchema.maxInFlight) else { return nil }
      let readOnly = b.read("readOnly", default: AdmissionSpec.defaultReadOnlyInFlight) { $0.integer(in: 1...Int(Int32.max)) }
      let mutating = b.read("mutating", default: AdmissionSpec.defaultMutatingInFlight) { $0.integer(in: 1...Int(Int32.max)) }
      guard let readOnly, let mutating else { return nil }
      return .maxInFlight(readOnly: readOnly, mutating: mutating)
    default:
      return priorityAndFairness(body).map(AdmissionSpec.priorityAndFairness)
    }
  }

  static func priorityAndFairness(_ node: NodeReader) -> PriorityAndFairness.Configuration? {
    var configuration = PriorityAndFairness.Configuration.kubernetesDefaults
    if node.isNull { return configuration }
    guard let m = node.mapping(ScenarioSchema.priorityAndFairness) else { return nil }
    let limit = m.read("serverConcurrencyLimit", default: configuration.serverConcurrencyLimit) {
      $0.integer(in: 1...Int(Int32.max))
    }
    let borrowing = m.read("borrowing", default: configuration.borrowing) { $0.bool().map(Optional.some) }
    var levels = configuration.priorityLevels
    let names = levels.map(\.name)
    var ok = true
    var seen: [String: SourceLocation] = [:]
    var elements: [NodeReader] = []
    if let levelsNode = m.optional("levels") {
      if let list = levelsNode.sequence() { elements = list } else { ok = false }
    }
    for element in elements {
      guard let l = element.mapping(ScenarioSchema.priorityLevel),
            let nameNode = l.required("name"), let name = nameNode.string() else { ok = false; continue }
      guard let index = names.firstIndex(of: name) else {
        let hint = KeySuggestion.suggest(name, among: names).map { " (did you mean \"\($0)\"?)" } ?? ""
        nameNode.report(expected: "the name of a default priority level\(hint)")
        ok = false
        continue
      }
      if let earlier = seen[name] {
        nameNode.report(expected: "a priority level not overridden before (it is at \(earlier))")
        ok = false
        continue
      }
      seen[name] = nameNode.location
      if !readLevel(l, into: &levels[index]) { ok = false }
    }
    guard ok, let limit, let borrowing else { return nil }
    configuration.serverConcurrencyLimit = limit
    configuration.borrowing = borrowing
    configuration.priorityLevels = levels
    return configuration
  }

  /// Applies the keys given in `l` to `level`; false after reporting a problem.
  static func readLevel(_ l: MappingReader, into level: inout PriorityLevelConfiguration) -> Bool {
    let shares = l.read("shares", default: level.shares) { $0.integer(in: 0...10_000) }
    let lendable = l.read("lendablePercent", default: level.lendablePercent) { $0.integer(in: 0...100) }
    if level.isExempt, l.contains("background") {
      l.reportKey("background", expected: "no background for the exempt level, which has no limit", found: FoundText.quoted("background"))
      return false
    }
    guard let background = l.read("background", default: level.background, Self.background) else { return false }
    level.background = background
    guard case .queuing(let q, let h, let limit) = level.limited, !level.isExempt else {
      for key in ["queues", "handSize", "queueLengthLimit"] where l.contains(key) {
        l.reportKey(key, expected: "no queuing parameter for priority level \(level.name), which does not queue",
                    found: FoundText.quoted(key))
        return false
      }
      if level.isExempt, let node = l.optional("shares"), shares != 0 {
        node.report(expected: "0 (the exempt level has no shares)")
        return false
      }
      guard let shares, let lendable else { return false }
      level.shares = shares
      level.lendablePercent = lendable
      return true
    }
    let queues = l.read("queues", default: q) { $0.integer(in: 1...10_000) }
    let hand = l.read("handSize", default: h) { $0.integer(in: 1...10_000) }
    let length = l.read("queueLengthLimit", default: limit) { $0.integer(in: 1...1_000_000) }
    guard let shares, let lendable, let queues, let hand, let length else { return false }
    if hand > queues {
      (l.optional("handSize") ?? l.reader).report(expected: "a handSize <= queues (\(queues))", found: "\(hand)")
      return false
    }
    level.shares = shares
    level.lendablePercent = lendable
    level.limited = .queuing(queues: queues, handSize: hand, queueLengthLimit: length)
    return true
  }

  /// The most background seats a level can hold: its current limit (at most nominal + the
  /// server's 600 seats by default) plus what its queues hold (128 × 50 requests at most in the
  /// bootstrap levels) stays under 10,000.
  static let maximumBackgroundSeats = 10_000

  /// A level's background demand: an integer (seats from the start) or steps
  /// `[{start: <duration>, seats: <integer>}, …]` with increasing starts (at most 1,000).
  static func background(_ node: NodeReader) -> [PriorityLevelConfiguration.BackgroundStep]? {
    let seatsRange = 0...maximumBackgroundSeats
    if node.scalarKind != nil {
      return node.integer(in: seatsRange).map { [.init(start: .zero, seats: $0)] }
    }
    guard let elements = node.sequence() else { return nil }
    guard elements.count <= 1_000 else {
      node.report(expected: "at most 1000 background steps", found: "\(elements.count)")
      return nil
    }
    var steps: [PriorityLevelConfiguration.BackgroundStep] = []
    var ok = true
    for element in elements {
      guard let e = element.mapping(ScenarioSchema.backgroundStep), let startNode = e.required("start"),
            let seatsNode = e.required("seats") else { ok = false; continue }
      guard let start = startNode.duration(), let seats = seatsNode.integer(in: seatsRange) else { ok = false; continue }
      if let previous = steps.last, start <= previous.start {
        startNode.report(expected: "a start after the previous step's (\(previous.start))")
        ok = false
        continue
      }
      steps.append(.init(start: start, seats: seats))
    }
    return ok ? steps : nil
  }

  /// The OpenAPI controllers' settings (research §4.3, §8).
  static func openAPIController(_ node: NodeReader) -> OpenAPIControllerSpec? {
    guard let m = node.mapping(ScenarioSchema.openAPIController) else { return nil }
    var spec = OpenAPIControllerSpec()
    let enabled = m.read("enabled", default: spec.enabled) { $0.bool() }
    let v3 = m.read("v3", default: spec.v3Policy) { n -> Bool?? in n.bool().map { Optional($0) } }
    let interval = m.read("interval", default: spec.interval) { $0.period() }
    let backoffMax = m.read("backoffMax", default: spec.backoffMax) { $0.period() }
    let timeout = m.read("timeout", default: spec.timeout) { $0.positiveDuration() }
    let first = m.read("firstDownload", default: spec.firstDownload) { $0.duration() }
    let registration = m.read("registrationDownloads", default: spec.registrationDownloads) { $0.bool() }
    guard let enabled, let v3, let interval, let backoffMax, let timeout, let first, let registration else { return nil }
    if backoffMax < interval, let node = m.optional("backoffMax") {
      node.report(expected: "a backoffMax >= interval (\(interval))", found: "\(backoffMax)")
      return nil
    }
    spec.enabled = enabled
    spec.v3Policy = v3
    spec.interval = interval
    spec.backoffMax = backoffMax
    spec.timeout = timeout
    spec.firstDownload = first
    spec.registrationDownloads = registration
    return spec
  }

  /// The availability controller's settings (research §1c, §4).
  static func availabilityController(_ node: NodeReader) -> AvailabilityControllerSpec? {
    guard let m = node.mapping(ScenarioSchema.availabilityController) else { return nil }
    var spec = AvailabilityControllerSpec()
    let enabled = m.read("enabled", default: spec.enabled) { $0.bool() }
    let resync = m.read("resync", default: spec.resync) { $0.period() }
    let first = m.read("firstResync", default: spec.firstResync) { $0.duration().map(Optional.some) }
    let workers = m.read("workers", default: spec.workers) { $0.integer(in: 1...1_000) }
    let probes = m.read("probes", default: spec.probes) { $0.integer(in: 1...1_000) }
    let timeout = m.read("probeTimeout", default: spec.probeTimeout) { $0.positiveDuration() }
    let backoff = m.read("backoff", default: (spec.backoffBase, spec.backoffMax)) { n -> (SimDuration, SimDuration)? in
      guard let b = n.mapping(ScenarioSchema.backoff) else { return nil }
      let base = b.read("base", default: spec.backoffBase) { $0.period() }
      let max = b.read("max", default: spec.backoffMax) { $0.period() }
      guard let base, let max else { return nil }
      guard base <= max else {
        n.report(expected: "backoff.base <= backoff.max (\(max))", found: "\(base)")
        return nil
      }
      return (base, max)
    }
    let propagation = m.read("propagationDelay", default: spec.propagationDelay) { $0.distribution() }
    let registration = m.read("registrationTime", default: spec.registrationTime) { $0.distribution() }
    let registrationResync = m.read("registrationResync", default: spec.registrationResync) { $0.period() }
    guard let enabled, let resync, let first, let workers, let probes, let timeout, let backoff, let propagation, let registration,
          let registrationResync
    else { return nil }
    if let first, first >= resync, let node = m.optional("firstResync") {
      node.report(expected: "a firstResync < resync (\(resync))", found: "\(first)")
      return nil
    }
    spec.enabled = enabled
    spec.resync = resync
    spec.firstResync = first
    spec.workers = workers
    spec.probes = probes
    spec.probeTimeout = timeout
    spec.backoffBase = backoff.0
    spec.backoffMax = backoff.1
    spec.propagationDelay = propagation
    spec.registrationTime = registration
    spec.registrationResync = registrationResync
    return spec
  }

  /// The load balancer's health checks.
  static func loadBalancer(_ node: NodeReader) -> LoadBalancerSpec? {
    guard let m = node.mapping(ScenarioSchema.loadBalancer) else { return nil }
    let defaults = LoadBalancerSpec()
    let range = LoadBalancerSpec.intervalRange
    let interval = m.read("interval", default: defaults.interval) {
      $0.duration(in: range, expected: "a health-check interval in [\(range.lowerBound), \(range.upperBound)]")
    }
    let unhealthy = m.read("unhealthyThreshold", default: defaults.unhealthyThreshold) { $0.integer(in: LoadBalancerSpec.thresholdRange) }
    let healthy = m.read("healthyThreshold", default: defaults.healthyThreshold) { $0.integer(in: LoadBalancerSpec.thresholdRange) }
    let redispatch = m.read("redispatch", default: defaults.redispatch) { $0.bool() }
    let path = m.read("path", default: defaults.path) { $0.oneOf(LoadBalancerSpec.HealthPath.self) }
    guard let interval, let unhealthy, let healthy, let redispatch, let path else { return nil }
    return LoadBalancerSpec(interval: interval, unhealthyThreshold: unhealthy, healthyThreshold: healthy, redispatch: redispatch,
                            path: path)
  }

  /// The proxy settings; `discoveryCap` nil unless `discoveryTimeout` is written (a duration or `none`).
  static func proxy(_ node: NodeReader) -> ProxySpec? {
    guard let m = node.mapping(ScenarioSchema.proxy) else { return nil }
    var proxy = ProxySpec()
    let routing = m.read("routing", default: proxy.routing) { n in
      n.oneOf(["clusterIP", "endpoints"]).map { $0 == "clusterIP" ? ProxySpec.Routing.clusterIP : .endpoints }
    }
    let discovery = m.read("discoveryTimeout", default: proxy.discoveryCap) { n -> TimeLimit?? in
      n.noneOr { $0.positiveDuration() }.map { Optional(TimeLimit($0)) }
    }
    let dial = m.read("dialTimeout", default: proxy.dialTimeout) { $0.positiveDuration() }
    let tls = m.read("tlsHandshakeTimeout", default: proxy.tlsHandshakeTimeout) { $0.positiveDuration() }
    let idle = m.read("readIdleTimeout", default: proxy.readIdleLimit) { n -> TimeLimit?? in
      n.noneOr { $0.positiveDuration() }.map { Optional(TimeLimit($0)) }
    }
    let ping = m.read("pingTimeout", default: proxy.pingTimeout) { $0.positiveDuration() }
    let cap = m.read("atStreamCap", default: proxy.atStreamCap) { n in
      n.oneOf(["openConnection", "queue"]).map { $0 == "queue" ? ProxySpec.StreamCapRule.queue : .openConnection }
    }
    guard let routing, let discovery, let dial, let tls, let idle, let ping, let cap else { return nil }
    proxy.routing = routing
    proxy.discoveryCap = discovery
    proxy.dialTimeout = dial
    proxy.tlsHandshakeTimeout = tls
    proxy.readIdleLimit = idle
    proxy.pingTimeout = ping
    proxy.atStreamCap = cap
    return proxy
  }
}
