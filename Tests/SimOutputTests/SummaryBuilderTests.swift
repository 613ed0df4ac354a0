import SimCore
import Testing
@testable import SimOutput

@Suite("Summary rows")
struct SummaryBuilderTests {
  /// For 2 degrees of freedom the quantile has a closed form, t(p) = (2p − 1) · √(2 / (1 − (2p − 1)²)),
  /// so t(0.975, 2) = 0.95 · √(2 / 0.0975) = 4.3026527297494638523… (40-digit decimal
  /// arithmetic; SciPy's `t.ppf(0.975, 2)` agrees). GSL returns 4.302652729749462, within 2 ulp.
  /// The often-quoted 4.302652729911275 is wrong from the 10th significant digit.
  @Test("t(0.975, 2) from GSL is 4.302652729749462, within 2 ulp of the closed form 0.95 · √(2 / 0.0975)")
  func studentTQuantile() {
    let closedForm = 0.95 * (2 / (1 - 0.95 * 0.95)).squareRoot()
    #expect(closedForm == 4.302652729749463)
    let gsl = ConfidenceInterval.studentTQuantile(0.975, degreesOfFreedom: 2)
    #expect(gsl == 4.302652729749462)
    #expect(abs(gsl - closedForm) <= 2 * closedForm.ulp)
  }

