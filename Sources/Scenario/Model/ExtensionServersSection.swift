internal import Yams
import SimCore
public import AggregationModel

/// `spec.extensionServers`: the extension API servers behind the remote APIServices.
/// ```yaml
/// extensionServers:
///   - name: metrics-server        # required, unique
///     service: {namespace: kube-system, name: metrics-server, port: 443}   # required; port default 443;
///                                 #   the APIServices whose spec.service equals it are served here
///     replicas: 1                 # >= 1 pods
///     workers: 100                # >= 1 requests served at once per pod
///     queueLimit: none            # or an integer >= 0: waiting requests per pod before 429
///     maxStreamsPerConnection: 100   # >= 1; default the version's (100 from 1.29, 250 before)
///     serviceTime: 5ms            # required: one distribution for every request kind, or per kind:
///     # serviceTime: {get: 5ms, list: {lognormal: {median: 20ms, p99: 200ms}}, discovery: 2ms, probe: 1ms, openAPI: 50ms}
///     #   kinds not given take `default:`, else the `get` time (one of the two is required)
///     faults:                     # scheduled faults of the pods (simulated time)
///       - {kind: crash, start: 10m, duration: 2m, pods: [0]}   # crash | hang | refuse | silentConnectionDrop
///       - {kind: slowDown, factor: 5, start: 10m}              # factor > 0 only for slowDown
///     #   duration: default until the end of the run; pods: default every pod (indices < replicas)
///     faultProcesses:             # random faults: each pod alternates up and down times
///       - {kind: crash, timeBetweenFailures: {exponential: {mean: 6h}}, timeToRepair: {exponential: {mean: 2m}}}
///     authorization:              # delegated authorization: a SubjectAccessReview back into the
///       serviceAccount: kube-system/metrics-server   # control plane per uncached client (research §1b, §2.4)
///       cacheTTL: 10s             # allow/deny cache (default 10s); timeout: 10s; handlingTime: 1ms
///     ownAdmission: {maxInFlight: {readOnly: 400, mutating: 200}}   # the server's own admission, as controlPlane.admission
///     responseBytes: {get: 2048, list: 65536, discovery: 8192, probe: 1024, openAPI: 1048576}   # for link bandwidth
///     readinessProbe: {period: 10s, timeout: 1s, failureThreshold: 3, successThreshold: 1}   # default none
///     #   the kubelet's probe of each pod (Kubernetes' defaults as written; initialDelay: 0s >= 0,
///     #   only after a crash's restart; firstProbe: >= 0, < period, default a random phase per pod):
///     #   a hung, refusing, crashed or too slow pod fails it and leaves the ready endpoints after
///     #   failureThreshold failures in a row; successThreshold successes bring it back
///     #   (`ReadinessProbeSpec`; metrics-server's manifest: period 10s, failureThreshold 3, initialDelay 20s)
///     aggregatedDiscovery: served # how it answers the discovery manager's aggregated GET /apis
///                                 #   (research §3.2, §9 item 5): served (200, aggregated type;
///                                 #   the default) | notFound (404: serves only /apis/<g>/<v>,
///                                 #   #119662) | notAcceptable (406) | ignoresAccept (200, plain
///                                 #   APIGroupList); all but served make the manager fall back to
///                                 #   GET /apis/<g>/<v> from 1.29, only notAcceptable before
/// ```
public struct ExtensionServersSection: ScenarioSection, Hashable {
  public static let key = "extensionServers"

  public struct Entry: Hashable, Sendable {
    /// The server; `maxStreamsPerConnection` nil = the version's default, filled by `ModelSpec.resolved()`.
    public var spec: ExtensionServerSpec
    public var name: Located<String>
    public var service: Located<ServiceReference>
  }

  public var entries: [Entry]

  public init?(reading node: NodeReader) {
    guard let entries = node.array(Self.entry) else { return nil }
    self.entries = entries
  }

