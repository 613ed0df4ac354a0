import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: faults")
struct ModelFaultsTests {
  /// `minimalModel` with a `faults:` section (its entries indented at four spaces).
  static func withFaults(_ entries: String) -> String {
    minimalModel(extra: "  faults:\n" + entries)
  }

  @Test("each target with a kind and a schedule: pods, a client's link, a backend link of one instance, an instance")
  func faultsAreRead() throws {
    let yaml = Self.withFaults("""
          - {target: {pods: {server: metrics-server, pods: [0]}}, kind: {slowDown: 4}, window: {start: 1m, duration: 30s}}
          - {target: {link: {client: hpa}}, kind: partition, window: {start: 2m}}
          - {target: {link: {server: metrics-server, instance: 0}}, kind: {latencySpike: 250ms}, random: {timeBetweenFailures: 5m, timeToRepair: 10s}}
          - {target: {link: {server: metrics-server}}, kind: {lossBurst: 0.2}, window: {start: 3m, duration: 1m}}
          - {target: {controlPlaneInstance: 0}, kind: restart, window: {start: 4m, duration: 45s}}
          - {target: {controlPlaneInstance: 0}, kind: gracefulRestart, window: {start: 6m, duration: 45s}}
          - {target: {controlPlaneInstance: 0}, kind: {gracefulRestart: 70s}, window: {start: 8m, duration: 2m}}
      """)
    let faults = try model(yaml).faults
    #expect(faults == [
      Fault(target: .pods(server: "metrics-server", pods: [0]), kind: .pod(.slowDown(factor: 4)),
            schedule: .window(start: .zero + .minutes(1), duration: .seconds(30))),
      Fault(target: .link(.client("hpa")), kind: .partition, schedule: .window(start: .zero + .minutes(2), duration: nil)),
      Fault(target: .link(.backend(server: "metrics-server", instance: 0)), kind: .latencySpike(.constant(.milliseconds(250))),
            schedule: .random(timeBetweenFailures: .constant(.minutes(5)), timeToRepair: .constant(.seconds(10)))),
      Fault(target: .link(.backend(server: "metrics-server", instance: nil)), kind: .lossBurst(0.2),
            schedule: .window(start: .zero + .minutes(3), duration: .minutes(1))),
      Fault(target: .controlPlaneInstance(0), kind: .restart, schedule: .window(start: .zero + .minutes(4), duration: .seconds(45))),
      Fault(target: .controlPlaneInstance(0), kind: .gracefulRestart(shutdownDelay: .zero),
            schedule: .window(start: .zero + .minutes(6), duration: .seconds(45))),
      Fault(target: .controlPlaneInstance(0), kind: .gracefulRestart(shutdownDelay: .seconds(70)),
            schedule: .window(start: .zero + .minutes(8), duration: .minutes(2))),
    ])
  }

  @Test("a kind that does not suit its target, two schedules, a loss of 1 and a shutdown delay over 10 minutes are located errors")
  func badFaults() {
    let yaml = Self.withFaults("""
          - {target: {controlPlaneInstance: 0}, kind: crash, window: {start: 1m}}
          - {target: {link: {client: hpa}}, kind: partition, window: {start: 1m}, random: {timeBetweenFailures: 1m, timeToRepair: 1s}}
          - {target: {link: {client: hpa}}, kind: {lossBurst: 1}, window: {start: 1m}}
          - {target: {controlPlaneInstance: 0}, kind: {gracefulRestart: 11m}, window: {start: 1m}}
      """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:24:49: spec.faults[0].kind: expected one of restart, gracefulRestart, found \"crash\"",
      "lab.yaml:25:7: spec.faults[1]: expected exactly one of window, random (a schedule), found keys window, random",
      "lab.yaml:26:57: spec.faults[2].kind.lossBurst: expected a finite number in [0, 0.99], found 1",
      "lab.yaml:27:67: spec.faults[3].kind.gracefulRestart: expected a shutdown delay of at most 10m (--shutdown-delay-duration; "
        + "OpenShift uses 70s), found \"11m\"",
    ])
  }

  @Test("a kind with a value that does not suit its target, and a name-only kind written as a mapping, are errors at the key")
  func badKindMappings() {
    let yaml = Self.withFaults("""
          - {target: {pods: {server: metrics-server}}, kind: {lossBurst: 0.2}, window: {start: 1m}}
          - {target: {pods: {server: metrics-server}}, kind: {crash: 1}, window: {start: 1m}}
      """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:24:57: spec.faults[0].kind.lossBurst: expected a fault kind for this target: crash, hang, refuse, "
        + "silentConnectionDrop, slowDown, found \"lossBurst\"",
      "lab.yaml:25:56: spec.faults[1].kind: expected exactly one of slowDown, latencySpike, lossBurst, gracefulRestart (a fault kind "
        + "for this target: crash, hang, refuse, silentConnectionDrop, slowDown), found a mapping",
      "lab.yaml:25:57: spec.faults[1].kind.crash: expected a key of spec.faults[1].kind (one of slowDown, latencySpike, lossBurst, "
        + "gracefulRestart), found \"crash\"",
    ])
  }

  @Test("a target naming an unknown server, a pod beyond the replicas, an unknown client or instance is an error")
  func unknownTargets() {
    let yaml = Self.withFaults("""
          - {target: {pods: {server: metric-server}}, kind: hang, window: {start: 1m}}
          - {target: {pods: {server: metrics-server, pods: [3]}}, kind: hang, window: {start: 1m}}
          - {target: {link: {client: hpx}}, kind: partition, window: {start: 1m}}
          - {target: {controlPlaneInstance: 2}, kind: restart, window: {start: 1m}}
      """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:24:32: spec.faults[0].target.pods.server: expected the name of an extension server (did you mean \"metrics-server\"?), found \"metric-server\"",
      "lab.yaml:25:32: spec.faults[1].target.pods.server: expected pods below 1 (the replicas of metrics-server), found pod 3",
      "lab.yaml:26:32: spec.faults[2].target.link.client: expected the name of a client (did you mean \"hpa\"?), found \"hpx\"",
      "lab.yaml:27:39: spec.faults[3].target.controlPlaneInstance: expected a control-plane instance index < 1 (controlPlane.instances), found 2",
    ])
  }
}
