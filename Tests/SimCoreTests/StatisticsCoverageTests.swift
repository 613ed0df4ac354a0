import Testing
@testable import SimCore

@Suite("Confidence interval coverage")
struct StatisticsCoverageTests {
  @Test("95 % Student-t intervals of Exp(1 s) samples cover the true mean about 95 % of the time")
  func exponentialCoverage() throws {
    let trueMean = 1.0
    var covered = 0
    for seed in UInt32(1)...200 {
      let stream = RandomStream(seed: seed)
      var tally = Tally()
      for _ in 0..<50 { tally.add(stream.exponential(mean: .seconds(Int64(1))).seconds) }
      let ci = try #require(ConfidenceInterval.studentT(of: tally))
      if ci.contains(trueMean) { covered += 1 }
    }
    // Under exact 95 % coverage the count is Binomial(200, 0.95): mean 190, sd 3.08, and
    // 180…199 holds 99.9 % of its mass (99.88 %: P(X ≤ 179) = 0.00116, P(X = 200) = 0.00004). (The t interval is slightly anti-conservative for
    // skewed Exp data at n = 50, so a count in the low 180s would not be alarming either.)
    #expect((180...199).contains(covered))
    // Pinned at seeds 1…200 (MT19937, exponential by inversion): a change here means the random
    // streams or the interval changed.
    #expect(covered == 193)
  }
}
