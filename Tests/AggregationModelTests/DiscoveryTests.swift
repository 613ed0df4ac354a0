import Testing
import SimCore
@testable import AggregationModel

/// kubectl discovery and the aggregated-discovery manager, pinned by exact traces: ideal links,
/// no filter overhead, metrics-server answering in a constant 10 ms.
@Suite("Discovery: kubectl and the discovery manager")
struct DiscoveryTests {
  typealias F = ModelFixtures

  /// One kubectl client invoking at `times`, against metrics-server.
  static func kubectl(_ times: [Double], discovery: KubectlSpec.DiscoveryMode, extra: Int = 0,
                      limit: RateLimitSpec? = nil, resource: KubectlSpec.ResourceRequest = .none) -> ClientSpec {
    F.client("kubectl", workload: .kubectl(KubectlSpec(invocations: .trace(times.map(F.at)), discovery: discovery,
                                                     extraLocalGroupVersions: extra, resource: resource, discoveryRateLimit: limit)))
  }

  /// Built-in group-versions legacy discovery fetches besides the CRDs: `/api/v1`,
  /// `apiregistration.k8s.io/v1`, the 19 other built-ins and metrics.k8s.io/v1beta1.
  static let builtInAndMetricsGroupVersions = 22

  @Test("kubectl's legacy discovery fetches /api/v1, apiregistration, 19 built-ins and metrics.k8s.io: 22 group-versions")
  func legacyGroupVersionCount() throws {
    var simulation = try AggregationSimulation(spec: F.spec(duration: .seconds(1), clients: [Self.kubectl([], discovery: .legacy)]),
                                               runSeed: 1, replication: 0)
    simulation.start()
    let state = try #require(simulation.consumers.clients[0])
    #expect(state.groupVersionCount == Self.builtInAndMetricsGroupVersions)
    #expect(state.groupVersion(state.groupVersionCount - 1) == Int32(simulation.kernel.registry.registry.index(named: "v1beta1.metrics.k8s.io")!))
  }

  @Test("legacy discovery against a black-holed metrics-server (Available=True) is partial after exactly 5 s with the cap (1.36's in-memory client asks again for the 503ing group-version: twice, 10 s; once, 5 s, in 1.25); without it, after kubectl's 32 s discovery timeout, whether the server honours the ?timeout= (1.21+) or not (#82172)",
        arguments: [(true, "1.36", 10.0, Outcome.discoveryTimeout, 23, 2), (true, "1.25", 5.0, .discoveryTimeout, 26, 1),
                    (false, "1.36", 32.0, .clientTimeout, 23, 1), (false, "1.20", 32.0, .clientTimeout, 38, 1)])
  func legacyDiscoveryAgainstBlackHole(cap: Bool, version: String, seconds: Double, failure: Outcome, answered: Int, failures: Int) throws {
    let hang = FaultSpec(kind: .hang, start: .zero)
    var spec = F.spec(duration: .seconds(120), server: F.metricsServer(faults: [hang]),
                      clients: [Self.kubectl([1], discovery: .legacy)])
    spec.version = try KubernetesVersion(parsing: version)
    spec.controlPlane.localHandlerTime = .constant(.zero)
    if !cap { spec.controlPlane.proxy.discoveryTimeout = nil }
    let result = F.run(spec)
    let d = result.discovery[0]
    #expect(d.invocations == 1 && d.partial == 1 && d.complete == 0 && d.cacheHits == 0)
    #expect(d.latency.max == .seconds(seconds))
    // /api, /apis and the local group-versions (21 in 1.36, 24 in 1.25, 36 in 1.20) answer 200; metrics.k8s.io
    // 503 at 5 s, or kubectl gives up at 32 s (the server's deadline is 32 s from 1.21, 60 s
    // before: kubectl is first).
    #expect(result.clients[0].count(.ok) == answered)
    #expect(result.clients[0].count(failure) == failures)
  }

