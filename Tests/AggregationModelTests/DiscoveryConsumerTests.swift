import Testing
import SimCore
@testable import AggregationModel

/// The controllers that consume discovery (research kube-aggregator.md §7, §9 items 3 and 4):
/// the garbage collector and the namespace controller, pinned by exact traces with ideal links,
/// no filter overhead and local handlers that answer at once (so a discovery's latency is only
/// what the aggregated APIService adds).
@Suite("Discovery consumers: garbage collector and namespace controller")
struct DiscoveryConsumerTests {
  typealias F = ModelFixtures

  static func garbageCollector(firstSync: Double = 10, discovery: KubectlSpec.DiscoveryMode) -> ClientSpec {
    F.client("gc", target: .none, workload: .garbageCollector(GarbageCollectorSpec(firstSync: .seconds(firstSync), discovery: discovery)))
  }

  static func namespaces(_ times: [Double], discovery: KubectlSpec.DiscoveryMode) -> ClientSpec {
    F.client("namespaces", target: .none,
             workload: .namespaceDeletion(NamespaceDeletionSpec(deletions: .trace(times.map(F.at)), discovery: discovery)))
  }

  static func spec(duration: Double, server: ExtensionServerSpec = F.metricsServer(), available: Bool = true,
                   clients: [ClientSpec], minor: Int = 36) -> ModelSpec {
    var spec = F.spec(duration: .seconds(duration), server: server, clients: clients, available: available)
    spec.controlPlane.localHandlerTime = .constant(.zero)
    spec.version = KubernetesVersion(major: 1, minor: minor)
    return spec
  }

