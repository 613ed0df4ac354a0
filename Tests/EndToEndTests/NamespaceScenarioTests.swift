import AggregationModel
import Foundation
import Testing

/// `Scenarios/namespace-stuck-terminating.yaml` run by the built binary (kubernetes/kubernetes#75788):
/// metrics-server is down from 9m30s to 29m30s; the namespaces deleted meanwhile stay
/// Terminating until a complete discovery after it is back.
@Suite("namespace-stuck-terminating scenario end to end")
struct NamespaceScenarioTests {
  static let scenario = "Scenarios/namespace-stuck-terminating.yaml"
  static let name = "namespace-stuck-terminating"

  /// The summary rows (sweep_point, replication, scope_kind, scope, metric, unit, value, …).
  static func summary() throws -> [[Substring]] {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", scenario, "--out", out])
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    return OutputRows.rows(try AggsimBinaryTests.read("\(out)/\(name)/summary.csv"))
  }

  /// The per-replication values of one namespace-controller metric.
  static func perReplication(_ rows: [[Substring]], _ metric: String) -> [Double] {
    OutputRows.perReplication(rows, kind: "namespace_controller", metric: metric).compactMap { $0 }
  }

  @Test("the namespace deleted at 10m stays Terminating 1,227.051 s plus throttling (below 1,228 s) in every replication; the others 5.004 s; none left, and the expectations hold")
  func namespaceTerminatingUntilRequeueAfterRecovery() throws {
    let rows = try Self.summary()
    // Synced at 605 s, 15 syncs 5 ms … 40.96 s apart (ending 686.915 s + 15 × 4 ms), then one every
    // 60 s: the 34th sync, the first after the recovery at 1,770.01 s, ends at
    // 600 + 5 + 81.915 + 19 × 60 + 34 × 0.004 = 1,827.051 s. Syncs that find the controller's
    // 20 QPS / burst 30 bucket empty wait 50 ms per request: measured 0.326 s in all.
    let longest = Self.perReplication(rows, "terminating_max_s")
    #expect(longest.count == 3)
    #expect(longest.allSatisfy { $0 >= 1_227.051 - 1e-9 && $0 < 1_228 }, "\(longest)")
    // 24 of the 44 namespaces are deleted outside the outage: 5 s grace + 4 ms (the median;
    // HdrHistogram's resolution at 5 s is a few milliseconds).
    #expect(Self.perReplication(rows, "terminating_p50_s").allSatisfy { abs($0 - 5.004) < 0.01 })
    #expect(Self.perReplication(rows, "namespaces_finalized") == [44, 44, 44])
    #expect(Self.perReplication(rows, "still_terminating") == [0, 0, 0])
  }

  @Test("summary.csv has exactly the catalogue's metrics in each of their scope kinds, with their units (the scenario has every kind)")
  func summaryRowsAreTheCatalogue() throws {
    let present = Set(try Self.summary().map { "\($0[2]) \($0[4]) \($0[5])" })
    let declared = Set(MetricCatalogue.summary.flatMap { metric in
      metric.scopeKinds.filter { $0 != .all }.map { "\($0.rawValue) \(metric.name) \(metric.unit.rawValue)" }
    })
    #expect(present.subtracting(declared).sorted() == [], "rows of summary.csv the catalogue does not declare")
    #expect(declared.subtracting(present).sorted() == [], "metrics of the catalogue summary.csv does not have")
  }
}