  @Test("a discovery storm: 1,900 CRDs + 22 group-versions under kubectl's 50/300 take 32.49 s, under client-go's 5/10 382.81 s (kubectl#1126)",
        arguments: [(50.0, 300, Int64(32_490)), (5.0, 10, Int64(382_810))])
  func discoveryStorm(qps: Double, burst: Int, milliseconds: Int64) {
    let limit = RateLimitSpec(qps: .perSecond(qps), burst: burst)
    // /api at 0 and /apis at 1 ms take two tokens; the last of the 1,922 group-version requests
    // (metrics.k8s.io, group priority 100) goes at (1,900 + 2 + 22 − burst) / QPS and answers 10 ms later.
    let last = Double(1_900 + 2 + Self.builtInAndMetricsGroupVersions - limit.burst) / limit.qps.perSecond
    #expect(SimDuration.seconds(last) + .milliseconds(10) == .milliseconds(milliseconds))
    let spec = F.spec(duration: .seconds(600), clients: [Self.kubectl([0], discovery: .legacy, extra: 1_900, limit: limit)])
    let result = F.run(spec)
    #expect(result.discovery[0].complete == 1)
    #expect(result.discovery[0].latency.max == .milliseconds(milliseconds))
    #expect(result.clients[0].count(.ok) == 1_924)
  }

  @Test("kubectl's discovery bucket follows the version: 5 QPS / burst 100 before 1.23, so 1.22's 1,931 requests take 366.21 s (#106016's ~6 min)")
  func discoveryBurstBeforeOneTwentyThree() {
    // 1.22 serves 7 more built-in group-versions than 1.36 (27, with the v1beta1s of 1.25 and
    // 1.26): 2 + 1,900 + 29 = 1,931 requests. (1,931 − 100) / 5 = 366.2 s for the last request
    // to leave, then its 10 ms round trip.
    var spec = F.spec(duration: .seconds(600), clients: [Self.kubectl([0], discovery: .legacy, extra: 1_900)])
    spec.version = KubernetesVersion(major: 1, minor: 22)
    #expect(F.run(spec).discovery[0].latency.max == .milliseconds(366_210))
  }

  @Test("aggregated discovery is two local requests and complete while every group-version is Current")
  func aggregatedDiscoveryTwoRequests() {
    let spec = F.spec(duration: .seconds(10), clients: [Self.kubectl([1], discovery: .aggregated)])
    let result = F.run(spec)
    #expect(result.discovery[0].complete == 1 && result.discovery[0].partial == 0)
    #expect(result.discovery[0].latency.max == .milliseconds(2))
    #expect(result.clients[0].completed == 2)
    #expect(result.discoveryManager.map(\.apiService) == ["v1beta1.metrics.k8s.io"])
    #expect(result.discoveryManager[0].fetches == 1 && result.discoveryManager[0].staleTime == .zero)
  }

  @Test("a backend ready 2 s after the first failed fetch stays Stale until the 1-minute loop in 1.35, 3.51 s in 1.36 (#122333)",
        arguments: [(35, 60_010, 2), (36, 3_510, 5)])
  func staleUntilRetry(minor: Int, staleMs: Int64, fetches: Int) {
    // Refused from 0 to 2 s. 1.35: fetch at 0 fails, the loop fetches at 60 s (10 ms). 1.36:
    // retries at 0.5 s and 1.5 s fail, the one at 3.5 s succeeds at 3.51 s; the refresh fetches at 63.51 s.
    let refuse = FaultSpec(kind: .refuse, start: .zero, duration: .seconds(2))
    var spec = F.spec(duration: .seconds(90), server: F.metricsServer(faults: [refuse]),
                      clients: [Self.kubectl([30], discovery: .aggregated)])
    spec.version = KubernetesVersion(major: 1, minor: minor)
    let result = F.run(spec)
    let m = result.discoveryManager[0]
    #expect(m.staleTime == .milliseconds(staleMs))
    #expect(m.staleToCurrent == 1)
    #expect(m.fetches == fetches)
    #expect(abs(m.staleFraction - Double(staleMs) / 90_000) < 1e-12)
    // kubectl at 30 s: complete either way; in 1.35 (still Stale) its disk cache left it out.
    #expect(result.discovery[0].partial == 0 && result.discovery[0].staleDropped == (minor == 35 ? 1 : 0))
  }

