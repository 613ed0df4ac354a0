import Foundation
import Testing

/// `aggsim capacity` writes its steps, fails when nothing meets the SLO, says which end to move
/// when the whole range meets it, and refuses a scope the metric does not have before running
/// (issue 12 item 4).
@Suite("aggsim end to end: capacity")
struct CapacityCommandTests {
  /// A short quickstart (20 s, 5 s warm-up, 2 replications) searching controller-a's rate.
  static func capacity(_ out: String, _ extra: [String]) throws -> AggsimBinaryTests.Outcome {
    try AggsimBinaryTests.aggsim(["capacity", "Scenarios/quickstart.yaml", "--set", "spec.run.duration=20s", "--set", "spec.run.warmup=5s",
                                  "--replications", "2", "--param", "spec.clients[1].workload.poisson", "--suffix", "/s",
                                  "--metric", "latency_p99_s", "--scope", "client/controller-a", "--out", out] + extra)
  }

  @Test("when even the low end misses the SLO: exit 1, 'no value … meets', and capacity.csv holds both ends")
  func nothingMeets() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try Self.capacity(out, ["--low", "10", "--high", "20", "--max", "0.000001"])
    #expect(run.status == 1, "\(run.stderr)")
    #expect(run.stdout.contains("no value in the range meets the SLO: even 10/s misses it"), "\(run.stdout)")
    let csv = try AggsimBinaryTests.read("\(out)/quickstart-capacity/capacity.csv").split(separator: "\n")
    #expect(csv.first == "step,parameter,value,metric,scope,find,mean,ci_low,ci_high,slo_min,slo_max,meets")
    #expect(csv.count == 3)
    #expect(csv.dropFirst().map { $0.split(separator: ",")[2] } == ["10/s", "20/s"])
    #expect(csv.dropFirst().allSatisfy { $0.hasSuffix(",,1e-06,false") }, "\(csv)")
    #expect(FileManager.default.fileExists(atPath: "\(out)/quickstart-capacity/metadata.json"))
  }

  @Test("with --find lowest and the bottom of the range meeting the SLO: exit 0 and 'lower --low', not 'widen the range'")
  func lowestAlreadyMeets() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try Self.capacity(out, ["--low", "10", "--high", "20", "--max", "10", "--find", "lowest"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("10/s, the bottom of the range, meets the SLO: lower --low to find where it stops"), "\(run.stdout)")
    // capacity.csv says which way the search went, so that its report names the lowest value that meets.
    let csv = try AggsimBinaryTests.read("\(out)/quickstart-capacity/capacity.csv").split(separator: "\n").dropFirst()
    #expect(csv.count == 2 && csv.allSatisfy { $0.split(separator: ",")[5] == "lowest" }, "\(csv)")
    let report = try AggsimBinaryTests.aggsim(["report", "\(out)/quickstart-capacity"])
    #expect(report.status == 0, "\(report.stderr)")
    #expect(try AggsimBinaryTests.read("\(out)/quickstart-capacity/report.html")
      .contains("Answer: spec.clients[1].workload.poisson = 10/s is the lowest value tried whose whole 95% interval meets the SLO"))
  }

  @Test("a scope the metric does not have is refused before anything runs, naming the metric's scopes")
  func wrongScopeKind() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["capacity", "Scenarios/quickstart.yaml", "--param", "spec.clients[1].workload.poisson",
                                            "--low", "1", "--high", "2", "--metric", "pod_utilisation", "--scope", "client/hpa",
                                            "--max", "0.5", "--out", out])
    #expect(run.status == 64)
    #expect(run.stderr.contains("--scope client/hpa has no pod_utilisation; its scopes are all, pod/<server>/<index>"), "\(run.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
  }

  @Test("a scope of the right kind that the scenario lacks names the scenario's scopes of that kind")
  func unknownScopeName() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["capacity", "Scenarios/quickstart.yaml", "--set", "spec.run.duration=20s", "--set", "spec.run.warmup=5s",
                                            "--replications", "2", "--param", "spec.clients[1].workload.poisson", "--suffix", "/s",
                                            "--low", "1", "--high", "2", "--metric", "latency_p99_s", "--scope", "client/nobody",
                                            "--max", "0.5", "--out", out])
    #expect(run.status == 64)
    #expect(run.stderr.contains("--scope client/nobody is not in the scenario; latency_p99_s has the scopes client/hpa, client/controller-a"),
            "\(run.stderr)")
  }
}
