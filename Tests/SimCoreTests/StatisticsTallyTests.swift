import Testing
@testable import SimCore

@Suite("Tally")
struct StatisticsTallyTests {
  @Test("mean, sample variance, min and max of a hand-written list are exact")
  func handWrittenList() {
    var tally = Tally()
    for x in [2.0, 4, 4, 4, 5, 5, 7, 9] { tally.add(x) }
    // Σx = 40, mean 5; Σ(x − 5)² = 9+1+1+1+0+0+4+16 = 32; sample variance 32/7.
    #expect(tally.count == 8)
    #expect(tally.mean == 5)
    #expect(abs(tally.variance - 32.0 / 7.0) <= 1e-15 * (32.0 / 7.0))
    #expect(abs(tally.standardDeviation - (32.0 / 7.0).squareRoot()) <= 1e-15 * 2.14)
    #expect(tally.min == 2)
    #expect(tally.max == 9)
  }

  @Test("merging the tallies of two halves equals the tally of the whole")
  func mergeOfHalvesEqualsWhole() {
    // A deterministic series with a large mean and a small spread (a hard case for naive sums).
    let xs = (0..<1001).map { i in 1e6 + Double((i * 7919) % 1000) / 7.0 }
    var whole = Tally(), first = Tally(), second = Tally()
    for x in xs { whole.add(x) }
    for x in xs[..<400] { first.add(x) }
    for x in xs[400...] { second.add(x) }
    first.merge(second)
    #expect(first.count == whole.count)
    #expect(first.min == whole.min)
    #expect(first.max == whole.max)
    #expect(abs(first.mean - whole.mean) <= 1e-12 * abs(whole.mean))
    #expect(abs(first.variance - whole.variance) <= 1e-12 * whole.variance)
    #expect(whole.variance > 1000)  // the spread is real: (0…999/7) has variance ≈ 1700
  }

  @Test("an empty tally reports NaN for mean, min, max and variance, and equals another empty tally")
  func emptyConventions() {
    let empty = Tally()
    #expect(empty.count == 0)
    #expect(empty.mean.isNaN)
    #expect(empty.variance.isNaN)
    #expect(empty.standardDeviation.isNaN)
    #expect(empty.min.isNaN)
    #expect(empty.max.isNaN)
    #expect(empty == Tally())
  }

  @Test("one observation has a mean but no variance")
  func singleObservation() {
    var tally = Tally()
    tally.add(-3.5)
    #expect(tally.mean == -3.5)
    #expect(tally.min == -3.5 && tally.max == -3.5)
    #expect(tally.variance.isNaN)
  }

  @Test("merging with an empty tally changes nothing, in either direction")
  func mergeWithEmpty() {
    var tally = Tally()
    for x in [1.0, 2, 6] { tally.add(x) }
    var a = tally
    a.merge(Tally())
    #expect(a == tally)
    var b = Tally()
    b.merge(tally)
    #expect(b == tally)
  }

  @Test("NaN and infinite observations are ignored and counted")
  func nonFiniteObservationsAreIgnored() {
    var tally = Tally()
    for x in [1.0, .nan, 3, .infinity, -.infinity] { tally.add(x) }
    #expect(tally.count == 2)
    #expect(tally.nonFiniteCount == 3)
    #expect(tally.mean == 2)
    #expect(tally.variance == 2)
  }

  @Test("reset forgets every observation")
  func resetForgets() {
    var tally = Tally()
    for x in [1.0, .nan, 3] { tally.add(x) }
    tally.reset()
    #expect(tally == Tally())
  }
}