  @Test("a second invocation within the cache TTL does no discovery; one after it does (a get of wardle, a group without a dot: a dotted group's get rediscovers with a fresh cache, `KubectlFreshCacheTests`)")
  func cacheWithinTTL() {
    var client = Self.kubectl([1, 100, 7_300], discovery: .legacy, resource: .get)
    client.target = .resource(apiService: "v1alpha1.wardle", kind: .get)
    if case .kubectl(var k) = client.workload { k.cacheTTL = .hours(2); client.workload = .kubectl(k) }
    var spec = F.spec(duration: .hours(3), clients: [client])
    spec.apiServices.append(APIServiceSpec(KubectlFreshCacheTests.wardle, initiallyAvailable: true))
    let result = F.run(spec)
    let d = result.discovery[0]
    #expect(d.invocations == 3 && d.cacheHits == 1 && d.complete == 2)
    // 2 × (2 + 23 discovery requests) + 3 GETs of wardle.
    #expect(result.clients[0].completed == 53)
    #expect(result.trace.filter { $0.kind == .get }.map(\.start) == [F.at(1.012), F.at(100), F.at(7_300.012)])
  }

  @Test("two overlapping invocations are two kubectl processes: each has its own discovery bucket and takes 32.49 s")
  func overlappingInvocationsHaveTheirOwnBuckets() {
    let spec = F.spec(duration: .seconds(600), clients: [Self.kubectl([0, 1], discovery: .legacy, extra: 1_900)])
    let d = F.run(spec).discovery[0]
    #expect(d.complete == 2 && d.cacheHits == 0)
    #expect(d.latency.min == .milliseconds(32_490) && d.latency.max == .milliseconds(32_490))
  }

  @Test("a discovery fetch answered in 4.999 s keeps the group-version Current; at 5 s or 5.001 s the 5 s timeout makes it Stale",
        arguments: [(4_999, 0, 0), (5_000, 1, 5_000), (5_001, 1, 5_000)])
  func fetchTimeoutAtFiveSeconds(serviceMs: Int, failed: Int, staleMs: Int64) {
    // Discovery service time only; the fetch at 0 s ends at 4.999 s (ok) or at the 5 s timeout,
    // then the group-version is Stale until the end of the 10 s run (before the 1-minute loop).
    var times = ServiceTimes.uniform(.constant(.milliseconds(1)))
    times.discovery = .constant(.milliseconds(serviceMs))
    var spec = F.spec(duration: .seconds(10), server: F.metricsServer(serviceTimes: times), clients: [])
    spec.version = KubernetesVersion(major: 1, minor: 35)
    spec.discoveryManager.enabled = true
    let m = F.run(spec).discoveryManager[0]
    #expect(m.fetches == 1 && m.failedFetches == failed)
    #expect(m.staleTime == .milliseconds(staleMs))
  }

  @Test("the discovery manager runs only when asked or when a kubectl client uses aggregated discovery")
  func managerRunsOnlyWhenNeeded() {
    #expect(F.run(F.spec(duration: .seconds(1), clients: [Self.kubectl([], discovery: .legacy)])).discoveryManager.isEmpty)
    #expect(F.run(F.spec(duration: .seconds(1), clients: [Self.kubectl([], discovery: .aggregated)])).discoveryManager.count == 1)
  }

  @Test("each of 3 instances runs its own discovery manager: Stale 3 × 3.51 s in 1.36, the same fraction as one instance")
  func oneManagerPerInstance() {
    let refuse = FaultSpec(kind: .refuse, start: .zero, duration: .seconds(2))
    let spec = F.spec(duration: .seconds(90), server: F.metricsServer(faults: [refuse]),
                      clients: [Self.kubectl([], discovery: .aggregated)], instances: 3)
    let m = F.run(spec).discoveryManager[0]
    #expect(m.staleTime == .milliseconds(3 * 3_510))
    #expect(m.staleToCurrent == 3 && m.fetches == 15 && m.failedFetches == 9)
    #expect(abs(m.staleFraction - 3.51 / 90) < 1e-12)
  }

