import Testing
import SimCore
@testable import AggregationModel

/// An APIService's scope in summary.csv counts every request that ended for it: its clients' own
/// requests (recorded once, in each client's scope, and added at the end) and the discovery runs'
/// requests to it (recorded in its scope directly). Ideal links, no filter overhead,
/// metrics-server answering in a constant 10 ms.
@Suite("APIService scope")
struct APIServiceScopeTests {
  typealias F = ModelFixtures

  /// alice sends 10/s (at 0.1 … 1.0 s), bob 4/s (at 0.25, 0.5, 0.75, 1.0 s), and one kubectl
  /// invocation at 0.3 s runs legacy discovery (one GET of metrics.k8s.io/v1beta1), over 1.05 s.
  static func run() -> (result: ReplicationResult, metrics: ScopeMetrics) {
    let alice = F.client("alice", workload: .open(.constant(.perSecond(10))))
    let bob = F.client("bob", workload: .open(.constant(.perSecond(4))), identity: .user("bob"))
    let kubectl = F.client("kubectl", workload: .kubectl(KubectlSpec(invocations: .trace([F.at(0.3)]), discovery: .legacy)))
    let result = F.run(F.spec(duration: .milliseconds(1_050), clients: [alice, bob, kubectl]))
    return (result, result.apiServices[result.apiServiceNames.firstIndex(of: "v1beta1.metrics.k8s.io")!])
  }

  @Test("the APIService's scope holds its clients' 14 requests and kubectl's discovery GET, each once")
  func countsEveryRequestOnce() {
    let (result, metrics) = Self.run()
    #expect(result.clients[0].completed == 10)
    #expect(result.clients[1].completed == 4)
    #expect(metrics.completed == 15)
    #expect(metrics.count(.ok) == 15)
    #expect(metrics.latency.count == 15)
    #expect(metrics.successLatency.count == 15)
    #expect(metrics.stages.count == 15)
    // Every request takes the pod's 10 ms, no more (ideal links, no filters).
    #expect(metrics.latency.min == .milliseconds(10))
    #expect(metrics.latency.max == .milliseconds(10))
    #expect(metrics.latency.mean == .milliseconds(10))
  }

  @Test("requests made and sent count per APIService as they happen; retries count per client only")
  func madeAndSentCounts() {
    let (result, metrics) = Self.run()
    #expect(metrics.offered == 15)
    #expect(metrics.sent == 15)
    #expect(metrics.retries == 0)
    #expect(result.clients[0].offered == 10)
  }
}

/// A scope records each ended request once, into the histogram of its outcome (200 or not);
/// `latency` merges them when read.
@Suite("Scope latency")
struct ScopeLatencyTests {
  @Test("a scope's latency is the histogram of every request, 200 or not, and its success latency that of the 200s")
  func latencyMergesSuccessesAndFailures() {
    var scope = ScopeMetrics()
    var every = LatencyHistogram(), successes = LatencyHistogram()
    for i in 1...500 {
      let latency = SimDuration.milliseconds(Int64(i * 37 % 1_000 + 1))
      let outcome: Outcome = i % 7 == 0 ? .clientTimeout : (i % 11 == 0 ? .tooManyRequests : .ok)
      scope.record(outcome, latency: latency, stages: StageDurations())
      every.record(latency)
      if outcome == .ok { successes.record(latency) }
    }
    #expect(scope.count(.ok) == 390)   // 500 − 71 multiples of 7 − 39 of 11 (45) but not of 77 (6)
    #expect(scope.latency == every)
    #expect(scope.successLatency == successes)
    #expect(scope.latency.count == 500 && scope.failureLatency.count == 71 + 39)
    for p in [50.0, 90, 99, 99.9, 100] { #expect(scope.latency.percentile(p) == every.percentile(p)) }
    #expect(scope.latency.mean == every.mean && scope.latency.max == every.max && scope.latency.min == every.min)
  }
}
