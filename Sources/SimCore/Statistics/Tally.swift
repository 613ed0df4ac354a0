/// Running count, mean, variance, minimum and maximum of a series of observations, in the
/// observations' own unit (seconds, bytes, requests …), without storing them.
///
/// Updates use Welford's algorithm (Welford 1962), which stays accurate when the mean is large
/// compared with the spread; `merge(_:)` combines two tallies exactly as if one had seen every
/// observation of both (Chan, Golub & LeVeque 1979), so per-replication or per-thread tallies
/// can be pooled in any order up to floating-point rounding.
///
/// Non-finite observations (NaN, ±∞) carry no information about a mean and would poison every
/// later value, so `add(_:)` ignores them and counts them in `nonFiniteCount` instead.
///
/// Conventions for too few observations: with `count == 0`, `mean`, `min` and `max` are NaN;
/// with `count < 2`, `variance` and `standardDeviation` are NaN. Two empty tallies compare
/// equal (NaN is never stored, only reported).
///
/// - Complexity: O(1) time and memory per operation; `add(_:)` never allocates.
public struct Tally: Hashable, Sendable {
  // Stored state is `@usableFromInline` so that `add(_:)` is inlined into the models that call
  // it on every event (a cross-module call per observation otherwise).
  @usableFromInline var storedCount: Int = 0
  @usableFromInline var storedNonFiniteCount: Int = 0
  @usableFromInline var runningMean: Double = 0
  /// Sum of squared deviations from the running mean (Welford's M2).
  @usableFromInline var sumOfSquaredDeviations: Double = 0
  @usableFromInline var smallest: Double = .infinity
  @usableFromInline var largest: Double = -.infinity

  /// Number of finite observations added.
  @inlinable public var count: Int { storedCount }
  /// Number of observations that were NaN or infinite and so were ignored.
  @inlinable public var nonFiniteCount: Int { storedNonFiniteCount }

  /// An empty tally.
  public init() {}

  /// Adds one observation `x`; NaN and ±∞ are ignored and counted in `nonFiniteCount`.
  /// - Complexity: O(1), no allocation.
  @inlinable public mutating func add(_ x: Double) {
    guard x.isFinite else {
      storedNonFiniteCount += 1
      return
    }
    storedCount += 1
    let delta = x - runningMean
    runningMean += delta / Double(count)
    sumOfSquaredDeviations += delta * (x - runningMean)
    if x < smallest { smallest = x }
    if x > largest { largest = x }
  }

  /// Arithmetic mean of the observations; NaN when there are none.
  public var mean: Double { count == 0 ? .nan : runningMean }

  /// Unbiased sample variance (divisor `count - 1`), in the observations' unit squared;
  /// NaN when `count < 2`.
  public var variance: Double { count < 2 ? .nan : sumOfSquaredDeviations / Double(count - 1) }

  /// Sample standard deviation, the square root of `variance`; NaN when `count < 2`.
  public var standardDeviation: Double { variance.squareRoot() }

  /// Smallest observation; NaN when there are none.
  public var min: Double { count == 0 ? .nan : smallest }

  /// Largest observation; NaN when there are none.
  public var max: Double { count == 0 ? .nan : largest }

  /// Adds every observation of `other` to this tally (Chan et al.'s pairwise update).
  /// - Complexity: O(1).
  public mutating func merge(_ other: Tally) {
    storedNonFiniteCount += other.nonFiniteCount
    guard other.count > 0 else { return }
    guard count > 0 else {
      let ignored = nonFiniteCount
      self = other
      storedNonFiniteCount = ignored
      return
    }
    let n1 = Double(count), n2 = Double(other.count)
    let n = n1 + n2
    let delta = other.runningMean - runningMean
    runningMean += delta * (n2 / n)
    sumOfSquaredDeviations += other.sumOfSquaredDeviations + delta * delta * (n1 * n2 / n)
    storedCount += other.count
    smallest = Swift.min(smallest, other.smallest)
    largest = Swift.max(largest, other.largest)
  }

  /// Forgets every observation (for example at the end of a warm-up period).
  public mutating func reset() { self = Tally() }
}