  @Test("kubectl's aggregated discovery against a black-holed metrics-server is complete in 2 ms, before and after the 5 s fetch failed: its disk cache drops the Stale group-version silently (client-go disk.CachedDiscoveryClient)")
  func aggregatedDiscoveryAgainstBlackHole() {
    let hang = FaultSpec(kind: .hang, start: .zero)
    var client = Self.kubectl([4.99, 10], discovery: .aggregated)
    if case .kubectl(var k) = client.workload { k.cacheTTL = .seconds(1); client.workload = .kubectl(k) }
    let spec = F.spec(duration: .seconds(20), server: F.metricsServer(faults: [hang]), clients: [client])
    let result = F.run(spec)
    // At 4.99 s the first fetch is still waiting (not yet Stale); at 10 s it is Stale and left out.
    #expect(result.discovery[0].complete == 2 && result.discovery[0].partial == 0 && result.discovery[0].staleDropped == 1)
    #expect(result.discovery[0].latency.max == .milliseconds(2))
    #expect(result.discoveryManager[0].staleTime == .seconds(15))
  }

  @Test("a kubectl get of a resource whose group-version is Stale fails without its GET (\"the server doesn't have a resource type\"); a cache written without it is no hit for the get (the REST mapper invalidates it and discovers again), nor for api-resources (which invalidates every cache)",
        arguments: [(KubectlSpec.ResourceRequest.get, 3, 0, 3), (.none, 3, 0, 0)])
  func staleTargetIsUnknown(resource: KubectlSpec.ResourceRequest, discoveries: Int, hits: Int, unknown: Int) {
    let hang = FaultSpec(kind: .hang, start: .zero)
    var client = Self.kubectl([10, 10.5, 12], discovery: .aggregated, resource: resource)
    if case .kubectl(var k) = client.workload { k.cacheTTL = .seconds(1); client.workload = .kubectl(k) }
    let result = F.run(F.spec(duration: .seconds(20), server: F.metricsServer(faults: [hang]), clients: [client]))
    // Stale from 5 s. 10 s: /api, /apis (2 ms), cached until 11.002 s. 10.5 s: cached, but
    // without the target; 12 s: expired.
    let d = result.discovery[0]
    #expect(d.complete == discoveries && d.partial == 0 && d.staleDropped == discoveries)
    #expect(d.cacheHits == hits && d.resourceTypeUnknown == unknown)
    // Only the discovery requests, 2 each: nothing reaches the hung metrics-server.
    #expect(result.trace.count == 2 * discoveries && result.trace.allSatisfy { $0.outcome == .ok })
  }

  @Test("the garbage collector's aggregated discovery (client-go's plain discovery client) reports the Stale group-version: partial")
  func controllerAggregatedDiscoveryIsPartial() {
    let hang = FaultSpec(kind: .hang, start: .zero)
    let result = F.run(DiscoveryConsumerTests.spec(duration: 20, server: F.metricsServer(faults: [hang]),
                                                  clients: [DiscoveryConsumerTests.garbageCollector(firstSync: 10, discovery: .aggregated)]))
    let d = result.discovery[0]
    #expect(d.partial == 1 && d.complete == 0 && d.staleDropped == 0)
  }

  /// Refused until 2 s, watched by the availability controller, read by kubectl at 20 s.
  static func refusedUntilTwoSeconds(minor: Int, server: ExtensionServerSpec) -> ModelSpec {
    var spec = F.spec(duration: .seconds(30), server: server, clients: [Self.kubectl([20], discovery: .aggregated)],
                      availabilityController: AvailabilityControllerTests.controller())
    spec.version = KubernetesVersion(major: 1, minor: minor)
    return spec
  }

