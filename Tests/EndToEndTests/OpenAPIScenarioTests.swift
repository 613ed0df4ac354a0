import Foundation
import Testing

/// `Scenarios/openapi-head-of-line.yaml` run by the built binary (research kube-aggregator.md
/// §4.3): the hung OpenAPI v2 download of a custom-metrics adapter holds the v2 mutex from 121
/// to 181 s, the registration worker waits for it from 131.001 s, and metrics-server's recovery
/// (written at about 150.004 s) reaches the proxy at 181.001 s.
@Suite("openapi-head-of-line scenario end to end")
struct OpenAPIScenarioTests {
  static let scenario = "Scenarios/openapi-head-of-line.yaml"

  /// The per-replication values of an APIService metric of a run with `overrides`, and the exit status of `check`.
  static func values(_ metric: String, overrides: [String] = []) throws -> (status: Int32, values: [Double]) {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", scenario, "--out", out] + overrides.flatMap { ["--set", $0] })
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/openapi-head-of-line/summary.csv"))
    let values = OutputRows.perReplication(rows, kind: "apiservice", scope: "v1beta1.metrics.k8s.io", metric: metric).compactMap { $0 }
    return (check.status, values)
  }

  @Test("metrics-server's recovery reaches the proxy 31 s late (181.001 s − its write at 150.004 s) with the registration worker's download, 1 ms without it")
  func recoveryWaitsForTheHungDownload() throws {
    let blocked = try Self.values("status_propagation_max_s")
    #expect(blocked.status == 0)
    #expect(blocked.values.count == 3 && blocked.values.allSatisfy { abs($0 - 30.997) < 0.001 }, "\(blocked.values)")
    let free = try Self.values("status_propagation_max_s", overrides: ["spec.controlPlane.openAPIController.registrationDownloads=false"])
    #expect(free.status == 1, "the expectations describe the blocked worker")
    #expect(free.values == [0.001, 0.001, 0.001])
  }
}