  @Test("three replications give one row each and an `all` row with mean, 95% Student-t interval, min and max")
  func threeReplications() {
    var builder = SummaryBuilder()
    builder.add(scopeKind: "client", scope: "kubectl", metric: "latency_p99", unit: "s", values: [2, 4, 6])
    builder.add(
      scopeKind: "api_service", scope: "v1beta1.metrics.k8s.io", metric: "throughput", unit: "1/s",
      values: [10, 10, 10])
    #expect(
      builder.table().rendered() == """
        sweep_point,replication,scope_kind,scope,metric,unit,value,mean,ci95_low,ci95_high,n,min,max
        0,0,api_service,v1beta1.metrics.k8s.io,throughput,1/s,10.0,,,,,,
        0,1,api_service,v1beta1.metrics.k8s.io,throughput,1/s,10.0,,,,,,
        0,2,api_service,v1beta1.metrics.k8s.io,throughput,1/s,10.0,,,,,,
        0,all,api_service,v1beta1.metrics.k8s.io,throughput,1/s,,10.0,10.0,10.0,3,10.0,10.0
        0,0,client,kubectl,latency_p99,s,2.0,,,,,,
        0,1,client,kubectl,latency_p99,s,4.0,,,,,,
        0,2,client,kubectl,latency_p99,s,6.0,,,,,,
        0,all,client,kubectl,latency_p99,s,,4.0,-0.9682754235006596,8.96827542350066,3,2.0,6.0

        """)
  }

  @Test("the `all` interval of 2, 4, 6 is 4 ± t(0.975, 2) · √(4/3) with the closed-form t")
  func intervalByHand() throws {
    var builder = SummaryBuilder()
    builder.add(scopeKind: "client", scope: "kubectl", metric: "latency_p99", unit: "s", values: [2, 4, 6])
    let all = try #require(builder.rows().last)
    let halfWidth = 0.95 * (2 / (1 - 0.95 * 0.95)).squareRoot() * (4.0 / 3.0).squareRoot()
    guard case .number(let low) = all[8], case .number(let high) = all[9] else {
      Issue.record("no interval in \(all)")
      return
    }
    #expect(abs(low - (4 - halfWidth)) < 1e-14)
    #expect(abs(high - (4 + halfWidth)) < 1e-14)
    #expect(all[7] == .number(4.0))
    #expect(all[10] == .integer(3))
  }

  @Test("rows sort by sweep point, scope kind, scope, metric whatever order metrics were added in")
  func deterministicOrder() {
    let inputs: [(Int, String, String, String)] = [
      (1, "client", "a", "m"), (0, "pod", "p-0", "utilisation"), (0, "client", "b", "latency_p50"),
      (0, "client", "a", "latency_p99"), (0, "client", "a", "latency_p50"),
    ]
    var forward = SummaryBuilder(), backward = SummaryBuilder()
    for (p, kind, scope, metric) in inputs {
      forward.add(sweepPoint: p, scopeKind: kind, scope: scope, metric: metric, unit: "s", values: [1])
    }
    for (p, kind, scope, metric) in inputs.reversed() {
      backward.add(sweepPoint: p, scopeKind: kind, scope: scope, metric: metric, unit: "s", values: [1])
    }
    #expect(forward.table().rendered() == backward.table().rendered())
    let allRows = forward.rows().filter { $0[1] == .text("all") }
    let keys = allRows.map { row in row[0..<5].map(\.unquoted).joined(separator: " ") }
    #expect(keys == [
      "0 all client a latency_p50", "0 all client a latency_p99", "0 all client b latency_p50",
      "0 all pod p-0 utilisation", "1 all client a m",
    ])
  }

  /// Replications 1 and 2 are finite: mean 2, s² = 0.5, half-width t(0.975, 1) · √(0.5/2) with
  /// GSL's t(0.975, 1) = 12.706204736174696 (exact tan(0.475π) = 12.7062047361747…).
  @Test("with one finite value the `all` row has its mean, n = 1, min = max and no interval; with none, no mean, min or max")
  func fewerThanTwo() {
    var builder = SummaryBuilder()
    builder.add(scopeKind: "client", scope: "c", metric: "latency_max", unit: "s", values: [0.25])
    builder.add(scopeKind: "client", scope: "c", metric: "latency_p999", unit: "s", values: [.nan, .nan])
    builder.add(scopeKind: "client", scope: "c", metric: "latency_p99", unit: "s", values: [.nan, 1.5, 2.5, .infinity])
    #expect(
      builder.table().rendered() == """
        sweep_point,replication,scope_kind,scope,metric,unit,value,mean,ci95_low,ci95_high,n,min,max
        0,0,client,c,latency_max,s,0.25,,,,,,
        0,all,client,c,latency_max,s,,0.25,,,1,0.25,0.25
        0,0,client,c,latency_p99,s,,,,,,,
        0,1,client,c,latency_p99,s,1.5,,,,,,
        0,2,client,c,latency_p99,s,2.5,,,,,,
        0,3,client,c,latency_p99,s,inf,,,,,,
        0,all,client,c,latency_p99,s,,2.0,-4.353102368087348,8.353102368087349,2,1.5,2.5
        0,0,client,c,latency_p999,s,,,,,,,
        0,1,client,c,latency_p999,s,,,,,,,
        0,all,client,c,latency_p999,s,,,,,0,,

        """)
  }

  @Test("CSVValue.seconds writes integer nanoseconds as exact decimal seconds, trailing zeros dropped")
  func exactSeconds() {
    #expect(CSVValue.seconds(nanoseconds: 30_000_000_000).unquoted == "30")
    #expect(CSVValue.seconds(nanoseconds: 30_500_000_000).unquoted == "30.5")
    #expect(CSVValue.seconds(nanoseconds: 0).unquoted == "0")
    #expect(CSVValue.seconds(nanoseconds: 1).unquoted == "0.000000001")
    #expect(CSVValue.seconds(nanoseconds: 100_000_000).unquoted == "0.1")
    #expect(CSVValue.seconds(nanoseconds: 123_456_789_012).unquoted == "123.456789012")
    #expect(CSVValue.seconds(nanoseconds: -1_250_000_000).unquoted == "-1.25")
    #expect(CSVValue.seconds(nanoseconds: .min).unquoted == "-9223372036.854775808")
    // 30 s as a Double sum of 0.1 s buckets is 30.000000000000004 s; the exact form has no such tail.
    #expect((0..<300).reduce(0.0) { sum, _ in sum + 0.1 } != 30)
  }
}
