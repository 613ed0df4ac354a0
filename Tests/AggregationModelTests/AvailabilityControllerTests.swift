import Testing
import SimCore
@testable import AggregationModel

/// The availability controller of each instance and the propagation of its status writes
/// (research kube-aggregator.md §4), pinned by exact traces: constant service times (10 ms),
/// ideal links, resync phase fixed at 30 s, registration 1 ms.
@Suite("Availability controller: exact traces")
struct AvailabilityControllerTests {
  typealias F = ModelFixtures
  static let name = "v1beta1.metrics.k8s.io"

  /// The controller with its defaults, first resync at `firstResync`.
  static func controller(firstResync: SimDuration = .seconds(30)) -> AvailabilityControllerSpec {
    var spec = AvailabilityControllerSpec()
    spec.firstResync = firstResync
    return spec
  }

  /// The status writes of the log, as (milliseconds, kind, detail).
  static func statusWrites(_ result: ReplicationResult) -> [(Int64, String, String)] {
    result.events.filter { $0.kind == .available || $0.kind == .unavailable }
      .map { (($0.time - SimTime.zero).nanoseconds / 1_000_000, $0.kind.rawValue, $0.detail) }
  }

  /// The availability metrics of metrics-server's APIService.
  static func metrics(_ result: ReplicationResult) -> AvailabilityMetrics {
    result.availability[result.apiServiceNames.firstIndex(of: name)!]
  }

  @Test("the retry backoff doubles from 5 ms and is capped at 30 s after 13 failures")
  func backoffSequence() {
    let spec = AvailabilityControllerSpec()
    let delays = (1...15).map { spec.backoff(afterFailures: $0).nanoseconds / 1_000_000 }
    #expect(delays == [5, 10, 20, 40, 80, 160, 320, 640, 1_280, 2_560, 5_120, 10_240, 20_480, 30_000, 30_000])
  }

  @Test("a hung backend turns Available=False 5 s after the next resync (35 s for a hang at 1 s), then requests get 503 at once")
  func hungBackendFlipsAtResyncPlusProbeTimeout() {
    let hang = FaultSpec(kind: .hang, start: F.at(1))
    let spec = F.spec(duration: .seconds(60), server: F.metricsServer(faults: [hang]),
                      clients: [F.client(workload: .open(.trace([F.at(35.002), F.at(40)])))],
                      availabilityController: Self.controller())
    let result = F.run(spec)
    #expect(Self.statusWrites(result).map(\.0) == [35_000])
    #expect(Self.statusWrites(result).map(\.2) == ["FailedDiscoveryCheck (instance 0)"])
    #expect(result.trace.map(\.outcome) == [.unavailable, .unavailable])
    #expect(result.trace.map(\.latency) == [.zero, .zero])
    #expect(Self.metrics(result).timeToDetect == .seconds(34))
    #expect(Self.metrics(result).transitions == 1)
    #expect(abs(Self.metrics(result).unavailableFraction - 25.0 / 60) < 1e-9)
  }

