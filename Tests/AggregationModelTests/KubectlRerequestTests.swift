import Testing
import SimCore
@testable import AggregationModel

/// kubectl's asks again for a failed group-version within one invocation (`KubectlRerequests`),
/// pinned by exact traces: ideal links, local handlers answering at once, metrics-server in a
/// constant 10 ms, its group-version failing by a hang (503 at the 5 s cap, or kubectl's 32 s
/// client timeout without it).
@Suite("Discovery: kubectl asks again for failed group-versions")
struct KubectlRerequestTests {
  typealias F = ModelFixtures

  /// One legacy kubectl invocation at 1 s (`resource`: `kubectl get pods.metrics.k8s.io` or
  /// `api-resources`) against metrics-server hanging from 0 for `hang` (nil: to the end).
  static func run(_ version: String, resource: KubectlSpec.ResourceRequest = .get, cap: Bool = true,
                  hang: SimDuration? = nil, duration: SimDuration = .seconds(400)) throws -> ReplicationResult {
    let fault = FaultSpec(kind: .hang, start: .zero, duration: hang)
    var spec = F.spec(duration: duration, server: F.metricsServer(faults: [fault]),
                      clients: [DiscoveryTests.kubectl([1], discovery: .legacy, resource: resource)])
    spec.version = try KubernetesVersion(parsing: version)
    spec.controlPlane.localHandlerTime = .constant(.zero)
    if !cap { spec.controlPlane.proxy.discoveryTimeout = nil }
    return F.run(spec)
  }

  /// The metrics.k8s.io requests of the run as (start, end) in milliseconds, in start order.
  static func metricsRequests(_ result: ReplicationResult, kind: RequestKind = .discovery) -> [[Int64]] {
    let metrics = result.apiServiceNames.firstIndex(of: "v1beta1.metrics.k8s.io")
    return result.trace.filter { $0.apiService == metrics && $0.kind == kind }
      .map { [$0.start.nanoseconds / 1_000_000, $0.end.nanoseconds / 1_000_000] }
      .sorted { $0[0] < $1[0] }
  }

  /// `count` requests one after the other from `from`, each taking `each` (milliseconds).
  static func consecutive(_ count: Int, from: Int64, each: Int64) -> [[Int64]] {
    var requests: [[Int64]] = []
    for k in 0..<Int64(count) {
      let start: Int64 = from + each * k
      requests.append([start, start + each])
    }
    return requests
  }

  @Test("calls of ServerGroupsAndResources per kubectl get: 4 from 1.23 (category, shortcut, mapper, shortcut for <resource> in <group>), 5 from 1.25 (the shortcut's retry), 6 with an unknown target; 3/3/4 for a group without a dot; 1 for api-resources; none with aggregated discovery (before 1.23: `KubectlRediscoveryTests`)",
        arguments: [("1.23", "metrics.k8s.io", 4, 4, false), ("1.24", "metrics.k8s.io", 4, 4, false), ("1.25", "metrics.k8s.io", 5, 6, false),
                    ("1.26", "metrics.k8s.io", 5, 6, true), ("1.36", "metrics.k8s.io", 5, 6, true),
                    ("1.24", "wardle", 3, 3, false), ("1.36", "wardle", 3, 4, true)])
  func callsPerVersion(version: String, group: String, known: Int, unknown: Int, memCache: Bool) throws {
    let behaviour = VersionBehaviour(try KubernetesVersion(parsing: version))
    let rule = try #require(KubectlRerequests(behaviour, mode: .legacy, resource: .get, targetGroup: group))
    #expect(rule.callsIfKnown == known && rule.callsIfUnknown == unknown && rule.memCache == memCache)
    #expect(rule.mapperRound == (memCache ? 3 : 2))
    let apiResources = try #require(KubectlRerequests(behaviour, mode: .legacy, resource: .none, targetGroup: group))
    #expect(apiResources.callsIfKnown == 1 && apiResources.callsIfUnknown == 1 && apiResources.mapperRound == nil)
    #expect(KubectlRerequests(behaviour, mode: .aggregated, resource: .get, targetGroup: group) == nil)
    #expect(rule.reset == .never)
  }

  @Test("asked again: every failure before 1.26 (a live read of a group-version without a cache file); from 1.26 a 5xx or 429 (memcache isTransientError), not kubectl's client timeout")
  func whatIsAskedAgain() throws {
    let old = try #require(KubectlRerequests(VersionBehaviour(KubernetesVersion(major: 1, minor: 25)), mode: .legacy, resource: .none, targetGroup: nil))
    let new = try #require(KubectlRerequests(VersionBehaviour(KubernetesVersion(major: 1, minor: 26)), mode: .legacy, resource: .none, targetGroup: nil))
    for outcome in Outcome.allCases {
      #expect(old.asksAgain(after: outcome) == (outcome != .ok))
      #expect(new.asksAgain(after: outcome) == (outcome != .ok && outcome != .clientTimeout))
    }
  }

