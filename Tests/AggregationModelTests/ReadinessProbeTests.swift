import Testing
import SimCore
@testable import AggregationModel

/// The kubelet's readiness probe of extension-server pods (`ReadinessProbeSpec`), pinned by exact
/// traces: one metrics-server pod (10 ms constant service times, probes included), ideal links,
/// ClusterIP routing, registration 1 ms. Unless a test says otherwise the probe is Kubernetes'
/// default (every 10 s, 1 s timeout, NotReady after 3 failures, Ready after 1 success) with its
/// ticks pinned at 2, 12, 22, … s, and the availability controller is on with its first resync at
/// 100 s, far after the faults, so that what flips the APIService is the EndpointSlice event of
/// a readiness change (research kube-aggregator.md §4.1, §4.3).
@Suite("Readiness probes: exact traces")
struct ReadinessProbeTests {
  typealias F = ModelFixtures
  static let name = "v1beta1.metrics.k8s.io"

  static func probe(period: Double = 10, timeout: Double = 1, failureThreshold: Int = 3, successThreshold: Int = 1,
                    initialDelay: Double = 0, firstProbe: Double? = 2) -> ReadinessProbeSpec {
    ReadinessProbeSpec(period: .seconds(period), timeout: .seconds(timeout), failureThreshold: failureThreshold,
                       successThreshold: successThreshold, initialDelay: .seconds(initialDelay), firstProbe: firstProbe.map { .seconds($0) })
  }

  static func controller(firstResync: Double = 100) -> AvailabilityControllerSpec {
    var spec = AvailabilityControllerSpec()
    spec.firstResync = .seconds(firstResync)
    return spec
  }

  /// A metrics-server with `faults` and readiness probe `probe` (nil: none).
  static func server(replicas: Int = 1, faults: [FaultSpec], probe: ReadinessProbeSpec?) -> ExtensionServerSpec {
    var server = F.metricsServer(replicas: replicas, faults: faults)
    server.readinessProbe = probe
    return server
  }

  /// The APIService status writes, as (milliseconds, "kind reason").
  static func statusWrites(_ result: ReplicationResult) -> [(Int64, String)] {
    result.events.filter { $0.kind == .available || $0.kind == .unavailable }
      .map { (($0.time - SimTime.zero).nanoseconds / 1_000_000, "\($0.kind.rawValue) \($0.detail)") }
  }

  /// The pods' readiness changes, as (milliseconds, "pod detail").
  static func readiness(_ result: ReplicationResult) -> [(Int64, String)] {
    result.events.filter { $0.kind == .podReadinessChanged }
      .map { (($0.time - SimTime.zero).nanoseconds / 1_000_000, "\($0.subject) \($0.detail)") }
  }

  static func timeToDetect(_ result: ReplicationResult) -> SimDuration? {
    result.availability[result.apiServiceNames.firstIndex(of: name)!].timeToDetect
  }

