import AggregationModel
import Foundation
import SimOutput
import Testing

/// The bottleneck findings (`FindingRules`) of the built binary on the three cases of issue 11
/// item 2: the HPA throttled by the controller manager's 20 QPS bucket (`hpa-throttled.yaml`),
/// ClusterIP routing pinning one pod (`aggregator-routing-under-load.yaml` with ClusterIP), and
/// the silent 5 QPS (`silent-default-qps.yaml`); none for the quickstart; and kubectl's partial
/// discoveries behind a black-holed metrics-server (`kubectl-blackholed-metrics-server.yaml`). Each finding is
/// printed after `run`, `check` and `sweep` and written to `findings.csv`.
@Suite("Bottleneck findings end to end")
struct FindingsScenarioTests {
  static let header = "sweep_point,kind,scope,evidence,figure,knob,key_path,message"
  static let hpa = "client/hpa: offered 40.0/s, sent 20.0/s — rateLimit qps 20, burst 30 (spec.clients[0].rateLimit)"
  static let silent = "client/controller: offered 321.1/s, sent 5.0/s — silently throttled by client-go's default token bucket, "
    + "5 QPS / burst 10 (set spec.clients[0].rateLimit)"
  static let pinned = "pods of custom-apiserver: 98% of requests went to one pod, 100% busy (pod 2 in the first replication) "
    + "— ClusterIP routing pins one connection per instance (spec.controlPlane.proxy.routing)"

