import Testing
import SimCore
@testable import AggregationModel

/// The discovery manager's legacy fallback and the 1.27/1.28 regression
/// kubernetes/kubernetes#119662 (research kube-aggregator.md §3.2, §9 item 5), pinned by exact
/// traces: an Agones-like extension server (`allocation.agones.dev/v1`) behind ideal links,
/// answering every request in a constant 10 ms, the availability controller off, the discovery
/// manager on. Before 1.29 only a 406 to the manager's `GET /apis` falls back to
/// `GET /apis/<g>/<v>`; from 1.29 everything but 304, 503 and an aggregated 200 does
/// (kubernetes/kubernetes#119870).
@Suite("Discovery manager: legacy fallback and #119662")
struct DiscoveryFallbackTests {
  static let agonesService = ServiceReference(namespace: "agones-system", name: "agones-controller-service")
  static let allocation = APIService(group: "allocation.agones.dev", version: "v1", service: agonesService,
                                     groupPriorityMinimum: 1000, versionPriority: 15)

  /// The Agones controller, answering the manager's `GET /apis` with `answer`.
  static func agones(_ answer: AggregatedDiscoverySupport = .notFound, serviceTimes: ServiceTimes = .uniform(.constant(.milliseconds(10))),
                     faults: [FaultSpec] = []) -> ExtensionServerSpec {
    var server = ExtensionServerSpec(name: "agones-controller", service: agonesService, replicas: 1, workers: 10,
                                     serviceTimes: serviceTimes, maxStreamsPerConnection: 1_000, faults: faults)
    server.aggregatedDiscovery = answer
    return server
  }

  /// One Agones APIService (plus `more`), its server (plus `moreServers`), the discovery manager
  /// on, unlimited admission, local handlers that answer at once, Kubernetes 1.`minor` (1.28 is
  /// 1.28.1 here, before the 1.28.2 backport of the wide fallback); the availability and
  /// OpenAPI controllers off (their probes and downloads would reach the pods).
  static func spec(seconds: Double, minor: Int, server: ExtensionServerSpec = agones(), clients: [ClientSpec] = [],
                   more: [APIService] = [], moreServers: [ExtensionServerSpec] = []) -> ModelSpec {
    var spec = ModelSpec(duration: .seconds(seconds), apiServices: ([allocation] + more).map { APIServiceSpec($0) },
                         extensionServers: [server] + moreServers, clients: clients)
    spec.controlPlane.admission = .unlimited
    spec.controlPlane.proxy.routing = .clusterIP
    spec.controlPlane.availabilityController = .disabled
    spec.controlPlane.openAPIController = .disabled
    spec.controlPlane.localHandlerTime = .constant(.zero)
    spec.discoveryManager.enabled = true
    spec.requestTraceSampling = 1
    spec.version = KubernetesVersion(major: 1, minor: minor, patch: minor == 28 ? 1 : nil)
    return spec
  }

  static func run(_ spec: ModelSpec) -> ReplicationResult { ModelFixtures.run(spec) }

  @Test("the verdict on GET /apis: 503 and no answer are Stale in every version; 406 falls back in every version; 404, 429, 500 and a plain 200 fall back only from 1.29")
  func verdictTable() {
    typealias S = DiscoveryManagers
    for wide in [false, true] {
      #expect(S.fetchVerdict(outcome: .ok, answer: .served, wideFallback: wide) == .current)
      #expect(S.fetchVerdict(outcome: .ok, answer: .notAcceptable, wideFallback: wide) == .fallback)
      for outcome in [Outcome.unavailable, .discoveryTimeout, .unreachable, .clientTimeout] {
        for answer in AggregatedDiscoverySupport.allCases {
          #expect(S.fetchVerdict(outcome: outcome, answer: answer, wideFallback: wide) == .stale, "\(outcome) \(answer) wide \(wide)")
        }
      }
    }
    // Before 1.29: a 404 (and 429, 500) is an error; a plain APIGroupList is decoded as an empty
    // aggregated list, published Current with no resources (inferred, see VersionBehaviour).
    #expect(S.fetchVerdict(outcome: .ok, answer: .notFound, wideFallback: false) == .stale)
    #expect(S.fetchVerdict(outcome: .ok, answer: .ignoresAccept, wideFallback: false) == .current)
    #expect(S.fetchVerdict(outcome: .ok, answer: .notFound, wideFallback: true) == .fallback)
    #expect(S.fetchVerdict(outcome: .ok, answer: .ignoresAccept, wideFallback: true) == .fallback)
    for outcome in [Outcome.tooManyRequests, .backendError, .deadlineExceeded] {
      #expect(S.fetchVerdict(outcome: outcome, answer: .served, wideFallback: false) == .stale)
      #expect(S.fetchVerdict(outcome: outcome, answer: .served, wideFallback: true) == .fallback)
    }
  }

