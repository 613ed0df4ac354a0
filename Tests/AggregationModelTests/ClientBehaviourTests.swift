import Testing
import SimCore
@testable import AggregationModel

/// Client-side behaviour through the whole model: closed loops, the token bucket, retries on
/// 429 with Retry-After, client timeouts, time-varying arrivals and link faults.
@Suite("Clients through the model")
struct ClientBehaviourTests {
  typealias F = ModelFixtures

  @Test("closed loop: N users with constant think time Z and response time R complete N/(R+Z) requests per second")
  func closedLoopThroughput() {
    // 5 users, 10 ms service (4 workers idle enough: 5 users, 10 workers), think 90 ms:
    // each user completes one request every 100 ms, exactly, so 10 s give 5 × 100 = 500.
    let client = F.client(workload: .closed(users: 5, thinkTime: .constant(.milliseconds(90))))
    let result = F.run(F.spec(duration: .milliseconds(9_999), clients: [client]))
    #expect(result.clients[0].count(.ok) == 500)
    #expect(result.trace.allSatisfy { $0.latency == .milliseconds(10) })
  }

  @Test("the token bucket spaces requests: burst 2 at 1/s, four requests at t=1 s go at 1, 1, 2 and 3 s")
  func tokenBucketSpacesRequests() {
    var client = F.client(workload: .open(.trace(Array(repeating: F.at(1), count: 4))))
    client.rateLimit = RateLimitSpec(qps: .perSecond(1), burst: 2)
    let result = F.run(F.spec(duration: .seconds(10), clients: [client]))
    // The bucket starts full at t=0 with 2 tokens; latency counts from the client's first try.
    #expect(result.trace.map(\.end) == [F.at(1.01), F.at(1.01), F.at(2.01), F.at(3.01)])
  }

  @Test("a 429 with Retry-After is retried after it; a retry that gets through ends with 200")
  func retryAfter429() {
    // max-in-flight with one read slot: the second of two simultaneous requests gets 429 with
    // Retry-After 1 s, retries at 2 s and succeeds at 2.5 s (500 ms service).
    var first = F.client("first", workload: .open(.trace([F.at(1)])))
    first.retry = .clientGo
    var second = F.client("second", workload: .open(.trace([F.at(1)])))
    second.retry = .clientGo
    let spec = F.spec(duration: .seconds(10), server: F.metricsServer(serviceTimes: .uniform(.constant(.milliseconds(500)))),
                      clients: [first, second], admission: .maxInFlight(readOnly: 1, mutating: 1))
    let result = F.run(spec)
    let byClient = Dictionary(uniqueKeysWithValues: result.trace.map { (result.clientNames[$0.client], $0) })
    #expect(byClient["first"]?.outcome == .ok && byClient["first"]?.end == F.at(1.5))
    #expect(byClient["second"]?.outcome == .ok && byClient["second"]?.end == F.at(2.5))
    #expect(byClient["second"]?.attempts == 2)
    #expect(result.clients[1].retries == 1)
  }

  @Test("without retries the 429 reaches the client at once")
  func noRetryGives429() {
    let spec = F.spec(duration: .seconds(10), server: F.metricsServer(serviceTimes: .uniform(.constant(.milliseconds(500)))),
                      clients: [F.client("a", workload: .open(.trace([F.at(1)]))), F.client("b", workload: .open(.trace([F.at(1)])))],
                      admission: .maxInFlight(readOnly: 1, mutating: 1))
    let outcomes = F.run(spec).trace.map(\.outcome)
    #expect(outcomes == [.tooManyRequests, .ok])
  }

  @Test("a client timeout ends the wait on a hung backend at the timeout, not at the 60 s deadline")
  func clientTimeout() {
    var client = F.client(workload: .open(.trace([F.at(1)])))
    client.timeout = .seconds(32)
    let spec = F.spec(duration: .seconds(90), server: F.metricsServer(faults: [FaultSpec(kind: .hang, start: .zero)]),
                      clients: [client])
    let result = F.run(spec)
    #expect(result.trace.map(\.outcome) == [.clientTimeout])
    #expect(result.trace.map(\.reason) == [.clientTimeout])
    #expect(result.trace.map(\.latency) == [.seconds(32)])
  }

  @Test("a client timeout cancels the request in the control plane: its seat is free at 10 s, so a request at 11 s is admitted (it would get 429 until the 60 s deadline otherwise)")
  func clientTimeoutFreesTheSeat() {
    // One read-only seat, a hung backend, 10 s client timeouts. 0 s: A takes the seat and hangs.
    // 5 s: B finds the seat taken: 429. 10 s: A's client gives up; the control plane's context
    // ends and frees the seat. 11 s: C takes it, hangs, and is given up at 21 s.
    var client = F.client(workload: .open(.trace([F.at(0), F.at(5), F.at(11)])))
    client.timeout = .seconds(10)
    var spec = F.spec(duration: .seconds(40), server: F.metricsServer(faults: [FaultSpec(kind: .hang, start: .zero)]),
                      clients: [client], admission: .maxInFlight(readOnly: 1, mutating: 1))
    spec.timeBucket = .seconds(20)
    let result = F.run(spec)
    #expect(result.trace.map(\.outcome) == [.tooManyRequests, .clientTimeout, .clientTimeout])
    #expect(result.trace.map(\.end) == [F.at(5), F.at(10), F.at(21)])
    // Requests in flight at the instance at 20 s (C) and 40 s (none): cancelled ones leave it.
    #expect(result.timeSeries.filter { $0.metric == "in_flight" }.map(\.value) == [1, 0])
  }

