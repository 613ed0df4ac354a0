import Testing
import SimCore
@testable import AggregationModel

/// kubectl before 1.23 (`KubectlRerequests.reset`): the REST mapper's disk client is not the
/// category expander's, reads files it did not write, and so is reset at its first no-match and
/// discovers everything again. Exact traces as in `KubectlRerequestTests`: ideal links, local
/// handlers answering at once, metrics-server in a constant 10 ms.
@Suite("Discovery: kubectl before 1.23 rediscovers after its mapper's reset")
struct KubectlRediscoveryTests {
  typealias F = ModelFixtures
  typealias R = KubectlRerequestTests

  /// Legacy `kubectl get pods.metrics.k8s.io` invocations at `times` (s) against metrics-server
  /// hanging from `hangFrom` (nil: never) for `hang` (nil: to the end).
  static func run(_ version: String, times: [Double], hangFrom: SimTime?, hang: SimDuration? = nil,
                  limit: RateLimitSpec? = nil, duration: SimDuration = .seconds(200)) throws -> ReplicationResult {
    let faults = hangFrom.map { [FaultSpec(kind: .hang, start: $0, duration: hang)] } ?? []
    var spec = F.spec(duration: duration, server: F.metricsServer(faults: faults),
                      clients: [DiscoveryTests.kubectl(times, discovery: .legacy, limit: limit, resource: .get)])
    spec.version = try KubernetesVersion(parsing: version)
    spec.controlPlane.localHandlerTime = .constant(.zero)
    return F.run(spec)
  }

  /// The discovery requests of the run for the APIService `name`, as (start, end) in ms.
  static func discoveryRequests(_ result: ReplicationResult, _ name: String) -> [[Int64]] {
    let index = result.apiServiceNames.firstIndex(of: name)
    return result.trace.filter { $0.apiService == index && $0.kind == .discovery }
      .map { [$0.start.nanoseconds / 1_000_000, $0.end.nanoseconds / 1_000_000] }
      .sorted { $0[0] < $1[0] }
  }

  @Test("the rule of a kubectl get in 1.16-1.22: 3 calls before the reset; a dotted group's mapper is always reset and makes one more call after its rediscovery (a fresh cache does not spare it), a group without a dot's only when the target is unknown",
        arguments: 16...22)
  func rulePerVersion(minor: Int) throws {
    let version = VersionBehaviour(KubernetesVersion(major: 1, minor: minor))
    let dotted = try #require(KubectlRerequests(version, mode: .legacy, resource: .get, targetGroup: "metrics.k8s.io"))
    #expect(dotted.callsIfKnown == 3 && dotted.callsIfUnknown == 3 && !dotted.memCache && dotted.mapperRound == 2)
    #expect(dotted.reset == .always && dotted.roundsAfterReset(targetKnown: true) == 1 && dotted.roundsAfterReset(targetKnown: false) == 1)
    #expect(dotted.resets(targetKnown: true) && dotted.resets(targetKnown: false))
    let plain = try #require(KubectlRerequests(version, mode: .legacy, resource: .get, targetGroup: "wardle"))
    #expect(plain.reset == .ifUnknown && plain.roundsAfterReset(targetKnown: false) == 0)
    #expect(!plain.resets(targetKnown: true) && plain.resets(targetKnown: false))
    let apiResources = try #require(KubectlRerequests(version, mode: .legacy, resource: .none, targetGroup: "metrics.k8s.io"))
    #expect(apiResources.reset == .never && apiResources.rounds(targetKnown: true) == 0)
  }

  @Test("1.22, empty cache, metrics.k8s.io answering 503 at the cap: asked 5 times (calls 1-3, the rediscovery, call 5), every other group-version twice (calls 1 and 4), /api and /apis twice: 2 × (2 + 29) + 3 = 65 requests, 25 s, no GET")
  func emptyCacheFailingTarget() throws {
    let result = try Self.run("1.22", times: [1], hangFrom: .zero)
    #expect(Self.discoveryRequests(result, "v1beta1.metrics.k8s.io") == R.consecutive(5, from: 1_000, each: 5_000))
    #expect(Self.discoveryRequests(result, "v1.apps") == [[1_000, 1_000], [16_000, 16_000]])
    let d = result.discovery[0]
    #expect(try Self.groupVersionCount("1.22") == 29)
    #expect(result.clients[0].completed == 2 * (2 + 29) + 3)
    #expect(d.invocations == 1 && d.partial == 1 && d.latency.max == .seconds(25) && d.resourceTypeUnknown == 1)
    #expect(R.metricsRequests(result, kind: .get).isEmpty)
  }

