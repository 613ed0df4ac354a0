internal import Histogram

/// The distribution of a latency (a `SimDuration`), kept as an HdrHistogram so that any
/// percentile can be read at the end with bounded relative error, in memory fixed at creation.
///
/// Values are recorded in integer nanoseconds. With `significantDigits` = d, a recorded value
/// and the value reported for it differ by less than 10^−d relative (3 digits: 0.1 %, e.g.
/// ±1 ms at 1 s). `count`, `min`, `max` and `mean` are exact (kept beside the histogram), only
/// percentiles are bucketed.
///
/// Out-of-range input never traps:
/// - a value above `highest` is recorded as `highest` and counted in `clampedCount`, so it still
///   weighs in every percentile (a p99 equal to `highest` means "at least `highest`");
/// - a negative duration is recorded as zero and counted in `negativeCount`.
///
/// Histograms merge exactly (`merge(_:)` adds bucket counts), so replications can each keep one
/// and pool them. Memory: about 8 B × 1024 × (log₂(`highest` in ns) − 10) for 3 digits, ≈ 270 kB
/// for the default 1 h range; allocated once in `init`.
///
/// **Deferred bucket counts.** `record(_:)` keeps the exact statistics at once but adds a value
/// to its bucket only when `pendingCapacity` values have gathered, all of them in one loop. A
/// bucket of a 270 kB histogram is rarely in the cache (a model records into dozens of them),
/// and one at a time each recording waited for its own cache miss; in a loop the misses overlap.
/// Every read sees the pending values (the buckets counted are the same whatever the order), so
/// the deferral is invisible: `flush()` only saves the copy a read of a histogram with pending
/// values makes.
///
/// - Complexity: `record(_:)` is O(1) and never allocates; `percentile(_:)` is O(buckets).
public struct LatencyHistogram: Sendable, Equatable {
  /// Values recorded but not yet added to their buckets, at most this many.
  static var pendingCapacity: Int { 32 }
  private var histogram: Histogram<UInt64>
  private var pending = InlineArray<32, UInt64>(repeating: 0)
  private var pendingCount = 0
  /// The largest duration recorded as itself; larger ones are recorded as this value.
  public let highest: SimDuration
  /// Number of recorded durations that exceeded `highest` and were recorded as `highest`.
  public private(set) var clampedCount: Int = 0
  /// Number of recorded durations that were negative and were recorded as zero.
  public private(set) var negativeCount: Int = 0
  private var sumHigh: UInt64 = 0
  private var sumLow: UInt64 = 0
  private var smallest: Int64 = .max
  private var largest: Int64 = 0

  /// An empty histogram for durations from 1 ns up to `highest`, keeping `significantDigits`
  /// decimal digits of resolution. `significantDigits` is clamped to 0…5 and `highest` to at
  /// least 2 ns (HdrHistogram's limits) rather than trapping.
  public init(significantDigits: Int = 3, highest: SimDuration = .hours(1)) {
    let digits = SignificantDigits(rawValue: Int8(Swift.min(Swift.max(significantDigits, 0), 5)))!
    let top = Swift.max(highest.nanoseconds, 2)
    self.highest = SimDuration(nanoseconds: top)
    histogram = Histogram<UInt64>(
      lowestDiscernibleValue: 1, highestTrackableValue: UInt64(top), numberOfSignificantValueDigits: digits)
  }

  /// Records one latency `d` (negative → 0, above `highest` → `highest`; both counted).
  /// - Complexity: O(1), no allocation.
  public mutating func record(_ d: SimDuration) {
    var ns = d.nanoseconds
    if ns < 0 {
      ns = 0
      negativeCount += 1
    } else if ns > highest.nanoseconds {
      ns = highest.nanoseconds
      clampedCount += 1
    }
    pending[pendingCount] = UInt64(ns)
    pendingCount &+= 1
    if pendingCount == Self.pendingCapacity { flush() }
    addToSum(high: 0, low: UInt64(ns))
    if ns < smallest { smallest = ns }
    if ns > largest { largest = ns }
  }

