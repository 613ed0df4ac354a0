import Testing
import SimCore
@testable import AggregationModel

/// The request path pinned by exact traces: constant service times, ideal links, no filter
/// overhead, so every latency below is a hand-computed figure.
@Suite("Request path: exact traces")
struct RequestPathTests {
  typealias F = ModelFixtures

  @Test("a request to an unavailable APIService gets 503 at once, without touching the backend")
  func unavailableAPIServiceAnswers503AtOnce() {
    let spec = F.spec(duration: .seconds(10), clients: [F.client(workload: .open(.trace([F.at(1)])))], available: false)
    let result = F.run(spec)
    #expect(result.trace.count == 1)
    #expect(result.trace[0].outcome == .unavailable && result.trace[0].reason == .serviceUnavailable)
    #expect(result.trace[0].start == F.at(1) && result.trace[0].latency == .zero)
    #expect(result.pods[0].served == 0)
  }

  @Test("discovery answered in 4.999 s succeeds; at 5 s or 5.001 s the 5 s cap answers 503 at 5 s", arguments: [
    (4_999, Outcome.ok, 4_999), (5_000, Outcome.discoveryTimeout, 5_000), (5_001, Outcome.discoveryTimeout, 5_000),
  ])
  func discoveryCapAtFiveSeconds(serviceMs: Int, outcome: Outcome, latencyMs: Int) {
    // At exactly 5 s the cap fires first: its timer was armed before the pod drew its service time.
    var times = ServiceTimes.uniform(.constant(.milliseconds(1)))
    times.discovery = .constant(.milliseconds(serviceMs))
    let spec = F.spec(duration: .seconds(20), server: F.metricsServer(serviceTimes: times),
                      clients: [F.client(target: .groupVersionDiscovery(apiService: "v1beta1.metrics.k8s.io"),
                                         workload: .open(.trace([F.at(1)])))])
    let result = F.run(spec)
    #expect(result.trace.map(\.outcome) == [outcome])
    #expect(result.trace.map(\.reason) == [outcome == .ok ? .ok : .discoveryTimeout])
    #expect(result.trace.map(\.latency) == [.milliseconds(latencyMs)])
  }

  @Test("without the cap (before 1.16) a slow discovery request waits for the backend")
  func noCapBeforeOneSixteen() {
    var times = ServiceTimes.uniform(.constant(.milliseconds(1)))
    times.discovery = .constant(.seconds(30))
    var spec = F.spec(duration: .seconds(60), server: F.metricsServer(serviceTimes: times),
                      clients: [F.client(target: .groupVersionDiscovery(apiService: "v1beta1.metrics.k8s.io"),
                                         workload: .open(.trace([F.at(1)])))])
    spec.controlPlane.proxy.discoveryTimeout = nil
    let result = F.run(spec)
    #expect(result.trace.map(\.outcome) == [.ok])
    #expect(result.trace.map(\.latency) == [.seconds(30)])
  }

  @Test("a hung backend gives 504 at 60 s, and the APF seat stays taken until then")
  func hungBackendHoldsSeatUntilDeadline() throws {
    let hang = FaultSpec(kind: .hang, start: .zero)
    let spec = F.spec(duration: .seconds(90), server: F.metricsServer(faults: [hang]),
                      clients: [F.client(workload: .open(.trace([F.at(1)])))], admission: .kubernetesDefault)
    var simulation = try AggregationSimulation(spec: spec, runSeed: 1, replication: 0)
    simulation.start()
    let level = try #require(simulation.controlPlane.admission[0].apf?.levelIndex(named: "global-default"))
    simulation.runEvents(until: F.at(30))
    #expect(simulation.controlPlane.admission[0].apf?.seatsInUse(level: level) == 1)
    simulation.runEvents(until: F.at(60.999))
    #expect(simulation.controlPlane.admission[0].apf?.seatsInUse(level: level) == 1)
    simulation.runEvents(until: F.at(61))
    #expect(simulation.controlPlane.admission[0].apf?.seatsInUse(level: level) == 0)
    let result = simulation.result(at: F.at(90))
    #expect(result.trace.map(\.outcome) == [.deadlineExceeded])
    #expect(result.trace.map(\.reason) == [.deadline])
    #expect(result.trace.map(\.latency) == [.seconds(60)])
  }

  @Test("ClusterIP routing sends every request of an instance to one pod; endpoint routing spreads them")
  func clusterIPPinsOnePodEndpointsSpread() {
    let clients = [F.client(workload: .open(.poisson(.perSecond(30))))]
    let server = F.metricsServer(replicas: 3)
    let pinned = F.run(F.spec(duration: .seconds(10), server: server, clients: clients, routing: .clusterIP))
    let served = pinned.pods.map(\.served)
    #expect(served.filter { $0 > 0 }.count == 1, "\(served)")
    #expect(served.reduce(0, +) == pinned.clients[0].count(.ok))
    let spread = F.run(F.spec(duration: .seconds(10), server: server, clients: clients, routing: .endpoints))
    let counts = spread.pods.map(\.served)
    let total = counts.reduce(0, +)
    // Binomial(n, 1/3) per pod: within ±4 standard deviations (a 99.99% range) of n/3.
    let sd = (Double(total) * (1.0 / 3) * (2.0 / 3)).squareRoot()
    #expect(counts.allSatisfy { abs(Double($0) - Double(total) / 3) < 4 * sd }, "\(counts)")
  }