  @Test("a pod hung at 10 s fails the probes sent at 12, 22 and 32 s when they time out (13, 23, 33 s): NotReady and MissingEndpoints at 33 s; the hang ends at 60 s and the probe at 62 s makes it Ready and Available (62.010 s)")
  func hungPodLeavesEndpointsAndReturns() {
    let hang = FaultSpec(kind: .hang, start: F.at(10), duration: .seconds(50))
    let spec = F.spec(duration: .seconds(80), server: Self.server(faults: [hang], probe: Self.probe()),
                      clients: [F.client(workload: .open(.trace([F.at(20), F.at(34), F.at(63)])))],
                      availabilityController: Self.controller())
    let result = F.run(spec)
    // Probe at 2 s: answered (not hung yet). Probes at 12, 22, 32 s: no answer, each fails at its
    // 1 s timeout: failures 1, 2, 3 at 13, 23, 33 s; the third reaches failureThreshold 3.
    // Probes at 42, 52 s fail too (the pod is already NotReady). The hang ends at 60 s with no
    // probe out; the probe at 62 s is answered: 1 success = successThreshold.
    #expect(Self.readiness(result).map(\.0) == [33_000, 62_000])
    #expect(Self.readiness(result).map(\.1) == ["metrics-server/0 not_ready", "metrics-server/0 ready"])
    // The EndpointSlice event enqueues a check at once: no ready endpoint -> MissingEndpoints at
    // 33 s (no probe needed). At 62 s the check's 5 discovery probes are served in 10 ms: Passed.
    #expect(Self.statusWrites(result).map(\.0) == [33_000, 62_010])
    #expect(Self.statusWrites(result).map(\.1) == ["unavailable MissingEndpoints (instance 0)", "available Passed (instance 0)"])
    #expect(Self.timeToDetect(result) == .seconds(23))
    // 20 s: reaches the hung pod, served when the hang ends (60 s): 200 after 40 s. 34 s: the
    // proxy has had False since 33.001 s: 503 at once. 63 s: Available since 62.011 s: 10 ms.
    // (The trace is in order of completion: sorted by sending.)
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.outcome) == [.ok, .unavailable, .ok])
    #expect(trace.map(\.latency) == [.seconds(40), .zero, .milliseconds(10)])
  }

  @Test("without a probe (the default) the same hang is found only at the resync (40 s) + 5 s probe timeout: FailedDiscoveryCheck at 45 s, and the pod stays Ready")
  func noProbeKeepsTodaysBehaviour() {
    let hang = FaultSpec(kind: .hang, start: F.at(10))
    let withProbe = F.spec(duration: .seconds(60), server: Self.server(faults: [hang], probe: Self.probe()), clients: [],
                           availabilityController: Self.controller(firstResync: 40))
    var without = withProbe
    without.extensionServers[0].readinessProbe = nil
    #expect(ExtensionServerSpec(name: "x", service: F.metricsServerService, serviceTimes: .uniform(.constant(.zero))).readinessProbe == nil)
    let probed = F.run(withProbe), unprobed = F.run(without)
    // With the probe: NotReady at 33 s (as above), before the 40 s resync.
    #expect(Self.statusWrites(probed).map(\.0) == [33_000])
    #expect(Self.statusWrites(probed).map(\.1) == ["unavailable MissingEndpoints (instance 0)"])
    // Without: the resync at 40 s sends 5 probes into the hung pod; all time out at 45 s.
    #expect(Self.statusWrites(unprobed).map(\.0) == [45_000])
    #expect(Self.statusWrites(unprobed).map(\.1) == ["unavailable FailedDiscoveryCheck (instance 0)"])
    #expect(Self.readiness(unprobed).isEmpty)
  }

  @Test("a refusing pod fails each probe at once: NotReady at the third probe (32 s); the probe at 42 s after the refusal ends (40 s) brings it back")
  func refusingPodFailsAtOnce() {
    let refuse = FaultSpec(kind: .refuse, start: F.at(10), duration: .seconds(30))
    let spec = F.spec(duration: .seconds(60), server: Self.server(faults: [refuse], probe: Self.probe()), clients: [],
                      availabilityController: Self.controller())
    let result = F.run(spec)
    // Probes at 12, 22, 32 s are refused at once (no timeout): the third failure at 32 s.
    // Refusal ends at 40 s; the probe at 42 s succeeds.
    #expect(Self.readiness(result).map(\.0) == [32_000, 42_000])
    // The check at 42 s: its 5 discovery probes are served in 10 ms.
    #expect(Self.statusWrites(result).map(\.0) == [32_000, 42_010])
    #expect(Self.statusWrites(result).map(\.1) == ["unavailable MissingEndpoints (instance 0)", "available Passed (instance 0)"])
  }

  @Test("a slowed-down pod fails the probe when the mean probe service time (10 ms) × factor exceeds the 1 s timeout: factor 100 (exactly 1 s) passes, 101 fails at the timeouts (NotReady at 33 s)",
        arguments: [(50, nil), (100, nil), (101, 33_000), (1_000, 33_000)] as [(Double, Int64?)])
  func slowedPodFailsBeyondTheTimeout(factor: Double, notReadyAtMs: Int64?) {
    let slow = FaultSpec(kind: .slowDown(factor: factor), start: F.at(10))
    let spec = F.spec(duration: .seconds(40), server: Self.server(faults: [slow], probe: Self.probe()), clients: [],
                      availabilityController: Self.controller())
    let result = F.run(spec)
    // 10 ms × factor: 0.5 s, 1 s (not more than the timeout: answered), 1.01 s, 10 s (no answer
    // within 1 s: the probes at 12, 22, 32 s fail at 13, 23, 33 s).
    #expect(Self.readiness(result).map(\.0) == (notReadyAtMs.map { [$0] } ?? []))
  }

  @Test("a probe still out when the hang ends (52.5 s, probe sent at 52 s) is answered then: Ready at 52.5 s, Available at 52.510 s")
  func hangEndingAnswersTheProbeInFlight() {
    let hang = FaultSpec(kind: .hang, start: F.at(10), duration: .seconds(42.5))
    let spec = F.spec(duration: .seconds(60), server: Self.server(faults: [hang], probe: Self.probe()), clients: [],
                      availabilityController: Self.controller())
    let result = F.run(spec)
    // NotReady at 33 s; the probe at 52 s would time out at 53 s, but the hang ends at 52.5 s.
    #expect(Self.readiness(result).map(\.0) == [33_000, 52_500])
    #expect(Self.statusWrites(result).map(\.0) == [33_000, 52_510])
  }

  @Test("successThreshold 2 and failureThreshold 1: NotReady at the first failed probe (13 s), Ready at the second success after the hang (62 s, 72 s)")
  func thresholdsCountRunsOfEqualResults() {
    let hang = FaultSpec(kind: .hang, start: F.at(10), duration: .seconds(50))
    let spec = F.spec(duration: .seconds(80),
                      server: Self.server(faults: [hang], probe: Self.probe(failureThreshold: 1, successThreshold: 2)),
                      clients: [], availabilityController: Self.controller())
    let result = F.run(spec)
    // Probe at 12 s fails at 13 s: 1 failure = threshold. Successes at 62 s (run 1 < 2) and 72 s (run 2).
    #expect(Self.readiness(result).map(\.0) == [13_000, 72_000])
    #expect(Self.statusWrites(result).map(\.0) == [13_000, 72_010])
  }

  @Test("after a crash (10-30 s) a probed pod is Ready only at its first successful probe: 32 s, or 52 s with metrics-server's 20 s initial delay; without a probe at the restart (30 s)",
        arguments: [(0.0, 32_000), (20.0, 52_000), (nil, 30_000)] as [(Double?, Int64)])
  func restartAfterCrashWaitsForTheProbe(initialDelay: Double?, readyAtMs: Int64) {
    let crash = FaultSpec(kind: .crash, start: F.at(10), duration: .seconds(20))
    let probe = initialDelay.map { Self.probe(initialDelay: $0) }
    let spec = F.spec(duration: .seconds(60), server: Self.server(faults: [crash], probe: probe), clients: [],
                      availabilityController: Self.controller())
    let result = F.run(spec)
    // The crash takes the pod out 1 s later (11 s), probe or not (probes at 12, 22 s are refused:
    // failures 1, 2). It restarts at 30 s NotReady. Probes at 32 s (2 s after the restart) and
    // 42 s (12 s) are skipped with a 20 s initial delay; the one at 52 s (22 s) succeeds.
    #expect(Self.readiness(result).map(\.0) == [11_000, readyAtMs])
    #expect(Self.statusWrites(result).map(\.0) == [11_000, readyAtMs + 10])
  }

  @Test("with a 2.5 s timeout and a 1 s period a tick that comes while the probe is out waits for it (one kept, the rest dropped): hang at 10 s, failures at 13, 15.5 and 18 s")
  func ticksDuringALongProbeAreBuffered() {
    let hang = FaultSpec(kind: .hang, start: F.at(10))
    let spec = F.spec(duration: .seconds(30),
                      server: Self.server(faults: [hang], probe: Self.probe(period: 1, timeout: 2.5, firstProbe: 0.5)),
                      clients: [], availabilityController: Self.controller())
    let result = F.run(spec)
    // Ticks at 0.5, 1.5, … s. The probe of 10.5 s is out until 13 s (failure 1); the tick of
    // 11.5 s is kept, 12.5 s dropped, so the next probe goes at 13 s, out until 15.5 s (failure
    // 2); likewise the next goes at 15.5 s and fails at 18 s (failure 3): NotReady at 18 s.
    #expect(Self.readiness(result).map(\.0) == [18_000])
  }

  @Test("with two pods and endpoint routing, the hung pod leaves the endpoints at 33 s: requests after that all reach the healthy pod (200 in 10 ms) and the APIService stays Available")
  func hungPodOfTwoLeavesEndpointRouting() {
    let hang = FaultSpec(kind: .hang, pods: [0], start: F.at(10))
    let arrivals = (0..<20).map { F.at(34 + Double($0) * 0.25) }
    let spec = F.spec(duration: .seconds(60), server: Self.server(replicas: 2, faults: [hang], probe: Self.probe()),
                      clients: [F.client(workload: .open(.trace(arrivals)))], routing: .endpoints,
                      availabilityController: Self.controller())
    let result = F.run(spec)
    #expect(Self.readiness(result).map(\.1) == ["metrics-server/0 not_ready"])
    #expect(Self.readiness(result).map(\.0) == [33_000])
    // The check at 33 s finds pod 1 ready and passes: no status change, so no write.
    #expect(Self.statusWrites(result).isEmpty)
    #expect(result.trace.count == 20)
    #expect(result.trace.allSatisfy { $0.outcome == .ok && $0.latency == .milliseconds(10) })
  }

  @Test("without firstProbe each pod draws its phase in [0, 10 s) from its own stream: different per pod and per replication, the same on a rerun")
  func phasesAreDrawnPerPod() throws {
    let spec = F.spec(duration: .seconds(10), server: Self.server(replicas: 3, faults: [], probe: Self.probe(firstProbe: nil)),
                      clients: [])
    func phases(_ replication: Int) throws -> [SimDuration] {
      let simulation = try AggregationSimulation(spec: spec, runSeed: 2026, replication: replication)
      return simulation.prober.workers.map(\.phase)
    }
    let first = try phases(0), again = try phases(0), other = try phases(1)
    #expect(first == again)
    #expect(first != other)
    #expect(Set(first + other).count == 6)
    #expect((first + other).allSatisfy { $0 >= .zero && $0 < .seconds(10) }, "\(first + other)")
  }

  @Test("a probe on healthy pods changes no client variate and no outcome: the trace equals the run without a probe")
  func probeLeavesOtherStreamsAlone() {
    var base = F.spec(duration: .seconds(30),
                      server: F.metricsServer(replicas: 2, serviceTimes: .uniform(.exponential(mean: .milliseconds(20)))),
                      clients: [F.client(workload: .open(.poisson(Rate(perSecond: 20))))], routing: .endpoints,
                      availabilityController: AvailabilityControllerSpec())
    base.requestTraceSampling = 1
    var probed = base
    probed.extensionServers[0].readinessProbe = Self.probe(firstProbe: nil)
    let a = F.run(base), b = F.run(probed)
    #expect(a.trace.count > 400)
    #expect(a.trace.map(\.latency) == b.trace.map(\.latency))
    #expect(a.trace.map(\.outcome) == b.trace.map(\.outcome))
    #expect(Self.readiness(b).isEmpty)
  }
}
