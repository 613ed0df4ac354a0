import Testing
import SimCore
@testable import AggregationModel

/// Per-request deadlines (fidelity audit §2.9b): the server's deadline from a request's
/// `?timeout=`, APF's queue wait from that deadline, client-go's discovery timeout and the
/// moment a client's own timeout starts. Exact traces on ideal links, a hung metrics-server.
@Suite("Request deadlines")
struct RequestDeadlineTests {
  typealias F = ModelFixtures

  static let hang = FaultSpec(kind: .hang, start: .zero)

  static func version(_ text: String) -> KubernetesVersion { try! KubernetesVersion(parsing: text) }

  @Test("a ?timeout= shorter than --request-timeout is the server's deadline from 1.21 (504 at 10 s); a longer one, or before 1.21, gives the 60 s", arguments: [
    ("1.36", 10.0, 10.0), ("1.21.0", 10.0, 10.0), ("1.20", 10.0, 60.0), ("1.36", 90.0, 60.0), ("1.36", 60.0, 60.0),
  ])
  func timeoutParameterSetsTheDeadline(version: String, parameter: Double, deadline: Double) {
    var client = F.client(workload: .open(.trace([F.at(1)])))
    client.requestTimeout = .seconds(parameter)
    var spec = F.spec(duration: .seconds(90), server: F.metricsServer(faults: [Self.hang]), clients: [client])
    spec.version = Self.version(version)
    let result = F.run(spec)
    #expect(result.trace.map(\.reason) == [.deadline])
    #expect(result.trace.map(\.latency) == [.seconds(deadline)])
  }

  /// One queued level of one seat and a queue of 2 for everyone: the first request holds the seat
  /// (hung), the next two queue.
  static func tinyLevel() -> AdmissionSpec {
    var configuration = PriorityAndFairness.Configuration()
    configuration.serverConcurrencyLimit = 1
    configuration.priorityLevels = [.exempt(), .queued("tiny", shares: 1, lendablePercent: 0, queues: 1, handSize: 1, queueLengthLimit: 2)]
    configuration.flowSchemas = [FlowSchema(name: "everyone", matchingPrecedence: 100, priorityLevel: "tiny",
                                            subjects: [.group("system:authenticated")])]
    return .priorityAndFairness(configuration)
  }

  @Test("APF's queue wait is a quarter of the request's deadline from 1.29 (10 s → 429 at 2.5 s); in 1.21–1.28 it is 15 s, so the 10 s deadline ends the queued requests first (504); before 1.21 both are the 60 s ones", arguments: [
    ("1.36", [EndReason.queueWaitExpired, .queueWaitExpired, .deadline], [2.5, 2.5, 10.0]),
    ("1.29.0", [.queueWaitExpired, .queueWaitExpired, .deadline], [2.5, 2.5, 10.0]),
    ("1.28", [.deadline, .deadline, .deadline], [10.0, 10.0, 10.0]),
    ("1.20", [.queueWaitExpired, .queueWaitExpired, .deadline], [15.0, 15.0, 60.0]),
  ])
  func queueWaitFromTheDeadline(version: String, reasons: [EndReason], latencies: [Double]) {
    var client = F.client(workload: .open(.trace(Array(repeating: F.at(1), count: 3))))
    client.requestTimeout = .seconds(10)
    var spec = F.spec(duration: .seconds(90), server: F.metricsServer(faults: [Self.hang]), clients: [client], admission: Self.tinyLevel())
    spec.version = Self.version(version)
    let result = F.run(spec)
    let trace = result.trace.sorted { ($0.end, $0.reason.rawValue) < ($1.end, $1.reason.rawValue) }
    #expect(trace.map(\.reason) == reasons)
    #expect(trace.map(\.latency) == latencies.map { SimDuration.seconds($0) })
  }