  @Test("healthy, 1.22 against 1.24: an empty cache costs 1.22 two discoveries (metrics asked at 1 s and again at the reset, 1.01 s; GET at 1.02 s), 1.24 one (GET at 1.01 s); a fresh one costs both a full rediscovery (100 s; GET at 100.01 s, `KubectlFreshCacheTests`)",
        arguments: [("1.22", [[1_000, 1_010], [1_010, 1_020], [100_000, 100_010]], [[1_020, 1_030], [100_010, 100_020]], 0),
                    ("1.24", [[1_000, 1_010], [100_000, 100_010]], [[1_010, 1_020], [100_010, 100_020]], 0)])
  func freshAgainstEmptyCache(version: String, discoveries: [[Int64]], gets: [[Int64]], hits: Int) throws {
    let result = try Self.run(version, times: [1, 100], hangFrom: nil)
    #expect(Self.discoveryRequests(result, "v1beta1.metrics.k8s.io") == discoveries)
    #expect(R.metricsRequests(result, kind: .get) == gets)
    let d = result.discovery[0]
    #expect(d.invocations == 2 && d.cacheHits == hits && d.complete == 2 - hits && d.partial == 0)
  }

  @Test("1.22, fresh cache, metrics.k8s.io hanging from 50 s: the second invocation (100 s) reads its cache, is reset and rediscovers: metrics asked twice (the rediscovery, call 5), 10 s, unknown, no GET")
  func freshCacheFailingTarget() throws {
    let result = try Self.run("1.22", times: [1, 100], hangFrom: F.at(50))
    #expect(Self.discoveryRequests(result, "v1beta1.metrics.k8s.io") == [[1_000, 1_010], [1_010, 1_020], [100_000, 105_000], [105_000, 110_000]])
    #expect(Self.discoveryRequests(result, "v1.apps") == [[1_000, 1_000], [1_010, 1_010], [100_000, 100_000]])
    #expect(R.metricsRequests(result, kind: .get) == [[1_020, 1_030]])
    let d = result.discovery[0]
    #expect(d.cacheHits == 0 && d.partial == 1 && d.latency.max == .seconds(10) && d.resourceTypeUnknown == 1)
  }

  @Test("1.22, metrics.k8s.io hanging for 7 s: answered at call 2, so call 3 asks nothing; the mapper is still reset (its first no-match is k8s.io/metrics/pods) and its rediscovery (7 s) knows the target: GET at 7.01 s")
  func recoveredBeforeReset() throws {
    let result = try Self.run("1.22", times: [1], hangFrom: .zero, hang: .seconds(7), duration: .seconds(60))
    #expect(R.metricsRequests(result) == [[1_000, 6_000], [6_000, 7_000], [7_000, 7_010]])
    #expect(R.metricsRequests(result, kind: .get) == [[7_010, 7_020]])
    #expect(result.discovery[0].latency.max == .milliseconds(6_010) && result.discovery[0].resourceTypeUnknown == 0)
  }

  @Test("the mapper's disk client has its own token bucket (1 QPS, burst 10): the first discovery's 31 requests end at 1 + (31 - 10) s, the rediscovery's at the reset + (31 - 10) s, not + 31 s")
  func mapperHasItsOwnBucket() throws {
    let result = try Self.run("1.22", times: [1], hangFrom: nil, limit: RateLimitSpec(qps: .perSecond(1), burst: 10), duration: .seconds(120))
    let n: Int64 = 2 + 29
    // metrics.k8s.io is the last group-version of /apis: the n-th request of each discovery, made
    // when the discovery starts (1 s, the reset) and sent when its bucket has a token. A bucket
    // shared with the first discovery would send the second's last at the reset + n s.
    let first = 1_000 + (n - 10) * 1_000
    let second = first + 10 + (n - 10) * 1_000
    #expect(Self.discoveryRequests(result, "v1beta1.metrics.k8s.io") == [[1_000, first + 10], [first + 10, second + 10]])
    #expect(R.metricsRequests(result, kind: .get) == [[second + 10, second + 20]])
  }

  /// The group-versions legacy discovery fetches in `version` (`DiscoveryTests.builtInAndMetricsGroupVersions` in 1.36).
  static func groupVersionCount(_ version: String) throws -> Int {
    var spec = F.spec(duration: .seconds(1), clients: [DiscoveryTests.kubectl([], discovery: .legacy)])
    spec.version = try KubernetesVersion(parsing: version)
    var simulation = try AggregationSimulation(spec: spec, runSeed: 1, replication: 0)
    simulation.start()
    return try #require(simulation.consumers.clients[0]).groupVersionCount
  }
}
