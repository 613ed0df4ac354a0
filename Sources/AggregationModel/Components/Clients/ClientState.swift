import SimCore

/// What a client's arrivals set off: its own requests, kubectl invocations or garbage-collector
/// syncs (discovery runs), or namespace deletions.
enum ClientRole {
  case requests
  case discoveryInvocations
  case namespaceDeletions
}

/// A client in one replication: its arrival process, token bucket and streams (its link is the
/// kernel's `links.clients[client]`).
struct ClientState {
  let spec: ClientSpec
  let role: ClientRole
  /// Requests (or invocations) per arrival: a burst's size, else 1.
  let perArrival: Int
  let arrivalStream: RandomSource
  let thinkStream: RandomSource
  var tokenBucket: TokenBucket?
  /// The next control-plane instance (round robin, as a load balancer in front of HA instances).
  var nextInstance = 0
  /// A pinned client's instance (`ClientConnection.pinned`): -1 before its first request.
  var connectedInstance = -1
  /// Where the load balancer places a pinned client's connection (nil for `.perRequest`, which
  /// creates no stream, so its other streams and its metadata are as before the choice existed).
  let connectionStream: RandomSource?
  /// Position in a trace, or bursts sent so far.
  var arrivalsSoFar = 0
  /// The registry index of the target APIService (-1 when it does not exist or there is none).
  var apiService: Int32 = -1
  var kind = RequestKind.get
  var isGroupVersionDiscovery = false

  /// The client of `spec`; creates its streams (arrivals, think time, a pinned client's
  /// connection) in that order.
  init(_ spec: ClientSpec, streams: StreamRegistry) {
    self.spec = spec
    switch spec.workload {
    case .open, .closed: role = .requests
    case .kubectl, .garbageCollector: role = .discoveryInvocations
    case .namespaceDeletion: role = .namespaceDeletions
    }
    if case .bursts(let size, _) = spec.workload.arrivals { perArrival = size } else { perArrival = 1 }
    arrivalStream = streams.stream("client/\(spec.name)/arrivals").source
    thinkStream = streams.stream("client/\(spec.name)/think").source
    connectionStream = spec.connection == .pinned ? streams.stream("client/\(spec.name)/connection").source : nil
    tokenBucket = spec.rateLimit.map { TokenBucket(qps: $0.qps, burst: $0.burst) }
  }

  /// Resolves the client's target in the registry.
  mutating func resolveTarget(in registry: APIServiceRegistry) {
    switch spec.target {
    case .resource(let name, let kind):
      apiService = Int32(registry.index(named: name) ?? -1)
      self.kind = kind
    case .groupVersionDiscovery(let name):
      apiService = Int32(registry.index(named: name) ?? -1)
      kind = .discovery
      isGroupVersionDiscovery = true
    case .none:
      apiService = -1
    }
  }

  /// The first arrival of an open workload (a burst comes at the end of its first period).
  mutating func firstArrival() -> SimTime? {
    if case .bursts(_, let period) = spec.workload.arrivals { return .zero + period }
    return nextArrival(after: .zero)
  }

  /// The time of the next arrival of an open workload after one at `now`, or nil when it has
  /// no more. `arrivalsSoFar` counts the arrivals already produced.
  mutating func nextArrival(after now: SimTime) -> SimTime? {
    guard let process = spec.workload.arrivals else { return nil }
    switch process {
    case .poisson(let rate):
      return now + arrivalStream.exponential(mean: rate.meanInterval)
    case .constant(let rate):
      return now + Swift.max(rate.meanInterval, .nanoseconds(1))  // never two arrivals at one instant forever
    case .bursts(_, let period):
      return now + period
    case .trace(let times):
      return arrivalsSoFar < times.count ? Swift.max(times[arrivalsSoFar], now) : nil
    case .timeVarying(let segments):
      return Self.nextTimeVaryingArrival(after: now, segments: segments, stream: arrivalStream)
    }
  }

  /// Poisson arrivals with a piecewise-constant rate, by inversion of the integrated rate: draw
  /// an Exp(1) amount of "rate × time" and spend it segment by segment.
  static func nextTimeVaryingArrival(after now: SimTime, segments: [RateSegment], stream: RandomSource) -> SimTime? {
    var budget = stream.exponential(mean: .seconds(1)).seconds
    var t = now
    for (index, segment) in segments.enumerated() {
      let segmentEnd = index + 1 < segments.count ? segments[index + 1].start : SimTime.never
      guard segmentEnd > t else { continue }
      let from = Swift.max(t, segment.start)
      if segment.perSecond > 0 {
        let available = segmentEnd == .never ? Double.infinity : (segmentEnd - from).seconds * segment.perSecond
        if budget <= available { return from + .seconds(budget / segment.perSecond) }
        budget -= available
      }
      t = segmentEnd
    }
    return nil
  }
}