  @Test("a client's timeout starts when its first attempt leaves, after the token bucket: a request that waits 2 s for a token gives up 1 s after it left, 3 s after it was made")
  func clientTimeoutStartsAfterTheTokenWait() {
    var client = F.client(workload: .open(.trace([F.at(1), F.at(1)])))
    client.rateLimit = RateLimitSpec(qps: .perSecond(0.5), burst: 1)
    client.timeout = .seconds(1)
    let result = F.run(F.spec(duration: .seconds(10), server: F.metricsServer(faults: [Self.hang]), clients: [client]))
    #expect(result.trace.map(\.reason) == [.clientTimeout, .clientTimeout])
    #expect(result.trace.map(\.end) == [F.at(2), F.at(4)])
    #expect(result.trace.map(\.latency) == [.seconds(1), .seconds(3)])
  }

  @Test("the controllers' discovery requests carry client-go's 32 s before 1.23 (the garbage collector gives up on a hung group-version at 32 s without the cap) and nothing from 1.23.0 (504 at 60 s)", arguments: [
    ("1.22", 32.0, Outcome.clientTimeout), ("1.16", 32.0, .clientTimeout), ("1.23.0", 60.0, .deadlineExceeded), ("1.36", 60.0, .deadlineExceeded),
  ])
  func controllerDiscoveryTimeout(version: String, seconds: Double, failure: Outcome) {
    var spec = DiscoveryConsumerTests.spec(duration: 100, server: F.metricsServer(faults: [Self.hang]),
                                           clients: [DiscoveryConsumerTests.garbageCollector(discovery: .legacy)])
    spec.version = Self.version(version)
    spec.controlPlane.proxy.discoveryTimeout = nil
    let result = F.run(spec)
    let hung = result.trace.filter { $0.outcome != .ok }
    #expect(hung.first?.outcome == failure)
    #expect(hung.first?.latency == .seconds(seconds))
  }

  @Test("a client's own requestTimeout and timeout replace kubectl's 32 s for its discovery: 10 s each, and the 504 is asked for again once (1.36's in-memory client re-fetches a 5xx): 20 s")
  func kubectlRequestTimeoutOverridesTheDiscoveryDefault() {
    var kubectl = DiscoveryTests.kubectl([1], discovery: .legacy)
    kubectl.requestTimeout = .seconds(10)
    var spec = F.spec(duration: .seconds(60), server: F.metricsServer(faults: [Self.hang]), clients: [kubectl])
    spec.controlPlane.proxy.discoveryTimeout = nil
    spec.controlPlane.localHandlerTime = .constant(.zero)
    // The server's deadline (10 s from arrival) and kubectl's own 32 s: the 504 comes first;
    // `kubectl api-resources`' one call asks again (KubectlRerequestTests).
    let result = F.run(spec)
    #expect(result.trace.filter { $0.outcome != .ok }.map(\.reason) == [.deadline, .deadline])
    #expect(result.discovery[0].latency.max == .seconds(20))
  }

  @Test("the webhook authorizer retries a SubjectAccessReview call at most 5 times, after 500 ms × 1.5ⁿ⁻¹ × (1 + 0.2 U), on 429 and reset connections only")
  func webhookRetrySchedule() throws {
    let streams = try StreamRegistry(runSeed: 1, replication: 0)
    let generator = streams.stream("test")  // keeps the GSL generator alive while its source is used
    let stream = generator.source
    for (call, base) in zip(UInt8(2)...5, [0.5, 0.75, 1.125, 1.6875]) {
      for _ in 0..<100 {
        let delay = WebhookRetry.delay(beforeCall: call, stream: stream).seconds
        #expect(delay >= base && delay <= base * 1.2, "call \(call): \(delay)")
      }
    }
    withExtendedLifetime(generator) {}
    #expect(WebhookRetry.calls == 5)
    #expect([ReviewVerdict.allowed, .tooManyRequests, .refused, .reset, .timedOut].map(WebhookRetry.retries) == [false, true, false, true, false])
  }
}