  @Test("with two instances under ClusterIP, each instance's traffic stays on the pod its connection reached")
  func eachInstancePinsItsOwnPod() {
    let result = F.run(F.spec(duration: .seconds(10), server: F.metricsServer(replicas: 3),
                              clients: [F.client(workload: .open(.poisson(.perSecond(30))))], instances: 2))
    let podsByInstance = Dictionary(grouping: result.trace, by: \.instance).mapValues { Set($0.map(\.pod)) }
    #expect(podsByInstance.count == 2)
    #expect(podsByInstance.values.allSatisfy { $0.count == 1 })
  }

  @Test("APF rejects with 429 once a level's queue is full, and queued requests get 429 at the 15 s wait limit")
  func apfRejectsWhenQueuesAreFull() {
    var configuration = PriorityAndFairness.Configuration()
    configuration.serverConcurrencyLimit = 1
    configuration.priorityLevels = [.exempt(), .queued("tiny", shares: 1, lendablePercent: 0, queues: 1, handSize: 1, queueLengthLimit: 2)]
    configuration.flowSchemas = [FlowSchema(name: "everyone", matchingPrecedence: 100, priorityLevel: "tiny",
                                            subjects: [.group("system:authenticated")])]
    let hang = FaultSpec(kind: .hang, start: .zero)
    let spec = F.spec(duration: .seconds(90), server: F.metricsServer(faults: [hang]),
                      clients: [F.client(workload: .open(.trace(Array(repeating: F.at(1), count: 4))))],
                      admission: .priorityAndFairness(configuration))
    let result = F.run(spec)
    // 1 executes (and hangs to the 60 s deadline), 2 queue (429 at the 15 s wait limit), 1 is rejected at once.
    let byEnd = result.trace.map { ($0.outcome, $0.latency) }
    #expect(byEnd.map(\.0) == [.tooManyRequests, .tooManyRequests, .tooManyRequests, .deadlineExceeded])
    #expect(byEnd.map(\.1) == [.zero, .seconds(15), .seconds(15), .seconds(60)])
    #expect(result.trace.map(\.reason) == [.admissionRejected, .queueWaitExpired, .queueWaitExpired, .deadline])
  }

  @Test("a crashed pod answers 503 at once (connection refused) and serves again after restarting")
  func crashedPodRefusesThenRecovers() {
    let crash = FaultSpec(kind: .crash, start: F.at(10), duration: .seconds(20))
    let times = (0..<6).map { F.at(5 + 5 * Double($0)) }  // 5, 10, 15, 20, 25, 30 s
    let result = F.run(F.spec(duration: .seconds(40), server: F.metricsServer(faults: [crash]),
                              clients: [F.client(workload: .open(.trace(times)))]))
    #expect(result.trace.map(\.outcome) == [.ok, .unreachable, .unreachable, .unreachable, .unreachable, .ok])
    #expect(result.trace.map(\.reason) == [.ok, .connectionRefused, .connectionRefused, .connectionRefused, .connectionRefused, .ok])
    #expect(result.trace.map(\.latency) == [.milliseconds(10), .zero, .zero, .zero, .zero, .milliseconds(10)])
  }

  @Test("a silently dead HTTP/2 connection fails its requests until the health check closes it, 30 s + 15 s")
  func deadConnectionFailsForFortyFiveSeconds() {
    // A request at 1 s opens the connection (last frame at 1.01 s). The drop starts at 10 s;
    // the PING goes at 31.01 s and the connection closes at 46.01 s. Requests sent meanwhile are
    // swallowed and fail then; the one after it opens a new connection and succeeds.
    let drop = FaultSpec(kind: .silentConnectionDrop, start: F.at(10))
    let times = [1, 12, 40, 50].map { F.at(Double($0)) }
    let result = F.run(F.spec(duration: .seconds(60), server: F.metricsServer(faults: [drop]),
                              clients: [F.client(workload: .open(.trace(times)))]))
    let entries = result.trace.sorted { $0.start < $1.start }
    #expect(entries.map(\.outcome) == [.ok, .unreachable, .unreachable, .ok])
    #expect(entries.map(\.reason) == [.ok, .connectionLost, .connectionLost, .ok])
    #expect(entries.map(\.end) == [F.at(1.01), F.at(46.01), F.at(46.01), F.at(50.01)])
  }

  @Test("before the HTTP/2 health check (1.19.4), a silently dead connection is never closed: every request on it ends at its 60 s deadline with 504")
  func deadConnectionWithoutHealthCheck() {
    // As above, but 1.19.4 (no ReadIdleTimeout; apimachinery f364803c is in 1.19.5): the
    // connection stays, so the requests at 12, 40 and 50 s ride it and are swallowed. Each ends at
    // the control plane's deadline, 60 s after it arrived (the client's link is ideal), with 504.
    let drop = FaultSpec(kind: .silentConnectionDrop, start: F.at(10))
    let times = [1, 12, 40, 50].map { F.at(Double($0)) }
    var spec = F.spec(duration: .seconds(120), server: F.metricsServer(faults: [drop]),
                      clients: [F.client(workload: .open(.trace(times)))])
    spec.version = KubernetesVersion(major: 1, minor: 19, patch: 4)
    let entries = F.run(spec).trace.sorted { $0.start < $1.start }
    #expect(entries.map(\.outcome) == [.ok, .deadlineExceeded, .deadlineExceeded, .deadlineExceeded])
    #expect(entries.map(\.end) == [F.at(1.01), F.at(72), F.at(100), F.at(110)])
  }
}
