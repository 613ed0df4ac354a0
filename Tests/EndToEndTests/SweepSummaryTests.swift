import Foundation
import Testing

/// `aggsim sweep` prints the table across points and writes it as `sweep-summary.csv` (issue 11
/// item 5): one row per point, each parameter's value, then each key metric's mean and 95%
/// interval, the same figures as the `all` rows of `summary.csv`. The fixtures have one client,
/// `hpa`, so the scope `all` (every client's requests) holds the same figures as `client/hpa`.
@Suite("sweep summary across points")
struct SweepSummaryTests {
  /// The `mean, ci95_low, ci95_high` of the `all` row of `scope`'s `metric` at `point` in summary.csv.
  static func allRow(_ summary: String, point: Int, scope: String, metric: String) -> [Substring]? {
    OutputRows.rows(summary).first { row in
      row[0] == Substring("\(point)") && row[1] == "all" && row[3] == Substring(scope) && row[4] == Substring(metric)
    }.map { Array($0[7...9]) }
  }

  @Test("a scenario's expect: metrics are the columns, each point's mean and interval equal summary.csv's all row")
  func expectationColumns() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let sweep = try AggsimBinaryTests.aggsim(
      ["sweep", AggsimBinaryTests.fixture("check-pass.yaml"), "--param", "spec.run.warmup=5s,10s", "--out", out])
    #expect(sweep.status == 0, "\(sweep.stderr)")
    let text = try AggsimBinaryTests.read("\(out)/check-pass/sweep-summary.csv")
    let lines = text.split(separator: "\n")
    #expect(lines.first.map(String.init) == "point,spec.run.warmup,all:success_fraction_mean,all:success_fraction_ci_low,all:success_fraction_ci_high,"
            + "client/hpa:latency_max_s_mean,client/hpa:latency_max_s_ci_low,client/hpa:latency_max_s_ci_high")
    #expect(lines.count == 3)
    let summary = try AggsimBinaryTests.read("\(out)/check-pass/summary.csv")
    for (point, warmup) in ["5s", "10s"].enumerated() {
      let row = lines[point + 1].split(separator: ",", omittingEmptySubsequences: false)
      #expect(row[0...1] == ["\(point)", Substring(warmup)])
      #expect(Array(row[2...4]) == Self.allRow(summary, point: point, scope: "hpa", metric: "success_fraction"))
      #expect(Array(row[5...7]) == Self.allRow(summary, point: point, scope: "hpa", metric: "latency_max_s"))
    }
    #expect(sweep.stdout.contains("point  spec.run.warmup  all:success_fraction"))
    #expect(sweep.stdout.contains("client/hpa:latency_max_s"))
  }

  @Test("without expect: the columns are all's latency_p50_s, latency_p99_s, success_fraction and throughput_per_s")
  func defaultColumns() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let sweep = try AggsimBinaryTests.aggsim(
      ["sweep", AggsimBinaryTests.fixture("sweep-plain.yaml"), "--param", "spec.run.warmup=5s", "--param",
       "spec.run.duration=40s,1m", "--out", out])
    #expect(sweep.status == 0, "\(sweep.stderr)")
    let lines = try AggsimBinaryTests.read("\(out)/sweep-plain/sweep-summary.csv").split(separator: "\n")
    let metrics = ["latency_p50_s", "latency_p99_s", "success_fraction", "throughput_per_s"]
    #expect(lines.first.map(String.init) == (["point", "spec.run.warmup", "spec.run.duration"]
            + metrics.flatMap { ["all:\($0)_mean", "all:\($0)_ci_low", "all:\($0)_ci_high"] }).joined(separator: ","))
    let summary = try AggsimBinaryTests.read("\(out)/sweep-plain/summary.csv")
    for (point, duration) in ["40s", "1m"].enumerated() {
      let row = lines[point + 1].split(separator: ",", omittingEmptySubsequences: false)
      #expect(row[0...2] == ["\(point)", "5s", Substring(duration)])
      for (column, metric) in metrics.enumerated() {
        #expect(Array(row[(3 + 3 * column)...(5 + 3 * column)]) == Self.allRow(summary, point: point, scope: "hpa", metric: metric), "\(metric)")
      }
    }
  }
}
