import Foundation
import Testing
import AggregationModel
import Scenario
import SimCore

/// The property the fuzzer checks, as a seeded test: a scenario with any edge value at any of
/// its numeric keys is either refused with located errors or runs to its end or its budget,
/// never traps, hangs or grows without bound (issue 13 item 7). 400 cases from a fixed seed:
/// each shortens the quickstart to 5 s and sets one or two of its keys to values at or past their bounds.
@Suite("Edge values: refused with located errors, or run within the budget")
struct EdgeValuePropertyTests {
  static let keys = [
    "spec.run.duration", "spec.run.warmup", "spec.run.timeBucket", "spec.run.replications",
    "spec.clients[1].workload.poisson", "spec.clients[1].rateLimit.qps", "spec.clients[1].rateLimit.burst",
    "spec.clients[1].retries", "spec.clients[1].timeout", "spec.clients[1].maxOutstanding", "spec.clients[0].workload",
    "spec.extensionServers[1].replicas", "spec.extensionServers[1].workers", "spec.extensionServers[1].queueLimit",
    "spec.extensionServers[1].serviceTime.get", "spec.extensionServers[0].serviceTime",
    "spec.links.clients.latency", "spec.links.clients.loss", "spec.links.clients.retransmissionDelay",
    "spec.controlPlane.instances", "spec.controlPlane.requestTimeout", "spec.controlPlane.availabilityController",
    "spec.controlPlane.proxy.discoveryTimeout", "spec.controlPlane.filterOverhead",
  ]
  static let values = [
    "0", "-1", "1", "1e-300", "1e308", ".nan", ".inf", "2147483648", "9223372036854775807", "0s", "1ns", "1ms", "1us",
    "1000000h", "1000000/s", "1e-7/s", "0.001", "0.99", "0.999999", "none", "[]", "{}", "\"\"",
    "{poisson: 1000000/s}", "{bursts: {size: 1000000, every: 1s}}", "{constant: 0.000001/s}",
    "{resync: 1ms, probeTimeout: 1ms, backoff: {base: 1ms, max: 1ms}}", "{exponential: {mean: 1ns}}",
    "{lognormal: {median: 1h, p99: 1000000h}}", "{kubectl: {invocations: {poisson: 1000/s}, extraLocalGroupVersions: 10000}}",
  ]

  @Test("400 seeded mutations of the quickstart: each is refused with file:line:column errors or runs within a 2,000-event budget")
  func edgeValues() throws {
    let yaml = try String(contentsOfFile: "Scenarios/quickstart.yaml", encoding: .utf8)
    let random = RandomStream(seed: 13)
    let budget = RunBudget(maxEvents: 2_000, maxMemoryBytes: 4 << 30)
    var refused = 0, ran = 0, stopped = 0
    for _ in 0..<400 {
      let overrides = ["spec.run.duration=5s", "spec.run.warmup=1s"] + (0...random.integer(below: 2)).map { _ in
        "\(Self.keys[random.integer(below: Self.keys.count)])=\(Self.values[random.integer(below: Self.values.count)])"
      }
      let file: ScenarioFile<ModelSections>
      do {
        file = try ScenarioLoader.aggsim.load(yaml: yaml, file: "quickstart.yaml", overrides: overrides)
      } catch {
        // Every problem is located: a file and line, or the --set that caused it.
        #expect(error.errors.allSatisfy { $0.description.hasPrefix("quickstart.yaml:") || $0.description.hasPrefix("--set ") },
                "\(overrides): \(error.description)")
        refused += 1
        continue
      }
      var simulation = try AggregationSimulation(spec: file.modelSpec(), runSeed: 1, replication: 0)
      do {
        _ = try simulation.runDroppingRecords(within: budget)
        ran += 1
      } catch {
        #expect(error.limit == .events, "\(overrides): \(error)")
        stopped += 1
      }
    }
    // The mix is not degenerate: some of each.
    #expect(refused > 300 && ran > 20 && stopped > 0, "refused \(refused), ran \(ran), stopped \(stopped)")
  }
}
