import Testing
import Scenario
import AggregationModel
import SimCore

/// Every case of the reliability audit whose file `validate` accepted and whose run then
/// trapped, exhausted memory or never ended: each is now a located error at the value, naming
/// the bound (issue 13 item 1).
@Suite("Numbers beyond what a real cluster has are located errors")
struct InputBoundsTests {
  /// The problems of the minimal model with one `--set` override.
  func problems(setting override: String, extra: String = "") -> [String] {
    modelProblems(minimalModel(extra: extra), overrides: [override])
  }

  @Test("a token bucket slower than one token per 1000 s is refused (it trapped converting 10¹⁹ ns)", arguments: [
    "spec.clients[0].rateLimit={qps: 1e-10, burst: 1}", "spec.clients[0].rateLimit={qps: 1/h, burst: 1}",
  ])
  func tokenBucketRate(override: String) {
    let found = problems(setting: override)
    #expect(found.count == 1)
    #expect(found.first?.contains("spec.clients[0].rateLimit.qps:") == true)
    #expect(found.first?.contains("0.001") == true)
  }

  @Test("the smallest token-bucket rate is accepted and its refill interval is exact")
  func tokenBucketSmallest() throws {
    let spec = try model(minimalModel(), overrides: ["spec.clients[0].rateLimit={qps: 0.001, burst: 1}"])
    let limit = try #require(spec.clients[0].rateLimit)
    #expect(TokenBucket(qps: limit.qps, burst: limit.burst).interval == .seconds(1_000))
  }

  @Test("a time bucket under 1 ms, or more than 100,000 buckets in the run, is refused (1 µs over 10 min asked for 9.8 TB)")
  func timeBucket() {
    let tiny = problems(setting: "spec.run.timeBucket=1us")
    #expect(tiny.count == 1)
    #expect(tiny.first?.contains("spec.run.timeBucket: expected a period of at least 1ms") == true, "\(tiny)")
    let many = problems(setting: "spec.run.timeBucket=5ms")  // 10 min / 5 ms = 120,000 buckets
    #expect(many.count == 1)
    #expect(many.first?.contains("spec.run.timeBucket: expected a bucket of at least 6ms (at most 100000 buckets in spec.run.duration 10m)") == true)
    #expect(problems(setting: "spec.run.timeBucket=6ms").isEmpty)
  }

  @Test("bursts above 10⁶ requests/s on average are refused (1,000,000 every 1 ns took 4.3 GB in 10 µs)")
  func bursts() {
    let found = problems(setting: "spec.clients[0].workload={bursts: {size: 1000000, every: 1ns}}")
    #expect(found.count == 1)
    #expect(found.first?.contains("spec.clients[0].workload.bursts.every: expected a period of at least 1ms") == true)
    let fast = problems(setting: "spec.clients[0].workload={bursts: {size: 1000000, every: 100ms}}")
    #expect(fast.first?.contains("expected a period of at least 1s for bursts of 1000000") == true)
    #expect(problems(setting: "spec.clients[0].workload={bursts: {size: 1000000, every: 1s}}").isEmpty)
  }

  @Test("a loop, backoff or retransmission period under 1 ms is refused (a 1 ns resync never finished)", arguments: [
    ("spec.controlPlane.availabilityController={resync: 1ns}", "spec.controlPlane.availabilityController.resync"),
    ("spec.controlPlane.availabilityController={backoff: {base: 1ns}}",
     "spec.controlPlane.availabilityController.backoff.base"),
    ("spec.controlPlane.openAPIController={interval: 999us}", "spec.controlPlane.openAPIController.interval"),
    ("spec.links={clients: {loss: 0.5, retransmissionDelay: 1ns}}", "spec.links.clients.retransmissionDelay"),
  ])
  func periods(override: String, keyPath: String) {
    let found = problems(setting: override)
    #expect(found.count == 1)
    #expect(found.first?.contains("\(keyPath): expected a period of at least 1ms") == true, "\(found)")
  }

  @Test("a link losing more than 99% of its messages is refused (0.999999 meant 10⁶ retransmissions a message)")
  func loss() {
    let found = problems(setting: "spec.links={clients: {loss: 0.999999}}")
    #expect(found.count == 1)
    #expect(found.first?.contains("spec.links.clients.loss: expected a finite number in [0, 0.99]") == true, "\(found)")
    #expect(problems(setting: "spec.links={clients: {loss: 0.99}}").isEmpty)
  }

  @Test("rates outside [10⁻⁶/s, 10⁶/s] are refused: a gap longer than the clock or a client beyond any machine")
  func rates() {
    #expect(problems(setting: "spec.clients[0].workload={constant: 1e-7/s}").first?.contains("expected a rate of at least 0.000001/s") == true)
    #expect(problems(setting: "spec.clients[0].workload={poisson: 2000000/s}").first?.contains("expected a rate of at most 1000000/s") == true)
  }

  @Test("more than 1000 kubectl invocations a second, or 10,000 CRD group-versions, are refused (1e6/s took 3.9 GB in 2 s)")
  func kubectlInvocations() {
    let fast = problems(setting: "spec.clients[0].workload={kubectl: {invocations: {poisson: 1000000/s}}}")
    #expect(fast.count == 1)
    #expect(fast.first?.contains("spec.clients[0].workload.kubectl.invocations: expected at most 1000 invocations/s") == true, "\(fast)")
    let crds = problems(setting: "spec.clients[0].workload={kubectl: {invocations: {poisson: 1/s}, extraLocalGroupVersions: 10001}}")
    #expect(crds.first?.contains("extraLocalGroupVersions: expected an integer in [0, 10000]") == true, "\(crds)")
  }

  @Test("a scenario or trace file that never ends is read only up to 16 MiB (a 1.5 GB file took 3 GB before the error)")
  func endlessFiles() {
    #expect(throws: ScenarioErrors.self) { try ScenarioLoader.aggsim.load(path: "/dev/zero") }
    do {
      _ = try ScenarioLoader.aggsim.load(path: "/dev/zero")
    } catch {
      #expect(error.description == "/dev/zero:1:1: expected a file of at most 16 MiB, found 16777217 bytes")
    }
    let trace = problems(setting: "spec.clients[0].workload={trace: {file: /dev/zero}}")
    #expect(trace.count == 1)
    #expect(trace.first?.contains("spec.clients[0].workload.trace.file: expected a regular file (looked for /dev/zero)") == true, "\(trace)")
  }
}
