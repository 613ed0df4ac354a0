import Testing
import SimCore
@testable import AggregationModel

/// A restarted kube-apiserver instance's `/readyz` (its load balancer sends it nothing until it
/// passes) and the aggregated discovery document it serves (research kube-aggregator.md §9 items
/// 6 and 12). Exact traces: two instances, instance 1 down from 10 s to 20 s, ideal links,
/// metrics-server serving in 10 ms and hung (a black hole) from 5 s while its APIService stays
/// Available (no availability controller). The registration worker's initial sync installs the
/// built-in local APIServices of the release (21 in 1.27–1.31, 20 in 1.36) and then
/// metrics-server, 1 ms each: done at 20.022 s (20.021 s in 1.36).
@Suite("Restarted instance readiness and its aggregated discovery document")
struct InstanceReadinessTests {
  typealias F = ModelFixtures

  static let hungFromFive = F.metricsServer(faults: [FaultSpec(kind: .hang, start: F.at(5))])
  /// When the initial sync ends, without downloads.
  static func initialSyncEnds(_ version: String) throws -> Double {
    20 + Double(APIService.builtInLocal(in: try KubernetesVersion(parsing: version)).count + 1) * 0.001
  }

  static func spec(_ version: String, duration: Double, clients: [ClientSpec], openAPI: Bool = false) throws -> ModelSpec {
    var spec = F.spec(duration: .seconds(duration), server: Self.hungFromFive, clients: clients, instances: 2,
                      openAPIController: openAPI ? OpenAPIControllerSpec() : .disabled)
    spec.controlPlane.localHandlerTime = .constant(.zero)
    spec.version = try KubernetesVersion(parsing: version)
    spec.faults = [InstanceRestartTests.restart(1, from: 10, for: 10)]
    return spec
  }

  static func readiness(_ result: ReplicationResult) -> [String] {
    result.events.filter { $0.kind == .instanceReady }.map { "\($0.time.nanoseconds / 1_000_000) ms \($0.subject) \($0.detail)" }
  }