  @Test("the namespace controller's requeue doubles from 5 ms and is capped at 60 s after 15 failures")
  func namespaceRequeueSequence() {
    let backoff = NamespaceDeletionSpec(deletions: .trace([])).retryBackoff
    #expect((1...16).map { backoff.delay(afterFailures: $0) } ==
      [5, 10, 20, 40, 80, 160, 320, 640, 1_280, 2_560, 5_120, 10_240, 20_480, 40_960, 60_000, 60_000].map { SimDuration.milliseconds($0) })
  }

  @Test("the garbage collector discovers 30 s after each sync ends: legacy syncs at 10, 45 and 80 s, each partial after the 5 s cap against a hung metrics-server")
  func garbageCollectorSyncsEveryThirtySecondsAfterTheLastOne() {
    let hang = FaultSpec(kind: .hang, start: .zero)
    let result = F.run(Self.spec(duration: 100, server: F.metricsServer(faults: [hang]),
                                 clients: [Self.garbageCollector(discovery: .legacy)]))
    let d = result.discovery[0]
    #expect(d.consumer == .garbageCollector)
    #expect(d.invocations == 3 && d.partial == 3 && d.complete == 0 && d.cacheHits == 0)
    #expect(d.latency.min == .seconds(5) && d.latency.max == .seconds(5))
    // Per sync: /api, /apis, 21 local group-versions (200) and metrics.k8s.io (503 at the cap).
    #expect(result.clients[0].count(.ok) == 3 * 23)
    #expect(result.clients[0].count(.discoveryTimeout) == 3)
  }

  @Test("the garbage collector's aggregated discovery (answered at once) is complete while metrics-server is healthy: syncs at 10, 40 and 70 s of 99 s")
  func garbageCollectorAggregatedSyncs() {
    let result = F.run(Self.spec(duration: 99, clients: [Self.garbageCollector(discovery: .aggregated)]))
    #expect(result.discovery[0].invocations == 3 && result.discovery[0].complete == 3)
    #expect(result.clients[0].completed == 6)
  }

  @Test("a namespace deleted at 20 s while metrics-server refuses (to 120 s) stays Terminating until 166.915 s: 15 failed syncs, the last requeue 60 s (#75788)")
  func namespaceStaysTerminatingWhileDiscoveryIsStale() {
    // 1.36 discovery manager: fetches at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 63.5 s are refused,
    // the one at 123.5 s succeeds (Current at 123.51 s). The namespace deleted at 20 s is synced
    // at 25 s, then after 5 ms × 2ⁿ⁻¹: sync k+1 at 25 + 0.005 × (2ᵏ − 1) s while failing, so the
    // 15th at 106.915 s (still Stale) and the 16th 60 s later at 166.915 s, complete: finalized.
    // The namespace deleted at 150 s is synced at 155 s, complete: 5 s Terminating.
    let refuse = FaultSpec(kind: .refuse, start: .zero, duration: .seconds(120))
    var spec = Self.spec(duration: 200, server: F.metricsServer(faults: [refuse]),
                         clients: [Self.namespaces([20, 150], discovery: .aggregated)])
    spec.timeBucket = .seconds(40)
    let result = F.run(spec)
    // At the bucket ends (40, 80, 120, 160, 200 s): one namespace Terminating until 166.915 s;
    // metrics.k8s.io Stale until 123.51 s.
    #expect(result.timeSeries.filter { $0.metric == "terminating_namespaces" }.map(\.value) == [1, 1, 1, 1, 0])
    #expect(result.timeSeries.filter { $0.metric == "discovery_stale_instances" }.map(\.value) == [1, 1, 1, 0, 0])
    let n = result.namespaces[0]
    #expect(n.deleted == 2 && n.finalized == 2 && n.stillTerminating == 0)
    #expect(n.discoveryFailures == 15)
    #expect(n.terminating.max == .milliseconds(146_915))
    #expect(n.terminating.min == .seconds(5))
    #expect(result.discovery[0].consumer == .namespaceController)
    #expect(result.discovery[0].partial == 15 && result.discovery[0].complete == 2)
    let events = result.events.filter { $0.subject.hasPrefix("namespaces/") }.map { ($0.time, $0.kind, $0.subject) }
    #expect(events.map(\.0) == [F.at(20), F.at(25), F.at(150), F.at(155), .zero + .milliseconds(166_915)].sorted())
    #expect(events.map(\.1) == [.namespaceDeleted, .namespaceDiscoveryFailure, .namespaceDeleted, .namespaceFinalized, .namespaceFinalized])
    #expect(events.map(\.2) == ["namespaces/1", "namespaces/1", "namespaces/2", "namespaces/2", "namespaces/1"])
  }

  @Test("with legacy discovery (1.16) and metrics.k8s.io Available=False, a namespace never finalizes: 18 failed syncs in 300 s")
  func namespaceNeverFinalizesWhileAPIServiceUnavailable() {
    // Synced at 15 s, then at 15 + 0.005 × (2ᵏ − 1) s up to the 15th (96.915 s), then every 60 s:
    // 156.915, 216.915, 276.915 s. Each legacy discovery gets 503 at once for metrics.k8s.io/v1beta1.
    let result = F.run(Self.spec(duration: 300, available: false, clients: [Self.namespaces([10], discovery: .legacy)], minor: 16))
    let n = result.namespaces[0]
    #expect(n.deleted == 1 && n.finalized == 0)
    #expect(n.stillTerminating == 1 && n.oldestTerminating == .seconds(290))
    #expect(n.discoveryFailures == 18)
    #expect(n.terminating.count == 0)
    #expect(result.clients[0].count(.unavailable) == 18)
  }

  @Test("requeues share a 10 QPS / burst 100 bucket: of 150 namespaces failing at 15 s, 100 sync again at 15.005 s and the rest from 15.1 s")
  func requeueBucketSharedByNamespaces() {
    let times = Array(repeating: 10.0, count: 150)
    let clients = [Self.namespaces(times, discovery: .legacy)]
    func syncs(until seconds: Double) -> Int {
      F.run(Self.spec(duration: seconds, available: false, clients: clients, minor: 16)).discovery[0].invocations
    }
    #expect(syncs(until: 15.004) == 150)
    #expect(syncs(until: 15.099) == 250)
    #expect(syncs(until: 15.1) == 251)
    #expect(syncs(until: 20) == 300)
  }

  @Test("10 workers: of 12 namespaces due at 15 s whose legacy discovery takes the 5 s cap, 10 sync at once and 2 wait for a worker until 20 s")
  func namespaceWorkersLimitConcurrentSyncs() {
    // Each sync waits 5 s for metrics.k8s.io (hung, Available=True). Workers 10: 10 syncs start at
    // 15 s, end partial at 20 s; the 2 waiting start then; the 10 requeued (5 ms) at 20.005 s find
    // 8 free workers. Started by 19.999 s: 10; by 20.004 s: 12; by 24.999 s: 20. With 20 workers
    // all 12 start at 15 s and again at 20.005 s: 24.
    let hang = FaultSpec(kind: .hang, start: .zero)
    func started(workers: Int, until seconds: Double) -> Int {
      var client = Self.namespaces(Array(repeating: 10, count: 12), discovery: .legacy)
      if case .namespaceDeletion(var n) = client.workload { n.workers = workers; client.workload = .namespaceDeletion(n) }
      return F.run(Self.spec(duration: seconds, server: F.metricsServer(faults: [hang]), clients: [client])).discovery[0].invocations
    }
    #expect(started(workers: 10, until: 19.999) == 10)
    #expect(started(workers: 10, until: 20.004) == 12)
    #expect(started(workers: 10, until: 24.999) == 20)
    #expect(started(workers: 20, until: 24.999) == 24)
  }
}
