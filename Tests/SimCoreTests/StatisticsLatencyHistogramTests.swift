import Testing
@testable import SimCore

@Suite("LatencyHistogram")
struct StatisticsLatencyHistogramTests {
  /// 3 significant digits: a reported value is within 0.1 % of the value it stands for.
  private let relativePrecision = 1e-3

  private func milliseconds(_ range: ClosedRange<Int64>, where keep: (Int64) -> Bool = { _ in true }) -> LatencyHistogram {
    var h = LatencyHistogram()
    for ms in range where keep(ms) { h.record(.milliseconds(ms)) }
    return h
  }

  private func isClose(_ d: SimDuration, toMilliseconds ms: Double) -> Bool {
    abs(d.seconds * 1e3 - ms) <= relativePrecision * ms
  }

  @Test("percentiles of 1…10000 ms are within 0.1 % of the exact order statistics")
  func percentilesOfUniformGrid() {
    let h = milliseconds(1...10_000)
    #expect(h.count == 10_000)
    #expect(isClose(h.percentile(50), toMilliseconds: 5_000))
    #expect(isClose(h.percentile(99), toMilliseconds: 9_900))
    #expect(isClose(h.percentile(99.9), toMilliseconds: 9_990))
    // Pinned: HdrHistogram reports the top of the bucket holding the order statistic. Between
    // 2^32 and 2^33 ns buckets are 2^22 ns (≈ 4.2 ms) wide: 5000 ms lies in [1192, 1193)·2^22 ns.
    #expect(h.percentile(50).nanoseconds == 1193 << 22 - 1)   // 5 003 804 671 ns, +0.076 %
    #expect(h.percentile(99).nanoseconds == 2362 << 22 - 1)   // 9 906 946 047 ns, +0.070 %
    #expect(h.percentile(0) == .milliseconds(1))
    #expect(h.percentile(100) == .milliseconds(10_000))
  }

  @Test("min, max and mean are exact, not bucketed")
  func exactSummary() {
    let h = milliseconds(1...10_000)
    #expect(h.min == .milliseconds(1))
    #expect(h.max == .milliseconds(10_000))
    #expect(h.mean == .microseconds(5_000_500))   // (1 + 10000)/2 ms
  }

  @Test("merging the odd and even halves equals recording all values in one histogram")
  func mergeEqualsRecordingBoth() {
    let whole = milliseconds(1...10_000)
    var odd = milliseconds(1...10_000) { $0 % 2 == 1 }
    let even = milliseconds(1...10_000) { $0 % 2 == 0 }
    odd.merge(even)
    #expect(odd == whole)
    #expect(odd.percentile(50) == whole.percentile(50))
    #expect(odd.mean == whole.mean)
  }

  /// Recordings wait in a small buffer before their buckets are counted (`LatencyHistogram`'s
  /// deferred bucket counts): every read must see them, flushed or not.
  @Test("values still waiting for their bucket count in every read: count, percentiles, merge, equality", arguments: [1, 31, 32, 33, 100])
  func pendingValuesCountInEveryRead(values: Int) {
    var pending = LatencyHistogram()
    for ms in 1...Int64(values) { pending.record(.milliseconds(ms * 7 % 1_000 + 1)) }
    var flushed = pending
    flushed.flush()
    #expect(pending.count == values && flushed.count == values)
    for p in [0.0, 50, 90, 99, 100] { #expect(pending.percentile(p) == flushed.percentile(p)) }
    #expect(pending == flushed)
    var merged = LatencyHistogram(), mergedFlushed = LatencyHistogram()
    merged.record(.seconds(2))
    mergedFlushed.record(.seconds(2))
    merged.merge(pending)
    mergedFlushed.merge(flushed)
    #expect(merged.count == values + 1)
    #expect(merged.percentile(100) == .seconds(2) && merged.percentile(99.99) == mergedFlushed.percentile(99.99))
    #expect(merged == mergedFlushed)
    pending.reset()
    #expect(pending.count == 0 && pending == LatencyHistogram())
  }

  @Test("merging histograms of different precision does not trap and keeps counts")
  func mergeDifferentPrecision() {
    var coarse = LatencyHistogram(significantDigits: 2, highest: .seconds(Int64(10)))
    var fine = LatencyHistogram(significantDigits: 3, highest: .seconds(Int64(20)))
    coarse.record(.milliseconds(100))
    fine.record(.milliseconds(200))
    fine.record(.seconds(Int64(15)))     // above coarse's range: clamped to 10 s when merged
    coarse.merge(fine)
    #expect(coarse.count == 3)
    #expect(coarse.clampedCount == 1)
    #expect(coarse.max == .seconds(Int64(10)))
  }

  @Test("values above `highest` are recorded as `highest` and counted; negative ones as zero")
  func clamping() {
    var h = LatencyHistogram(highest: .seconds(Int64(1)))
    h.record(.seconds(Int64(2)))
    h.record(.milliseconds(500))
    h.record(.milliseconds(-1))
    #expect(h.count == 3)
    #expect(h.clampedCount == 1)
    #expect(h.negativeCount == 1)
    #expect(h.max == .seconds(Int64(1)))
    #expect(h.min == .zero)
    #expect(h.percentile(100) == .seconds(Int64(1)))
    #expect(h.mean == .milliseconds(500))    // (1000 + 500 + 0)/3 ms
  }

  @Test("an empty histogram reports zero for every summary, and reset empties it")
  func emptyAndReset() {
    var h = LatencyHistogram()
    #expect(h.count == 0 && h.percentile(99) == .zero && h.mean == .zero && h.max == .zero && h.min == .zero)
    h.record(.milliseconds(3))
    h.reset()
    #expect(h == LatencyHistogram())
  }

  @Test("percentile arguments outside 0…100 are clamped")
  func percentileArgumentClamped() {
    let h = milliseconds(1...100)
    #expect(h.percentile(150) == .milliseconds(100))
    #expect(h.percentile(-5) == .milliseconds(1))
    #expect(h.percentile(.nan) == .milliseconds(1))
  }
}
