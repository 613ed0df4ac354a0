import Foundation
import Testing

/// Tidy outputs (issue 11 item 7): `timeseries.csv` times exact to the nanosecond, the bucket
/// width in `metadata.json`, and the min and max over replications in summary.csv's `all` rows.
@Suite("tidy outputs")
struct TidyOutputTests {
  @Test("0.1 s buckets over 1 min give time_s 0.1, 0.2 … 60 exactly, time_bucket_s 0.1 in metadata.json, and all rows' min ≤ mean ≤ max of the replications")
  func exactTimes() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(
      ["run", AggsimBinaryTests.fixture("check-pass.yaml"), "--set", "spec.run.timeBucket=100ms", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/check-pass/timeseries.csv"))
    var times: [Substring] = []
    for row in rows where row[0] == "0" && row[1] == "0" && times.last != row[2] { times.append(row[2]) }
    // Bucket k (from 1) ends at k/10 s: the integer k, or k/10 with one decimal; a Double sum would
    // drift (0.1 + 0.2 = 0.30000000000000004).
    let expected = (1...600).map { k in k % 10 == 0 ? "\(k / 10)" : "\(k / 10).\(k % 10)" }
    #expect(times.map(String.init) == expected)
    let metadata = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/check-pass/metadata.json")))
    #expect((metadata as? [String: Any])?["time_bucket_s"] as? Double == 0.1)

    let summary = try AggsimBinaryTests.read("\(out)/check-pass/summary.csv")
    #expect(summary.hasPrefix("sweep_point,replication,scope_kind,scope,metric,unit,value,mean,ci95_low,ci95_high,n,min,max\n"))
    let summaryRows = OutputRows.rows(summary)
    let latencies = OutputRows.perReplication(summaryRows, kind: "client", scope: "hpa", metric: "latency_max_s").compactMap { $0 }
    let all = try #require(summaryRows.first { $0[1] == "all" && $0[3] == "hpa" && $0[4] == "latency_max_s" })
    #expect(latencies.count == 3)
    #expect(Double(all[11]) == latencies.min())
    #expect(Double(all[12]) == latencies.max())
  }
}
