import SimCore

/// A client in one replication: its arrival process, token bucket and streams.
struct ClientState {
  let spec: ClientSpec
  let arrivalStream: RandomStream
  let thinkStream: RandomStream
  let link: NetworkLink
  var tokenBucket: TokenBucket?
  /// The next control-plane instance (round robin, as a load balancer in front of HA instances).
  var nextInstance = 0
  /// Position in a trace, or bursts sent so far.
  var arrivalsSoFar = 0
  /// The registry index of the target APIService (-1 when it does not exist).
  var apiService: Int32 = -1
  var kind = RequestKind.get
  var isGroupVersionDiscovery = false

  init(_ spec: ClientSpec, streams: StreamRegistry) {
    self.spec = spec
    arrivalStream = streams.stream("client/\(spec.name)/arrivals")
    thinkStream = streams.stream("client/\(spec.name)/think")
    link = NetworkLink(spec.link, streams: streams, name: "client/\(spec.name)")
    tokenBucket = spec.rateLimit.map { TokenBucket(qps: $0.qps, burst: $0.burst) }
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
  static func nextTimeVaryingArrival(after now: SimTime, segments: [RateSegment], stream: RandomStream) -> SimTime? {
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