  @Test("each answer to GET /apis over 90 s in 1.28.1 and 1.29: fetches at 0 and 60 s, Stale since 0.01 s only for a 404 in 1.28.1, a fallback per fetch otherwise where the version falls back", arguments: [
    (AggregatedDiscoverySupport.served, 28, Int64(0), 0, 2), (.served, 29, 0, 0, 2),
    (.notAcceptable, 28, 0, 2, 4), (.notAcceptable, 29, 0, 2, 4),
    (.notFound, 28, 89_990, 0, 2), (.notFound, 29, 0, 2, 4),
    (.ignoresAccept, 28, 0, 0, 2), (.ignoresAccept, 29, 0, 2, 4),
  ])
  func answersByVersion(answer: AggregatedDiscoverySupport, minor: Int, staleMs: Int64, fallbacks: Int, served: Int) {
    // 1.28 and 1.29 both wait for the 1-minute loop: fetches at 0 and 60 s. Each GET /apis is
    // answered 10 ms later (0.01 s, 60.01 s); a fallback, sent then, 10 ms after that (0.02 s,
    // 60.02 s), with 200. A 404 in 1.28 is an error: Stale from 0.01 s to the end, 90 − 0.01 =
    // 89.99 s. The pod serves one request per fetch, two with a fallback.
    let result = Self.run(Self.spec(seconds: 90, minor: minor, server: Self.agones(answer)))
    let m = result.discoveryManager[0]
    #expect(m.apiService == "v1.allocation.agones.dev")
    #expect(m.fetches == 2)
    #expect(m.fallbacks == fallbacks)
    #expect(m.failedFetches == (staleMs > 0 ? 2 : 0))
    #expect(m.staleTime == .milliseconds(staleMs))
    #expect(m.staleToCurrent == 0)
    #expect(result.pods[0].served == served)
  }

  @Test("1.36 refreshes a fallback's success 1 min after it ends: fallbacks at 0.01 s and 60.03 s, Current throughout")
  func fallbackRefreshedInOneThirtySix() {
    // GET /apis 0 → 404 at 0.01 s, fallback 200 at 0.02 s; AddAfter(1 min): 60.02 s → 404 at
    // 60.03 s, fallback 200 at 60.04 s; the next would be at 120.04 s > 90 s.
    let m = Self.run(Self.spec(seconds: 90, minor: 36)).discoveryManager[0]
    #expect(m.fetches == 2 && m.fallbacks == 2 && m.failedFetches == 0 && m.staleTime == .zero)
    // At 120.055 s the third fallback has been sent (GET /apis at 120.04 s answered at 120.05 s)
    // but has not ended (120.06 s): two syncs ended, three fallbacks sent.
    let later = Self.run(Self.spec(seconds: 120.055, minor: 36)).discoveryManager[0]
    #expect(later.fetches == 2 && later.fallbacks == 3)
  }

