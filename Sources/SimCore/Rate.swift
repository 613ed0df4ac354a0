/// A rate of events, in events per second of simulated time (e.g. arrivals of a workload).
/// Written `50/s`, `3/min` or `100/h` in scenario files.
public struct Rate: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Events per second. Positive in a valid model.
  public let perSecond: Double

  @inlinable public init(perSecond: Double) { self.perSecond = perSecond }

  @inlinable public static func perSecond(_ r: Double) -> Self { Self(perSecond: r) }
  @inlinable public static func perMinute(_ r: Double) -> Self { Self(perSecond: r / 60) }

  /// The mean time between two events, 1 / rate.
  @inlinable public var meanInterval: SimDuration { .seconds(1 / perSecond) }

  @inlinable public static func < (a: Self, b: Self) -> Bool { a.perSecond < b.perSecond }
  @inlinable public static func * (r: Self, k: Double) -> Self { Self(perSecond: r.perSecond * k) }

  public var description: String {
    let r = perSecond
    return r == r.rounded() && abs(r) < 1e15 ? "\(Int64(r))/s" : "\(r)/s"
  }
}
