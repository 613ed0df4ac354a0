import Foundation
import Testing

/// `Scenarios/apiserver-restart.yaml` run by the built binary: instance 1 of two restarts from
/// 120 s to 130 s while metrics-server hangs (from 125 s), in 1.28.2; its registration
/// controller's initial sync downloads metrics-server's OpenAPI v2 spec synchronously, hangs 60 s,
/// and `/readyz` passes only then (kubernetes/kubernetes#120739); the load balancer sends the
/// instance nothing until then.
@Suite("apiserver-restart scenario end to end")
struct ApiserverRestartScenarioTests {
  static let scenario = "Scenarios/apiserver-restart.yaml"
  static let name = "apiserver-restart"
  static let custom = "v1alpha1.custom.example.com"

  /// Per replication, when instance 1's `/readyz` passed (`events.csv`, `instance_ready`).
  static func readyTimes(_ out: String) throws -> [Int: Double] {
    let lines = try AggsimBinaryTests.read("\(out)/\(Self.name)/events.csv").split(separator: "\n").dropFirst()
    var times: [Int: Double] = [:]
    for line in lines {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields[3] == "instance_ready", fields[4] == "instance/1" else { continue }
      #expect(times[Int(fields[1])!] == nil, "one instance_ready per replication")
      times[Int(fields[1])!] = Double(fields[2])!
    }
    return times
  }

  @Test("1.28.2: instance 1's /readyz passes 60 s after the restart, when metrics-server's hung OpenAPI v2 download of the initial sync times out (190.03–190.07 s, the custom API's own first download after it); no controller gets a 503, and its expectations hold")
  func readinessBlockedForAMinute() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", Self.scenario, "--out", out])
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    let times = try Self.readyTimes(out)
    // Installs of the 21 built-ins and metrics-server, 1 ms each (130.022 s), its 60 s download
    // (190.022 s), then the custom API's install and its download (lognormal, median 8 ms).
    #expect(times.count == 5 && times.values.allSatisfy { $0 > 190.023 && $0 < 190.07 }, "\(times)")
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/\(Self.name)/summary.csv"))
    for scope in [("client", "controller-a"), ("apiservice", Self.custom)] {
      let fractions = OutputRows.perReplication(rows, kind: scope.0, scope: scope.1, metric: "fraction_503_unavailable")
      #expect(fractions.count == 5 && fractions.allSatisfy { $0 == 0 }, "\(scope): \(fractions)")
    }
  }

  @Test("1.28.3 (the fix backported): the initial sync downloads nothing, so /readyz passes at 130.023 s (23 installs of 1 ms) in every replication")
  func fixedReleaseIsReadyAtOnce() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", Self.scenario, "--out", out, "--set", "spec.run.kubernetesVersion=1.28.3"])
    #expect(run.status == 0, "\(run.stderr)")
    let times = try Self.readyTimes(out)
    #expect(times.count == 5 && times.values.allSatisfy { abs($0 - 130.023) < 1e-9 }, "\(times)")
  }

  @Test("a graceful restart instead (SIGTERM): instance 1 stops when its requests have drained (120.042 s in replication 0, at once in the others), no controller request is reset, /readyz still passes at 190.02–190.07 s")
  func gracefulRestartDrainsFirst() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", Self.scenario, "--out", out, "--set", "spec.faults[1].kind=gracefulRestart"])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try AggsimBinaryTests.read("\(out)/\(Self.name)/events.csv").split(separator: "\n")
    let fields: [[Substring]] = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let stops = fields.filter { $0.count > 5 && $0[3] == "instance_stopped" && $0[4] == "instance/1" }
    // Replication 0 had a request in flight at 120 s, answered at 120.042 s; the others none.
    let stopped: [String] = stops.map { "\($0[1]) \($0[2]) \($0[5])" }
    #expect(stopped == ["0 120.042342297 in-flight requests drained"] + (1...4).map { "\($0) 120 nothing in flight" })
    let ready = try Self.readyTimes(out)
    #expect(ready.count == 5 && ready.values.allSatisfy { $0 > 190.023 && $0 < 190.07 }, "\(ready)")
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/\(Self.name)/summary.csv"))
    for controller in ["controller-a", "controller-b", "controller-c"] {
      let unreachable = OutputRows.perReplication(rows, kind: "client", scope: controller, metric: "fraction_503_unreachable")
      #expect(unreachable.count == 5 && unreachable.allSatisfy { $0 == 0 }, "\(controller): \(unreachable)")
    }
  }

  @Test("with load-balancer health checks every 10 s (out after 3 failures): instance 1 leaves rotation 20–30 s after it goes down, and until then every controller gets refusals and 503s in every replication")
  func laggingHealthChecks() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", Self.scenario, "--out", out, "--set",
                                            "spec.controlPlane.loadBalancer={interval: 10s, unhealthyThreshold: 3, healthyThreshold: 3}"])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try AggsimBinaryTests.read("\(out)/\(Self.name)/events.csv").split(separator: "\n")
    let fields: [[Substring]] = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let outs: [Double] = fields.filter { $0.count > 5 && $0[3] == "load_balancer_out" && $0[4] == "instance/1" }.map { Double($0[2]) ?? 0 }
    // The first check after 120 s comes within 10 s, the third 20 s later.
    #expect(outs.count == 5 && outs.allSatisfy { $0 > 140 && $0 <= 150 }, "\(outs)")
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/\(Self.name)/summary.csv"))
    for controller in ["controller-a", "controller-b", "controller-c"] {
      for metric in ["fraction_503_unreachable", "fraction_503_unavailable"] {
        let fractions = OutputRows.perReplication(rows, kind: "client", scope: controller, metric: metric)
        #expect(fractions.count == 5 && fractions.allSatisfy { ($0 ?? 0) > 0 }, "\(controller) \(metric): \(fractions)")
      }
    }
  }
}
