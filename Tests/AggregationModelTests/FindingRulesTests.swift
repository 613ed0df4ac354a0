import SimCore
import Testing
@testable import AggregationModel

/// The bottleneck rules on constructed summaries: each kind of finding with its cause, and
/// without it (on the other side of its threshold). The three end-to-end cases (a throttled
/// HPA, ClusterIP pinning, the silent 5 QPS) run the binary in `FindingsScenarioTests`.
@Suite("Finding rules")
struct FindingRulesTests {
  typealias F = ModelFixtures

  /// A replication of 10 s with these parts (everything else empty).
  static func summary(clients: [ScopeMetrics] = [], apiServices: [ScopeMetrics] = [], pods: [PodMetrics] = [],
                      levels: [PriorityLevelMetrics] = [], discovery: [DiscoveryMetrics] = [], replication: Int = 0) -> ReplicationSummary {
    ReplicationSummary(ReplicationResult(
      replication: replication, clientNames: clients.indices.map { ["alice", "bob"][$0] }, clients: clients,
      apiServiceNames: apiServices.isEmpty ? [] : ["v1beta1.metrics.k8s.io"], apiServices: apiServices, pods: pods, trace: [],
      priorityLevels: levels, timeSeries: [], events: [], availability: apiServices.map { _ in AvailabilityMetrics() },
      eventsHandled: 0, measuredDuration: .seconds(10), discovery: discovery))
  }

  /// A client's requests: `offered` and `sent` over the 10 s, each sent one answered 200 in 10 ms.
  static func requests(offered: Int, sent: Int) -> ScopeMetrics {
    var m = ScopeMetrics()
    for _ in 0..<sent { m.record(.ok, latency: .milliseconds(10), stages: StageDurations()) }
    m.offered = offered
    m.sent = sent
    return m
  }

  static func client(rateLimit: RateLimitSpec?) -> ClientSpec {
    var c = F.client(workload: .open(.poisson(.perSecond(40))))
    c.rateLimit = rateLimit
    return c
  }

  @Test("offered 40/s, sent 20/s at 20 QPS is a rate-limit finding; sent 38/s (not held back) or 10/s (below the QPS) is none")
  func rateLimit() {
    let spec = F.spec(duration: .seconds(10), clients: [Self.client(rateLimit: RateLimitSpec(qps: .perSecond(20), burst: 30))])
    let found = FindingRules.findings(spec: spec, summaries: [Self.summary(clients: [Self.requests(offered: 400, sent: 200)])])
    #expect(found.map(\.message) == ["client/alice: offered 40.0/s, sent 20.0/s — rateLimit qps 20, burst 30 (spec.clients[0].rateLimit)"])
    #expect(found.first?.kind == .clientRateLimit && found.first?.figure == 20 && found.first?.evidence == .sentRate)
    #expect(found.first?.knob == "rateLimit qps 20, burst 30" && found.first?.keyPath == "spec.clients[0].rateLimit")
    #expect(FindingRules.findings(spec: spec, summaries: [Self.summary(clients: [Self.requests(offered: 400, sent: 380)])]).isEmpty)
    #expect(FindingRules.findings(spec: spec, summaries: [Self.summary(clients: [Self.requests(offered: 400, sent: 100)])]).isEmpty)
    // Offered 21/s at 20 QPS: within 10% of the QPS.
    #expect(FindingRules.findings(spec: spec, summaries: [Self.summary(clients: [Self.requests(offered: 210, sent: 180)])]).isEmpty)
  }

