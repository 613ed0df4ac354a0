import Foundation
import SimCore
import Testing
@testable import AggregationModel

/// The metric catalogue: one declaration per metric, matching what the model emits and what the
/// README lists.
@Suite("Metric catalogue")
struct MetricCatalogueTests {
  typealias F = ModelFixtures

  @Test("summary and time-series metric names are unique, and a name finds its metric")
  func namesAreUnique() {
    let summary = MetricCatalogue.summary.map(\.name)
    #expect(Set(summary).count == summary.count)
    let series = MetricCatalogue.timeSeries.map(\.name)
    #expect(Set(series).count == series.count)
    #expect(MetricCatalogue.summaryMetric(named: "latency_p99_s") == .latencyP99)
    #expect(MetricCatalogue.summaryMetric(named: "fraction_503_discovery_timeout") == .fraction(.discoveryTimeout))
    #expect(MetricCatalogue.summaryMetric(named: "latency_p95_s") == nil)
    #expect(MetricCatalogue.timeSeriesMetric(named: "completions_client_timeout") == .completions(.clientTimeout))
  }

  @Test("the scope kinds with summary metrics are those of summary.csv and all, not the time-series-only instance")
  func summaryScopeKinds() {
    #expect(MetricCatalogue.summaryScopeKinds == [.all, .client, .apiService, .pod, .kubectl, .garbageCollector, .namespaceController,
                                                  .discovery, .priorityLevel])
    #expect(MetricCatalogue.summaryMetrics(of: .instance).isEmpty)
    #expect(MetricCatalogue.summaryMetrics(of: .pod).map(\.name) == ["pod_utilisation", "pod_queue_length_mean", "pod_served", "pod_request_share"])
    // 28 request metrics, and the mean and p99 of each of the 9 stages of a request's latency.
    #expect(MetricCatalogue.summaryMetrics(of: .all).count == 28 + 2 * RequestStage.allCases.count + 4)
    #expect(MetricCatalogue.summaryMetrics(of: .apiService).count == 28 + 2 * RequestStage.allCases.count + 6)
  }

  @Test("every time-series metric the model emits is declared with its scope kind, and every declaration is emitted")
  func timeSeriesMetricsAreDeclared() {
    // A request client and a namespace controller (1.36: the discovery manager runs), against a
    // service-backed metrics-server: every scope kind of timeseries.csv.
    var spec = DiscoveryConsumerTests.spec(duration: 60, clients: [
      F.client(workload: .open(.trace([F.at(1), F.at(2)]))), DiscoveryConsumerTests.namespaces([20], discovery: .aggregated),
    ])
    spec.timeBucket = .seconds(20)
    spec.controlPlane.admission = .kubernetesDefault  // APF: the levels' concurrency limits
    let points = F.run(spec).timeSeries
    let emitted = Set(points.map { "\($0.scopeKind) \($0.metric)" })
    let declared = Set(MetricCatalogue.timeSeries.flatMap { metric in metric.scopeKinds.map { "\($0.rawValue) \(metric.name)" } })
    #expect(emitted.subtracting(declared).sorted() == [], "emitted but not declared")
    #expect(declared.subtracting(emitted).sorted() == [], "declared but not emitted")
    var order: [String] = []
    for point in points where !order.contains(point.metric) { order.append(point.metric) }
    #expect(order == MetricCatalogue.timeSeries.map(\.name), "the catalogue's order is the order within a bucket")
  }

  @Test("a replication's summary: the catalogue's metrics of each scope kind, computed from its results (3 requests of 10 ms in 10 s)")
  func replicationSummaryValues() throws {
    let result = F.run(F.spec(duration: .seconds(10), clients: [F.client(workload: .open(.trace([F.at(1), F.at(2), F.at(3)])))]))
    let summary = ReplicationSummary(result)
    #expect(summary.scopes(of: .client).map(\.name) == ["alice"])
    let alice = try #require(summary.scope("client/alice"))
    #expect(alice.metrics == MetricCatalogue.summaryMetrics(of: .client))
    #expect(alice.value(of: .requests) == 3)
    #expect(alice.value(of: .throughput).map { abs($0 - 0.3) < 1e-12 } == true)
    #expect(alice.value(of: .latencyP99).map { abs($0 - 0.01) < 1e-4 } == true)
    #expect(alice.value(of: .successFraction) == 1)
    #expect(alice.value(of: .fraction(.tooManyRequests)) == 0)
    #expect(alice.value(of: .podServed) == nil)
    let apiService = try #require(summary.scope("apiservice/v1beta1.metrics.k8s.io"))
    #expect(apiService.metrics == MetricCatalogue.summaryMetrics(of: .apiService))
    #expect(apiService.value(of: .unavailableFraction) == 0)
    let pod = try #require(summary.scope("pod/metrics-server/0"))
    #expect(pod.value(of: .podServed) == 3)
    #expect(pod.value(of: .podUtilisation).map { abs($0 - 0.03 / 100) < 1e-12 } == true)
    // all: the client's requests, and the mean over the one pod.
    #expect(summary.scope("all")?.value(of: .requests) == 3)
    #expect(summary.scope("all")?.value(of: .podServed) == 3)
    #expect(summary.scope("client/bob") == nil && summary.scope("instance/0") == nil && summary.scope("pod") == nil)
  }

  @Test("the README's metric tables are the catalogue's")
  func readmeListsTheCatalogue() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("README.md").path
    let readme = try String(contentsOfFile: path, encoding: .utf8)
    let begin = "<!-- metric catalogue: begin -->\n", end = "<!-- metric catalogue: end -->"
    let start = try #require(readme.range(of: begin)), stop = try #require(readme.range(of: end))
    let expected = Self.markdownTables()
    if ProcessInfo.processInfo.environment["AGGSIM_UPDATE_README"] == "1" {
      try (readme[..<start.upperBound] + expected + readme[stop.lowerBound...]).write(toFile: path, atomically: true, encoding: .utf8)
      return
    }
    #expect(String(readme[start.upperBound..<stop.lowerBound]) == expected,
            "run AGGSIM_UPDATE_README=1 swift test --filter MetricCatalogueTests to rewrite it")
  }

  /// The summary and time-series tables of the README, from the catalogue.
  static func markdownTables() -> String {
    func row(_ name: String, _ unit: MetricUnit, _ kinds: [ScopeKind], _ meaning: String) -> String {
      "| `\(name)` | \(unit.rawValue) | \(kinds.map { "`\($0.rawValue)`" }.joined(separator: ", ")) | \(meaning) |\n"
    }
    var text = "| summary metric | unit | scope kinds | meaning |\n|---|---|---|---|\n"
    for m in MetricCatalogue.summary { text += row(m.name, m.unit, m.scopeKinds, m.meaning) }
    text += "\n| time-series metric | unit | scope kinds | meaning |\n|---|---|---|---|\n"
    for m in MetricCatalogue.timeSeries { text += row(m.name, m.unit, m.scopeKinds, m.meaning) }
    return text
  }
}
