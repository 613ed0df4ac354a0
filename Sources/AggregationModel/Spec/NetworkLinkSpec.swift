public import SimCore

/// A network path between two parts of the model (client → control plane, control plane →
/// the pods of one extension server), one direction each way.
///
/// A message takes one latency variate of its direction; with probability `loss` it is lost and
/// retransmitted after `retransmissionDelay` (repeatedly, so the delay is geometric); its body
/// adds `size / bandwidth`. During a partition every message sent is dropped and never arrives
/// (a black hole: what depends on it ends by a timeout).
public struct NetworkLinkSpec: Hashable, Sendable {
  public var requestLatency: Distribution
  public var responseLatency: Distribution
  /// Probability that one transmission of a message is lost, in [0, `maximumLoss`].
  public var loss: Double
  /// The largest loss a scenario may give a link or a loss burst: 0.99, a mean of 100
  /// transmissions per message. Real TCP is unusable long before (throughput falls as
  /// 1/√loss, Mathis et al. 1997); beyond, each message would cost unbounded events.
  public static let maximumLoss = 0.99
  /// Delay before a lost message is sent again (TCP's minimum RTO is 200 ms on Linux).
  public var retransmissionDelay: SimDuration
  /// Bytes per second; nil = unlimited.
  public var bandwidthBytesPerSecond: Double?
  /// Windows during which every message is dropped.
  public var partitions: [ClosedRange<SimTime>]

  public init(requestLatency: Distribution, responseLatency: Distribution? = nil, loss: Double = 0,
              retransmissionDelay: SimDuration = .milliseconds(200), bandwidthBytesPerSecond: Double? = nil,
              partitions: [ClosedRange<SimTime>] = []) {
    self.requestLatency = requestLatency
    self.responseLatency = responseLatency ?? requestLatency
    self.loss = loss
    self.retransmissionDelay = retransmissionDelay
    self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
    self.partitions = partitions
  }

  /// A link with no latency, loss or limit.
  public static let ideal = NetworkLinkSpec(requestLatency: .constant(.zero))

  /// A link with a constant one-way latency.
  public static func constant(_ oneWay: SimDuration) -> NetworkLinkSpec {
    NetworkLinkSpec(requestLatency: .constant(oneWay))
  }

  /// True when a message sent at `time` is dropped by a partition.
  public func isPartitioned(at time: SimTime) -> Bool {
    partitions.contains { $0.contains(time) }
  }
}