  @Test("1.28.0–1.28.2 (#120739): the initial sync downloads the Available, hung metrics-server's OpenAPI v2 spec for its 60 s timeout, so /readyz passes at 80.022 s and requests at 30–33 s all go to instance 0; 1.27.6, 1.28.3, 1.29 and 1.36 are ready at the end of the initial sync and alternate",
        arguments: [("1.27.6", 0.0, [0, 1, 0, 1]), ("1.28.0", 60.0, [0, 0, 0, 0]), ("1.28.2", 60.0, [0, 0, 0, 0]),
                    ("1.28.3", 0.0, [0, 1, 0, 1]), ("1.29", 0.0, [0, 1, 0, 1]), ("1.36", 0.0, [0, 1, 0, 1])])
  func registrationDownloadBlocksReadiness(version: String, blocked: Double, instances: [Int]) throws {
    let ready = try Self.initialSyncEnds(version) + blocked
    #expect(try abs(Self.initialSyncEnds(version) - (version == "1.36" ? 20.021 : 20.022)) < 1e-9)
    let client = F.client(workload: .open(.trace([30, 31, 32, 33].map(F.at))))
    let result = F.run(try Self.spec(version, duration: 100, clients: [client], openAPI: true))
    let events = result.events.filter { $0.kind == .instanceReady }
    #expect(events.map(\.subject) == ["instance/1"] && events.map(\.detail) == ["registration initial sync"])
    #expect(events.allSatisfy { abs($0.time.seconds - ready) < 1e-9 }, "\(events.map(\.time))")
    #expect(result.trace.sorted { $0.start < $1.start }.map(\.instance) == instances)
    // Failed downloads by 100 s: 1.28.0–1.28.2, the initial sync's v2 download (20.021 → 80.021 s;
    // the controllers' first, 1 s after it, hang past the end); the fixed releases, instance 1's
    // first v2 and v3 downloads, 1 s after the handler was created (21.021 → 81.021 s). Instance 0's
    // at 1 s succeeded and its next, at 61.01 s, hang past the end.
    let metrics = result.openAPI[try #require(result.apiServiceNames.firstIndex(of: "v1beta1.metrics.k8s.io"))]
    #expect(metrics.failedDownloads == (blocked > 0 ? 1 : 2))
  }

  @Test("1.28.2 with metrics-server Available=False at the restart: the initial sync's download gets 503 at once, so /readyz passes at the end of the initial sync (20.022 s)")
  func unavailableAPIServiceDoesNotBlock() throws {
    var spec = try Self.spec("1.28.2", duration: 30, clients: [], openAPI: true)
    spec.apiServices[0].initiallyAvailable = false
    let result = F.run(spec)
    #expect(Self.readiness(result) == ["20022 ms instance/1 registration initial sync"])
  }

  /// Instance 1's document after its restart, read by a namespace controller (a namespace
  /// deleted at 16 s, synced at 21 s) and a kubectl get of metrics (invoked at 22 s), both with
  /// aggregated discovery, against a metrics-server hung from the start: instance 0 publishes it
  /// Stale from 5 s. Each client's `/api` goes to instance 0 and its `/apis` to the next.
  static func missingOrStale(_ version: String) throws -> ReplicationResult {
    let kubectl = F.client("kubectl", workload: .kubectl(KubectlSpec(invocations: .trace([F.at(22)]), discovery: .aggregated,
                                                                     resource: .get)))
    let namespaces = F.client("namespaces", target: .none,
                              workload: .namespaceDeletion(NamespaceDeletionSpec(deletions: .trace([F.at(16)]), discovery: .aggregated)))
    var spec = try Self.spec(version, duration: 50, clients: [namespaces, kubectl])
    spec.extensionServers[0] = F.metricsServer(faults: [FaultSpec(kind: .hang, start: .zero)])
    spec.discoveryManager.enabled = true
    return F.run(spec)
  }

  @Test("before 1.30 (#115303) the restarted instance serves at 20.022 s and its aggregated document lacks metrics.k8s.io until its first fetch fails at 25.022 s: the namespace synced at 21 s reads it there, complete, and is finalized; kubectl at 22 s does not know the resource")
  func missingBeforeTheFirstFetch() throws {
    let result = try Self.missingOrStale("1.29")
    #expect(Self.readiness(result) == ["20022 ms instance/1 registration initial sync"])
    let n = result.namespaces[0]
    #expect(n.deleted == 1 && n.finalized == 1 && n.discoveryFailures == 0 && n.terminating.max == .seconds(5))
    let namespaceDiscovery = result.discovery[0], kubectl = result.discovery[1]
    #expect(namespaceDiscovery.complete == 1 && namespaceDiscovery.partial == 0)
    // Missing, not Stale: kubectl drops nothing, and its get fails as for a Stale one.
    #expect(kubectl.complete == 1 && kubectl.staleDropped == 0 && kubectl.resourceTypeUnknown == 1)
    let apis = result.trace.filter { $0.start == F.at(21) || $0.start == F.at(22) }.sorted { $0.start < $1.start }.map(\.instance)
    #expect(apis == [0, 1, 0, 1])
    // Failed fetches (5 s cap): each instance's at 0 s, and instance 1's first after the restart,
    // of what the registration worker handed over at 20.022 s (no start-up pass before 1.30).
    #expect(result.discoveryManager.map(\.failedFetches) == [3])
  }

  @Test("from 1.30 (#122883) /readyz waits for the discovery start-up pass: ready at 25.022 s with metrics.k8s.io Stale, so the namespace synced at 21 s and kubectl at 22 s read instance 0's document (Stale): the namespace stays Terminating, kubectl drops the group-version")
  func staleAfterTheStartupPass() throws {
    let result = try Self.missingOrStale("1.30")
    #expect(Self.readiness(result) == ["25022 ms instance/1 discovery start-up pass"])
    let n = result.namespaces[0]
    // Partial at 21 s, then requeued after 5 ms × 2ᵏ: syncs at 21 + 0.005 × (2ᵏ − 1) s up to k = 12
    // (41.475 s), all partial (instance 1 publishes it Stale too once ready).
    #expect(n.deleted == 1 && n.finalized == 0 && n.discoveryFailures == 13 && n.stillTerminating == 1)
    let kubectl = result.discovery[1]
    #expect(kubectl.complete == 1 && kubectl.staleDropped == 1 && kubectl.resourceTypeUnknown == 1)
    let apis = result.trace.filter { $0.start == F.at(21) || $0.start == F.at(22) }.sorted { $0.start < $1.start }.map(\.instance)
    #expect(apis == [0, 0, 0, 0])
    // Failed fetches: each instance's at 0 s, instance 1's start-up pass (20.022 → 25.022 s) and
    // the sync of what the registration worker handed over before it, queued when it ended
    // (25.022 → 30.022 s).
    #expect(result.discoveryManager.map(\.failedFetches) == [4])
  }

  @Test("from 1.30 the start-up pass syncs every APIService at once (one goroutine each, v0.30.0 handler_discovery.go Run): three group-versions of the hung metrics-server all end at their 5 s cap together, so /readyz passes at 25.024 s, not at 30.024 s as through the manager's 2 workers")
  func startupPassSyncsEveryAPIServiceAtOnce() throws {
    var spec = try Self.spec("1.30", duration: 40, clients: [])
    spec.extensionServers[0] = F.metricsServer(faults: [FaultSpec(kind: .hang, start: .zero)])
    for (version, priority) in [("v1beta2", 90), ("v1", 80)] {
      spec.apiServices.append(APIServiceSpec(APIService(
        name: "\(version).metrics.k8s.io", group: "metrics.k8s.io", version: version, service: F.metricsServerService,
        groupPriorityMinimum: 100, versionPriority: priority, insecureSkipTLSVerify: false)))
    }
    spec.discoveryManager.enabled = true
    let result = F.run(spec)
    // The initial sync installs 21 built-in APIServices and the 3 of metrics-server: 20.024 s.
    #expect(Self.readiness(result) == ["25024 ms instance/1 discovery start-up pass"])
  }
}
