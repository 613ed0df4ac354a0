import Foundation
import Testing

/// `Scenarios/namespace-stuck-legacy-discovery.yaml` run by the built binary: an Agones-like
/// extension server answers the discovery manager's `GET /apis` with 404. In 1.28.1 only a 406 falls
/// back to legacy discovery, so the group-version is Stale for good and every namespace stays
/// Terminating (kubernetes/kubernetes#119662); in 1.29 every answer but 304, 503 and an aggregated
/// 200 falls back (#119870), and the namespaces finalize (research kube-aggregator.md §3.2, §9
/// item 5). The figures are derived in the scenario's header.
@Suite("namespace-stuck-legacy-discovery scenario end to end")
struct LegacyFallbackScenarioTests {
  static let scenario = "Scenarios/namespace-stuck-legacy-discovery.yaml"
  static let name = "namespace-stuck-legacy-discovery"
  static let namespaces = "namespace_controller/ci"
  static let discovery = "discovery/v1.allocation.agones.dev"
  /// `replications: 3` in the file.
  static let replications = 3

  /// 30 min; 3 namespaces deleted at 7, 14, 21 and 28 min; the 1-minute loop fetches at 0 … 29 min,
  /// and the registration worker's 5-minute resyncs (5 … 25 min) add one fetch each.
  static let duration = 1_800.0
  static let deleted = 12.0
  static let firstDeletion = 420.0
  static let fetches = 35.0
  /// The first 404 to `GET /apis`: handshakes 2 × 1 ms, then 0.5 + 5 + 0.5 ms.
  static let firstAnswer = 0.008
  /// Per namespace (deleted at 420, 840, 1260, 1680 s): 15 fast requeues, then one a minute.
  static let failedSyncs = 3.0 * (36 + 29 + 22 + 15)
  /// The 5 s grace period plus one aggregated discovery (2 × (0.5 + 1 + 0.5) ms).
  static let terminating = 5.004

  /// The per-replication values of `scope`'s metrics in summary.csv (columns of
  /// `OutputSchema.summary`: sweep_point, replication, scope_kind, scope, metric, unit, value, …),
  /// keyed by metric name, in replication order; nil for an empty value.
  static func values(summary: String, scope: String) -> [String: [Double?]] {
    let parts = scope.split(separator: "/", maxSplits: 1)
    var out: [String: [Double?]] = [:]
    for row in OutputRows.rows(summary)
    where row[1] != "all" && row[2] == parts[0] && row[3] == parts[1] {
      out[String(row[4]), default: []].append(Double(row[6]))
    }
    return out
  }

  /// Runs the scenario at `version` and returns the per-replication values of both scopes.
  static func run(version: String) throws -> (namespaces: [String: [Double?]], discovery: [String: [Double?]]) {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", Self.scenario, "--out", out, "--set", "spec.run.kubernetesVersion=\"\(version)\""])
    #expect(run.status == 0, "\(run.stderr)")
    let summary = try AggsimBinaryTests.read("\(out)/\(Self.name)/summary.csv")
    return (values(summary: summary, scope: namespaces), values(summary: summary, scope: discovery))
  }

  /// `metric` is `expected` (within `tolerance`) in every replication.
  static func expectEvery(_ values: [String: [Double?]], _ metric: String, _ expected: Double?, tolerance: Double = 1e-9,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    let got = values[metric] ?? []
    #expect(got.count == replications, "\(metric): \(got)", sourceLocation: sourceLocation)
    for value in got {
      if let expected, let value {
        #expect(abs(value - expected) <= tolerance, "\(metric): \(value), expected \(expected)", sourceLocation: sourceLocation)
      } else {
        #expect(value == expected, "\(metric): \(String(describing: value)), expected \(String(describing: expected))",
                sourceLocation: sourceLocation)
      }
    }
  }

  @Test("1.28.1 (the file): the 404 is Stale at every refresh, 12 namespaces still Terminating after 30 min (the oldest 1,380 s), 306 failed syncs, no fallback; the file's expectations hold")
  func stuckBeforeTheBackport() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", Self.scenario, "--out", out])
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    let summary = try AggsimBinaryTests.read("\(out)/\(Self.name)/summary.csv")
    let n = Self.values(summary: summary, scope: Self.namespaces)
    Self.expectEvery(n, "namespaces_deleted", Self.deleted)
    Self.expectEvery(n, "namespaces_finalized", 0)
    Self.expectEvery(n, "still_terminating", Self.deleted)
    Self.expectEvery(n, "oldest_terminating_s", Self.duration - Self.firstDeletion)
    Self.expectEvery(n, "terminating_max_s", nil)
    Self.expectEvery(n, "namespace_discovery_failures", Self.failedSyncs)
    Self.expectEvery(n, "discovery_partial_fraction", 1)
    let d = Self.values(summary: summary, scope: Self.discovery)
    Self.expectEvery(d, "fetches", Self.fetches)
    Self.expectEvery(d, "failed_fetches", Self.fetches)
    Self.expectEvery(d, "fallbacks", 0)
    Self.expectEvery(d, "stale_s", Self.duration - Self.firstAnswer, tolerance: 1e-6)
    Self.expectEvery(d, "stale_fraction", (Self.duration - Self.firstAnswer) / Self.duration, tolerance: 1e-9)
  }

  @Test("1.29: every refresh falls back to GET /apis/allocation.agones.dev/v1 (35 fallbacks), never Stale, and all 12 namespaces finalize 5.004 s after their deletion")
  func finalizedInOneTwentyNine() throws {
    let (n, d) = try Self.run(version: "1.29")
    Self.expectEvery(n, "namespaces_deleted", Self.deleted)
    Self.expectEvery(n, "namespaces_finalized", Self.deleted)
    Self.expectEvery(n, "still_terminating", 0)
    Self.expectEvery(n, "oldest_terminating_s", 0)
    Self.expectEvery(n, "terminating_max_s", Self.terminating, tolerance: 1e-6)
    Self.expectEvery(n, "namespace_discovery_failures", 0)
    Self.expectEvery(d, "fetches", Self.fetches)
    Self.expectEvery(d, "failed_fetches", 0)
    Self.expectEvery(d, "fallbacks", Self.fetches)
    Self.expectEvery(d, "stale_s", 0)
    Self.expectEvery(d, "stale_fraction", 0)
  }

  @Test("the 1.28.2 backport (#120359) falls back like 1.29: 35 fallbacks, never Stale, all 12 namespaces finalized")
  func finalizedWithTheBackport() throws {
    let (n, d) = try Self.run(version: "1.28.2")
    Self.expectEvery(n, "namespaces_finalized", Self.deleted)
    Self.expectEvery(n, "namespace_discovery_failures", 0)
    Self.expectEvery(d, "fallbacks", Self.fetches)
    Self.expectEvery(d, "stale_s", 0)
  }

  @Test("aggsim check at 1.29 fails the file's 1.28.1 expectations (exit 1)")
  func checkFailsInOneTwentyNine() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let check = try AggsimBinaryTests.aggsim(["check", Self.scenario, "--out", out, "--set", "spec.run.kubernetesVersion=\"1.29\""])
    #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
    #expect(check.stdout.contains("6 of 6 expectations failed"), "\(check.stdout)")
  }
}