  @Test("#119662: a namespace deleted at 20 s behind the Agones APIService finalizes at 25 s in 1.29 and is still Terminating after 280 s in 1.28.1, 18 failed syncs")
  func namespaceFinalizesOnlyWithTheWideFallback() {
    // 1.29: Current from 0.02 s (fallback). Deleted at 20 s, synced after the 5 s grace period:
    // aggregated discovery (two local requests answered at once) is complete, finalized at 25 s.
    // 1.28: Stale from 0.01 s for good (every refresh gets 404 again). Synced at 25 s and then
    // 5 ms × 2ⁿ⁻¹ after the n-th failure: sync k+1 at 25 + 0.005 × (2ᵏ − 1) s, the 15th at
    // 106.915 s; the requeue is then capped at 60 s: 166.915, 226.915, 286.915 s. 18 failed
    // syncs by 300 s; still Terminating, 300 − 20 = 280 s old.
    let client = DiscoveryConsumerTests.namespaces([20], discovery: .aggregated)
    let fixed = Self.run(Self.spec(seconds: 300, minor: 29, clients: [client]))
    #expect(fixed.namespaces[0].deleted == 1 && fixed.namespaces[0].finalized == 1)
    #expect(fixed.namespaces[0].discoveryFailures == 0 && fixed.namespaces[0].stillTerminating == 0)
    #expect(fixed.namespaces[0].terminating.max == .seconds(5))
    #expect(fixed.discovery[0].complete == 1 && fixed.discovery[0].partial == 0)
    // Fallbacks at 0.01, 60.01, 120.01, 180.01 and 240.01 s (the loop): five, none failed.
    #expect(fixed.discoveryManager[0].fallbacks == 5 && fixed.discoveryManager[0].failedFetches == 0)

    let broken = Self.run(Self.spec(seconds: 300, minor: 28, clients: [client]))
    let n = broken.namespaces[0]
    #expect(n.deleted == 1 && n.finalized == 0)
    #expect(n.stillTerminating == 1 && n.oldestTerminating == .seconds(280))
    #expect(n.discoveryFailures == 18)
    #expect(broken.discovery[0].partial == 18 && broken.discovery[0].complete == 0)
    #expect(broken.discoveryManager[0].fallbacks == 0 && broken.discoveryManager[0].failedFetches == 5)
    #expect(broken.discoveryManager[0].staleTime == .milliseconds(299_990))
    let events = broken.events.filter { $0.subject.hasPrefix("namespaces/") }.map { ($0.time, $0.kind) }
    #expect(events.map(\.0) == [.zero + .seconds(20), .zero + .seconds(25)])
    #expect(events.map(\.1) == [.namespaceDeleted, .namespaceDiscoveryFailure])
  }

  @Test("a hung backend times out the GET /apis at 5 s: 503, Stale at 5 s without a fallback, in 1.28.1 and in 1.29", arguments: [28, 29])
  func hungBackendIsStaleAfterFiveSecondsWithoutFallback(minor: Int) {
    // The TimeoutHandler answers 503 at 5 s, which is an error in every version: no fallback,
    // so not 5 s + 5 s. Stale from 5 s to the end of the 30 s run (the loop comes at 60 s).
    let hang = FaultSpec(kind: .hang, start: .zero)
    let m = Self.run(Self.spec(seconds: 30, minor: minor, server: Self.agones(faults: [hang]))).discoveryManager[0]
    #expect(m.fetches == 1 && m.failedFetches == 1 && m.fallbacks == 0)
    #expect(m.staleTime == .seconds(25))
  }

  @Test("the fallback has its own 5 s budget: a 404 at 1 s, then a fallback answered 4.999 s later is Current (at 5.999 s); at 5 s or 5.001 s it times out at 6 s, Stale",
        arguments: [(4.999, Int64(0), 0), (5.0, 24_000, 1), (5.001, 24_000, 1)])
  func fallbackHasItsOwnBudget(factor: Double, staleMs: Int64, failed: Int) {
    // Discovery takes 1 s. GET /apis at 0 → 404 at 1 s (under its 5 s cap). A slow-down by
    // `factor` from 0.5 s applies to the fallback drawn at 1 s: 1 s × factor. Its own cap ends at
    // 1 + 5 = 6 s (the cap, scheduled first, wins a tie). A budget shared with GET /apis would
    // have failed every case at 5 s. Stale from 6 s to 30 s: 24 s.
    var times = ServiceTimes.uniform(.constant(.milliseconds(10)))
    times.discovery = .constant(.seconds(1))
    let slow = FaultSpec(kind: .slowDown(factor: factor), start: .zero + .milliseconds(500))
    let m = Self.run(Self.spec(seconds: 30, minor: 29, server: Self.agones(serviceTimes: times, faults: [slow]))).discoveryManager[0]
    #expect(m.fetches == 1 && m.fallbacks == 1 && m.failedFetches == failed)
    #expect(m.staleTime == .milliseconds(staleMs))
  }

