import SimCore

/// A `NetworkLinkSpec` with its random streams (one per direction), in one replication, and the
/// link faults that strike it (`Fault.Kind.partition`, `.latencySpike`, `.lossBurst`): over
/// windows of time, or in force now (a random fault process switches them on and off).
struct NetworkLink {
  let spec: NetworkLinkSpec
  let requestStream: RandomSource
  let responseStream: RandomSource
  /// Draws the faults' extra delays and losses (only when a fault strikes the link), so that a
  /// fault never shifts the link's own variates.
  var faultStream: RandomSource?
  /// Faults over windows of simulated time.
  var windows: [(effect: LinkEffect, during: ClosedRange<SimTime>)] = []
  /// Faults in force now (random processes).
  var active: [LinkEffect] = []
  /// The calendar lanes of a constant latency in each direction (nil: the heap).
  let requestLane: Int?
  let responseLane: Int?

  init(_ spec: NetworkLinkSpec, streams: StreamRegistry, name: String, lanes: TimerLanes) {
    self.spec = spec
    requestLane = lanes.lane(for: spec.constantLatency(isRequest: true))
    responseLane = lanes.lane(for: spec.constantLatency(isRequest: false))
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
    if windows.isEmpty && active.isEmpty { return total }
    return withFaults(total, at: time)
  }

  /// `delay` under the faults in force at `time`: nil under a partition, else the extra delays
  /// and retransmissions of latency spikes and loss bursts.
  private func withFaults(_ base: SimDuration, at time: SimTime) -> SimDuration? {
    var total = base
    for effect in active where !apply(effect, to: &total) { return nil }
    for window in windows where window.during.contains(time) {
      if !apply(window.effect, to: &total) { return nil }
    }
    return total
  }

  /// Adds the effect's delay to `total`; false for a partition (the message is dropped).
  private func apply(_ effect: LinkEffect, to total: inout SimDuration) -> Bool {
    switch effect {
    case .partition:
      return false
    case .extraLatency(let extra):
      total = total + extra.sample(faultStream!)
    case .loss(let p):
      while faultStream!.bernoulli(p) { total = total + spec.retransmissionDelay }
    }
    return true
  }

  /// One round trip (request then response direction), or nil when a partition drops it.
  mutating func roundTrip(at time: SimTime) -> SimDuration? {
    guard let there = delay(at: time, isRequest: true) else { return nil }
    guard let back = delay(at: time + there, isRequest: false) else { return nil }
    return there + back
  }
}

/// What a link fault does to each message while it is in force.
enum LinkEffect: Equatable {
  case partition
  case extraLatency(Distribution)
  case loss(Double)

  /// The effect of a link fault kind (nil for kinds that strike pods or instances).
  init?(_ kind: Fault.Kind) {
    switch kind {
    case .partition: self = .partition
    case .latencySpike(let d): self = .extraLatency(d)
    case .lossBurst(let p): self = .loss(p)
    case .pod, .restart, .gracefulRestart: return nil
    }
  }
}
