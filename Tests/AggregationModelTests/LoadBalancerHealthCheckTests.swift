import Testing
import SimCore
@testable import AggregationModel

/// The load balancer's health checks (`LoadBalancerSpec`): an instance that goes down keeps
/// getting requests, refused, until enough checks have failed, and gets none back until enough
/// have passed; a graceful restart whose shutdown delay outlasts that lag fails nothing. Each
/// instance's first check comes at a random phase, so the traces are checked against the times
/// the checks logged. Ideal links, metrics-server serving in 10 ms, 10 requests/s round robin.
@Suite("Load balancer health checks")
struct LoadBalancerHealthCheckTests {
  typealias F = ModelFixtures

  /// Two instances behind checks every 2 s (out after 3 failures, in after 2 passes); instance 0
  /// stopped by `kind` from 10 s for `down` (10 s).
  static func run(_ kind: Fault.Kind, redispatch: Bool = false, path: LoadBalancerSpec.HealthPath = .readyz,
                  down: SimDuration = .seconds(10)) -> ReplicationResult {
    var spec = F.spec(duration: .seconds(40), clients: [F.client(workload: .open(.constant(.perSecond(10))))], instances: 2)
    spec.controlPlane.loadBalancer = LoadBalancerSpec(interval: .seconds(2), unhealthyThreshold: 3, healthyThreshold: 2,
                                                      redispatch: redispatch, path: path)
    spec.faults = [Fault(target: .controlPlaneInstance(0), kind: kind, schedule: .window(start: F.at(10), duration: down))]
    return F.run(spec)
  }

  /// When the load balancer took instance 0 out and put it back, and when its `/readyz` passed again.
  static func times(_ result: ReplicationResult) throws -> (out: SimTime, back: SimTime, ready: SimTime) {
    let events = result.events.filter { $0.subject == "instance/0" }
    let out = try #require(events.first { $0.kind == .loadBalancerOut }).time
    let back = try #require(events.first { $0.kind == .loadBalancerIn }).time
    let ready = try #require(events.first { $0.kind == .instanceReady }).time
    return (out, back, ready)
  }

  @Test("a crash: requests still sent to instance 0 are refused until the third failed check (14–16 s), none after; it is back 2–4 s after its /readyz passes")
  func crashIsSeenAfterThreeChecks() throws {
    let result = Self.run(.restart)
    let (out, back, ready) = try Self.times(result)
    #expect(out > F.at(14) && out <= F.at(16), "\(out)")
    #expect(back > ready + .seconds(2) && back <= ready + .seconds(4), "\(back) after ready at \(ready)")
    let refused = result.trace.filter { $0.reason == .apiserverConnectionRefused }
    #expect(!refused.isEmpty && refused.allSatisfy { $0.instance == 0 && $0.start >= F.at(10) && $0.start < out })
    // Round robin sends every other request to instance 0 until the load balancer takes it out.
    let sentToDownInstance = result.trace.filter { $0.instance == 0 && $0.start >= F.at(10) && $0.start < out }
    #expect(refused.count == sentToDownInstance.count)
    #expect(result.trace.filter { $0.instance == 0 && $0.start >= out && $0.start < back }.isEmpty)
    #expect(result.trace.filter { $0.start >= back }.contains { $0.instance == 0 })
  }

  @Test("a graceful restart with a 7 s shutdown delay (longer than the checks' 6 s at most) fails nothing; with none, what the load balancer still sends is refused")
  func shutdownDelayCoversTheChecks() throws {
    let delayed = Self.run(.gracefulRestart(shutdownDelay: .seconds(7)))
    #expect(delayed.trace.allSatisfy { $0.outcome == .ok || $0.start >= F.at(20) && $0.start < F.at(21) })
    #expect(delayed.trace.filter { $0.reason == .apiserverConnectionRefused || $0.reason == .apiserverConnectionReset }.isEmpty)
    let (out, _, _) = try Self.times(delayed)
    let stopped = try #require(delayed.events.first { $0.subject == "instance/0" && $0.kind == .instanceStopped })
    #expect(stopped.time == F.at(17) && out < stopped.time)
    let immediate = Self.run(.gracefulRestart(shutdownDelay: .zero))
    let refused = immediate.trace.filter { $0.reason == .apiserverConnectionRefused }
    let (immediateOut, _, _) = try Self.times(immediate)
    #expect(!refused.isEmpty && refused.allSatisfy { $0.instance == 0 && $0.start >= F.at(10) && $0.start < immediateOut })
  }

  @Test("checks of /healthz (kubeadm's HAProxy example) pass through the 7 s shutdown delay: the instance leaves rotation only 4-6 s after it stops listening at 17 s, and what reaches it meanwhile is refused")
  func healthzChecksMissTheShutdownDelay() throws {
    let result = Self.run(.gracefulRestart(shutdownDelay: .seconds(7)), path: .healthz, down: .seconds(20))
    let (out, _, _) = try Self.times(result)
    #expect(out > F.at(21) && out <= F.at(23), "\(out)")
    let refused = result.trace.filter { $0.reason == .apiserverConnectionRefused }
    #expect(!refused.isEmpty && refused.allSatisfy { $0.instance == 0 && $0.start >= F.at(17) && $0.start < out })
    #expect(result.trace.filter { $0.start < F.at(17) }.allSatisfy { $0.outcome == .ok })
  }

  @Test("with redispatch (HAProxy's option redispatch) a request the crashed instance refuses goes to the other at once: same checks, nothing fails but what the crash reset")
  func redispatchRetriesElsewhere() throws {
    let plain = Self.run(.restart)
    let result = Self.run(.restart, redispatch: true)
    let (out, _, _) = try Self.times(result)
    #expect(try Self.times(plain).out == out)  // the checks are the same
    #expect(result.trace.filter { $0.reason == .apiserverConnectionRefused }.isEmpty)
    // What plain refused, redispatch served on instance 1, 10 ms later, as fast as any other request.
    let refusedStarts = Set(plain.trace.filter { $0.reason == .apiserverConnectionRefused }.map(\.start))
    let redispatched = result.trace.filter { refusedStarts.contains($0.start) }
    #expect(!refusedStarts.isEmpty && redispatched.count == refusedStarts.count)
    #expect(redispatched.allSatisfy { $0.outcome == .ok && $0.instance == 1 && $0.end == $0.start + .milliseconds(10) })
    #expect(result.trace.filter { $0.outcome != .ok }.map(\.reason) == plain.trace.filter { $0.reason == .apiserverConnectionReset }.map(\.reason))
  }

  @Test("without health checks the load balancer follows /readyz at once: no request is refused")
  func noChecksFollowReadyz() {
    var spec = F.spec(duration: .seconds(40), clients: [F.client(workload: .open(.constant(.perSecond(10))))], instances: 2)
    spec.faults = [Fault(target: .controlPlaneInstance(0), kind: .gracefulRestart(shutdownDelay: .zero),
                         schedule: .window(start: F.at(10), duration: .seconds(10)))]
    let result = F.run(spec)
    #expect(result.trace.filter { $0.reason == .apiserverConnectionRefused }.isEmpty)
    #expect(result.events.allSatisfy { $0.kind != .loadBalancerOut && $0.kind != .loadBalancerIn })
  }
}
