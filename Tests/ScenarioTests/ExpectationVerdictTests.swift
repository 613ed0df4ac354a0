import Testing
import AggregationModel
import Scenario
import SimCore

/// `expect:` bounds a figure over the replications (`over:`); the mean is judged by its whole
/// confidence interval, and straddling the bound is inconclusive (issue 12 item 1).
@Suite("Expectations over replications")
struct ExpectationVerdictTests {
  static func expectation(min: Double? = nil, max: Double? = nil, over: ExpectationAggregate = .mean,
                          confidence: Double? = 0.95) -> Scenario.Expectation {
    let location = SourceLocation(file: "lab.yaml", line: 1, column: 1, keyPath: "spec.expect[0]")
    return Scenario.Expectation(metric: .latencyMax, scope: .all, min: min, max: max, over: over, confidence: confidence, location: location)
  }

  /// Five replications: mean 130, sample s.d. √(250) = 15.81, t(0.975, 4) = 2.776, so the 95%
  /// interval is 130 ± 2.776 · 15.81 / √5 = 130 ± 19.63 = [110.37, 149.63].
  static let values = [110.0, 120, 130, 140, 150]

  @Test("the mean passes only when its whole 95% interval meets the bound; straddling it is inconclusive, missing it entirely fails")
  func meanByInterval() throws {
    let pass = try #require(ExpectationVerdict.judge(Self.expectation(max: 150), values: Self.values))
    #expect(pass.outcome == .pass)
    #expect(pass.figure == 130)
    let interval = try #require(pass.interval)
    #expect(abs(interval.low - 110.3668) < 1e-3 && abs(interval.high - 149.6332) < 1e-3)
    #expect(ExpectationVerdict.judge(Self.expectation(max: 135), values: Self.values)?.outcome == .inconclusive)
    #expect(ExpectationVerdict.judge(Self.expectation(max: 120), values: Self.values)?.outcome == .inconclusive)
    #expect(ExpectationVerdict.judge(Self.expectation(max: 110), values: Self.values)?.outcome == .fail)
    #expect(ExpectationVerdict.judge(Self.expectation(min: 111), values: Self.values)?.outcome == .inconclusive)
  }

  @Test("confidence: none judges the mean alone (the old rule); a 99% interval is wider than the 95% one")
  func confidenceLevels() {
    #expect(ExpectationVerdict.judge(Self.expectation(max: 135, confidence: nil), values: Self.values)?.outcome == .pass)
    // t(0.995, 4) = 4.604: 130 ± 32.55 → the bound 150 is now inside the interval.
    #expect(ExpectationVerdict.judge(Self.expectation(max: 150, confidence: 0.99), values: Self.values)?.outcome == .inconclusive)
  }

  @Test("the newly failing worst case: 5 of 10 namespaces over 120 s fail 'over: max' and 'over: every', whatever the mean")
  func worstCase() {
    let terminating = [95.0, 101, 99, 134, 147, 140, 98, 102, 139, 143]  // mean 119.8
    #expect(ExpectationVerdict.judge(Self.expectation(max: 120, confidence: nil), values: terminating)?.outcome == .pass)
    let max = ExpectationVerdict.judge(Self.expectation(max: 120, over: .max), values: terminating)
    #expect(max?.outcome == .fail && max?.figure == 147)
    let every = ExpectationVerdict.judge(Self.expectation(max: 120, over: .every), values: terminating)
    #expect(every?.outcome == .fail && every?.figure == 134)  // the first replication past the bound, in sorted order
    #expect(ExpectationVerdict.judge(Self.expectation(max: 150, over: .every), values: terminating)?.figure == 147)
    #expect(ExpectationVerdict.judge(Self.expectation(min: 95, over: .min), values: terminating)?.outcome == .pass)
  }

  @Test("quantile(q) interpolates between order statistics (type 7): q = 0.9 of 1…10 is 9.1")
  func quantile() {
    let values = (1...10).map(Double.init)
    #expect(ExpectationVerdict.judge(Self.expectation(max: 9.1, over: .quantile(0.9)), values: values)?.figure == 9.1)
    #expect(ExpectationVerdict.judge(Self.expectation(max: 9, over: .quantile(0.9)), values: values)?.outcome == .fail)
    #expect(ExpectationVerdict.judge(Self.expectation(max: 5.5, over: .quantile(0.5)), values: values)?.outcome == .pass)
  }

  @Test("over and confidence are read, and bad values are located errors")
  func reading() throws {
    let yaml = minimalModel(extra: """
      expect:
        - {metric: latency_max_s, scope: all, max: 1, over: quantile(0.9)}
        - {metric: latency_max_s, scope: all, max: 1, over: every}
        - {metric: latency_max_s, scope: all, max: 1, confidence: none}
    """)
    let file = try ScenarioLoader.aggsim.load(yaml: yaml, file: "lab.yaml")
    #expect(file.expectations.map(\.over) == [.quantile(0.9), .every, .mean])
    #expect(file.expectations.map(\.confidence) == [0.95, 0.95, nil])
    let bad = modelProblems(minimalModel(extra: """
      expect:
        - {metric: latency_max_s, scope: all, max: 1, over: quantile(1.5)}
        - {metric: latency_max_s, scope: all, max: 1, over: max, confidence: 0.99}
    """))
    #expect(bad.count == 2)
    #expect(bad.first?.contains("spec.expect[0].over: expected one of mean, max, min, every, quantile(q) with 0 < q < 1") == true, "\(bad)")
    #expect(bad.last?.contains("spec.expect[1].confidence: expected no confidence") == true, "\(bad)")
  }
}
