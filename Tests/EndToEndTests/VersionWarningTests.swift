import Testing

/// The CLI prints a scenario's warnings (issue 12 item 7) and still runs it; errors exit 65.
@Suite("version warnings")
struct VersionWarningTests {
  @Test("aggregated discovery in 1.26 is a printed warning (exit 0), in 1.25 an error (exit 65)")
  func aggregatedDiscovery() throws {
    let warned = try AggsimBinaryTests.aggsim(["validate", "Scenarios/stale-aggregated-discovery.yaml", "--set", "spec.run.kubernetesVersion=1.26"])
    #expect(warned.status == 0)
    #expect(warned.stderr == "aggsim: warning: Scenarios/stale-aggregated-discovery.yaml:73:22: spec.clients[0].workload.kubectl.discovery: "
      + "expected legacy discovery in Kubernetes 1.26 unless its AggregatedDiscoveryEndpoint feature gate (alpha, off by default) "
      + "is on, found aggregated\n")
    let refused = try AggsimBinaryTests.aggsim(["validate", "Scenarios/stale-aggregated-discovery.yaml", "--set", "spec.run.kubernetesVersion=1.25"])
    #expect(refused.status == 65)
    #expect(refused.stderr.contains("spec.clients[0].workload.kubectl.discovery: expected legacy discovery in Kubernetes 1.25, which has no aggregated discovery"))
  }
}
