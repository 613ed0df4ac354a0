import Testing
import SimCore
@testable import AggregationModel

/// A control-plane instance fault (`Fault.Kind.restart`): the instance's in-flight requests end,
/// what reaches it while it is down is refused, and after the restart its proxy serves an
/// APIService only once its registration worker has installed it again. Exact traces: ideal
/// links, metrics-server serving every request in 10 ms.
@Suite("Control-plane instance restart")
struct InstanceRestartTests {
  typealias F = ModelFixtures

  static func restart(_ instance: Int, from start: Double, for seconds: Double) -> Fault {
    Fault(target: .controlPlaneInstance(instance), kind: .restart, schedule: .window(start: F.at(start), duration: .seconds(seconds)))
  }

  /// The registration worker relists every APIService after a restart, 1 ms each, in registry
  /// order: the built-in local ones, then metrics-server.
  static let metricsServerInstalled = 20 + Double(APIService.builtInLocal.count + 1) * 0.001

  @Test("one instance down from 10 s to 20 s: the request in its pod at 10 s is reset, one at 12 s is refused, one at 20.0005 s gets 503 until metrics-server is installed again, one at 21 s is served")
  func oneInstanceRestarts() {
    let times = [1, 9.995, 12, 20.0005, 21]
    var spec = F.spec(duration: .seconds(30), clients: [F.client(workload: .open(.trace(times.map(F.at))))])
    spec.faults = [Self.restart(0, from: 10, for: 10)]
    let result = F.run(spec)
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.outcome) == [.ok, .unreachable, .unreachable, .unavailable, .ok])
    #expect(trace.map(\.reason) == [.ok, .apiserverConnectionReset, .apiserverConnectionRefused, .serviceUnavailable, .ok])
    #expect(trace.map(\.end) == [F.at(1.01), F.at(10), F.at(12), F.at(20.0005), F.at(21.01)])
    #expect(Self.metricsServerInstalled > 20.0005 && Self.metricsServerInstalled < 21)
    let log = result.events.filter { $0.subject == "instance/0" }.map { "\($0.time.seconds) \($0.kind.rawValue) \($0.detail)" }
    // Its `/readyz` passes once metrics-server, last, is installed (no discovery manager runs).
    #expect(log == ["10.0 fault_begins restart (scheduled)", "20.0 fault_ends restart (scheduled)",
                    "\(Self.metricsServerInstalled) instance_ready registration initial sync"])
  }

  @Test("with two instances the load balancer skips the one that is down: only the request it held at 10 s fails")
  func theOtherInstanceTakesTheLoad() {
    // 1 s apart from 8.5 s: round robin sends 8.5 to instance 0, 9.5 to instance 1, 10.5 to 0 …;
    // 9.995 s goes to instance 0 (third request) and is in its pod at 10 s.
    let times = [8.5, 9.5, 9.995, 10.5, 11.5, 12.5, 13.5]
    var spec = F.spec(duration: .seconds(30), clients: [F.client(workload: .open(.trace(times.map(F.at))))], instances: 2)
    spec.faults = [Self.restart(0, from: 10, for: 10)]
    let result = F.run(spec)
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.outcome) == [.ok, .ok, .unreachable, .ok, .ok, .ok, .ok])
    #expect(trace.map(\.instance) == [0, 1, 0, 1, 1, 1, 1])
  }

  @Test("a restarted instance's availability controller starts again: a backend that hung while it was down is found unavailable by its first check")
  func theAvailabilityControllerStartsAgain() throws {
    var availability = AvailabilityControllerSpec()
    availability.firstResync = .seconds(100)  // only the start-up check and the restart's matter
    let server = F.metricsServer(faults: [FaultSpec(kind: .hang, start: F.at(5))])
    var spec = F.spec(duration: .seconds(60), server: server, clients: [], availabilityController: availability)
    spec.faults = [Self.restart(0, from: 10, for: 10)]
    let result = F.run(spec)
    // The start-up check at 0 s passes; the restart's at 20 s sends 5 probes, all time out at 25 s.
    let flips = result.events.filter { $0.kind == .available || $0.kind == .unavailable }
    #expect(flips.map { "\($0.time.seconds) \($0.kind.rawValue)" } == ["25.0 unavailable"])
    #expect(result.availability[try #require(result.apiServiceNames.firstIndex(of: "v1beta1.metrics.k8s.io"))].transitions == 1)
  }

  @Test("a random restart process alternates down (30 s) and up (5 s) times, and refuses what arrives while down")
  func randomRestarts() {
    var spec = F.spec(duration: .milliseconds(99_500), clients: [F.client(workload: .open(.constant(.perSecond(1))))])
    spec.faults = [Fault(target: .controlPlaneInstance(0), kind: .restart,
                         schedule: .random(timeBetweenFailures: .constant(.seconds(30)), timeToRepair: .constant(.seconds(5))))]
    let result = F.run(spec)
    let log = result.events.filter { $0.subject == "instance/0" }.map { "\($0.time.nanoseconds / 1_000_000_000) \($0.kind.rawValue)" }
    #expect(log == ["30 fault_begins", "35 fault_ends", "35 instance_ready", "65 fault_begins", "70 fault_ends", "70 instance_ready"])
    // Requests at 30…34 s and 65…69 s (constant, 1/s, the first at 1 s) are refused: the fault,
    // scheduled at the start, comes before an arrival at the same instant.
    let refused = result.trace.filter { $0.outcome == .unreachable }.map { ($0.start.nanoseconds + 500_000) / 1_000_000_000 }
    #expect(refused == [30, 31, 32, 33, 34, 65, 66, 67, 68, 69])
  }

  static func gracefulRestart(_ instance: Int, from start: Double, for seconds: Double, delay: SimDuration = .zero) -> Fault {
    Fault(target: .controlPlaneInstance(instance), kind: .gracefulRestart(shutdownDelay: delay),
          schedule: .window(start: F.at(start), duration: .seconds(seconds)))
  }

  /// The instance's own events: time in nanoseconds, kind and detail.
  static func log(_ result: ReplicationResult, _ instance: Int) -> [String] {
    result.events.filter { $0.subject == "instance/\(instance)" }.map { "\($0.time.nanoseconds) \($0.kind.rawValue) \($0.detail)" }
  }

  @Test("a graceful restart with two instances: the request in instance 0's pod at 10 s is answered 200 and the process stops then (10.005 s); nothing fails")
  func gracefulRestartDrains() {
    let times = [8.5, 9.5, 9.995, 10.5, 11.5, 12.5, 13.5]
    var spec = F.spec(duration: .seconds(30), clients: [F.client(workload: .open(.trace(times.map(F.at))))], instances: 2)
    spec.faults = [Self.gracefulRestart(0, from: 10, for: 10)]
    let result = F.run(spec)
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.outcome) == [.ok, .ok, .ok, .ok, .ok, .ok, .ok])
    #expect(trace.map(\.instance) == [0, 1, 0, 1, 1, 1, 1])
    #expect(trace[2].end == F.at(10.005))
    let ready = F.at(Self.metricsServerInstalled).nanoseconds
    #expect(Self.log(result, 0) == ["10000000000 fault_begins graceful_restart (scheduled)", "10005000000 instance_stopped in-flight requests drained",
                                    "20000000000 fault_ends graceful_restart (scheduled)", "\(ready) instance_ready registration initial sync"])
  }

  @Test("one instance, graceful with a 2 s shutdown delay: served at 11 s (still listening; no other instance), down from 12 s (nothing in flight), 503 at 20.0005 s, served at 21 s")
  func gracefulRestartWithShutdownDelay() {
    let times = [9.995, 11, 12.5, 20.0005, 21]
    var spec = F.spec(duration: .seconds(30), clients: [F.client(workload: .open(.trace(times.map(F.at))))])
    spec.faults = [Self.gracefulRestart(0, from: 10, for: 10, delay: .seconds(2))]
    let result = F.run(spec)
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.reason) == [.ok, .ok, .apiserverConnectionRefused, .serviceUnavailable, .ok])
    #expect(trace.map(\.end) == [F.at(10.005), F.at(11.01), F.at(12.5), F.at(20.0005), F.at(21.01)])
    #expect(Self.log(result, 0).prefix(3) == ["10000000000 fault_begins graceful_restart delay 2s (scheduled)",
                                              "12000000000 instance_stopped nothing in flight", "20000000000 fault_ends graceful_restart delay 2s (scheduled)"])
  }

  @Test("a graceful restart whose window ends before its requests drain (a hung pod) stops the instance then: the held request is reset at 15 s")
  func gracefulRestartCutShort() {
    let server = F.metricsServer(faults: [FaultSpec(kind: .hang, start: F.at(9))])
    var spec = F.spec(duration: .seconds(30), server: server, clients: [F.client(workload: .open(.trace([F.at(9.5)])))])
    spec.faults = [Self.gracefulRestart(0, from: 10, for: 5)]
    let result = F.run(spec)
    #expect(result.trace.map(\.reason) == [.apiserverConnectionReset])
    #expect(result.trace.map(\.end) == [F.at(15)])
    #expect(Self.log(result, 0).prefix(3) == ["10000000000 fault_begins graceful_restart (scheduled)",
                                              "15000000000 fault_ends graceful_restart (scheduled)",
                                              "15000000000 instance_stopped the fault's window ended first"])
  }
}
