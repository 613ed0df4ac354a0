import Testing
@testable import SimCore

/// The instant `s` seconds after the start of the run.
private func at(_ s: Int64) -> SimTime { SimTime(nanoseconds: s * 1_000_000_000) }

@Suite("TimeWeightedStatistic")
struct StatisticsTimeWeightedTests {
  /// 0 on [0 s, 2 s), 3 on [2 s, 5 s), 1 on [5 s, …).
  private func trace() -> TimeWeightedStatistic {
    var q = TimeWeightedStatistic(initialValue: 0, at: .zero)
    q.record(3, at: at(2))
    q.record(1, at: at(5))
    return q
  }

  @Test("hand trace: mean over 10 s is (0·2 + 3·3 + 1·5)/10 = 1.4 and max is 3")
  func handTrace() {
    let q = trace()
    #expect(q.mean(upTo: at(10)) == 1.4)
    #expect(q.max == 3)
    #expect(q.current == 1)
  }

  @Test("mean up to an instant counts the current value only until that instant")
  func meanUpToEarlierEnd() {
    var q = TimeWeightedStatistic(initialValue: 0, at: .zero)
    q.record(3, at: at(2))
    #expect(q.mean(upTo: at(3)) == 1)     // (0·2 + 3·1)/3
    #expect(q.mean(upTo: at(5)) == 1.8)   // (0·2 + 3·3)/5
  }

  @Test("an empty window reports the current value")
  func emptyWindow() {
    let q = TimeWeightedStatistic(initialValue: 7, at: at(4))
    #expect(q.mean(upTo: at(4)) == 7)
    #expect(q.max == 7)
  }

  @Test("reset(at:) forgets the past and the old maximum but keeps the current value")
  func resetKeepsCurrentValue() {
    var q = trace()
    q.reset(at: at(6))
    #expect(q.max == 1)                   // the 3 held before the reset is forgotten
    #expect(q.mean(upTo: at(8)) == 1)
    q.record(4, at: at(8))
    #expect(q.mean(upTo: at(10)) == 2.5)  // (1·2 + 4·2)/4 over [6 s, 10 s)
    #expect(q.max == 4)
    #expect(q.start == at(6))
  }

  @Test("several records at the same instant: only the last one holds")
  func sameInstantRecords() {
    var q = TimeWeightedStatistic()
    q.record(100, at: at(1))
    q.record(2, at: at(1))
    #expect(q.mean(upTo: at(2)) == 1)     // (0·1 + 2·1)/2; the 100 held for no time
    #expect(q.max == 100)                 // but it was the value, for an instant
  }

  @Test("a NaN value is ignored, the previous value keeps holding, and it is counted")
  func nanIsIgnored() {
    var q = TimeWeightedStatistic(initialValue: 2)
    q.record(.nan, at: at(1))
    #expect(q.nanCount == 1)
    #expect(q.current == 2)
    #expect(q.mean(upTo: at(4)) == 2)
  }
}
