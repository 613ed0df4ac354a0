import Foundation
import Testing

/// The figures of `ha-flapping.yaml` and `discovery-storm.yaml`, run by the built binary.
@Suite("ha-flapping and discovery-storm scenarios end to end")
struct ScenarioFigureTests {
  /// `check`'s exit status and the per-replication values of one metric of one scope.
  static func run(_ name: String, scope: (kind: String, name: String), metric: String,
                  overrides: [String] = []) throws -> (status: Int32, values: [Double]) {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", "Scenarios/\(name).yaml", "--out", out] + overrides)
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/\(name)/summary.csv"))
    let values = OutputRows.perReplication(rows, kind: scope.kind, scope: scope.name, metric: metric).compactMap { $0 }
    return (check.status, values)
  }

  @Test("ha-flapping (#111890): every status write makes the healthy instances re-check at once, so the shared status flips every 10 s during the 6 partitioned minutes, False for milliseconds each time; the HPA loses its requests through the partitioned instance, 2/9")
  func haFlappingFlipsEveryTenSeconds() throws {
    let apiService = (kind: "apiservice", name: "v1beta1.metrics.k8s.io")
    // The first False comes 5 s after instance 2's first check after 120 s (its resync phase:
    // 125 to 155 s); a False and a True every 10 s to the end of the partition (480 s): 33 to 36
    // cycles, 66 to 72 transitions. False each time for the fastest of 5 healthy probes (about 3 ms).
    let unavailable = try Self.run("ha-flapping", scope: apiService, metric: "unavailable_fraction")
    #expect(unavailable.status == 0)
    #expect(unavailable.values.count == 5 && unavailable.values.allSatisfy { $0 > 0.00015 && $0 < 0.00025 }, "\(unavailable.values)")
    let flips = try Self.run("ha-flapping", scope: apiService, metric: "availability_transitions")
    #expect(flips.values.count == 5 && flips.values.allSatisfy { $0 >= 66 && $0 <= 72 }, "\(flips.values)")
    // Round robin: a third of the HPA's requests go to instance 2, 6 of the 9 measured minutes
    // inside the partition: all of those fail, the rest succeed.
    let success = try Self.run("ha-flapping", scope: (kind: "client", name: "hpa"), metric: "success_fraction")
    #expect(success.values.count == 5 && success.values.allSatisfy { abs($0 - 7.0 / 9) < 1e-9 }, "\(success.values)")
    // Without the partition nothing flaps (and check fails: the expectations describe the flapping).
    let calm = try Self.run("ha-flapping", scope: apiService, metric: "availability_transitions",
                            overrides: ["--set", "spec.links.backends[1].partitions=[]"])
    #expect(calm.status == 1)
    #expect(calm.values == [0, 0, 0, 0, 0])
  }

  @Test("ha-flapping with the HPA's requests on one connection (connection: pinned, as client-go's HTTP/2 connection): a replication loses every request of the partition (success 1/3) or none (1), never the 7/9 of round robin; 4 of 20 land on the partitioned instance")
  func haFlappingWithAPinnedHPA() throws {
    let success = try Self.run("ha-flapping", scope: (kind: "client", name: "hpa"), metric: "success_fraction",
                               overrides: ["--replications", "20", "--set", "spec.clients[0].connection=pinned"])
    #expect(success.values.count == 20)
    // On the partitioned instance: the 6 partitioned minutes of the 9 measured fail, the rest succeed.
    let onPartitioned = success.values.filter { abs($0 - 1.0 / 3) < 1e-9 }.count
    #expect(success.values.allSatisfy { abs($0 - 1.0 / 3) < 1e-9 || $0 == 1 }, "\(success.values)")
    // A random instance of 3 per replication: binomial(20, 1/3), 6.7 ± 2.1; these seeds give 4.
    #expect(onPartitioned == 4)
  }

  @Test("discovery-storm (kubectl#1126, #106016): 1,924 legacy discovery requests take 32.487 s under kubectl's 50/300 (1.23+), 2 × 366.207 s under kubectl 1.22's 5/100 (1,931 requests: 7 more built-in group-versions; its reset mapper discovers again with a bucket of its own) and 382.807 s under client-go's 5/10",
        arguments: [([String](), 32.487, Int32(0)),
                    (["--set", "spec.run.kubernetesVersion=\"1.22\""], 732.414, Int32(1)),
                    (["--set", "spec.clients[0].workload.kubectl.discoveryRateLimit={qps: 5, burst: 10}"], 382.807, Int32(1))])
  func discoveryStormThrottling(overrides: [String], seconds: Double, status: Int32) throws {
    let result = try Self.run("discovery-storm", scope: (kind: "kubectl", name: "ci-kubectl"), metric: "discovery_latency_max_s",
                              overrides: ["--replications", "1"] + overrides)
    #expect(result.status == status)
    #expect(result.values.count == 1 && abs(result.values[0] - seconds) < 1e-9, "\(result.values)")
  }

  @Test("discovery-storm: the developer's `kubectl get pods.metrics.k8s.io` never hits its 10-minute cache (its mapper, reading files an earlier invocation wrote, is reset at its first no-match, #96430): 0 hits, 60 complete discoveries of 61 invocations, 32.487 s each (56 hits before aggsim modelled the reset)")
  func discoveryStormDeveloperRediscovers() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", "Scenarios/discovery-storm.yaml", "--out", out, "--replications", "1"])
    #expect(check.status == 0)
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/discovery-storm/summary.csv"))
    func values(_ metric: String) -> [Double] {
      OutputRows.perReplication(rows, kind: "kubectl", scope: "developer-kubectl", metric: metric).compactMap { $0 }
    }
    #expect(values("cache_hits") == [0] && values("discovery_complete") == [60] && values("invocations") == [61])
    #expect(values("discovery_latency_max_s").count == 1 && abs(values("discovery_latency_max_s")[0] - 32.487) < 1e-9)
  }
}
