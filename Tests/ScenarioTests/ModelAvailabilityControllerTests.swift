import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: controlPlane.availabilityController and Scenarios/ha-flapping.yaml")
struct ModelAvailabilityControllerTests {
  @Test("availabilityController defaults to the Kubernetes controller: on, 30 s resync, 5 workers, 5 probes of 5 s, 5 ms → 30 s")
  func defaults() throws {
    let controller = try model(minimalModel()).controlPlane.availabilityController
    #expect(controller == AvailabilityControllerSpec())
    #expect(controller.enabled && controller.resync == .seconds(30) && controller.firstResync == nil)
    #expect(controller.workers == 5 && controller.probes == 5 && controller.probeTimeout == .seconds(5))
    #expect(controller.backoffBase == .milliseconds(5) && controller.backoffMax == .seconds(30))
    #expect(controller.propagationDelay == .constant(.zero) && controller.registrationTime == .constant(.milliseconds(1)))
    #expect(controller.registrationResync == .minutes(5))
  }

  @Test("every availabilityController key is read")
  func values() throws {
    let spec = try model(minimalModel(extra: """
      controlPlane:
        availabilityController:
          enabled: false
          resync: 1m
          firstResync: 10s
          workers: 2
          probes: 3
          probeTimeout: 2s
          backoff: {base: 10ms, max: 1m}
          propagationDelay: {exponential: {mean: 50ms}}
          registrationTime: 5ms
          registrationResync: 10m
    """))
    var expected = AvailabilityControllerSpec()
    expected.enabled = false
    expected.resync = .minutes(1)
    expected.firstResync = .seconds(10)
    expected.workers = 2
    expected.probes = 3
    expected.probeTimeout = .seconds(2)
    expected.backoffBase = .milliseconds(10)
    expected.backoffMax = .minutes(1)
    expected.propagationDelay = .exponential(mean: .milliseconds(50))
    expected.registrationTime = .constant(.milliseconds(5))
    expected.registrationResync = .minutes(10)
    #expect(spec.controlPlane.availabilityController == expected)
  }

  @Test("a backoff base above its max, a firstResync not below resync and a registrationResync of 0 are rejected")
  func rejected() {
    #expect(modelProblems(minimalModel(), overrides: ["spec.controlPlane.availabilityController={backoff: {base: 1m}}"]) == [
      "--set spec.controlPlane.availabilityController={backoff: {base: 1m}}: spec.controlPlane.availabilityController.backoff: expected backoff.base <= backoff.max (30s), found 1m",
    ])
    #expect(modelProblems(minimalModel(), overrides: ["spec.controlPlane.availabilityController={firstResync: 30s}"]) == [
      "--set spec.controlPlane.availabilityController={firstResync: 30s}: spec.controlPlane.availabilityController.firstResync: expected a firstResync < resync (30s), found 30s",
    ])
    #expect(modelProblems(minimalModel(), overrides: ["spec.controlPlane.availabilityController={firstResync: 29s}"]) == [])
    #expect(modelProblems(minimalModel(), overrides: ["spec.controlPlane.availabilityController={registrationResync: 0s}"]) == [
      "--set spec.controlPlane.availabilityController={registrationResync: 0s}: spec.controlPlane.availabilityController.registrationResync: expected a period of at least 1ms (a real cluster's fastest loop, client-go's workqueue backoff, starts at 5ms), found \"0s\"",
    ])
  }

  @Test("Scenarios/ha-flapping.yaml loads without errors: 3 instances, instance 2 partitioned from minute 2 to 8")
  func haFlappingLoads() throws {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    let file = try ScenarioLoader.aggsim.load(path: parts.joined(separator: "/") + "/Scenarios/ha-flapping.yaml")
    #expect(file.name == "ha-flapping")
    let spec = file.modelSpec()
    #expect(spec.controlPlane.instances == 3)
    #expect(spec.controlPlane.availabilityController == AvailabilityControllerSpec())
    let partitioned = spec.backendLinks.filter { !$0.link.partitions.isEmpty }
    #expect(partitioned.map(\.instance) == [2])
    #expect(partitioned.first?.link.partitions == [SimTime(since: .minutes(2))...SimTime(since: .minutes(8))])
  }
}
