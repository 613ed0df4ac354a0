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
}
