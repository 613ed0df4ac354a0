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

  @Test("failed checks of a refusing backend are retried 5 ms, 10 ms, … later, the delay capped at 30 s")
  func retryCheckTimes() throws {
    let refuse = FaultSpec(kind: .refuse, start: .zero)
    let spec = F.spec(duration: .seconds(200), server: F.metricsServer(faults: [refuse]), clients: [],
                      availabilityController: Self.controller(firstResync: .seconds(1_000)))
    var simulation = try AggregationSimulation(spec: spec, runSeed: 1, replication: 0)
    simulation.start()
    let apiService = try #require(simulation.kernel.registry.registry.index(named: Self.name))
    // Check k (1-based) fails at once (refused in 0 RTT) at these instants.
    let checks: [Double] = [0, 0.005, 0.015, 0.035, 0.075, 0.155, 0.315, 0.635, 1.275, 2.555, 5.115, 10.235, 20.475,
                            40.955, 70.955, 100.955]
    for (index, time) in checks.enumerated() {
      if time > 0 {
        simulation.runEvents(until: F.at(time) - .nanoseconds(1))
        #expect(simulation.availability.instances[0].checks.failures[apiService] == index, "before \(time) s")
      }
      simulation.runEvents(until: F.at(time))
      #expect(simulation.availability.instances[0].checks.failures[apiService] == index + 1, "at \(time) s")
    }
    #expect(simulation.kernel.registry.registry.conditions[apiService]?.reason == .failedDiscoveryCheck)
  }

  @Test("HA: with instance 2 partitioned from the backend from 10 s, the shared status flaps and every instance answers 503 meanwhile")
  func haFlapping() {
    var spec = F.spec(duration: .seconds(100),
                      clients: [F.client(workload: .open(.trace([F.at(36), F.at(36.1), F.at(36.2), F.at(60.05), F.at(61)])))],
                      instances: 3, availabilityController: Self.controller())
    spec.backendLinks = [BackendLinkSpec(server: "metrics-server", instance: 2,
                                         link: NetworkLinkSpec(requestLatency: .constant(.zero), partitions: [F.at(10)...F.at(1_000)]))]
    let result = F.run(spec)
    let writes = Self.statusWrites(result)
    #expect(Array(writes.map(\.0).prefix(4)) == [35_000, 60_010, 60_155, 90_010])
    #expect(Array(writes.map(\.2).prefix(4)) == ["FailedDiscoveryCheck (instance 2)", "Passed (instance 0)",
                                                 "FailedDiscoveryCheck (instance 2)", "Passed (instance 0)"])
    // 36 s, 36.1 s, 36.2 s: instances 0, 1, 2 all answer 503 at once; 60.05 s through instance 0
    // (True since 60.011): 200 in 10 ms; 61 s through instance 1 (False since 60.156): 503.
    #expect(result.trace.map(\.instance) == [0, 1, 2, 0, 1])
    #expect(result.trace.map(\.outcome) == [.unavailable, .unavailable, .unavailable, .ok, .unavailable])
    #expect(result.trace.map(\.latency) == [.zero, .zero, .zero, .milliseconds(10), .zero])
    #expect(Self.metrics(result).transitions >= 4)
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