  static func entry(_ node: NodeReader) -> Entry? {
    guard let m = node.mapping(ScenarioSchema.extensionServer) else { return nil }
    // A server with placeholders for the required keys, for the defaults of the others.
    var spec = ExtensionServerSpec(name: "", service: ServiceReference(namespace: "", name: ""), serviceTimes: .uniform(.constant(.zero)))
    let name = m.required("name")?.located { $0.name() }
    let service = m.required("service")?.located(APIServicesSection.service)
    if let service, !APIService.portRange.contains(service.value.port), let port = m.optional("service")?.child("port") {
      port.report(expected: "an integer in 1...65535")
    }
    let replicas = m.read("replicas", default: spec.replicas) { $0.integer(in: 1...10_000) }
    let workers = m.read("workers", default: spec.workers) { $0.integer(in: 1...1_000_000) }
    let queueLimit = m.read("queueLimit", default: spec.queueLimit) { $0.noneOr { $0.integer(in: 0...Int(Int32.max)) } }
    let streams = m.read("maxStreamsPerConnection", default: spec.maxStreamsPerConnection) { $0.noneOr { $0.integer(in: 1...1_000_000) } }
    let times = m.required("serviceTime").flatMap(Self.serviceTimes)
    let faults = m.read("faults", default: spec.faults) { list in list.array { Self.fault($0, replicas: replicas) } }
    let processes = m.read("faultProcesses", default: spec.faultProcesses) { list in list.array { Self.faultProcess($0, replicas: replicas) } }
    let authorization = m.read("authorization", default: spec.authorization) { $0.noneOr(Self.authorization) }
    let ownAdmission = m.read("ownAdmission", default: spec.ownAdmission) { $0.noneOr(ControlPlaneSection.admission) }
    let sizes = m.read("responseBytes", default: spec.responseBytes) { Self.responseSizes($0) }
    let aggregated = m.read("aggregatedDiscovery", default: spec.aggregatedDiscovery) { $0.oneOf(AggregatedDiscoverySupport.self) }
    let readiness = m.read("readinessProbe", default: spec.readinessProbe) { $0.noneOr(Self.readinessProbe) }
    guard let name, let service, APIService.portRange.contains(service.value.port), let replicas, let workers,
          let queueLimit, let streams, let times, let faults, let processes, let authorization, let ownAdmission,
          let sizes, let readiness, let aggregated else { return nil }
    spec.name = name.value
    spec.service = service.value
    spec.replicas = replicas
    spec.workers = workers
    spec.queueLimit = queueLimit
    spec.serviceTimes = times
    spec.maxStreamsPerConnection = streams
    spec.faults = faults
    spec.faultProcesses = processes
    spec.authorization = authorization
    spec.ownAdmission = ownAdmission
    spec.responseBytes = sizes
    spec.readinessProbe = readiness
    spec.aggregatedDiscovery = aggregated
    return Entry(spec: spec, name: name, service: service)
  }

  /// `{period: 10s, timeout: 1s, failureThreshold: 3, successThreshold: 1, initialDelay: 0s, firstProbe: 2s}`,
  /// each key optional with Kubernetes' default (firstProbe: a random phase per pod).
  static func readinessProbe(_ node: NodeReader) -> ReadinessProbeSpec? {
    guard let m = node.mapping(ScenarioSchema.readinessProbe) else { return nil }
    var spec = ReadinessProbeSpec()
    let period = m.read("period", default: spec.period) { $0.period() }
    let timeout = m.read("timeout", default: spec.timeout) { $0.positiveDuration() }
    let failures = m.read("failureThreshold", default: spec.failureThreshold) { $0.integer(in: 1...1_000_000) }
    let successes = m.read("successThreshold", default: spec.successThreshold) { $0.integer(in: 1...1_000_000) }
    let delay = m.read("initialDelay", default: spec.initialDelay) { $0.duration() }
    let first = m.read("firstProbe", default: spec.firstProbe) { $0.duration().map(Optional.some) }
    guard let period, let timeout, let failures, let successes, let delay, let first else { return nil }
    if let first, first >= period, let node = m.optional("firstProbe") {
      node.report(expected: "a firstProbe < period (\(period))", found: "\(first)")
      return nil
    }
    spec.period = period
    spec.timeout = timeout
    spec.failureThreshold = failures
    spec.successThreshold = successes
    spec.initialDelay = delay
    spec.firstProbe = first
    return spec
  }