  @Test("a status write marks the group-version dirty once the registration worker is done with it: with the availability controller on, 1.35 is Current 11 ms after the APIService turns Available (2.566 s), not at the 1-minute loop; 1.36's retry at 2.5 s comes first",
        arguments: [(35, Int64(2_566), 3), (36, Int64(2_510), 5)])
  func statusWriteRefetches(minor: Int, staleMs: Int64, fetches: Int) {
    // Refused until 2 s. The availability check at 0 fails (False); its update event re-checks
    // at once (fails again); its requeues at 5, 25, 65 … 1,265 ms fail, the one at 2,545 ms
    // passes 10 ms later: True at 2.555 s. The registration worker is done with it 1 ms later
    // (no OpenAPI controllers here), and hands it to the discovery manager: fetched, Current at
    // 2.566 s (1.35, which retries no failure).
    // 1.36: the fetch at 0 fails, and again at 0.001 s for the False write (the earlier requeue,
    // 0.5 s, stands); 0.5 s fails, requeue 2 s later; the fetch at 2.5 s succeeds at 2.51 s.
    // Fetches: 1.35 at 0, 0.001, 2.556 s; 1.36 at 0, 0.001, 0.5, 2.5 and 2.556 s.
    let refuse = FaultSpec(kind: .refuse, start: .zero, duration: .seconds(2))
    let result = F.run(Self.refusedUntilTwoSeconds(minor: minor, server: F.metricsServer(faults: [refuse])))
    #expect(AvailabilityControllerTests.statusWrites(result).map(\.0) == [0, 2_555])
    #expect(result.discoveryManager[0].staleTime == .milliseconds(staleMs))
    #expect(result.discoveryManager[0].fetches == fetches)
    #expect(result.discoveryManager[0].staleToCurrent == 1)
  }

  @Test("the status-change re-fetch waits for the registration worker's OpenAPI v2 download (audit §5): with /openapi/v2 answered in 3 s, 1.35 is Current at 5.566 s, not 2.566 s")
  func refetchWaitsForRegistrationDownload() {
    // As above on 1.35, with the OpenAPI controllers on: their downloads at 1 s get 503 at once
    // (the proxy holds False). True at 2.555 s, installed at 2.556 s; the registration worker's
    // v2 download (mutex and v3 lock free) is answered 3 s later, at 5.556 s; then the discovery
    // manager's fetch: Current at 5.566 s.
    let refuse = FaultSpec(kind: .refuse, start: .zero, duration: .seconds(2))
    let fast = Distribution.constant(.milliseconds(10))
    let server = F.metricsServer(serviceTimes: ServiceTimes(get: fast, list: fast, discovery: fast, probe: fast, openAPI: .constant(.seconds(3))),
                                 faults: [refuse])
    var spec = Self.refusedUntilTwoSeconds(minor: 35, server: server)
    spec.controlPlane.openAPIController = OpenAPIControllerSpec()
    let result = F.run(spec)
    #expect(AvailabilityControllerTests.statusWrites(result).map(\.0) == [0, 2_555])
    #expect(result.discoveryManager[0].staleTime == .milliseconds(5_566))
    #expect(result.discoveryManager[0].fetches == 3)
  }

  @Test("APIServices of one Service share its cached answer (audit §5): of 3 group-versions on metrics-server's Service (2 workers), 2 are fetched at each minute and the third reuses the answer stored 10 ms later: 6 fetches in 130 s, not 9, in 1.35 and 1.36",
        arguments: [(35, [3, 3, 0]), (36, [3, 2, 1])])
  func oneFetchPerService(minor: Int, fetches: [Int]) {
    // 1.35: the start-up pass and the 1-minute loops (which mark every APIService dirty at 60 and
    // 120 s) give A and B to the 2 workers; C waits until A's fetch stores the answer at +10 ms,
    // after C was marked dirty: C reuses it. A 3, B 3, C 0.
    // 1.36: every success marks its APIService dirty and requeues it a minute later. 0 s: A and B
    // fetched; at 0.010 s A's answer is stored, C reuses it (marked dirty at 0.010 s), then B
    // ends: requeued A, C, B at 60.010 s. A and C are fetched (C's mark equals the stored
    // answer's time: not after it), B reuses A's answer at 60.020 s; requeued A, B, C at
    // 120.020 s: A and B fetched, C reuses. A 3, B 2, C 1.
    var spec = F.spec(duration: .seconds(130), clients: [Self.kubectl([20], discovery: .aggregated)])
    spec.version = KubernetesVersion(major: 1, minor: minor)
    for group in ["custom.metrics.k8s.io", "external.metrics.k8s.io"] {
      spec.apiServices.append(APIServiceSpec(APIService(group: group, version: "v1beta1", service: F.metricsServerService,
                                                        groupPriorityMinimum: 100, versionPriority: 100)))
    }
    let result = F.run(spec)
    #expect(result.discoveryManager.map(\.fetches) == fetches)
    #expect(result.discoveryManager.allSatisfy { $0.staleTime == .zero })
  }
}