  @Test("client-go's default bucket (5 QPS, burst 10) is the silent-5-QPS finding; no bucket is none")
  func defaultRateLimit() {
    let spec = F.spec(duration: .seconds(10), clients: [Self.client(rateLimit: .clientGo)])
    let found = FindingRules.findings(spec: spec, summaries: [Self.summary(clients: [Self.requests(offered: 3_200, sent: 50)])])
    #expect(found.map(\.kind) == [.clientDefaultRateLimit])
    #expect(found.first?.message
      == "client/alice: offered 320.0/s, sent 5.0/s — silently throttled by client-go's default token bucket, 5 QPS / burst 10 (set spec.clients[0].rateLimit)")
    let unlimited = F.spec(duration: .seconds(10), clients: [Self.client(rateLimit: nil)])
    #expect(FindingRules.findings(spec: unlimited, summaries: [Self.summary(clients: [Self.requests(offered: 3_200, sent: 50)])]).isEmpty)
  }

  static func pods(shares: [Double], utilisation: Double) -> [PodMetrics] {
    shares.enumerated().map { i, share in
      PodMetrics(server: "metrics-server", pod: i, utilisation: i == 0 ? utilisation : 0.01, served: Int(share * 1_000), meanQueueLength: 0,
                 requestShare: share)
    }
  }

  @Test("one pod of two with 90% of the requests, 60% busy, under ClusterIP is pinning; 30% busy, or endpoint routing, is none")
  func pinning() {
    let spec = F.spec(duration: .seconds(10), server: F.metricsServer(replicas: 2), clients: [])
    let found = FindingRules.findings(spec: spec, summaries: [Self.summary(pods: Self.pods(shares: [0.9, 0.1], utilisation: 0.6))])
    #expect(found.map(\.message) == ["pods of metrics-server: 90% of requests went to one pod, 60% busy (pod 0 in the first replication) "
      + "— ClusterIP routing pins one connection per instance (spec.controlPlane.proxy.routing)"])
    #expect(found.first?.scope == "pod/metrics-server/0" && found.first?.evidence == .podRequestShare && found.first?.figure == 0.9)
    #expect(FindingRules.findings(spec: spec, summaries: [Self.summary(pods: Self.pods(shares: [0.9, 0.1], utilisation: 0.3))]).isEmpty)
    #expect(FindingRules.findings(spec: spec, summaries: [Self.summary(pods: Self.pods(shares: [0.6, 0.4], utilisation: 0.9))])
      .allSatisfy { $0.kind != .podPinning })
    let endpoints = F.spec(duration: .seconds(10), server: F.metricsServer(replicas: 2), clients: [], routing: .endpoints)
    #expect(FindingRules.findings(spec: endpoints, summaries: [Self.summary(pods: Self.pods(shares: [0.9, 0.1], utilisation: 0.6))]).isEmpty)
  }

  @Test("a pod 95% busy is saturated, 85% busy is not")
  func podSaturated() {
    let spec = F.spec(duration: .seconds(10), clients: [])
    let busy = [PodMetrics(server: "metrics-server", pod: 0, utilisation: 0.95, served: 100, meanQueueLength: 12.5, requestShare: 1)]
    let found = FindingRules.findings(spec: spec, summaries: [Self.summary(pods: busy)])
    #expect(found.map(\.message) == ["pod/metrics-server/0: workers busy 95% of the time, 12.5 requests queued on average "
      + "— workers 10, replicas 1 (spec.extensionServers[0].workers, spec.extensionServers[0].replicas)"])
    #expect(found.first?.kind == .podSaturated && found.first?.figure == 0.95)
    let calm = [PodMetrics(server: "metrics-server", pod: 0, utilisation: 0.85, served: 100, meanQueueLength: 0.5, requestShare: 1)]
    #expect(FindingRules.findings(spec: spec, summaries: [Self.summary(pods: calm)]).isEmpty)
  }

  @Test("a pod whose workers a hang (or slow-down) fault holds is saturated by the fault, not short of workers; a crash fault or another pod's hang does not count")
  func podSaturatedByAFault() {
    let busy = [PodMetrics(server: "metrics-server", pod: 0, utilisation: 1, served: 0, meanQueueLength: 131.4, requestShare: 1)]
    var server = F.metricsServer()
    server.faults = [FaultSpec(kind: .crash, start: .zero), FaultSpec(kind: .hang, pods: [0], start: .zero + .seconds(30))]
    let found = FindingRules.findings(spec: F.spec(duration: .seconds(10), server: server, clients: []), summaries: [Self.summary(pods: busy)])
    #expect(found.map(\.message) == ["pod/metrics-server/0: workers busy 100% of the time, 131.4 requests queued on average "
      + "— held by its hang fault from t=30s, not short of workers (spec.extensionServers[0].faults[1])"])
    #expect(found.first?.kind == .podSaturated && found.first?.keyPath == "spec.extensionServers[0].faults[1]")
    server.faults = [FaultSpec(kind: .crash, start: .zero), FaultSpec(kind: .hang, pods: [1], start: .zero + .seconds(30))]
    let other = FindingRules.findings(spec: F.spec(duration: .seconds(10), server: server, clients: []), summaries: [Self.summary(pods: busy)])
    #expect(other.map(\.keyPath) == ["spec.extensionServers[0].workers"])
    server.faults = []
    server.faultProcesses = [FaultProcessSpec(kind: .slowDown(factor: 10), timeBetweenFailures: .constant(.seconds(60)),
                                              timeToRepair: .constant(.seconds(60)))]
    let random = FindingRules.findings(spec: F.spec(duration: .seconds(10), server: server, clients: []), summaries: [Self.summary(pods: busy)])
    #expect(random.map(\.knob) == ["random slow_down x10.0 faults"] && random.map(\.keyPath) == ["spec.extensionServers[0].faultProcesses[0]"])
  }

  static func level(utilisation: Double, rejected: Int, dispatched: Int) -> PriorityLevelMetrics {
    PriorityLevelMetrics(instance: 0, level: "workload-low", concurrencyLimit: 245, meanConcurrencyLimit: 245, seatUtilisation: utilisation,
                         meanQueueLength: 3, meanQueueWaitSeconds: 0.125, rejected: rejected, dispatched: dispatched)
  }

  @Test("an APF level 95% busy is saturated and one that rejects 2% is rejecting; 50% busy and 0.5% rejected is neither")
  func priorityLevel() {
    let spec = F.spec(duration: .seconds(10), clients: [], admission: .kubernetesDefault)
    let found = FindingRules.findings(spec: spec, summaries: [Self.summary(levels: [Self.level(utilisation: 0.95, rejected: 20, dispatched: 980)])])
    #expect(found.map(\.message) == [
      "priority_level/0/workload-low: seats in use 95% of the time (limit 245 seats), mean queue wait 0.125 s "
        + "— shares 100 of workload-low (serverConcurrencyLimit 600) (spec.controlPlane.admission.priorityAndFairness.levels)",
      "priority_level/0/workload-low: 20 requests rejected with 429 (2% of those it received) "
        + "— shares 100 of workload-low (serverConcurrencyLimit 600) (spec.controlPlane.admission.priorityAndFairness.levels)",
    ])
    #expect(found.map(\.kind) == [.priorityLevelSaturated, .priorityLevelRejecting])
    #expect(FindingRules.findings(spec: spec, summaries: [Self.summary(levels: [Self.level(utilisation: 0.5, rejected: 5, dispatched: 995)])]).isEmpty)
  }

  @Test("5% of an APIService's requests at the stream cap is a finding, 0.5% is none")
  func streamCap() {
    let spec = F.spec(duration: .seconds(10), server: F.metricsServer(maxStreams: 100), clients: [])
    func apiService(hits: Int) -> ScopeMetrics {
      var m = ScopeMetrics()
      for _ in 0..<1_000 { m.record(.ok, latency: .milliseconds(10), stages: StageDurations()) }
      m.streamCapHits = hits
      return m
    }
    let found = FindingRules.findings(spec: spec, summaries: [Self.summary(apiServices: [apiService(hits: 50)])])
    #expect(found.map(\.message) == ["apiservice/v1beta1.metrics.k8s.io: 5% of requests found every HTTP/2 connection at its 100-stream cap "
      + "and opened another connection — maxStreamsPerConnection 100 (spec.extensionServers[0].maxStreamsPerConnection, spec.controlPlane.proxy.atStreamCap)"])
    #expect(found.first?.kind == .streamCap && found.first?.figure == 50)
    #expect(FindingRules.findings(spec: spec, summaries: [Self.summary(apiServices: [apiService(hits: 5)])]).isEmpty)
  }

  @Test("kubectl's partial discoveries name the group-version whose requests failed and its backend; complete ones are none; a Stale group-version silently left out is one too")
  func discoveryIncomplete() {
    let kubectl = ClientSpec(name: "alice", identity: .user("alice"), target: .resource(apiService: "v1beta1.metrics.k8s.io", kind: .get),
                             workload: .kubectl(KubectlSpec(invocations: .poisson(.perSecond(0.1)))))
    let spec = F.spec(duration: .seconds(10), clients: [kubectl])
    func discovery(complete: Int, partial: Int, dropped: Int = 0) -> DiscoveryMetrics {
      var d = DiscoveryMetrics(client: "alice")
      d.invocations = complete + partial
      d.complete = complete
      d.partial = partial
      d.staleDropped = dropped
      d.resourceTypeUnknown = partial
      d.latency.record(.seconds(5))
      d.latency.record(.seconds(32))
      return d
    }
    // metrics-server answered 3 of its 4 requests: the fourth was given up at kubectl's timeout.
    var metrics = ScopeMetrics()
    for _ in 0..<3 { metrics.record(.ok, latency: .milliseconds(10), stages: StageDurations()) }
    metrics.record(.clientTimeout, latency: .seconds(32), stages: StageDurations())
    let found = FindingRules.findings(spec: spec, summaries: [Self.summary(clients: [ScopeMetrics()], apiServices: [metrics],
                                                                           discovery: [discovery(complete: 2, partial: 2)])])
    #expect(found.map(\.message) == ["kubectl/alice: 50% of its discoveries partial (2 of 4), 2 invocations ended \"the server doesn't have "
      + "a resource type\", slowest discovery 32 s — v1beta1.metrics.k8s.io answered 200 to 75% of its requests; "
      + "backend metrics-server of v1beta1.metrics.k8s.io (spec.extensionServers[0])"])
    #expect(found.first?.kind == .discoveryIncomplete && found.first?.figure == 0.5 && found.first?.evidence == .discoveryPartialFraction)
    #expect(found.first?.keyPath == "spec.extensionServers[0]")
    // Every discovery complete: nothing to find, whatever the group-version's failures.
    #expect(FindingRules.findings(spec: spec, summaries: [Self.summary(clients: [ScopeMetrics()], apiServices: [metrics],
                                                                       discovery: [discovery(complete: 4, partial: 0)])]).isEmpty)
    // kubectl's aggregated discovery left a Stale group-version out of 1 of its 4 complete discoveries;
    // no group-version shows a failure here, so the knob is every backend.
    let dropped = FindingRules.findings(spec: spec, summaries: [Self.summary(clients: [ScopeMetrics()],
                                                                             discovery: [discovery(complete: 4, partial: 0, dropped: 1)])])
    #expect(dropped.map(\.message) == ["kubectl/alice: 25% silently without a Stale group-version (1 of 4), slowest discovery 32 s — "
      + "no group-version shows a failure; the backends of the aggregated group-versions (spec.extensionServers)"])
    #expect(dropped.first?.evidence == .discoveryStaleDropped && dropped.first?.figure == 1)
  }

  @Test("kubectl's discovery latency measured in 1 of 3 replications (cache hits) is too few to bound; in all 3 it is not; 1 replication says nothing")
  func tooFewSamples() {
    let kubectl = ClientSpec(name: "alice", identity: .user("alice"), target: .resource(apiService: "v1beta1.metrics.k8s.io", kind: .get),
                             workload: .kubectl(KubectlSpec(invocations: .poisson(.perSecond(0.01)), cacheTTL: .hours(6))))
    let spec = F.spec(duration: .seconds(10), clients: [kubectl])
    func discovery(fetched: Bool, replication: Int) -> ReplicationSummary {
      var d = DiscoveryMetrics(client: "alice")
      d.invocations = 3
      d.cacheHits = fetched ? 2 : 3
      if fetched { d.latency.record(.milliseconds(120)) }
      return Self.summary(clients: [ScopeMetrics()], discovery: [d], replication: replication)
    }
    let found = FindingRules.findings(spec: spec, summaries: [discovery(fetched: true, replication: 0), discovery(fetched: false, replication: 1),
                                                              discovery(fetched: false, replication: 2)])
    #expect(found.map(\.message) == ["kubectl/alice: discovery_latency_p50_s measured in 1 of 3 replications (the other invocations found "
      + "kubectl's 6h discovery cache fresh), too few for a 95% interval — cacheTTL 6h (spec.clients[0].workload.kubectl.cacheTTL; "
      + "or raise spec.run.duration, spec.run.replications)"])
    #expect(found.first?.kind == .tooFewSamples && found.first?.figure == 1)
    #expect(FindingRules.findings(spec: spec, summaries: (0..<3).map { discovery(fetched: true, replication: $0) }).isEmpty)
    #expect(FindingRules.findings(spec: spec, summaries: [discovery(fetched: false, replication: 0)]).isEmpty)
  }

  @Test("nothing limits: no finding")
  func nothingLimits() {
    let spec = F.spec(duration: .seconds(10), clients: [Self.client(rateLimit: .clientGo)], admission: .kubernetesDefault)
    let summaries = (0..<2).map { r in
      Self.summary(clients: [Self.requests(offered: 40, sent: 40)], pods: [PodMetrics(server: "metrics-server", pod: 0, utilisation: 0.2,
                                                                                     served: 40, meanQueueLength: 0, requestShare: 1)],
                   levels: [Self.level(utilisation: 0.1, rejected: 0, dispatched: 40)], replication: r)
    }
    #expect(FindingRules.findings(spec: spec, summaries: summaries).isEmpty)
  }
}
