import SimCore

/// The time a scope's requests spent in each `RequestStage`: the exact sum per stage (for the
/// mean) and, for the percentiles, a histogram of the times that were not zero beside a count of
/// the zeros. Most requests spend nothing in most stages (no throttling, no queue, an open
/// connection), so a zero costs a comparison, not a histogram recording.
public struct StageStatistics: Sendable {
  /// One stage's times.
  struct Stage: Sendable {
    /// The sum of its times, and how many were not zero (nanoseconds, count).
    var sum: Int64 = 0
    var nonZeroCount: Int64 = 0
    /// The times that were not zero (2 significant digits: 1% is plenty for a breakdown, and
    /// 32 kB a histogram).
    var nonZero = LatencyHistogram(significantDigits: 2)
  }

  /// Requests recorded.
  public private(set) var count = 0
  /// Indexed by the stage's raw value.
  var stages = RequestStage.allCases.map { _ in Stage() }

  public init() {}

  /// Adds one request's stages.
  /// - Complexity: O(stages), a histogram recording per stage it spent time in; no allocation.
  mutating func record(_ durations: StageDurations) {
    count += 1
    withUnsafeBytes(of: durations.nanoseconds) { values in
      stages.withUnsafeMutableBufferPointer { stages in
        for index in stages.indices {
          let value = values.load(fromByteOffset: index * MemoryLayout<Int64>.stride, as: Int64.self)
          guard value > 0 else { continue }
          stages[index].sum &+= value
          stages[index].nonZeroCount &+= 1
          stages[index].nonZero.record(SimDuration(nanoseconds: value))
        }
      }
    }
  }

  /// Counts the values the stages' histograms still hold back (see `ScopeMetrics.flushHistograms`).
  mutating func flushHistograms() {
    for index in stages.indices { stages[index].nonZero.flush() }
  }

  /// Adds another scope's requests.
  mutating func merge(_ other: StageStatistics) {
    count += other.count
    for index in stages.indices {
      stages[index].sum &+= other.stages[index].sum
      stages[index].nonZeroCount &+= other.stages[index].nonZeroCount
      stages[index].nonZero.merge(other.stages[index].nonZero)
    }
  }

  /// The mean time in `stage`, seconds; NaN without requests.
  public func meanSeconds(_ stage: RequestStage) -> Double {
    count > 0 ? Double(stages[stage.rawValue].sum) / Double(count) * 1e-9 : .nan
  }

  /// The time in `stage` at percentile `p` (0 < p < 100) of every request, zeros included,
  /// seconds; NaN without requests. The rank is HdrHistogram's (`valueAtPercentile`: the
  /// ⌈p⁻ × n / 100⌉-th smallest, p⁻ the double just below p): zero when the zeros reach it, else
  /// the non-zero histogram's value at that rank among its own.
  public func percentileSeconds(_ stage: RequestStage, _ p: Double) -> Double {
    guard count > 0 else { return .nan }
    let rank = Swift.max(1, Int64((p.nextDown * Double(count) / 100).rounded(.up)))
    let nonZeroCount = stages[stage.rawValue].nonZeroCount, zeros = Int64(count) - nonZeroCount
    guard rank > zeros else { return 0 }
    // The percentile whose rank among the non-zero times is rank − zeros, with half a rank of margin.
    let within = 100 * (Double(rank - zeros) - 0.5) / Double(nonZeroCount)
    return stages[stage.rawValue].nonZero.percentile(within).seconds
  }
}