  @Test("hpa-throttled: 600 HPAs offer 40/s, the controller manager's 20 QPS bucket sends 20/s; raising it to 50 removes the finding")
  func throttledHPA() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/hpa-throttled.yaml", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("findings:\n  \(Self.hpa)\n"), "\(run.stdout)")
    // The digest writes latencies of tens of seconds out in milliseconds, not as 3.176e+04.
    #expect(run.stdout.contains("\nclient/hpa  20 ± 0  100 ± 0  31760 ± 24  58720 ± 0  59250 ± 1.6\n"), "\(run.stdout)")
    #expect(try AggsimBinaryTests.read("\(out)/hpa-throttled/findings.csv") == Self.header + "\n"
      + "0,client_rate_limit,client/hpa,sent_per_s,20.0,\"rateLimit qps 20, burst 30\",spec.clients[0].rateLimit,\"\(Self.hpa)\"\n")
    let report = try AggsimBinaryTests.aggsim(["report", "\(out)/hpa-throttled"])
    #expect(report.stdout.contains("\n## Findings\n\n- \(Self.hpa)\n"), "\(report.stdout)")
    #expect(try AggsimBinaryTests.read("\(out)/hpa-throttled/report.html").contains("<td>client_rate_limit</td><td>\(Self.hpa)</td>"))
    let raised = try AggsimBinaryTests.aggsim(["run", "Scenarios/hpa-throttled.yaml", "--out", out, "--replications", "2",
                                               "--set", "spec.clients[0].rateLimit={qps: 50, burst: 100}"])
    #expect(raised.status == 0, "\(raised.stderr)")
    #expect(raised.stdout.contains("findings: none (nothing limits)\n"), "\(raised.stdout)")
    #expect(try AggsimBinaryTests.read("\(out)/hpa-throttled/findings.csv") == Self.header + "\n")
  }

  @Test("sweep prints and writes the findings per point: 300 HPAs offer 20/s (none), 600 offer 40/s (throttled)")
  func sweepFindings() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let sweep = try AggsimBinaryTests.aggsim(["sweep", "Scenarios/hpa-throttled.yaml", "--out", out, "--replications", "2",
                                              "--param", "spec.clients[0].workload.hpa.autoscalers=300,600"])
    #expect(sweep.status == 0, "\(sweep.stderr)")
    #expect(sweep.stdout.contains("findings:\n  point 1: \(Self.hpa)\n"), "\(sweep.stdout)")
    let rows = try AggsimBinaryTests.read("\(out)/hpa-throttled/findings.csv").split(separator: "\n")
    #expect(rows.count == 2 && rows[1].hasPrefix("1,client_rate_limit,client/hpa,"))
  }

  @Test("silent-default-qps: an open workload of 320/s under client-go's default 5 QPS / burst 10 becomes 5/s; check prints the finding too")
  func silentFiveQPS() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/silent-default-qps.yaml", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("findings:\n  \(Self.silent)\n"), "\(run.stdout)")
    let csv = try AggsimBinaryTests.read("\(out)/silent-default-qps/findings.csv")
    #expect(csv.hasPrefix(Self.header + "\n0,client_default_rate_limit,client/controller,sent_per_s,5.0,"), "\(csv)")
    let check = try AggsimBinaryTests.aggsim(["check", "Scenarios/silent-default-qps.yaml", "--out", out, "--replications", "2"])
    #expect(check.status == 0, "\(check.stderr)")
    #expect(check.stdout.contains("findings:\n  client/controller: offered "), "\(check.stdout)")
  }

  @Test("aggregator-routing-under-load with ClusterIP: 98% of the requests on one pod, 100% busy; identical findings.csv with --jobs 1 and 2; none with endpoint routing")
  func clusterIPPinning() throws {
    let one = try AggsimBinaryTests.temporaryDirectory(), two = try AggsimBinaryTests.temporaryDirectory()
    let short = ["--replications", "2", "--set", "spec.run.duration=1m", "--set", "spec.run.warmup=10s"]
    let clusterIP = short + ["--set", "spec.controlPlane.proxy.routing=clusterIP"]
    let a = try AggsimBinaryTests.aggsim(["run", "Scenarios/aggregator-routing-under-load.yaml", "--out", one, "--jobs", "1"] + clusterIP)
    #expect(a.status == 0, "\(a.stderr)")
    #expect(a.stdout.contains("findings:\n  \(Self.pinned)\n"), "\(a.stdout)")
    let b = try AggsimBinaryTests.aggsim(["run", "Scenarios/aggregator-routing-under-load.yaml", "--out", two, "--jobs", "2"] + clusterIP)
    #expect(b.status == 0, "\(b.stderr)")
    let file = "aggregator-routing-under-load/findings.csv"
    let csv = try AggsimBinaryTests.read("\(one)/\(file)")
    #expect(csv == (try AggsimBinaryTests.read("\(two)/\(file)")))
    #expect(csv.split(separator: "\n").count == 2 && csv.contains("\n0,pod_pinning,pod/custom-apiserver/2,pod_request_share,0.98"), "\(csv)")
    let endpoints = try AggsimBinaryTests.aggsim(["run", "Scenarios/aggregator-routing-under-load.yaml", "--out", one] + short)
    #expect(endpoints.stdout.contains("findings: none (nothing limits)\n"), "\(endpoints.stdout)")
  }

  @Test("kubectl-blackholed-metrics-server: kubectl's partial discoveries are a finding that names metrics-server, the group-version that did not answer")
  func partialDiscovery() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/kubectl-blackholed-metrics-server.yaml", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let line = "kubectl/kubectl: 51% of its discoveries partial (9 of 17.6), 8.8 invocations ended \"the server doesn't have a resource type\", "
      + "slowest discovery 35.01 s — v1beta1.metrics.k8s.io answered 200 to 24% of its requests; "
      + "backend metrics-server of v1beta1.metrics.k8s.io (spec.extensionServers[0])"
    #expect(run.stdout.contains("findings:\n  \(line)\n"), "\(run.stdout)")
    #expect(try AggsimBinaryTests.read("\(out)/kubectl-blackholed-metrics-server/findings.csv") == Self.header + "\n"
      + "0,discovery_incomplete,kubectl/kubectl,discovery_partial_fraction,0.5113636363636364,backend metrics-server of v1beta1.metrics.k8s.io,"
      + "spec.extensionServers[0],\"\(line.replacingOccurrences(of: "\"", with: "\"\""))\"\n")
  }

  @Test("findings.csv's kind column (so the README's table) lists every kind of finding the rules make")
  func kindColumnListsEveryKind() throws {
    let kind = try #require(OutputSchema.findings.columns.first { $0.name == "kind" })
    let listed = kind.meaning.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    #expect(listed == Finding.Kind.allCases.map(\.rawValue))
  }

  @Test("the quickstart: nothing limits, no finding; report.html says so")
  func quickstartHasNone() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.quickstart(jobs: 2, out: out)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("findings: none (nothing limits)\n"), "\(run.stdout)")
    #expect(try AggsimBinaryTests.read("\(out)/quickstart/findings.csv") == Self.header + "\n")
    let report = try AggsimBinaryTests.aggsim(["report", "\(out)/quickstart"])
    #expect(report.status == 0, "\(report.stderr)")
    #expect(report.stdout.contains("\n## Findings\n\nNone: nothing limits.\n"), "\(report.stdout)")
    #expect(try AggsimBinaryTests.read("\(out)/quickstart/report.html").contains("<h2>Findings</h2>\n<p>None: nothing limits.</p>"))
  }
}
