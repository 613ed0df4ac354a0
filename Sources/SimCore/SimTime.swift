/// A point on the simulation clock, in integer nanoseconds since the run began.
///
/// An instant is not a length of time: `SimTime + SimTime` does not compile, while
/// `SimTime + SimDuration` and `SimTime - SimTime` (a `SimDuration`) do. Integer nanoseconds
/// compare exactly and print the same bytes on every run, which keeps results reproducible.
/// The representable range is about ±292 years.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Nanoseconds since the start of the run.
  public let nanoseconds: Int64

  @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

  /// The start of every run.
  @inlinable public static var zero: SimTime { SimTime(nanoseconds: 0) }
  /// A time later than any event of a run; used as "never".
  @inlinable public static var never: SimTime { SimTime(nanoseconds: .max) }

  /// The instant `duration` after the start of the run.
  @inlinable public init(since start: SimDuration) { self.nanoseconds = start.nanoseconds }

  /// Time since the start of the run, in seconds (for statistics and output only).
  @inlinable public var seconds: Double { Double(nanoseconds) * 1e-9 }

  /// Time elapsed since the start of the run.
  @inlinable public var sinceStart: SimDuration { SimDuration(nanoseconds: nanoseconds) }

  @inlinable public static func < (a: Self, b: Self) -> Bool { a.nanoseconds < b.nanoseconds }

  /// The instant `d` after `t`; saturates at `SimTime.never` instead of overflowing.
  @inlinable public static func + (t: Self, d: SimDuration) -> Self {
    let (sum, overflow) = t.nanoseconds.addingReportingOverflow(d.nanoseconds)
    return overflow ? (d.nanoseconds > 0 ? .never : SimTime(nanoseconds: .min)) : SimTime(nanoseconds: sum)
  }

  /// The instant `d` before `t`.
  @inlinable public static func - (t: Self, d: SimDuration) -> Self { t + SimDuration(nanoseconds: -d.nanoseconds) }

  /// The interval from `b` to `a`.
  @inlinable public static func - (a: Self, b: Self) -> SimDuration {
    SimDuration(nanoseconds: a.nanoseconds - b.nanoseconds)
  }

  public var description: String { "t=\(sinceStart)" }
}
