/// A length of simulated time, in integer nanoseconds. Never negative in a valid model.
///
/// Durations are typed so that a bare number never stands for a time: the 5 s discovery
/// timeout is written `.seconds(5)`, never `5` or `5000`. Random variates, which GSL returns
/// as `Double` seconds, become durations at a single point, `SimDuration.seconds(_:)`, which
/// rounds to the nearest nanosecond and saturates instead of overflowing.
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Length in nanoseconds.
  public let nanoseconds: Int64

  @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

  @inlinable public static var zero: SimDuration { SimDuration(nanoseconds: 0) }
  /// The longest representable duration (about 292 years), used as "unbounded".
  @inlinable public static var infinity: SimDuration { SimDuration(nanoseconds: .max) }

  @inlinable public static func nanoseconds(_ ns: Int64) -> Self { Self(nanoseconds: ns) }
  @inlinable public static func microseconds(_ us: Int64) -> Self { Self(nanoseconds: us.multipliedSaturating(by: 1_000)) }
  @inlinable public static func milliseconds(_ ms: Int64) -> Self { Self(nanoseconds: ms.multipliedSaturating(by: 1_000_000)) }
  @inlinable public static func seconds(_ s: Int64) -> Self { Self(nanoseconds: s.multipliedSaturating(by: 1_000_000_000)) }
  @inlinable public static func minutes(_ m: Int64) -> Self { .seconds(m.multipliedSaturating(by: 60)) }
  @inlinable public static func hours(_ h: Int64) -> Self { .seconds(h.multipliedSaturating(by: 3_600)) }
  // `Int` overloads, so that a literal such as `.seconds(5)` is not ambiguous with the `Double` one.
  @inlinable public static func microseconds(_ us: Int) -> Self { .microseconds(Int64(us)) }
  @inlinable public static func milliseconds(_ ms: Int) -> Self { .milliseconds(Int64(ms)) }
  @inlinable public static func seconds(_ s: Int) -> Self { .seconds(Int64(s)) }
  @inlinable public static func minutes(_ m: Int) -> Self { .minutes(Int64(m)) }
  @inlinable public static func hours(_ h: Int) -> Self { .hours(Int64(h)) }

  /// The duration closest to `s` seconds (halves round away from zero). NaN becomes zero;
  /// values beyond the range saturate. This is the one place where GSL's `Double` seconds become
  /// typed time, on the path of every variate, so the common case is a multiply, an add and a
  /// truncating conversion (`rounded()` would be a libm call).
  @inlinable @inline(__always) public static func seconds(_ s: Double) -> Self {
    let ns = s * 1e9
    if ns.magnitude < 9.2e18 { return Self(nanoseconds: Int64(ns + (ns < 0 ? -0.5 : 0.5))) }
    return ns.isNaN ? .zero : (ns > 0 ? .infinity : Self(nanoseconds: -.max))
  }

  /// Length in seconds (for statistics, random-variate parameters and output).
  @inlinable public var seconds: Double { Double(nanoseconds) * 1e-9 }

  @inlinable public static func < (a: Self, b: Self) -> Bool { a.nanoseconds < b.nanoseconds }
  @inlinable public static func + (a: Self, b: Self) -> Self { Self(nanoseconds: a.nanoseconds.addingSaturating(b.nanoseconds)) }
  @inlinable public static func - (a: Self, b: Self) -> Self { Self(nanoseconds: a.nanoseconds.addingSaturating(-b.nanoseconds)) }
  @inlinable public static func * (d: Self, k: Int64) -> Self { Self(nanoseconds: d.nanoseconds.multipliedSaturating(by: k)) }
  @inlinable public static func * (d: Self, k: Double) -> Self { .seconds(d.seconds * k) }
  @inlinable public static func / (d: Self, k: Int64) -> Self { Self(nanoseconds: d.nanoseconds / k) }

  /// The shortest unit spelling that represents the duration exactly, e.g. `250us`, `1.5s`, `2m`.
  public var description: String { DurationFormat.format(self) }
}

extension Int64 {
  @inlinable func multipliedSaturating(by k: Int64) -> Int64 {
    let (product, overflow) = multipliedReportingOverflow(by: k)
    return overflow ? ((self < 0) != (k < 0) ? -.max : .max) : product
  }
  @inlinable func addingSaturating(_ k: Int64) -> Int64 {
    let (sum, overflow) = addingReportingOverflow(k)
    return overflow ? (k < 0 ? -.max : .max) : sum
  }
}
