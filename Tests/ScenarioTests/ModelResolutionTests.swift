import Testing
import Scenario
import SimCore
import AggregationModel

/// A scenario that leaves every version-dependent parameter to its version: a server without
/// `maxStreamsPerConnection`, no discovery cap, no `discovery:` section, and kubectl, the garbage
/// collector and the namespace controller without a discovery mode (kubectl also without cache
/// TTL and rate limit).
@Suite("ModelSpec.resolved(): a spec built in code and one read from YAML resolve alike")
struct ModelResolutionTests {
  static func yaml(version: String, extra: String = "") -> String {
    minimalModel(version: version, extra: """
        - name: kubectl
          target: {apiService: v1beta1.metrics.k8s.io}
          workload: {kubectl: {invocations: {poisson: 1/min}}}
        - name: gc
          workload: {garbageCollector: {}}
        - name: namespaces
          workload: {namespaceDeletion: {deletions: {poisson: 1/min}}}
    \(extra)
    """)
  }

  /// The scenario of `yaml(version:)`, written in code with the spec types' own defaults.
  static func code(version: String) -> ModelSpec {
    let service = ServiceReference(namespace: "kube-system", name: "metrics-server")
    let apiService = APIService(name: "v1beta1.metrics.k8s.io", group: "metrics.k8s.io", version: "v1beta1", service: service,
                                groupPriorityMinimum: 100, versionPriority: 100)
    let server = ExtensionServerSpec(name: "metrics-server", service: service, serviceTimes: .uniform(.constant(.milliseconds(5))))
    let controllerManager = RateLimitSpec.controllerManager
    let clients = [
      ClientSpec(name: "hpa", identity: .user("hpa"), target: .resource(apiService: apiService.name, kind: .get),
                 workload: .open(.poisson(.perSecond(10)))),
      ClientSpec(name: "kubectl", identity: .user("kubectl"), target: .resource(apiService: apiService.name, kind: .get),
                 workload: .kubectl(KubectlSpec(invocations: .poisson(.perMinute(1))))),
      ClientSpec(name: "gc", identity: .serviceAccount(namespace: "kube-system", name: "generic-garbage-collector"), target: .none,
                 workload: .garbageCollector(GarbageCollectorSpec()), rateLimit: .controllerManagerDiscovery),
      ClientSpec(name: "namespaces", identity: .serviceAccount(namespace: "kube-system", name: "namespace-controller"), target: .none,
                 workload: .namespaceDeletion(NamespaceDeletionSpec(deletions: .poisson(.perMinute(1)))), rateLimit: controllerManager),
    ]
    var spec = ModelSpec(duration: .minutes(10), apiServices: [APIServiceSpec(apiService)], extensionServers: [server], clients: clients)
    spec.version = try! KubernetesVersion(parsing: version)
    return spec
  }

  @Test("built in code or read from YAML, the resolved specs are equal and carry the version's defaults", arguments: [
    ("1.16", 250, KubectlSpec.DiscoveryMode.legacy, SimDuration.minutes(10), RateLimitSpec(qps: .perSecond(5), burst: 100), false),
    ("1.23", 250, .legacy, .minutes(10), RateLimitSpec(qps: .perSecond(50), burst: 300), false),
    ("1.28.2", 250, .aggregated, .hours(6), RateLimitSpec(qps: .perSecond(50), burst: 300), true),
    ("1.28", 100, .aggregated, .hours(6), RateLimitSpec(qps: .perSecond(50), burst: 300), true),
    ("1.36", 100, .aggregated, .hours(6), RateLimitSpec(qps: .perSecond(50), burst: 300), true),
  ] as [(String, Int, KubectlSpec.DiscoveryMode, SimDuration, RateLimitSpec, Bool)])
  func codeAndYAMLResolveAlike(version: String, streams: Int, mode: KubectlSpec.DiscoveryMode,
                               cacheTTL: SimDuration, discoveryRateLimit: RateLimitSpec, managerRuns: Bool) throws {
    let read = try model(Self.yaml(version: version))
    let built = Self.code(version: version).resolved()
    #expect(read == built)
    #expect(built.controlPlane.proxy.discoveryTimeout == .seconds(5))
    #expect(built.extensionServers[0].maxStreamsPerConnection == streams)
    #expect(built.clients.compactMap(\.workload.discoveryMode) == [mode, mode, mode])
    #expect(built.clients[1].workload == .kubectl(KubectlSpec(invocations: .poisson(.perMinute(1)), discovery: mode, cacheTTL: cacheTTL,
                                                              discoveryRateLimit: discoveryRateLimit)))
    #expect(built.discoveryManager.enabled == managerRuns)
  }

  @Test("resolving is idempotent: a resolved spec, from code or YAML, resolves to itself", arguments: ["1.16", "1.23", "1.28.2", "1.36"])
  func resolvedIsIdempotent(version: String) throws {
    let unresolved = Self.code(version: version)
    let once = unresolved.resolved()
    #expect(once != unresolved)
    #expect(once.resolved() == once)
    let read = try model(Self.yaml(version: version))
    #expect(read.resolved() == read)
  }

  /// 1.26, not older: aggregated discovery written for a release without it is an error (`VersionChecks`).
  @Test("values given win over the version's: an explicit none cap, streams, mode, cache TTL, rate limit and manager", arguments: [26, 36])
  func givenValuesStay(minor: Int) throws {
    let read = try model(Self.yaml(version: "1.\(minor)", extra: "  discovery: {enabled: false}"), overrides: [
      "spec.controlPlane.proxy.discoveryTimeout=none", "spec.extensionServers[0].maxStreamsPerConnection=1000",
      "spec.clients[1].workload.kubectl={invocations: {poisson: 1/min}, discovery: legacy, cacheTTL: 1m, discoveryRateLimit: {qps: 5, burst: 10}}",
      "spec.clients[2].workload.garbageCollector.discovery=aggregated",
    ])
    var built = Self.code(version: "1.\(minor)")
    built.controlPlane.proxy.discoveryCap = .unlimited
    built.extensionServers[0].maxStreamsPerConnection = 1_000
    built.clients[1].workload = .kubectl(KubectlSpec(invocations: .poisson(.perMinute(1)), discovery: .legacy, cacheTTL: .minutes(1),
                                                     discoveryRateLimit: RateLimitSpec(qps: .perSecond(5), burst: 10)))
    built.clients[2].workload = .garbageCollector(GarbageCollectorSpec(discovery: .aggregated))
    built.discoveryManager.enabled = false
    #expect(read == built.resolved())
    #expect(read.controlPlane.proxy.discoveryTimeout == nil)
    #expect(read.clients.compactMap(\.workload.discoveryMode) == [.legacy, .aggregated, minor >= 27 ? .aggregated : .legacy])
    #expect(read.discoveryManager.enabled == false)
  }
}
