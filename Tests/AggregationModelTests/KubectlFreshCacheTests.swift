import Testing
import SimCore
@testable import AggregationModel

/// What a kubectl invocation does with a disk cache an earlier invocation wrote
/// (`KubectlCacheUse`): a `kubectl get <resource>.<group>` with a dot in the group reads it, so
/// its mapper is not `Fresh()`, and is reset at its first no-match and discovers everything
/// again, in every version; `kubectl api-resources` invalidates it first. Exact traces as in
/// `KubectlRerequestTests`: ideal links, local handlers answering at once, metrics-server in a
/// constant 10 ms, its group-version failing by a hang (503 at the 5 s cap).
@Suite("Discovery: kubectl rediscovers with a fresh cache")
struct KubectlFreshCacheTests {
  typealias F = ModelFixtures
  typealias R = KubectlRerequestTests
  typealias D = KubectlRediscoveryTests

  /// `wardle/v1alpha1`, a group without a dot, served by metrics-server (ordered before it).
  static let wardle = APIService(group: "wardle", version: "v1alpha1", service: F.metricsServerService,
                                 groupPriorityMinimum: 100, versionPriority: 100)

  /// Legacy kubectl invocations at `times` (s) doing `resource` with metrics-server and
  /// wardle, both served by metrics-server (target: `v1beta1.metrics.k8s.io` or
  /// `v1alpha1.wardle`), hanging from `hangFrom` (nil: never); disk cache `ttl`.
  static func run(_ version: String, times: [Double], target: String = "v1beta1.metrics.k8s.io",
                  resource: KubectlSpec.ResourceRequest = .get, discovery: KubectlSpec.DiscoveryMode = .legacy,
                  hangFrom: SimTime? = nil, ttl: SimDuration = .hours(6), duration: SimDuration = .seconds(200)) throws -> ReplicationResult {
    let faults = hangFrom.map { [FaultSpec(kind: .hang, start: $0)] } ?? []
    var client = DiscoveryTests.kubectl(times, discovery: discovery, resource: resource)
    client.target = .resource(apiService: target, kind: .get)
    if case .kubectl(var k) = client.workload { k.cacheTTL = ttl; client.workload = .kubectl(k) }
    var spec = F.spec(duration: duration, server: F.metricsServer(faults: faults), clients: [client])
    spec.apiServices.append(APIServiceSpec(Self.wardle, initiallyAvailable: true))
    spec.version = try KubernetesVersion(parsing: version)
    spec.controlPlane.localHandlerTime = .constant(.zero)
    return F.run(spec)
  }

  @Test("the use of a fresh cache: a get of a dotted group resets, one of a group without a dot reads it, api-resources invalidates it")
  func cacheUse() {
    #expect(KubectlCacheUse(resource: .get, targetGroup: "metrics.k8s.io") == .resetsAtFirstNoMatch)
    #expect(KubectlCacheUse(resource: .get, targetGroup: "wardle") == .reads)
    #expect(KubectlCacheUse(resource: .get, targetGroup: nil) == .reads)
    #expect(KubectlCacheUse(resource: .none, targetGroup: "metrics.k8s.io") == .invalidates)
  }

  @Test("rounds after the mapper's rediscovery (target known, unknown) and the round that rebuilds the mapper: a dotted group's call 5 (1.16-1.24), with the shortcut's retry before it and a second try when unknown (1.25), and call 4's own asks again (1.26+); a group without a dot only the second try",
        arguments: [("1.22", "metrics.k8s.io", 1, 1, 0), ("1.24", "metrics.k8s.io", 1, 1, 0), ("1.25", "metrics.k8s.io", 2, 3, 0),
                    ("1.26", "metrics.k8s.io", 3, 4, 1), ("1.36", "metrics.k8s.io", 3, 4, 1),
                    ("1.22", "wardle", 0, 0, 0), ("1.25", "wardle", 0, 1, 0), ("1.36", "wardle", 1, 2, 1)])
  func roundsAfterReset(version: String, group: String, known: Int, unknown: Int, mapperRound: Int) throws {
    let behaviour = VersionBehaviour(try KubernetesVersion(parsing: version))
    let rule = try #require(KubectlRerequests(behaviour, mode: .legacy, resource: .get, targetGroup: group))
    #expect(rule.roundsAfterReset(targetKnown: true) == known && rule.roundsAfterReset(targetKnown: false) == unknown)
    #expect(rule.mapperRoundAfterReset == mapperRound)
  }

