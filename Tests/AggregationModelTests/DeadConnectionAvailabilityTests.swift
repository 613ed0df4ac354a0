import Testing
import SimCore
@testable import AggregationModel

/// Why some replications of Scenarios/dead-http2-connection.yaml mark the APIService unavailable
/// soon after the silent drop and others only ~33 s later, pinned by exact traces (research
/// kube-aggregator.md §1a, §2.4, §4: 30 s resync, 5 parallel probes with a 5 s timeout that share
/// the proxy's pooled HTTP/2 connection since 1.36, any success = Available; the HTTP/2 health check
/// PINGs 30 s after the last frame read and closes the connection 15 s later).
///
/// The rules of the model used below (AggregationSimulation+Proxy.swift, +Availability.swift):
/// - `silence` schedules the close at `lastFrame + k × 30 s + 15 s`, k the smallest ≥ 1 with
///   `lastFrame + k × 30 s ≥ drop`; `lastFrame` is the last answer read on the connection (probes
///   included). So the silent window is `[drop, lastFrame + 45 s)` when a frame came < 30 s before.
/// - `acquireStream` puts a request on the first pooled connection (oldest first) that is ready
///   *or silent* and has a free stream; only when none has one does it open a new connection.
/// - All 5 probes are sent at the instant of the check; a probe on the silent connection ends at
///   its 5 s deadline (or earlier, failed, when the health check closes the connection); the last
///   failure writes FailedDiscoveryCheck (its message: the last probe's error); the first success
///   writes Passed; nothing is written when the result equals the informer's copy the check
///   started from, and a write over an outdated copy is a 409 (the check is requeued).
/// - Every written condition's update event re-checks the APIService at once (no backoff); a
///   requeue that comes while a check runs makes the next one start when it ends.
///
/// Fixture: ideal links (every hop and handshake takes 0), constant 10 ms service time, no filter
/// overhead, one pod, ClusterIP routing, 1 ms registration, propagation 0, start check at 0 s
/// (its probes open connection c0 and are answered at 0.010 s), resync phase pinned.
@Suite("Dead HTTP/2 connection and the availability controller: exact traces")
struct DeadConnectionAvailabilityTests {
  typealias F = ModelFixtures
  static let name = "v1beta1.metrics.k8s.io"

  static func t(_ nanoseconds: Int64) -> SimTime { SimTime(nanoseconds: nanoseconds) }

  static func controller(firstResync: SimDuration) -> AvailabilityControllerSpec {
    var spec = AvailabilityControllerSpec()
    spec.firstResync = firstResync
    return spec
  }

  /// metrics-server granting metrics-server's real 100 streams per connection, the drop at 10 s.
  static func spec(clients: [SimTime], firstResync: SimDuration, duration: SimDuration = .seconds(60)) -> ModelSpec {
    let drop = FaultSpec(kind: .silentConnectionDrop, start: F.at(10))
    return F.spec(duration: duration, server: F.metricsServer(faults: [drop], maxStreams: 100),
                  clients: [F.client(workload: .open(.trace(clients)))],
                  availabilityController: controller(firstResync: firstResync))
  }

  /// The status writes that changed the condition, as (time, kind, detail).
  static func statusWrites(_ result: ReplicationResult) -> [(SimTime, String, String)] {
    result.events.filter { $0.kind == .available || $0.kind == .unavailable }.map { ($0.time, $0.kind.rawValue, $0.detail) }
  }

  static func closes(_ result: ReplicationResult) -> [SimTime] {
    result.events.filter { $0.kind == .connectionClosedByHealthCheck }.map(\.time)
  }