  @Test("kubectl get of a 503ing group-version (the 5 s cap): 1.36 asks 7 times (the in-memory client's fetch, then each of 6 calls), 1.25 6, 1.24 4, 1.16-1.22 5 (calls 1-3, the reset mapper's rediscovery, call 5), one after the other, 5 s each; the target stays unknown, so no GET",
        arguments: [("1.36", 7), ("1.25", 6), ("1.24", 4), ("1.22", 5), ("1.16", 5)])
  func getOfUnavailableGroupVersion(version: String, asks: Int) throws {
    let result = try Self.run(version, duration: .seconds(120))
    let expected = Self.consecutive(asks, from: 1_000, each: 5_000)
    #expect(Self.metricsRequests(result) == expected)
    let d = result.discovery[0]
    #expect(d.invocations == 1 && d.partial == 1 && d.latency.max == .seconds(5 * asks))
    #expect(result.clients[0].count(.discoveryTimeout) == asks)
    #expect(d.resourceTypeUnknown == 1)
    #expect(Self.metricsRequests(result, kind: .get).isEmpty)
  }

  @Test("kubectl get of a group-version that hangs past kubectl's 32 s timeout: asked once from 1.26 (a timeout is not transient before 1.37), 6 times in 1.25 (192 s), 4 in 1.24, 5 in 1.22 (160 s)",
        arguments: [("1.36", 1), ("1.26", 1), ("1.25", 6), ("1.24", 4), ("1.22", 5)])
  func getOfHangingGroupVersion(version: String, asks: Int) throws {
    let result = try Self.run(version, cap: false)
    let expected = Self.consecutive(asks, from: 1_000, each: 32_000)
    #expect(Self.metricsRequests(result) == expected)
    #expect(result.discovery[0].latency.max == .seconds(32 * asks))
    #expect(result.clients[0].count(.clientTimeout) == asks)
    #expect(result.discovery[0].resourceTypeUnknown == 1)
  }

  @Test("kubectl get of a healthy target (deployments.apps: a group without a dot, 3 calls) while metrics.k8s.io answers 503: 1.36 asks metrics 4 times, 1.25, 1.24 and 1.22 3 times (1.22's mapper knows the target: no reset), then the GET of apps/v1 goes",
        arguments: [("1.36", 4), ("1.25", 3), ("1.24", 3), ("1.22", 3)])
  func healthyTargetAnotherGroupVersionFails(version: String, asks: Int) throws {
    let fault = FaultSpec(kind: .hang, start: .zero)
    var kubectl = DiscoveryTests.kubectl([1], discovery: .legacy, resource: .get)
    kubectl.target = .resource(apiService: "v1.apps", kind: .get)
    var spec = F.spec(duration: .seconds(60), server: F.metricsServer(faults: [fault]), clients: [kubectl])
    spec.version = try KubernetesVersion(parsing: version)
    spec.controlPlane.localHandlerTime = .constant(.zero)
    let result = F.run(spec)
    #expect(Self.metricsRequests(result) == Self.consecutive(asks, from: 1_000, each: 5_000))
    let apps = result.apiServiceNames.firstIndex(of: "v1.apps")
    let end = Int64(1_000 + 5_000 * asks)
    #expect(result.trace.filter { $0.apiService == apps && $0.kind == .get }.map { [$0.start.nanoseconds / 1_000_000, $0.end.nanoseconds / 1_000_000] } == [[end, end]])
    #expect(result.discovery[0].resourceTypeUnknown == 0)
  }

  @Test("kubectl api-resources: one call, so a 503ing group-version is asked twice from 1.26 (10 s) and once before (5 s)",
        arguments: [("1.36", 2), ("1.25", 1), ("1.20", 1)])
  func apiResources(version: String, asks: Int) throws {
    let result = try Self.run(version, resource: .none, duration: .seconds(60))
    #expect(Self.metricsRequests(result).count == asks)
    #expect(result.discovery[0].latency.max == .seconds(5 * asks))
  }

  @Test("a group-version answering again before the mapper is built (hang for 7 s: the second ask, sent at 6 s, is answered when the hang ends) is known: kubectl asks no more and sends its GET, in 1.36 and 1.24",
        arguments: ["1.36", "1.24"])
  func recoveredBeforeMapper(version: String) throws {
    let result = try Self.run(version, hang: .seconds(7), duration: .seconds(60))
    #expect(Self.metricsRequests(result) == [[1_000, 6_000], [6_000, 7_000]])
    #expect(Self.metricsRequests(result, kind: .get) == [[7_000, 7_010]])
    #expect(result.discovery[0].latency.max == .seconds(6))
    #expect(result.discovery[0].resourceTypeUnknown == 0)
  }

  @Test("answered again only after 1.36's mapper was built at the fourth ask (hang for 22 s: the fifth, sent at 21 s, is answered at 22 s): asked no more, but the target stays unknown and there is no GET")
  func recoveredAfterMapper() throws {
    let result = try Self.run("1.36", hang: .seconds(22), duration: .seconds(60))
    #expect(Self.metricsRequests(result) == [[1_000, 6_000], [6_000, 11_000], [11_000, 16_000], [16_000, 21_000], [21_000, 22_000]])
    #expect(Self.metricsRequests(result, kind: .get).isEmpty)
    #expect(result.discovery[0].latency.max == .seconds(21))
    #expect(result.discovery[0].resourceTypeUnknown == 1)
  }
}