  @Test("healthy, fresh cache: a dotted group's get rediscovers at 100 s (every group-version once more, 10 ms, no cache hit) then sends its GET, in 1.23, 1.25, 1.26 and 1.36; a group without a dot hits the cache",
        arguments: ["1.23", "1.25", "1.26", "1.36"])
  func healthyFreshCache(version: String) throws {
    let dotted = try Self.run(version, times: [1, 100])
    #expect(D.discoveryRequests(dotted, "v1beta1.metrics.k8s.io") == [[1_000, 1_010], [100_000, 100_010]])
    #expect(D.discoveryRequests(dotted, "v1.apps") == [[1_000, 1_000], [100_000, 100_000]])
    #expect(R.metricsRequests(dotted, kind: .get) == [[1_010, 1_020], [100_010, 100_020]])
    let d = dotted.discovery[0]
    #expect(d.invocations == 2 && d.cacheHits == 0 && d.complete == 2 && d.latency.max == .milliseconds(10))
    let plain = try Self.run(version, times: [1, 100], target: "v1alpha1.wardle")
    #expect(D.discoveryRequests(plain, "v1alpha1.wardle") == [[1_000, 1_010]])
    #expect(R.metricsRequests(plain, kind: .get).isEmpty)
    #expect(plain.trace.filter { $0.kind == .get }.map(\.start) == [F.at(1.01), F.at(100)])
    #expect(plain.discovery[0].cacheHits == 1 && plain.discovery[0].complete == 1)
  }

  @Test("fresh cache, metrics.k8s.io hanging from 50 s (503 at the 5 s cap): the get at 100 s rediscovers and asks it again after the reset (1.23-1.24: call 5; 1.25: calls 5-7; 1.26+: call 4's own ask again and calls 5-7, all after a 503), then exits unknown without its GET; every healthy group-version once",
        arguments: [("1.23", 2), ("1.24", 2), ("1.25", 4), ("1.26", 5), ("1.36", 5)])
  func failingTargetFreshCache(version: String, asks: Int) throws {
    let result = try Self.run(version, times: [1, 100], hangFrom: F.at(50))
    #expect(D.discoveryRequests(result, "v1beta1.metrics.k8s.io") == [[1_000, 1_010]] + R.consecutive(asks, from: 100_000, each: 5_000))
    #expect(D.discoveryRequests(result, "v1.apps") == [[1_000, 1_000], [100_000, 100_000]])
    #expect(R.metricsRequests(result, kind: .get) == [[1_010, 1_020]])
    let d = result.discovery[0]
    #expect(d.cacheHits == 0 && d.partial == 1 && d.resourceTypeUnknown == 1)
    #expect(d.latency.max == .seconds(5 * Double(asks)))
    // The first invocation: /api, /apis, every group-version (wardle's too) and its GET; the
    // second the same discovery and the asks again, for metrics.k8s.io and for wardle (on the
    // same hanging server).
    let n = try D.groupVersionCount(version) + 1
    #expect(D.discoveryRequests(result, "v1alpha1.wardle") == D.discoveryRequests(result, "v1beta1.metrics.k8s.io"))
    #expect(result.clients[0].completed == 2 * (2 + n) + 1 + 2 * (asks - 1))
  }

  @Test("aggregated discovery, fresh cache: a dotted group's get asks /api and /apis again at every invocation (the reset clears the in-memory client under the disk cache), a group without a dot hits the cache",
        arguments: [("v1beta1.metrics.k8s.io", 3 + 3, 0), ("v1alpha1.wardle", 3 + 1, 1)])
  func aggregatedFreshCache(target: String, requests: Int, hits: Int) throws {
    let result = try Self.run("1.36", times: [10, 100], target: target, discovery: .aggregated)
    #expect(result.clients[0].completed == requests && result.discovery[0].cacheHits == hits)
    #expect(result.trace.filter { $0.kind == .get }.map(\.start) == [F.at(10), F.at(100)])
  }

  @Test("kubectl api-resources invalidates the cache: a full discovery at every invocation, never a cache hit (1.16, 1.22, 1.23, 1.36)",
        arguments: ["1.16", "1.22", "1.23", "1.36"])
  func apiResourcesInvalidates(version: String) throws {
    let result = try Self.run(version, times: [1, 100, 101], resource: .none)
    #expect(D.discoveryRequests(result, "v1beta1.metrics.k8s.io") == [[1_000, 1_010], [100_000, 100_010], [101_000, 101_010]])
    let d = result.discovery[0]
    #expect(d.invocations == 3 && d.cacheHits == 0 && d.complete == 3)
    #expect(result.trace.allSatisfy { $0.kind == .discovery })
  }
}