  @Test("with a random resync phase a hang is detected 5 to 35 s after it began (resync wait + probe timeout), at a different time per replication")
  func hangDetectedWithinResyncPlusTimeout() throws {
    let hang = FaultSpec(kind: .hang, start: F.at(100))
    let spec = F.spec(duration: .seconds(200), server: F.metricsServer(faults: [hang]), clients: [],
                      availabilityController: AvailabilityControllerSpec())
    let detected = try (0..<10).map { try #require(Self.metrics(F.run(spec, replication: $0)).timeToDetect) }
    #expect(detected.allSatisfy { $0 >= .seconds(5) && $0 <= .seconds(35) }, "\(detected)")
    #expect(Set(detected).count == 10, "\(detected)")
  }

  @Test("before the proxy installs the False status (1 ms after the write) a request still reaches the hung backend")
  func proxyFollowsAfterRegistration() {
    let hang = FaultSpec(kind: .hang, start: F.at(1))
    let spec = F.spec(duration: .seconds(120), server: F.metricsServer(faults: [hang]),
                      clients: [F.client(workload: .open(.trace([F.at(35.0005)])))],
                      availabilityController: Self.controller())
    let result = F.run(spec)
    #expect(result.trace.map(\.outcome) == [.deadlineExceeded])
  }

  @Test("with a 100 ms propagation delay every proxy follows the write 101 ms later (watch, then the 1 ms registration worker)")
  func propagationDelayThenRegistration() {
    var controller = Self.controller()
    controller.propagationDelay = .constant(.milliseconds(100))
    let hang = FaultSpec(kind: .hang, start: F.at(1))
    let spec = F.spec(duration: .seconds(120), server: F.metricsServer(faults: [hang]),
                      clients: [F.client(workload: .open(.trace([F.at(35.1005), F.at(35.1008), F.at(35.1015), F.at(35.1025)])))],
                      instances: 2, availabilityController: controller)
    let result = F.run(spec)
    #expect(Self.statusWrites(result).map(\.0) == [35_000])
    // In order of sending, through instances 0, 1, 0, 1: the first two arrive before 35.101 s
    // and hang to their 60 s deadline; the last two get 503 at once.
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.instance) == [0, 1, 0, 1])
    #expect(trace.map(\.outcome) == [.deadlineExceeded, .deadlineExceeded, .unavailable, .unavailable])
    #expect(trace.map(\.latency) == [.seconds(60), .seconds(60), .zero, .zero])
  }

  @Test("a crashed pod makes the APIService MissingEndpoints when its readiness changes (1 s later); it is Available again 10 ms after the pod is ready")
  func crashGivesMissingEndpointsThenRecovers() {
    let crash = FaultSpec(kind: .crash, start: F.at(10), duration: .seconds(20))
    let spec = F.spec(duration: .seconds(60), server: F.metricsServer(faults: [crash]),
                      clients: [F.client(workload: .open(.trace([F.at(12), F.at(31)])))],
                      availabilityController: Self.controller(firstResync: .seconds(45)))
    let result = F.run(spec)
    let writes = Self.statusWrites(result)
    #expect(writes.map(\.0) == [11_000, 30_010])
    #expect(writes.map(\.1) == ["unavailable", "available"])
    #expect(writes.map(\.2) == ["MissingEndpoints (instance 0)", "Passed (instance 0)"])
    #expect(result.trace.map(\.outcome) == [.unavailable, .ok])
    #expect(Self.metrics(result).timeToDetect == .seconds(1))
    #expect(Self.metrics(result).transitions == 2)
  }

  @Test("the time series follows the status: available 1, 0.1, 0, 0.999, 1 per 10 s bucket, and the proxy 1 ms after each write")
  func availabilityTimeSeries() {
    // False written at 11 s, True at 30.01 s (as in the crash test above); the proxy follows 1 ms later.
    let crash = FaultSpec(kind: .crash, start: F.at(10), duration: .seconds(20))
    var spec = F.spec(duration: .seconds(50), server: F.metricsServer(faults: [crash]), clients: [],
                      availabilityController: Self.controller(firstResync: .seconds(45)))
    spec.timeBucket = .seconds(10)
    let series = F.run(spec).timeSeries.filter { $0.scopeKind == "apiservice" && $0.scope == Self.name }
    let available = series.filter { $0.metric == "available" }.map(\.value)
    #expect(available.count == 5)
    #expect(zip(available, [1, 0.1, 0, 0.999, 1]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(available)")
    #expect(series.filter { $0.metric == "proxies_available" }.map(\.value) == [1, 0, 0, 1, 1])
  }

  @Test("a crash shorter than the kubelet's 1 s detection leaves the pod Ready: restarted at 10.5 s, it serves a request at 12 s and the APIService stays Available")
  func shortCrashKeepsPodReady() {
    // Crashed 10 to 10.5 s: a request at 10.2 s is refused (503); the crash is seen at 11 s, when
    // the pod is running again, so its readiness does not change.
    let crash = FaultSpec(kind: .crash, start: F.at(10), duration: .milliseconds(500))
    let spec = F.spec(duration: .seconds(60), server: F.metricsServer(faults: [crash]),
                      clients: [F.client(workload: .open(.trace([F.at(10.2), F.at(12)])))],
                      availabilityController: Self.controller(firstResync: .seconds(45)))
    let result = F.run(spec)
    #expect(result.events.filter { $0.kind == .podReadinessChanged }.isEmpty)
    #expect(Self.statusWrites(result).isEmpty)
    #expect(result.trace.map(\.outcome) == [.unreachable, .ok])
  }

  @Test("a server with no pods is EndpointsNotFound at the first check")
  func noPodsGivesEndpointsNotFound() {
    let spec = F.spec(duration: .seconds(10), server: F.metricsServer(replicas: 0), clients: [],
                      availabilityController: Self.controller())
    #expect(Self.statusWrites(F.run(spec)).map(\.2) == ["EndpointsNotFound (instance 0)"])
  }

  @Test("a hung backend recovers at the check in progress when the hang ends: its queued probes are served at 41 s")
  func hangRecoveryAtNextCheck() {
    let hang = FaultSpec(kind: .hang, start: F.at(1), duration: .seconds(40))
    let spec = F.spec(duration: .seconds(60), server: F.metricsServer(faults: [hang]), clients: [],
                      availabilityController: Self.controller())
    let writes = Self.statusWrites(F.run(spec))
    #expect(writes.map(\.0) == [35_000, 41_010])
    #expect(writes.map(\.1) == ["unavailable", "available"])
  }

  @Test("the False write's own update event re-checks a refusing backend at once (2 failures at 0 s); the requeues follow 5 ms, 20 ms, 40 ms … later, the delay capped at 30 s")
  func retryCheckTimes() throws {
    let refuse = FaultSpec(kind: .refuse, start: .zero)
    let spec = F.spec(duration: .seconds(200), server: F.metricsServer(faults: [refuse]), clients: [],
                      availabilityController: Self.controller(firstResync: .seconds(1_000)))
    var simulation = try AggregationSimulation(spec: spec, runSeed: 1, replication: 0)
    simulation.start()
    let apiService = try #require(simulation.kernel.registry.registry.index(named: Self.name))
    // 0 s: the start-up check fails at once (refused in 0 RTT) and writes False: 1 failure,
    // requeue at 5 ms. Its update event (propagation 0) re-checks at once: the second failure
    // (no write: False already); its requeue (10 ms) is later than the pending one. From then
    // on the n-th failure requeues 5 ms × 2ⁿ⁻¹ later: 5 ms → 25 ms (20 ms), → 65 ms (40 ms) …
    // 20.465 s → 40.945 s (20.48 s), then 30 s each.
    let checks: [(Double, Int)] = [(0, 2), (0.005, 3), (0.025, 4), (0.065, 5), (0.145, 6), (0.305, 7), (0.625, 8), (1.265, 9),
                                   (2.545, 10), (5.105, 11), (10.225, 12), (20.465, 13), (40.945, 14), (70.945, 15), (100.945, 16)]
    var before = 0
    for (time, failures) in checks {
      if time > 0 {
        simulation.runEvents(until: F.at(time) - .nanoseconds(1))
        #expect(simulation.availability.instances[0].checks.failures[apiService] == before, "before \(time) s")
      }
      simulation.runEvents(until: F.at(time))
      #expect(simulation.availability.instances[0].checks.failures[apiService] == failures, "at \(time) s")
      before = failures
    }
    #expect(simulation.kernel.registry.registry.conditions[apiService]?.reason == .failedDiscoveryCheck)
  }

  /// Two instances, instance 1 partitioned from metrics-server from 10 s; resyncs at 30 s.
  static func partitioned(instances: Int, clients: [Double]) -> ModelSpec {
    var spec = F.spec(duration: .seconds(100), clients: [F.client(workload: .open(.trace(clients.map(F.at))))],
                      instances: instances, availabilityController: Self.controller())
    spec.backendLinks = [BackendLinkSpec(server: "metrics-server", instance: instances - 1,
                                         link: NetworkLinkSpec(requestLatency: .constant(.zero), partitions: [F.at(10)...F.at(1_000)]))]
    return spec
  }

  /// The status writes (ms) of the partitioned pair: False at 35 + 10k s, True 10 ms later, to 100 s.
  static let flappingWrites: [Int64] = [35_000, 35_010, 45_000, 45_010, 55_000, 55_010, 65_000, 65_010, 75_000, 75_010,
                                        85_000, 85_010, 95_000, 95_010]

  @Test("HA (#111890): with instance 1 of 2 partitioned, every False write makes instance 0 re-check at once: the status flips every 10 s (two probe timeouts), False for 10 ms each time; instance 1's writes from outdated copies get 409")
  func haFlappingTwoInstances() throws {
    // 30 s: both resync; instance 0 passes (no write); instance 1's probes time out at 35 s:
    // False written (resourceVersion 1 → 2). Its event (propagation 0) makes instance 0 check at
    // once: Passed at 35.010 s, written (→ 3). Instance 1 re-checks on its own event from its
    // copy 2 (False): at 40 s the result equals it, nothing is written; the event of 3, come
    // meanwhile, makes it check again from 3 (True): False written at 45 s (→ 4). From here its
    // requeue timers (5 ms × 2ⁿ⁻¹) mark it dirty during each check, so its next check starts at
    // once from the copy its informer holds before its own write's event: 3, outdated by
    // instance 0's True at 45.010 s (→ 5): 409 at 50 s; then from 5: False at 55 s … The writes
    // alternate: False at 35 + 10k s, True 10 ms later; conflicts at 50, 60, 70, 80, 90, 100 s.
    let spec = Self.partitioned(instances: 2, clients: [35.005, 36, 40, 45.005])
    var simulation = try AggregationSimulation(spec: spec, runSeed: 2026, replication: 0)
    let result = simulation.run()
    let writes = Self.statusWrites(result)
    #expect(writes.map(\.0) == Self.flappingWrites)
    let details: [String] = Array(repeating: ["FailedDiscoveryCheck (instance 1)", "Passed (instance 0)"], count: 7).flatMap { $0 }
    #expect(writes.map(\.2) == details)
    #expect(simulation.availability.instances.map(\.conflicts) == [0, 6])
    #expect(Self.metrics(result).transitions == 14)
    #expect(abs(Self.metrics(result).unavailableFraction - 7 * 0.010 / 100) < 1e-9)
    // Round robin: 35.005 s through instance 0 (False installed at 35.001 s, True at 35.011 s):
    // 503 at once; 36 s through instance 1, whose proxy holds True again since 35.011 s: into
    // the partition, 504 at 96 s; 40 s through instance 0: 200; 45.005 s through instance 1
    // (False installed from 45.001 to 45.011 s): 503.
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.instance) == [0, 1, 0, 1])
    #expect(trace.map(\.outcome) == [.unavailable, .deadlineExceeded, .ok, .unavailable])
    #expect(trace.map(\.latency) == [.zero, .seconds(60), .milliseconds(10), .zero])
  }

  @Test("HA with 3 instances: both healthy ones re-check each False write at once; instance 0's True comes first and instance 1's, from the same outdated copy, gets 409 every cycle")
  func haFlappingThreeInstances() throws {
    // As with two instances, instance 2 being the partitioned one: instances 0 and 1 probe at
    // the same instants, instance 0 first, so its Passed is written and instance 1's conflicts,
    // at 35.010 + 10k s (7 cycles to 100 s); it then re-checks from the new copy (no write).
    var simulation = try AggregationSimulation(spec: Self.partitioned(instances: 3, clients: []), runSeed: 2026, replication: 0)
    let result = simulation.run()
    #expect(Self.statusWrites(result).map(\.0) == Self.flappingWrites)
    #expect(simulation.availability.instances.map(\.conflicts) == [0, 7, 6])
  }

  @Test("probes are not counted in client or APIService metrics")
  func probesNotInMetrics() {
    let spec = F.spec(duration: .seconds(100), clients: [], availabilityController: Self.controller())
    let result = F.run(spec)
    #expect(result.apiServices.allSatisfy { $0.completed == 0 })
    // The start check plus resyncs at 30, 60, 90 s, each 5 probes (one success ends the check;
    // the other probes are still served).
    #expect(result.pods[0].served == 20)
  }
}

