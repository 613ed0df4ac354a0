import SimCore

/// A `NetworkLinkSpec` with its random streams (one per direction), in one replication.
struct NetworkLink {
  let spec: NetworkLinkSpec
  let requestStream: RandomSource
  let responseStream: RandomSource

  init(_ spec: NetworkLinkSpec, streams: StreamRegistry, name: String) {
    self.spec = spec
    requestStream = streams.stream("link/\(name)/request").source
    responseStream = streams.stream("link/\(name)/response").source
  }

  /// The delay of one message sent at `time` (request direction if `isRequest`), or nil when a
  /// partition drops it. (`mutating` only so that callers reach the link in place: a copy of it
  /// out of its table would cost reference counting on every message.)
  mutating func delay(at time: SimTime, isRequest: Bool, bytes: Int = 0) -> SimDuration? {
    if !spec.partitions.isEmpty && spec.isPartitioned(at: time) { return nil }
    let stream = isRequest ? requestStream : responseStream
    var total = isRequest ? spec.requestLatency.sample(stream) : spec.responseLatency.sample(stream)
    if spec.loss > 0 {
      // Each transmission is lost with probability `loss`; validation keeps it below 1.
      while stream.bernoulli(spec.loss) { total = total + spec.retransmissionDelay }
    }
    if let bandwidth = spec.bandwidthBytesPerSecond, bytes > 0 {
      total = total + .seconds(Double(bytes) / bandwidth)
    }
    return total
  }

  /// One round trip (request then response direction), or nil when a partition drops it.
  mutating func roundTrip(at time: SimTime) -> SimDuration? {
    guard let there = delay(at: time, isRequest: true) else { return nil }
    guard let back = delay(at: time + there, isRequest: false) else { return nil }
    return there + back
  }
}
