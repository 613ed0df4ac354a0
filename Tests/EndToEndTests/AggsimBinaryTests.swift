import Foundation
import Testing

/// The built `aggsim` binary, run as a user runs it: exit codes, exact error texts, golden CSVs
/// and byte-identical output at any `--jobs`.
@Suite("aggsim end to end", .serialized)
struct AggsimBinaryTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The binary built next to the test bundle (swift test builds it: this target depends on it).
  static let binary: URL = {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("aggsim")
    if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
    return packageRoot.appendingPathComponent(".build/debug/aggsim")
  }()

  struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs aggsim with `arguments` in the package root.
  static func aggsim(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
    try launch(binary, arguments, in: packageRoot, environment: environment)
  }

  /// Runs `executable` with `arguments` in `directory` (with `environment` added to this
  /// process's) and waits for it: its exit status and everything it wrote.
  static func launch(_ executable: URL, _ arguments: [String], in directory: URL,
                     environment: [String: String] = [:]) throws -> Outcome {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
  }

  static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "aggsim-e2e-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func fixture(_ name: String) -> String { "Tests/EndToEndTests/Fixtures/\(name)" }

  static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  /// A short run of the quickstart: 2 replications of 2 simulated minutes.
  static func quickstart(jobs: Int, out: String) throws -> Outcome {
    try aggsim(["run", "Scenarios/quickstart.yaml", "--out", out, "--jobs", "\(jobs)", "--replications", "2",
                "--set", "spec.run.duration=2m", "--set", "spec.run.warmup=10s", "--trace-sampling", "0.01"])
  }

  @Test("the quickstart gives byte-identical CSVs with --jobs 1 and --jobs 2, equal to the golden summary")
  func quickstartIsDeterministicAndGolden() throws {
    let one = try Self.temporaryDirectory(), two = try Self.temporaryDirectory()
    let first = try Self.quickstart(jobs: 1, out: one)
    #expect(first.status == 0, "\(first.stderr)")
    let second = try Self.quickstart(jobs: 2, out: two)
    #expect(second.status == 0, "\(second.stderr)")
    for file in ["summary.csv", "timeseries.csv", "events.csv", "requests.csv", "findings.csv"] {
      let a = try Self.read("\(one)/quickstart/\(file)"), b = try Self.read("\(two)/quickstart/\(file)")
      #expect(a == b, "\(file) differs between --jobs 1 and --jobs 2")
    }
    let golden = try Self.read(Self.packageRoot.appendingPathComponent("Tests/EndToEndTests/Golden/quickstart-summary.csv").path)
    #expect(try Self.read("\(one)/quickstart/summary.csv") == golden,
            "summary.csv differs from Golden/quickstart-summary.csv; if the model changed on purpose, regenerate it (see the README)")
    let metadata = try Self.read("\(one)/quickstart/metadata.json")
    #expect(metadata.contains("\"replications\" : 2") || metadata.contains("\"replications\":2"))
  }

  @Test("a bad scenario reports every error with file:line:column and exits 65")
  func badScenarioExits65() throws {
    let outcome = try Self.aggsim(["validate", Self.fixture("bad.yaml")])
    #expect(outcome.status == 65)
    #expect(outcome.stderr == (try Self.read(Self.packageRoot.appendingPathComponent(Self.fixture("bad.expected")).path)))
  }

  @Test("a missing or empty scenario file exits 65 with a clear message, never a crash")
  func missingAndEmptyFiles() throws {
    let missing = try Self.aggsim(["run", "does-not-exist.yaml"])
    #expect(missing.status == 65)
    #expect(missing.stderr.contains("does-not-exist.yaml"))
    let empty = try Self.aggsim(["validate", Self.fixture("empty.yaml")])
    #expect(empty.status == 65)
    #expect(empty.stderr.contains("empty"))
  }

  @Test("a usage error exits 64")
  func usageErrorExits64() throws {
    let outcome = try Self.aggsim(["run", "Scenarios/quickstart.yaml", "--replications", "0"])
    #expect(outcome.status == 64)
    #expect(outcome.stderr.contains("--replications must be in 1…1024, found 0"))
  }

  @Test("check exits 0 when every expectation holds and 1 when one fails")
  func checkExitCodes() throws {
    let out = try Self.temporaryDirectory()
    let pass = try Self.aggsim(["check", Self.fixture("check-pass.yaml"), "--out", out])
    #expect(pass.status == 0, "\(pass.stdout)\(pass.stderr)")
    let fail = try Self.aggsim(["check", Self.fixture("check-fail.yaml"), "--out", out])
    #expect(fail.status == 1, "\(fail.stdout)\(fail.stderr)")
    #expect(fail.stdout.contains("FAIL"))
  }

  @Test("kubectl-blackholed-metrics-server (#82172): a 1.36 kubectl get asks 7 times for the 503ing group-version with the 5 s cap, partial discoveries of 35.011 s (2 ms + 2 ms + 7 × (the cap + 1 ms of links)); once without it, 32.004 s (2 ms + 2 ms + kubectl's 32 s discovery timeout, not asked again before 1.37); no GET during the hang either way, and check tells them apart; a 1.22 kubectl asks 5 times either way (its reset REST mapper discovers again): 25.013 s (2 × (2 ms + 2 ms) + 5 × (the cap + 1 ms)), 160.008 s without the cap",
        arguments: [(["--set", "spec.controlPlane.proxy.discoveryTimeout=5s"], "35.011", Int32(0)),
                    (["--set", "spec.controlPlane.proxy.discoveryTimeout=none"], "32.004000000000005", Int32(1)),
                    (["--set", "spec.run.kubernetesVersion=\"1.22\""], "25.013", Int32(1)),
                    (["--set", "spec.run.kubernetesVersion=\"1.22\"", "--set", "spec.controlPlane.proxy.discoveryTimeout=none"], "160.008", Int32(1))])
  func blackholedMetricsServerSummary(overrides: [String], longest: String, checkStatus: Int32) throws {
    // 32.004000000000005: 0.004 s + 32 s as the summary prints the sum of the two doubles.
    let out = try Self.temporaryDirectory()
    let outcome = try Self.aggsim(["check", "Scenarios/kubectl-blackholed-metrics-server.yaml", "--out", out, "--replications", "1"] + overrides)
    #expect(outcome.status == checkStatus, "\(outcome.stdout)\(outcome.stderr)")
    let rows = try Self.read("\(out)/kubectl-blackholed-metrics-server/summary.csv").split(separator: "\n")
    #expect(rows.contains { $0.hasPrefix("0,0,kubectl,kubectl,discovery_latency_max_s,s,\(longest),") })
    #expect(rows.contains { $0.hasPrefix("0,0,kubectl,kubectl,discovery_partial,count,") && !$0.hasPrefix("0,0,kubectl,kubectl,discovery_partial,count,0.0,") })
    #expect(rows.contains { $0.hasPrefix("0,0,kubectl,kubectl,resource_type_unknown,count,") && !$0.hasPrefix("0,0,kubectl,kubectl,resource_type_unknown,count,0.0,") })
    // The GETs (504 after 60 s before) are gone: nothing to metrics.k8s.io takes longer than a
    // discovery request.
    #expect(rows.contains { $0.hasPrefix("0,0,apiservice,v1beta1.metrics.k8s.io,fraction_504,ratio,0.0,") })
  }

  @Test("dead-http2-connection: the health check closes the silent connection within 30 s + 15 s of the drop, and its expectations hold")
  func deadConnectionScenario() throws {
    let out = try Self.temporaryDirectory()
    let outcome = try Self.aggsim(["check", "Scenarios/dead-http2-connection.yaml", "--out", out, "--replications", "2"])
    #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
    let closes = try Self.read("\(out)/dead-http2-connection/events.csv").split(separator: "\n")
      .filter { $0.contains(",connection_closed_by_health_check,") }
      .compactMap { Double($0.split(separator: ",")[2]) }
    // The drop is at 120 s; the last frame came a little before it (2 requests per second), so
    // the PING goes out about 30 s later and the connection closes 15 s after that: in (155 s, 165 s].
    #expect(closes.count == 2)
    #expect(closes.allSatisfy { $0 > 155 && $0 <= 165 }, "\(closes)")
  }

  @Test("aggregator-routing-under-load: its expectations hold with endpoint routing and fail with ClusterIP routing (#74280)")
  func routingUnderLoad() throws {
    let out = try Self.temporaryDirectory()
    let endpoints = try Self.aggsim(["check", "Scenarios/aggregator-routing-under-load.yaml", "--out", out, "--replications", "2"])
    #expect(endpoints.status == 0, "\(endpoints.stdout)\(endpoints.stderr)")
    let clusterIP = try Self.aggsim(["check", "Scenarios/aggregator-routing-under-load.yaml", "--out", out, "--replications", "2",
                                     "--set", "spec.controlPlane.proxy.routing=clusterIP"])
    #expect(clusterIP.status == 1, "\(clusterIP.stdout)\(clusterIP.stderr)")
  }

  @Test("stale-aggregated-discovery: Stale for 60.007 s in 1.35 (the 1-minute loop) and 3.510 s in 1.36 (500 ms, 1 s, 2 s retries) (#122333); kubectl's disk cache drops it silently: no partial discovery, 58.5 (1.35) and 1.5 (1.36) dropped per replication (every `kubectl api-resources` invalidates its cache and discovers)")
  func staleAggregatedDiscovery() throws {
    /// The `all` rows (mean) of the discovery manager's stale time and kubectl's partial and
    /// dropped discoveries, from summary.csv.
    func figures(_ version: String) throws -> [String?] {
      let out = try Self.temporaryDirectory()
      let run = try Self.aggsim(["run", "Scenarios/stale-aggregated-discovery.yaml", "--out", out, "--replications", "2",
                                 "--set", "spec.run.kubernetesVersion=\"\(version)\""])
      #expect(run.status == 0, "\(run.stderr)")
      let rows = try Self.read("\(out)/stale-aggregated-discovery/summary.csv").split(separator: "\n")
      return ["discovery,v1alpha1.custom.example.com,stale_s", "kubectl,kubectl,discovery_partial", "kubectl,kubectl,discovery_stale_dropped"]
        .map { key in
          let row = rows.first { $0.hasPrefix("0,all,\(key),") }
          return row.map { String($0.split(separator: ",", omittingEmptySubsequences: false)[7]) }
        }
    }
    // Refused until 2 s; the first fetch fails at 1 ms (1 RTT of links), and so does each retry
    // (1 ms each). The fetch that succeeds dials a new connection (TCP + TLS: 2 RTTs, 2 ms), then
    // 0.5 ms + 5 ms + 0.5 ms: 8 ms. 1.35 waits for the loop at 60 s: Current at 60.008 s; 1.36
    // retries 0.5 s, 1 s, 2 s after each failure (0.501, 1.502, 3.503 s): Current at 3.511 s.
    // kubectl's discoveries while it is Stale are complete without it (disk cache).
    let old = try figures("1.35"), new = try figures("1.36")
    #expect(old[0].map { abs(Double($0)! - 60.007) < 1e-9 } == true)
    #expect(new[0].map { abs(Double($0)! - 3.510) < 1e-9 } == true)
    #expect(old[1] == "0.0" && new[1] == "0.0")
    #expect(old[2] == "58.5" && new[2] == "1.5")
  }
}