/// The Available condition's message: the last probe's error (fidelity audit §4).
@Suite("Availability controller: condition messages")
struct ConditionMessageTests {
  typealias F = ModelFixtures

  /// The stored message of metrics-server's APIService after `seconds` of a run with `fault` from
  /// the start (a refusing pod refuses new connections only).
  static func message(_ fault: FaultSpec.Kind, routing: ProxySpec.Routing, seconds: Double = 10) throws -> String {
    let server = F.metricsServer(faults: [FaultSpec(kind: fault, start: .zero)])
    let spec = F.spec(duration: .seconds(seconds), server: server, clients: [], routing: routing,
                      availabilityController: AvailabilityControllerTests.controller())
    var simulation = try AggregationSimulation(spec: spec, runSeed: 2026, replication: 0)
    _ = simulation.run()
    let index = try #require(simulation.kernel.registry.registry.index(named: AvailabilityControllerTests.name))
    return try #require(simulation.kernel.registry.registry.conditions[index]?.message)
  }

  @Test("FailedDiscoveryCheck carries the last probe's error: the client timeout for a hung pod, a refused connection for a refusing one; the URL is the Service's under ClusterIP routing, the probed pod's under endpoint routing")
  func messageCarriesTheLastProbeError() throws {
    let url = "https://metrics-server.kube-system.svc:443/apis/metrics.k8s.io/v1beta1"
    #expect(try Self.message(.hang, routing: .clusterIP) == "failing or missing response from \(url): Get \"\(url)\": "
              + "context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
    #expect(try Self.message(.refuse, routing: .clusterIP) == "failing or missing response from \(url): Get \"\(url)\": "
              + "dial tcp metrics-server.kube-system.svc: connect: connection refused")
    let pod = "https://metrics-server-pod-0:443/apis/metrics.k8s.io/v1beta1"
    #expect(try Self.message(.hang, routing: .endpoints) == "failing or missing response from \(pod): Get \"\(pod)\": "
              + "context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
  }

  @Test("a new message is a write: a pod refusing connections until 32 s and hanging from then is FailedDiscoveryCheck (refused) from 0 s, written again at 45.945 s (timed out), without a flip")
  func messageChangeIsAWrite() throws {
    // 0 s: the start-up check is refused at once: False (connection refused) written; its update
    // event re-checks at once (no write), then the requeues (as in the refusing-backend test
    // above) fail at once at 5 ms, 25 ms … 20.465 s, the next due at 40.945 s; the resync at 30 s
    // fails at once too (its requeue, 30 s later, is after 40.945 s). At 40.945 s the pod accepts
    // connections but hangs: the probes time out at 45.945 s, a new message, written (version 3)
    // with the status unchanged (no flip, transition time still 0 s).
    let refuse = FaultSpec(kind: .refuse, start: .zero, duration: .seconds(32))
    let hang = FaultSpec(kind: .hang, start: F.at(32))
    let spec = F.spec(duration: .seconds(50), server: F.metricsServer(faults: [refuse, hang]), clients: [],
                      availabilityController: AvailabilityControllerTests.controller())
    var simulation = try AggregationSimulation(spec: spec, runSeed: 2026, replication: 0)
    simulation.start()
    let index = try #require(simulation.kernel.registry.registry.index(named: AvailabilityControllerTests.name))
    simulation.runEvents(until: F.at(45.945) - .nanoseconds(1))
    #expect(simulation.kernel.registry.storedVersion(index).resourceVersion == 2)
    #expect(simulation.kernel.registry.registry.conditions[index]?.message.hasSuffix("connect: connection refused") == true)
    simulation.runEvents(until: F.at(45.945))
    #expect(simulation.kernel.registry.storedVersion(index).resourceVersion == 3)
    #expect(simulation.kernel.registry.registry.conditions[index]?.message.hasSuffix("(Client.Timeout exceeded while awaiting headers)") == true)
    #expect(simulation.kernel.registry.registry.conditions[index]?.lastTransitionTime == .zero)
    let result = simulation.finish()
    #expect(AvailabilityControllerTests.statusWrites(result).map(\.0) == [0])
  }
}