  /// `{serviceAccount: ns/name, cacheTTL: 10s, timeout: 10s, handlingTime: 1ms}`.
  static func authorization(_ node: NodeReader) -> DelegatedAuthorizationSpec? {
    guard let m = node.mapping(ScenarioSchema.authorization) else { return nil }
    // The identity is a placeholder until `serviceAccount` is read.
    var spec = DelegatedAuthorizationSpec.serviceAccount(namespace: "", name: "")
    let account = m.required("serviceAccount")?.string()
    let ttl = m.read("cacheTTL", default: spec.allowCacheTTL) { $0.positiveDuration() }
    let timeout = m.read("timeout", default: spec.clientTimeout) { $0.positiveDuration() }
    let handling = m.read("handlingTime", default: spec.handlingTime) { $0.distribution() }
    guard let account, let ttl, let timeout, let handling else { return nil }
    let parts = account.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
      m.reportKey("serviceAccount", expected: "namespace/name", found: "\"\(account)\"")
      return nil
    }
    spec.identity = .serviceAccount(namespace: String(parts[0]), name: String(parts[1]))
    spec.allowCacheTTL = ttl
    spec.denyCacheTTL = ttl
    spec.clientTimeout = timeout
    spec.handlingTime = handling
    return spec
  }

  /// Response body sizes per request kind, in bytes.
  static func responseSizes(_ node: NodeReader) -> ResponseSizes? {
    guard let m = node.mapping(ScenarioSchema.responseBytes) else { return nil }
    var sizes = ResponseSizes()
    let range = 0...(1 << 40)
    let get = m.read("get", default: sizes.get) { $0.integer(in: range) }
    let list = m.read("list", default: sizes.list) { $0.integer(in: range) }
    let discovery = m.read("discovery", default: sizes.discovery) { $0.integer(in: range) }
    let probe = m.read("probe", default: sizes.probe) { $0.integer(in: range) }
    let openAPI = m.read("openAPI", default: sizes.openAPI) { $0.integer(in: range) }
    guard let get, let list, let discovery, let probe, let openAPI else { return nil }
    sizes.get = get
    sizes.list = list
    sizes.discovery = discovery
    sizes.probe = probe
    sizes.openAPI = openAPI
    return sizes
  }

  /// `{kind, timeBetweenFailures: <distribution>, timeToRepair: <distribution>, pods: [...], factor}`.
  static func faultProcess(_ node: NodeReader, replicas: Int?) -> FaultProcessSpec? {
    guard let m = node.mapping(ScenarioSchema.podFaultProcess) else { return nil }
    let kind = faultKind(m)
    let up = m.required("timeBetweenFailures")?.distribution()
    let down = m.required("timeToRepair")?.distribution()
    let pods = m.read("pods", default: nil) { list -> [Int]?? in
      let upper = max((replicas ?? 10_000) - 1, 0)
      return list.array { $0.integer(in: 0...upper) }.map { .some($0) }
    }
    guard let kind, let up, let down, let pods else { return nil }
    return FaultProcessSpec(kind: kind, timeBetweenFailures: up, timeToRepair: down, pods: pods)
  }

  /// The `kind` of a fault, with its `factor` for a slow-down (and none for the others).
  static func faultKind(_ m: MappingReader) -> FaultSpec.Kind? {
    let kindName = m.required("kind")?.oneOf(faultKinds)
    var factor: Double?
    if kindName == "slowDown" {
      factor = m.required("factor")?.number(in: Double.leastNonzeroMagnitude...1e9)
      if factor == nil { return nil }
    } else if let kindName, m.contains("factor") {
      m.reportKey("factor", expected: "no factor for a \(kindName) fault (only slowDown has one)", found: "\"factor\"")
      return nil
    }
    switch kindName {
    case "crash": return .crash
    case "hang": return .hang
    case "refuse": return .refuse
    case "silentConnectionDrop": return .silentConnectionDrop
    case "slowDown": return .slowDown(factor: factor ?? 1)
    default: return nil
    }
  }

  static let kindKeys = ScenarioSchema.serviceTimes.names

  /// One distribution, or a mapping per request kind (told apart by its keys).
  static func serviceTimes(_ node: NodeReader) -> ServiceTimes? {
    guard case .mapping(let raw) = node.node,
          raw.contains(where: { kindKeys.contains($0.key.string ?? "") }) else {
      return node.distribution().map(ServiceTimes.uniform)
    }
    guard let m = node.mapping(ScenarioSchema.serviceTimes) else { return nil }
    guard m.contains("default") || m.contains("get") else {
      node.report(expected: "key \"default\" or \"get\" (the time of the kinds not given)", found: "keys " + m.keys.joined(separator: ", "))
      return nil
    }
    var values: [String: Distribution] = [:]
    var ok = true
    for key in kindKeys where m.contains(key) {
      if let d = m.optional(key)?.distribution() { values[key] = d } else { ok = false }
    }
    guard ok, let fallback = values["default"] ?? values["get"] else { return nil }
    let get = values["get"] ?? fallback
    return ServiceTimes(get: get, list: values["list"] ?? fallback, discovery: values["discovery"] ?? fallback,
                        probe: values["probe"] ?? fallback, openAPI: values["openAPI"] ?? fallback)
  }

  static let faultKinds = ["crash", "hang", "refuse", "silentConnectionDrop", "slowDown"]

  static func fault(_ node: NodeReader, replicas: Int?) -> FaultSpec? {
    guard let m = node.mapping(ScenarioSchema.podFault) else { return nil }
    let kind = faultKind(m)
    let start = m.required("start")?.duration()
    let duration = m.read("duration", default: nil) { $0.noneOr { $0.positiveDuration() } }
    let pods = m.read("pods", default: nil) { list -> [Int]?? in
      let upper = max((replicas ?? 10_000) - 1, 0)
      return list.array { $0.integer(in: 0...upper) }.map { .some($0) }
    }
    guard let kind, let start, let duration, let pods else { return nil }
    return FaultSpec(kind: kind, pods: pods, start: SimTime(since: start), duration: duration)
  }
}