  @Test("a request given up while still on the wire (2 s link, 1 s timeout) is dropped when it arrives: the pod never serves it")
  func givenUpOnTheWire() {
    var client = F.client(workload: .open(.trace([F.at(1)])))
    client.timeout = .seconds(1)
    client.link = NetworkLinkSpec(requestLatency: .constant(.seconds(2)))
    let result = F.run(F.spec(duration: .seconds(10), clients: [client]))
    #expect(result.trace.map(\.outcome) == [.clientTimeout])
    #expect(result.pods[0].served == 0)
  }

  @Test("time-varying Poisson arrivals follow each segment's rate (counts within 4 standard deviations)")
  func timeVaryingArrivals() {
    let segments = [RateSegment(start: .zero, perSecond: 10), RateSegment(start: F.at(100), perSecond: 100),
                    RateSegment(start: F.at(200), perSecond: 0)]
    let result = F.run(F.spec(duration: .seconds(300), clients: [F.client(workload: .open(.timeVarying(segments)))]))
    let first = result.trace.filter { $0.start < F.at(100) }.count
    let second = result.trace.filter { $0.start >= F.at(100) && $0.start < F.at(200) }.count
    let third = result.trace.filter { $0.start >= F.at(200) }.count
    // Poisson counts: mean 1,000 (sd 31.6) and 10,000 (sd 100); none after the rate drops to 0.
    #expect(abs(first - 1_000) < 4 * 32, "\(first)")
    #expect(abs(second - 10_000) < 4 * 100, "\(second)")
    #expect(third == 0)
  }

  @Test("bursts send their size at once, every period")
  func bursts() {
    let result = F.run(F.spec(duration: .seconds(35), clients: [F.client(workload: .open(.bursts(size: 3, period: .seconds(10))))]))
    #expect(result.trace.map(\.start) == [10, 10, 10, 20, 20, 20, 30, 30, 30].map { F.at(Double($0)) })
  }

  @Test("a partitioned client link fails the request after the 30 s dial timeout")
  func partitionedClientLink() {
    var client = F.client(workload: .open(.trace([F.at(5), F.at(50)])))
    client.link = NetworkLinkSpec(requestLatency: .constant(.milliseconds(1)), partitions: [F.at(0)...F.at(10)])
    let result = F.run(F.spec(duration: .seconds(60), clients: [client]))
    #expect(result.trace.map(\.outcome) == [.unreachable, .ok])
    #expect(result.trace.map(\.reason) == [.apiserverDialTimeout, .ok])
    #expect(result.trace.map(\.latency) == [.seconds(30), .milliseconds(12)])
  }

  @Test("a partitioned backend link makes the request wait for the 60 s deadline")
  func partitionedBackendLink() {
    var spec = F.spec(duration: .seconds(90), clients: [F.client(workload: .open(.trace([F.at(1), F.at(70)])))])
    spec.backendLinks = [BackendLinkSpec(server: "metrics-server",
                                         link: NetworkLinkSpec(requestLatency: .constant(.zero), partitions: [F.at(2)...F.at(65)]))]
    // The first request opens the connection at 1 s (before the partition) and is served; a
    // request during the partition would be swallowed. The one at 70 s is served again.
    var during = spec
    during.clients = [F.client(workload: .open(.trace([F.at(1), F.at(3), F.at(70)])))]
    let result = F.run(during)
    #expect(result.trace.map(\.outcome) == [.ok, .deadlineExceeded, .ok])
    #expect(result.trace.map(\.latency) == [.milliseconds(10), .seconds(60), .milliseconds(10)])
  }
}

@Suite("Scope metrics")
struct ScopeMetricsTests {
  @Test("merging two scopes adds their outcome counts and pools their latencies")
  func mergeAddsUp() {
    var a = ScopeMetrics(), b = ScopeMetrics()
    a.record(.ok, latency: .milliseconds(10), stages: StageDurations())
    a.record(.deadlineExceeded, latency: .seconds(60), stages: StageDurations())
    b.record(.ok, latency: .milliseconds(30), stages: StageDurations())
    b.retries = 2
    a.merge(b)
    #expect(a.count(.ok) == 2 && a.count(.deadlineExceeded) == 1 && a.completed == 3)
    #expect(a.latency.count == 3)
    #expect(a.latency.mean == .nanoseconds(20_013_333_333))  // (10 ms + 60 s + 30 ms) / 3, to the nanosecond
    #expect(a.retries == 2)
  }
}
