import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: kubectl workload and the discovery manager")
struct ModelKubectlTests {
  func workload(_ value: String) throws -> Workload {
    try model(minimalModel(), overrides: ["spec.clients[0].workload=\(value)"]).clients[0].workload
  }

  @Test("a kubectl workload with only invocations gets the version's discovery mode, cache TTL and rate limit")
  func kubectlDefaults() throws {
    #expect(try workload("{kubectl: {invocations: {poisson: 1/min}}}") == .kubectl(KubectlSpec(
      invocations: .poisson(.perSecond(1.0 / 60)), discovery: .aggregated, cacheTTL: .hours(6),
      discoveryRateLimit: RateLimitSpec(qps: .perSecond(50), burst: 300))))
  }

  @Test("every kubectl field maps onto KubectlSpec")
  func kubectlFields() throws {
    let value = "{kubectl: {invocations: {constant: 2/min}, discovery: legacy, cacheTTL: 10m, extraLocalGroupVersions: 1900, resource: get, discoveryRateLimit: {qps: 5, burst: 10}}}"
    #expect(try workload(value) == .kubectl(KubectlSpec(
      invocations: .constant(.perSecond(2.0 / 60)), discovery: .legacy, cacheTTL: .minutes(10), extraLocalGroupVersions: 1_900,
      resource: .get, discoveryRateLimit: RateLimitSpec(qps: .perSecond(5), burst: 10))))
  }

  @Test("spec.discovery sets the discovery manager; without it the defaults hold and it runs only for an aggregated discovery client")
  func discoveryManager() throws {
    #expect(try model(minimalModel()).discoveryManager == DiscoveryManagerSpec(enabled: false))
    let kubectl = try model(minimalModel(), overrides: ["spec.clients[0].workload={kubectl: {invocations: {poisson: 1/min}}}"])
    #expect(kubectl.discoveryManager == DiscoveryManagerSpec(enabled: true))
    let spec = try model(minimalModel(extra: "  discovery: {enabled: true, workers: 4, fetchTimeout: 2s, refresh: 30s}"))
    #expect(spec.discoveryManager == DiscoveryManagerSpec(enabled: true, workers: 4, fetchTimeout: .seconds(2), refresh: .seconds(30)))
  }

  @Test("kubectl mistakes, each at its value")
  func kubectlMistakes() {
    let problems = modelProblems(minimalModel(), overrides: [
      "spec.clients[0].workload={kubectl: {invocations: {closed: {users: 1, thinkTime: 1s}}, discovery: both, resource: list}}",
    ])
    let at = "--set spec.clients[0].workload={kubectl: {invocations: {closed: {users: 1, thinkTime: 1s}}, discovery: both, resource: list}}: spec.clients[0].workload.kubectl."
    #expect(problems == [
      at + "invocations.closed: expected a key of spec.clients[0].workload.kubectl.invocations (one of poisson, constant, bursts, timeVarying, trace), found \"closed\"",
      at + "invocations: expected exactly one of poisson, constant, bursts, timeVarying, trace (an arrival process), found a mapping",
      at + "discovery: expected one of legacy, aggregated, found \"both\"",
      at + "resource: expected one of none, get, found \"list\"",
    ])
  }
}

@Suite("Scenarios: kubectl discovery")
struct DiscoveryScenarioTests {
  /// kubectl's discovery token bucket in 1.36, which both scenarios run: QPS 50, burst 300.
  static let kubectl136 = RateLimitSpec(qps: .perSecond(50), burst: 300)

  static func path(_ name: String) -> String {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)   // Tests/ScenarioTests/<this file>
    return parts.joined(separator: "/") + "/Scenarios/\(name).yaml"
  }

  @Test("kubectl-blackholed-metrics-server.yaml loads: a 5-minute hang from 2m, legacy kubectl with a 5 s cap")
  func blackholedMetricsServerLoads() throws {
    let file = try ScenarioLoader.aggsim.load(path: Self.path("kubectl-blackholed-metrics-server"))
    let spec = file.modelSpec()
    #expect(spec.extensionServers[0].faults == [FaultSpec(kind: .hang, start: SimTime(since: .minutes(2)), duration: .minutes(5))])
    #expect(spec.controlPlane.proxy.discoveryTimeout == .seconds(5))
    #expect(spec.clients[0].workload == .kubectl(KubectlSpec(invocations: .poisson(.perMinute(2)), discovery: .legacy,
                                                             cacheTTL: .seconds(1), resource: .get, discoveryRateLimit: Self.kubectl136)))
  }

  @Test("discovery-storm.yaml loads: two legacy kubectl clients with 1,900 extra group-versions")
  func discoveryStormLoads() throws {
    let file = try ScenarioLoader.aggsim.load(path: Self.path("discovery-storm"))
    let spec = file.modelSpec()
    #expect(spec.clients.map(\.name) == ["ci-kubectl", "developer-kubectl"])
    #expect(spec.clients.map(\.workload) == [
      .kubectl(KubectlSpec(invocations: .poisson(.perMinute(1)), discovery: .legacy, cacheTTL: .seconds(1),
                           extraLocalGroupVersions: 1_900, resource: .get, discoveryRateLimit: Self.kubectl136)),
      .kubectl(KubectlSpec(invocations: .poisson(.perMinute(2)), discovery: .legacy, cacheTTL: .minutes(10),
                           extraLocalGroupVersions: 1_900, resource: .get, discoveryRateLimit: Self.kubectl136)),
    ])
  }
}