  /// Replications 0 and 1 of the scenario (resync phase 3.315 s and 1.521 s: first resync after
  /// the drop at 123.315 s / 121.521 s, FailedDiscoveryCheck at 128.315 s / 126.521 s).
  @Test("(a) a resync 2 s after the drop sends its 5 probes onto the silent connection: FailedDiscoveryCheck at exactly 17 s, Passed at 54.030 s")
  func resyncInsideWindowFails() throws {
    // 9 s: a client request on c0, answered at 9.010 s: lastFrame = 9.010 s.
    // 10 s: drop. 0.99 s since the last frame → PING at 39.010 s, close at 54.010 s.
    // 11 s: a client request is swallowed by c0 (1 stream), held until the close.
    // 12 s: resync. c0 is silent with 1 of 100 streams used, so all 5 probes take streams on c0
    //       (nothing tells the transport it is dead) and are swallowed.
    // 17 s: the 5 deadlines (12 s + 5 s) fire; the 5th failure writes FailedDiscoveryCheck (its
    //       message: the probe's client timeout) at 17.000000000 s; the proxy answers 503 from
    //       17.001 s (registration 1 ms).
    // The write's own update event re-checks at once, and each check's requeue timer (5 ms × 2ⁿ⁻¹,
    // n = 1 … 8) fires while the next check runs: checks back to back at 17, 22, 27 … 52 s, all
    // on c0, failing 5 s later with the same message (no write). The one of 52 s is failed by the
    // close at 54.010 s: its last error is now the lost connection, a new message, written at
    // 54.010 s (False → False: no flip). Dirty (timer of 52.640 s), the next check starts at once
    // from the informer's copy before that write's event; its probes open c1 (0 s handshake) and
    // are answered at 54.020 s: Passed, but written over an outdated copy: 409. The event of
    // 54.010 s made it dirty: the next check passes at 54.030 s, written.
    // 30 s: a client request gets 503 `service unavailable` at once (no stream taken).
    // 55 s: a client request goes through c1: 200 at 55.010 s.
    let spec = Self.spec(clients: [F.at(9), F.at(11), F.at(30), F.at(55)], firstResync: .seconds(12))
    var simulation = try AggregationSimulation(spec: spec, runSeed: 2026, replication: 0)
    let result = simulation.run()
    #expect(simulation.availability.instances[0].conflicts == 1)
    let writes = Self.statusWrites(result)
    #expect(writes.map(\.0) == [Self.t(17_000_000_000), Self.t(54_030_000_000)])
    #expect(writes.map(\.1) == ["unavailable", "available"])
    #expect(writes.map(\.2) == ["FailedDiscoveryCheck (instance 0)", "Passed (instance 0)"])
    #expect(Self.closes(result) == [Self.t(54_010_000_000)])
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.outcome) == [.ok, .unreachable, .unavailable, .ok])
    #expect(trace.map(\.end) == [Self.t(9_010_000_000), Self.t(54_010_000_000), Self.t(30_000_000_000), Self.t(55_010_000_000)])
    let metrics = result.availability[result.apiServiceNames.firstIndex(of: Self.name)!]
    #expect(metrics.timeToDetect == .seconds(7))
  }

  /// Replications 2, 3 and 4 of the scenario (resync phase 28.770 s, 28.676 s, 27.539 s: resyncs
  /// at 118.770 s, 118.676 s, 117.539 s just before the drop, the next ones at 148.770 s …
  /// 147.539 s, FailedDiscoveryCheck 5 s later, ~11 s before the close at ~164.7 s).
  @Test("(b) the resync 0.5 s before the drop passes on the still healthy connection; the next one, 30 s later, is still inside the window: FailedDiscoveryCheck at 44.500 s, Passed at 54.520 s")
  func resyncBeforeDropPassesNextOneFails() {
    // 9 s: a client request, answered at 9.010 s.
    // 9.5 s: resync. c0 is healthy: the probes are answered at 9.510 s (Passed, unchanged, so no
    //        write). Their answers are frames: lastFrame = 9.510 s.
    // 10 s: drop. 0.49 s since the last frame → PING at 39.510 s, close at 54.510 s.
    // 11 s, 30 s: client requests swallowed by c0 (the APIService is still Available); they fail
    //        at the close, 54.510 s.
    // 39.5 s: resync; the probes ride c0 and time out at 44.500 s: FailedDiscoveryCheck.
    // Its own update event re-checks at once (44.5 s, the 44.505 s requeue marks it dirty),
    // failing at 49.5 s; again at once (49.510 s requeue), failing at 54.5 s (no writes: the
    // same timeout); again at once: its probes fail at the close, 54.510 s, with a new message
    // (the lost connection), written; not dirty (the requeue is due at 54.520 s), the check on
    // that write's event starts from it, on a new connection: Passed at 54.520 s.
    // The hypothesis "a resync just before the drop and the next one after the close" cannot
    // happen: the probes of a resync at r are themselves frames, so lastFrame ≥ r + 10 ms and the
    // close comes at ≥ r + 45.010 s, after the next resync's probes fail at r + 35 s.
    let spec = Self.spec(clients: [F.at(9), F.at(11), F.at(30)], firstResync: .milliseconds(9_500))
    let result = F.run(spec)
    let writes = Self.statusWrites(result)
    #expect(writes.map(\.0) == [Self.t(44_500_000_000), Self.t(54_520_000_000)])
    #expect(writes.map(\.1) == ["unavailable", "available"])
    #expect(Self.closes(result) == [Self.t(54_510_000_000)])
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.outcome) == [.ok, .unreachable, .unreachable])
    #expect(trace.map(\.end) == [Self.t(9_010_000_000), Self.t(54_510_000_000), Self.t(54_510_000_000)])
    let metrics = result.availability[result.apiServiceNames.firstIndex(of: Self.name)!]
    #expect(metrics.timeToDetect == .milliseconds(34_500))
  }

  /// The only way in the model for a check inside the silent window to pass: the silent connection
  /// has no free stream for some probe, so that probe opens a fresh connection. In the scenario
  /// (2 requests/s, first resync ≤ 30 s after the drop: ~60 swallowed requests expected at most)
  /// the silent connection held at most 83 streams in the 5 replications of seed 1, so the probes
  /// always found a free stream on it.
  @Test("(b) with 98 of 100 streams of the silent connection taken, probes 1-2 ride it but 3-5 open a new connection: Passed at 12.010 s, no status change")
  func fullSilentConnectionSendsProbesToANewConnection() throws {
    // 9 s: a client request, answered at 9.010 s: lastFrame = 9.010 s.
    // 10 s: drop → PING at 39.010 s, close at 54.010 s.
    // 11 s: 98 client requests swallowed by c0 (98 of its 100 streams).
    // 12 s: resync. Probes 1 and 2 take streams 99 and 100 of c0; probe 3 finds c0 full and opens
    //       c1 (0 s handshake); probes 4 and 5 wait for c1's handshake; all three are served by the
    //       pod and answered at 12.010 s: the first success writes Passed (no change, no event).
    //       Probes 1 and 2 time out at 17 s, after the check was decided.
    // 42 s: resync: the same split (c0 is first in the pool and has 2 free streams again): Passed
    //       at 42.010 s.
    // 54.010 s: the health check closes c0: the 98 client requests fail with 503.
    let spec = Self.spec(clients: [F.at(9)] + Array(repeating: F.at(11), count: 98), firstResync: .seconds(12))
    var simulation = try AggregationSimulation(spec: spec, runSeed: 2026, replication: 0)
    simulation.start()
    let apiService = try #require(simulation.kernel.registry.registry.index(named: Self.name))
    simulation.runEvents(until: F.at(12))
    #expect(simulation.transport.connections.map(\.state) == [.silent, .ready])
    #expect(simulation.transport.connections.map(\.activeStreams) == [100, 3])
    simulation.runEvents(until: Self.t(12_010_000_000) - .nanoseconds(1))
    #expect(simulation.availability.instances[0].checkOpen[apiService])
    simulation.runEvents(until: Self.t(12_010_000_000))
    #expect(!simulation.availability.instances[0].checkOpen[apiService])
    #expect(simulation.availability.instances[0].checks.failures[apiService] == 0)
    #expect(simulation.kernel.registry.registry.conditions[apiService]?.reason == .passed)

    let result = F.run(spec)
    #expect(Self.statusWrites(result).isEmpty)
    #expect(Self.closes(result) == [Self.t(54_010_000_000)])
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.count == 99)
    #expect(trace.first?.outcome == .ok)
    #expect(trace.dropFirst().allSatisfy { $0.outcome == .unreachable && $0.end == Self.t(54_010_000_000) })
    // Served by the pod: 5 probes at 0 s, the client request of 9 s, probes 3-5 at 12 s and at 42 s.
    #expect(result.pods[0].served == 12)
    #expect(result.availability[result.apiServiceNames.firstIndex(of: Self.name)!].transitions == 0)
  }

  @Test("(c) before 1.36 the probes have a connection of their own (audit §4): idle since 0.010 s, it is closed at 45.010 s, so Passed at 45.030 s while the proxy's connection swallows requests until 54.010 s")
  func ownProbeConnectionBefore136() throws {
    // As (a), on 1.35: the start check at 0 s opens the probes' own connection p0 (answered at
    // 0.010 s); the client request of 9 s opens the proxy's c0 (answered at 9.010 s). The drop
    // at 10 s silences both: p0's PING is due at 30.010 s, closed at 45.010 s; c0's at 39.010 s,
    // closed at 54.010 s. 12 s: the resync's probes ride p0: FailedDiscoveryCheck at 17 s; the
    // re-checks run back to back (17, 22 … 42 s) on p0; the one of 42 s is failed by p0's close at
    // 45.010 s with a new message (written, no flip); the check that follows, from the copy
    // before it, opens p1 and passes at 45.020 s (409), the next one at 45.030 s: Passed.
    // 50 s: a client request through the proxy (Available again) takes c0 and is swallowed: it
    // fails at c0's close, 54.010 s (in 1.36 it got 503 at once).
    var spec = Self.spec(clients: [F.at(9), F.at(11), F.at(30), F.at(50), F.at(55)], firstResync: .seconds(12))
    spec.version = KubernetesVersion(major: 1, minor: 35)
    let result = F.run(spec)
    let writes = Self.statusWrites(result)
    #expect(writes.map(\.0) == [Self.t(17_000_000_000), Self.t(45_030_000_000)])
    #expect(writes.map(\.1) == ["unavailable", "available"])
    #expect(Self.closes(result) == [Self.t(45_010_000_000), Self.t(54_010_000_000)])
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.outcome) == [.ok, .unreachable, .unavailable, .unreachable, .ok])
    #expect(trace.map(\.end) == [Self.t(9_010_000_000), Self.t(54_010_000_000), Self.t(30_000_000_000), Self.t(54_010_000_000),
                                  Self.t(55_010_000_000)])
  }
}
