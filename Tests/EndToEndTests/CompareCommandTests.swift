import Foundation
import Testing

/// `aggsim compare` compares every summary metric of every scope, significant differences
/// first, writes each side's summary, and gates B − A with `--expect` (issue 12 item 2).
@Suite("aggsim end to end: compare")
struct CompareCommandTests {
  /// One worker per pod of the custom API, endpoint routing (A) against ClusterIP (B), 40 s × 3.
  static func compare(_ out: String, _ extra: [String] = []) throws -> AggsimBinaryTests.Outcome {
    try AggsimBinaryTests.aggsim(["compare", "Scenarios/quickstart.yaml", "--set", "spec.run.duration=40s", "--set", "spec.run.warmup=10s",
                                  "--replications", "3", "--set", "spec.extensionServers[1].workers=1",
                                  "--set-a", "spec.controlPlane.proxy.routing=endpoints", "--out", out] + extra)
  }

  @Test("every scope kind is compared, significant differences first (ClusterIP loads pod 1 only), and both summaries are written")
  func everyMetricSignificantFirst() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try Self.compare(out)
    #expect(run.status == 0, "\(run.stderr)")
    let rows = try AggsimBinaryTests.read("\(out)/quickstart-compare/compare.csv").split(separator: "\n").dropFirst()
    let verdicts = rows.map { $0.split(separator: ",").last.map(String.init) ?? "" }
    let firstPlain = try #require(verdicts.firstIndex(of: "no difference"))
    #expect(firstPlain > 0 && verdicts[firstPlain...].allSatisfy { $0 == "no difference" || $0 == "–" }, "\(verdicts)")
    let kinds = Set(rows.map { $0.split(separator: ",")[0] })
    #expect(kinds.isSuperset(of: ["all", "client", "apiservice", "pod", "priority_level"]), "\(kinds)")
    #expect(rows.contains { $0.hasPrefix("pod,pod/custom-apiserver/0,pod_served,") && $0.hasSuffix(",B lower") })
    #expect(run.stdout.contains("metrics differ at 95%; the other"))
    for side in ["a", "b"] {
      #expect(try AggsimBinaryTests.read("\(out)/quickstart-compare/summary-\(side).csv").hasPrefix("sweep_point,replication,scope_kind,scope,metric"))
    }
  }

  @Test("--expect gates B − A by its whole interval: a bound it meets passes, one it may cross fails with exit 1, a bad gate is a usage error")
  func gates() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let pass = try Self.compare(out, ["--expect", "all:success_fraction:-0.01", "--expect", "pod/custom-apiserver/0:pod_served:-100000"])
    #expect(pass.status == 0, "\(pass.stdout)")
    #expect(pass.stdout.contains("all                     success_fraction  B − A ≥ -0.01"), "\(pass.stdout)")
    let fail = try Self.compare(out, ["--expect", "pod/custom-apiserver/0:pod_served:-1"])
    #expect(fail.status == 1)
    #expect(fail.stdout.contains("FAIL") && fail.stdout.contains("1 of 1 gates failed or were inconclusive"), "\(fail.stdout)")
    let bad = try Self.compare(out, ["--expect", "all:latency_p99_s:0.1"])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("--expect expects SCOPE:METRIC:+X or SCOPE:METRIC:-X"), "\(bad.stderr)")
  }
}
