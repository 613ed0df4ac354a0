import SimCore
public import AggregationModel

/// `spec.links`: network links. `clients` is the default link of every client to the control
/// plane (a client may override it with its own `link:`); `backends` are the links from the
/// control plane (one instance, or every instance) to the pods of one extension server.
/// ```yaml
/// links:
///   clients: {latency: 1ms}        # default: an ideal link (no latency, loss or limit)
///   backends:
///     - {server: metrics-server, instance: 0, latency: {lognormal: {median: 1ms, p99: 10ms}}}
///     #   server: an extensionServers name (required); instance: default every instance
/// ```
/// A link (`NetworkLinkSpec`):
/// ```yaml
/// latency: 1ms                 # distribution, both directions; or requestLatency/responseLatency
/// requestLatency: 1ms          # client → server direction (default 0s)
/// responseLatency: 2ms         # server → client direction (default: requestLatency)
/// loss: 0.001                  # probability a transmission is lost, in [0, 0.99]
/// retransmissionDelay: 200ms   # after a loss, >= 1ms (Linux's minimum RTO is 200 ms)
/// bandwidth: 100Mi             # bytes/s: a number, or with K, M, G (×1000) or Ki, Mi, Gi (×1024); default unlimited
/// partitions: [{start: 1m, duration: 30s}]   # windows during which every message is dropped
/// ```
public struct LinksSection: ScenarioSection, Hashable {
  public static let key = "links"

  public struct Backend: Hashable, Sendable {
    public var spec: BackendLinkSpec
    public var server: Located<String>
    public var instance: Located<Int>?
  }

  /// The default link of the clients; nil = `.ideal`.
  public var clients: NetworkLinkSpec?
  public var backends: [Backend]

  public init?(reading node: NodeReader) {
    guard let m = node.mapping(ScenarioSchema.links) else { return nil }
    let clients = m.optionalValue("clients") { $0.networkLink() }
    let backends = m.read("backends", default: []) { $0.array(Self.backend) }
    guard let clients, let backends else { return nil }
    self.clients = clients
    self.backends = backends
  }

  static func backend(_ node: NodeReader) -> Backend? {
    guard let m = node.mapping(ScenarioSchema.backendLink) else { return nil }
    let server = m.required("server")?.located { $0.name() }
    let instance = m.optionalValue("instance") { $0.located { $0.integer(in: 0...63) } }
    let link = NodeReader.networkLink(m)
    guard let server, let instance, let link else { return nil }
    return Backend(spec: BackendLinkSpec(server: server.value, instance: instance?.value, link: link),
                   server: server, instance: instance)
  }
}

extension NodeReader {
  /// A `NetworkLinkSpec` (see `LinksSection`).
  func networkLink() -> NetworkLinkSpec? {
    guard let m = mapping(ScenarioSchema.link) else { return nil }
    return Self.networkLink(m)
  }

  /// The link keys of `m` (which may hold other keys, read by the caller).
  static func networkLink(_ m: MappingReader) -> NetworkLinkSpec? {
    var conflict = false
    if m.contains("latency") {
      for key in ["requestLatency", "responseLatency"] where m.contains(key) {
        m.reportKey(key, expected: "either latency or requestLatency/responseLatency (latency is given)", found: FoundText.quoted(key))
        conflict = true
      }
    }
    let defaults = NetworkLinkSpec.ideal
    let both = m.optionalValue("latency") { $0.distribution() }
    let request = m.optionalValue("requestLatency") { $0.distribution() }
    let response = m.optionalValue("responseLatency") { $0.distribution() }
    let loss = m.read("loss", default: defaults.loss) { n -> Double? in
      n.number(in: 0...NetworkLinkSpec.maximumLoss)
    }
    let retransmission = m.read("retransmissionDelay", default: defaults.retransmissionDelay) { $0.period() }
    let bandwidth = m.read("bandwidth", default: defaults.bandwidthBytesPerSecond) { $0.noneOr { $0.bandwidth() } }
    let partitions = m.read("partitions", default: defaults.partitions) { $0.array(Self.partition) }
    guard !conflict, let both, let request, let response, let loss, let retransmission, let bandwidth, let partitions else { return nil }
    let requestLatency = both ?? request ?? defaults.requestLatency
    return NetworkLinkSpec(requestLatency: requestLatency, responseLatency: both ?? response ?? requestLatency, loss: loss,
                           retransmissionDelay: retransmission, bandwidthBytesPerSecond: bandwidth, partitions: partitions)
  }

  static func partition(_ node: NodeReader) -> ClosedRange<SimTime>? {
    guard let m = node.mapping(ScenarioSchema.partition) else { return nil }
    let start = m.required("start")?.duration()
    let duration = m.required("duration")?.positiveDuration()
    guard let start, let duration else { return nil }
    return SimTime(since: start)...(SimTime(since: start) + duration)
  }

  /// Bytes per second: a number > 0, or a number with K, M, G (powers of 1000) or Ki, Mi, Gi
  /// (powers of 1024), as Kubernetes quantities are written (`100Mi`).
  func bandwidth() -> Double? {
    let expected = "a bandwidth in bytes/s > 0: a number, or with K, M, G, Ki, Mi or Gi (e.g. 100Mi)"
    let units: [(String, Double)] = [("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("K", 1e3), ("k", 1e3), ("M", 1e6), ("G", 1e9)]
    var value: Double?
    switch scalarKind {
    case .integer(let text): value = ScalarKind.integerValue(text).map(Double.init)
    case .float(let x): value = x
    case .string(let text):
      if let (suffix, factor) = units.first(where: { text.hasSuffix($0.0) }),
         let number = Double(text.dropLast(suffix.count)) { value = number * factor }
    default: break
    }
    guard let value, value.isFinite, value > 0 else { report(expected: expected); return nil }
    return value
  }
}
