import Testing
@testable import SimCore

@Suite("ConfidenceInterval")
struct StatisticsConfidenceIntervalTests {
  @Test("95 % Student-t interval of 1…5: mean 3, half-width t(0.975, 4)·√2.5/√5 = 1.963243")
  func oneToFive() throws {
    let ci = try #require(ConfidenceInterval.studentT(of: [1, 2, 3, 4, 5]))
    // sample sd = √2.5; t(0.975, 4) = 2.7764451 (tables); 2.7764451·√(2.5/5) = 1.9632432…
    #expect(ci.mean == 3)
    #expect(ci.count == 5)
    #expect(ci.level == 0.95)
    #expect(abs(ci.halfWidth - 1.963243) < 1e-6)
    #expect(abs(ci.low - 1.036757) < 1e-6)
    #expect(abs(ci.high - 4.963243) < 1e-6)
    #expect(ci.contains(1.04) && !ci.contains(1.03))
  }

  @Test("Student-t quantiles match printed tables")
  func tQuantiles() {
    // Hand values from a t table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
    #expect(abs(ConfidenceInterval.studentTQuantile(0.975, degreesOfFreedom: 4) - 2.7764451) < 1e-7)
    #expect(abs(ConfidenceInterval.studentTQuantile(0.975, degreesOfFreedom: 19) - 2.0930241) < 1e-7)
    #expect(abs(ConfidenceInterval.studentTQuantile(0.995, degreesOfFreedom: 9) - 3.2498355) < 1e-7)
    #expect(ConfidenceInterval.studentTQuantile(1.5, degreesOfFreedom: 3).isNaN)
    #expect(ConfidenceInterval.studentTQuantile(0.9, degreesOfFreedom: 0).isNaN)
  }

  @Test("a 99 % interval is wider than a 95 % one on the same data")
  func higherLevelIsWider() throws {
    let values = [1.0, 2, 3, 4, 5]
    let ci95 = try #require(ConfidenceInterval.studentT(of: values, level: 0.95))
    let ci99 = try #require(ConfidenceInterval.studentT(of: values, level: 0.99))
    // t(0.995, 4) = 4.6040949 (tables) → 4.6040949·√0.5 = 3.2555868
    #expect(abs(ci99.halfWidth - 3.2555868) < 1e-6)
    #expect(ci99.halfWidth > ci95.halfWidth)
  }

  @Test("fewer than two values, or a level outside (0, 1), give no interval")
  func tooFewValues() {
    #expect(ConfidenceInterval.studentT(of: []) == nil)
    #expect(ConfidenceInterval.studentT(of: [4.2]) == nil)
    #expect(ConfidenceInterval.studentT(of: [4.2, .nan]) == nil)   // NaN is ignored, one value left
    #expect(ConfidenceInterval.studentT(of: [1, 2], level: 1) == nil)
    #expect(ConfidenceInterval.studentT(of: [1, 2], level: 0) == nil)
    var one = Tally()
    one.add(4.2)
    #expect(ConfidenceInterval.studentT(of: one) == nil)
  }

  @Test("the interval from a Tally agrees with the one from the array")
  func tallyAgreesWithArray() throws {
    let values = [0.3, 1.9, 2.2, 0.7, 5.1, 3.3, 0.05]
    var tally = Tally()
    for x in values { tally.add(x) }
    let fromArray = try #require(ConfidenceInterval.studentT(of: values))
    let fromTally = try #require(ConfidenceInterval.studentT(of: tally))
    #expect(fromTally.count == 7)
    #expect(abs(fromTally.mean - fromArray.mean) < 1e-14)
    #expect(abs(fromTally.halfWidth - fromArray.halfWidth) < 1e-14)
  }

  @Test("identical values give a zero-width interval at their value")
  func constantValues() throws {
    let ci = try #require(ConfidenceInterval.studentT(of: [2.5, 2.5, 2.5]))
    #expect(ci.mean == 2.5 && ci.halfWidth == 0)
    #expect(ci.contains(2.5))
  }
}