  @Test("the fallback holds its worker: with 1 worker, metrics-server (refusing until 5 s) is fetched only when the Agones fallback times out at 5.01 s, and stays Current; with 2 workers it is fetched at 0 and Stale for the whole 30 s",
        arguments: [(1, Int64(0)), (2, Int64(30_000))])
  func fallbackHoldsItsWorker(workers: Int, metricsStaleMs: Int64) {
    // Agones: GET /apis at 0 → 404 at 0.01 s; a 1000× slow-down from 5 ms makes the fallback
    // take 10 s, so its cap ends it at 0.01 + 5 = 5.01 s: Stale for 30 − 5.01 = 24.99 s.
    // metrics-server (enqueued second) refuses connections until 5 s. 1 worker: its fetch starts
    // at 5.01 s and succeeds at 5.02 s. 2 workers: fetched at 0, refused at once, Stale until the
    // 1-minute loop, after the end of the run.
    let slow = FaultSpec(kind: .slowDown(factor: 1_000), start: .zero + .milliseconds(5))
    let refuse = FaultSpec(kind: .refuse, start: .zero, duration: .seconds(5))
    var spec = Self.spec(seconds: 30, minor: 29, server: Self.agones(faults: [slow]), more: [.metricsServer],
                         moreServers: [ModelFixtures.metricsServer(faults: [refuse])])
    spec.discoveryManager.workers = workers
    let result = Self.run(spec)
    #expect(result.discoveryManager.map(\.apiService) == ["v1.allocation.agones.dev", "v1beta1.metrics.k8s.io"])
    let agones = result.discoveryManager[0], metrics = result.discoveryManager[1]
    #expect(agones.fallbacks == 1 && agones.failedFetches == 1 && agones.staleTime == .milliseconds(24_990))
    #expect(metrics.fetches == 1 && metrics.fallbacks == 0 && metrics.staleTime == .milliseconds(metricsStaleMs))
  }

  /// An Agones server with delegated authorization as its own service account, under the default
  /// APF configuration (its reviews land in workload-high, the manager's fetches bypass APF).
  static func reviewingSpec(minor: Int, answer: AggregatedDiscoverySupport = .notFound, handling: SimDuration = .milliseconds(1),
                            seconds: Double) -> ModelSpec {
    var server = Self.agones(answer)
    var authorization = DelegatedAuthorizationSpec.serviceAccount(namespace: "agones-system", name: "agones-controller")
    authorization.handlingTime = .constant(handling)
    server.authorization = authorization
    var spec = Self.spec(seconds: seconds, minor: minor, server: server)
    spec.controlPlane.admission = .kubernetesDefault
    return spec
  }

  static func reviews(_ result: ReplicationResult) -> Int {
    result.priorityLevels.reduce(0) { $0 + $1.dispatched }
  }

  @Test("the fallback goes as system:kube-aggregator without system:masters, so the server reviews it (10 s cache): 2 reviews in 90 s of 1.29; GET /apis alone is never reviewed")
  func fallbackIsReviewed() {
    // 1.29: fallback at the pod at 0.01 s: review (1 ms, cached until 0.011 + 10 s), served by
    // 0.021 s, Current. At 60.01 s the cache has expired: a second review.
    let fixed = Self.run(Self.reviewingSpec(minor: 29, seconds: 90))
    #expect(Self.reviews(fixed) == 2)
    #expect(fixed.discoveryManager[0].fallbacks == 2 && fixed.discoveryManager[0].staleTime == .zero)
    // 1.28.1 (no fallback) and a server that serves aggregated discovery: system:masters only.
    #expect(Self.reviews(Self.run(Self.reviewingSpec(minor: 28, seconds: 90))) == 0)
    #expect(Self.reviews(Self.run(Self.reviewingSpec(minor: 29, answer: .served, seconds: 90))) == 0)
  }

  @Test("a fallback whose review hangs fails: with the default 10 s review timeout the fallback's own 5 s cap ends it first (503 at 5.01 s); with a 2 s review timeout the pod answers 500 at 2.01 s; Stale for the rest of the 30 s",
        arguments: [(10, Int64(24_990)), (2, Int64(27_990))])
  func fallbackFailsWhenItsReviewHangs(reviewTimeoutSeconds: Int, staleMs: Int64) {
    // Fallback at the pod at 0.01 s; its review takes 20 s. Review timeout 10 s: the fallback's
    // cap (0.01 + 5 = 5.01 s) comes first, 503: Stale 30 − 5.01 = 24.99 s. Review timeout 2 s:
    // the pod gives up at 2.01 s and answers 500 (at once on the ideal link): 27.99 s.
    var spec = Self.reviewingSpec(minor: 29, handling: .seconds(20), seconds: 30)
    spec.extensionServers[0].authorization?.clientTimeout = .seconds(reviewTimeoutSeconds)
    let m = Self.run(spec).discoveryManager[0]
    #expect(m.fetches == 1 && m.fallbacks == 1 && m.failedFetches == 1)
    #expect(m.staleTime == .milliseconds(staleMs))
  }
}