  /// The latency at percentile `p` (0…100): the largest bucketed value that at least `p` % of
  /// recordings are at or below, within the histogram's relative precision, and never outside
  /// `min…max`. `p` outside 0…100 is clamped, NaN is taken as 0. Zero when empty.
  public func percentile(_ p: Double) -> SimDuration {
    guard count > 0 else { return .zero }
    let clamped = p.isNaN ? 0 : Swift.min(Swift.max(p, 0), 100)
    return SimDuration(nanoseconds: Int64(counted.valueAtPercentile(clamped)))
  }

  /// Adds the pending values to their buckets (reads do not need it: see the type's doc).
  public mutating func flush() {
    for index in 0..<pendingCount { histogram.record(pending[index]) }
    pendingCount = 0
  }

  /// The histogram with every value in its bucket: itself, or a flushed copy.
  private var counted: Histogram<UInt64> {
    guard pendingCount > 0 else { return histogram }
    var copy = self
    copy.flush()
    return copy.histogram
  }

  /// Number of latencies recorded (including clamped ones).
  public var count: Int { Int(histogram.totalCount) + pendingCount }

  /// The largest latency recorded, exactly (after clamping); zero when empty.
  public var max: SimDuration { count == 0 ? .zero : SimDuration(nanoseconds: largest) }

  /// The smallest latency recorded, exactly (after clamping); zero when empty.
  public var min: SimDuration { count == 0 ? .zero : SimDuration(nanoseconds: smallest) }

  /// The arithmetic mean of the recorded latencies (after clamping), rounded to the nearest
  /// nanosecond; zero when empty. The sum is kept exactly in 128 bits.
  public var mean: SimDuration {
    guard count > 0 else { return .zero }
    let sum = Double(sumHigh) * 0x1p64 + Double(sumLow)
    return .seconds(sum / Double(count) * 1e-9)
  }

  /// Adds every recording of `other` to this histogram. With the same resolution and a range no
  /// wider than this one's, this is exact (bucket counts are added). Otherwise `other`'s buckets
  /// are re-recorded at their midpoints: no trap, but percentiles carry both histograms' errors.
  /// Recordings of `other` above this `highest` are clamped and counted as in `record(_:)`
  /// (the mean then uses the bucket midpoints of `other`).
  public mutating func merge(_ other: LatencyHistogram) {
    flush()
    let otherHistogram = other.counted
    clampedCount += other.clampedCount
    negativeCount += other.negativeCount
    guard other.count > 0 else { return }
    let top = UInt64(highest.nanoseconds)
    if otherHistogram.numberOfSignificantValueDigits == histogram.numberOfSignificantValueDigits
      && other.highest <= highest
    {
      histogram.add(otherHistogram)
    } else {
      for bucket in otherHistogram.recordedValues() {
        let representative = otherHistogram.medianEquivalentForValue(bucket.value)
        if representative > top { clampedCount += Int(bucket.count) }
        histogram.record(Swift.min(representative, top), count: bucket.count)
      }
    }
    if other.largest <= highest.nanoseconds {
      addToSum(high: other.sumHigh, low: other.sumLow)
    } else {
      for bucket in otherHistogram.recordedValues() {
        let value = Swift.min(otherHistogram.medianEquivalentForValue(bucket.value), top)
        let product = value.multipliedFullWidth(by: bucket.count)
        addToSum(high: product.high, low: product.low)
      }
    }
    smallest = Swift.min(smallest, Swift.min(other.smallest, highest.nanoseconds))
    largest = Swift.max(largest, Swift.min(other.largest, highest.nanoseconds))
  }

  private mutating func addToSum(high: UInt64, low: UInt64) {
    let (newLow, carry) = sumLow.addingReportingOverflow(low)
    sumLow = newLow
    sumHigh &+= high &+ (carry ? 1 : 0)
  }

  /// Forgets every recording (for example at the end of a warm-up period); keeps the range.
  public mutating func reset() {
    histogram.reset()
    pendingCount = 0
    clampedCount = 0
    negativeCount = 0
    sumHigh = 0
    sumLow = 0
    smallest = .max
    largest = 0
  }

  public static func == (a: LatencyHistogram, b: LatencyHistogram) -> Bool {
    a.counted == b.counted && a.highest == b.highest && a.clampedCount == b.clampedCount
      && a.negativeCount == b.negativeCount && a.sumHigh == b.sumHigh && a.sumLow == b.sumLow
      && a.smallest == b.smallest && a.largest == b.largest
  }
}
