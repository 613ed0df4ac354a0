/// A quantity that is piecewise constant over simulated time, such as a queue length, the
/// number of busy workers or the number of requests in flight: its time-weighted mean and its
/// maximum.
///
/// The value set by `record(_:at:)` holds from that instant until the next record. The mean
/// over `[start, end)` is `∫ value dt / (end − start)`, in the value's own unit (a mean queue
/// length in requests, not request-seconds). Time is integrated in integer nanoseconds, so a
/// hand trace gives exact answers.
///
/// A NaN value is ignored (the previous value continues to hold) and counted in `nanCount`,
/// so bad input never poisons the mean. Infinite values are recorded as given.
///
/// - Complexity: O(1) time and memory per operation; `record(_:at:)` never allocates.
public struct TimeWeightedStatistic: Hashable, Sendable {
  /// The value in force since the last `record(_:at:)` (or since `init`).
  public private(set) var current: Double
  /// The largest value in force at any time since the start or the last `reset(at:)`
  /// (the value current at a reset counts).
  public private(set) var max: Double
  /// The start of the observation window: the `init` time or the last `reset(at:)`.
  public private(set) var start: SimTime
  /// Time of the last change (or of the start).
  public private(set) var lastChange: SimTime
  /// Number of NaN values that `record(_:at:)` ignored.
  public private(set) var nanCount: Int = 0
  /// `∫ value dt` over `[start, lastChange)`, in value × nanoseconds.
  private var area: Double = 0

  /// Starts observing at `start` with the quantity equal to `initialValue` (a NaN initial value
  /// is taken as 0 and counted in `nanCount`).
  public init(initialValue: Double = 0, at start: SimTime = .zero) {
    let value = initialValue.isNaN ? 0 : initialValue
    current = value
    max = value
    self.start = start
    lastChange = start
    if initialValue.isNaN { nanCount = 1 }
  }

  /// Records that the quantity becomes `value` at `time`.
  ///
  /// - Precondition: `time` is not earlier than the previous record or reset (a programming error
  ///   in the model, not bad input).
  /// - Complexity: O(1), no allocation.
  public mutating func record(_ value: Double, at time: SimTime) {
    precondition(time >= lastChange, "TimeWeightedStatistic.record: time \(time) is before the last change at \(lastChange)")
    guard !value.isNaN else {
      nanCount += 1
      return
    }
    area += current * Double(time.nanoseconds - lastChange.nanoseconds)
    current = value
    lastChange = time
    if value > max { max = value }
  }

  /// The time-weighted mean over `[start, end)`, with the current value holding until `end`.
  /// When `end == start` (an empty window) this is the current value.
  ///
  /// - Precondition: `end` is not earlier than the last record or reset.
  public func mean(upTo end: SimTime) -> Double {
    precondition(end >= lastChange, "TimeWeightedStatistic.mean(upTo:): end \(end) is before the last change at \(lastChange)")
    let window = Double(end.nanoseconds - start.nanoseconds)
    guard window > 0 else { return current }
    let total = area + current * Double(end.nanoseconds - lastChange.nanoseconds)
    return total / window
  }

  /// Forgets everything before `time` (the end of a warm-up period) while keeping the current
  /// value, which continues to hold from `time`; `max` restarts at the current value.
  ///
  /// - Precondition: `time` is not earlier than the last record or reset.
  public mutating func reset(at time: SimTime) {
    precondition(time >= lastChange, "TimeWeightedStatistic.reset(at:): time \(time) is before the last change at \(lastChange)")
    start = time
    lastChange = time
    area = 0
    max = current
  }
}
