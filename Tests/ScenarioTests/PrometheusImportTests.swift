import Foundation
import Testing
@testable import Scenario
import SimCore

/// `aggsim import prometheus`: the Prometheus text format and query results read into samples,
/// the requests measured over a window, and the scenario fragments written from them. The
/// fixtures are scrapes of metrics-server an hour apart and range/instant query results of a
/// custom API server, with kube-apiserver's metric names, label sets and buckets
/// (k8s.io/apiserver pkg/endpoints/metrics/metrics.go: 5 ms, 25 ms, 50 ms … 60 s).
@Suite("import of Prometheus measurements")
struct PrometheusImportTests {
  static func fixture(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/prometheus"))
    return url.path
  }

  static func fragment(_ name: String, baseline: String? = nil, window: SimDuration? = nil) throws -> String {
    let path = try fixture(name)
    let input = try PrometheusImport.read(path: path)
    let earlier = try baseline.map { try PrometheusImport.read(path: try fixture($0)).samples }
    let measured = try MeasuredRequests(input.samples, baseline: earlier, file: name)
    let given = window.map { MeasurementWindow(length: $0, source: "--window \(DurationFormat.format($0))") }
    return try ScenarioFragment.render(measured, source: name, histogram: "apiserver_request_duration_seconds", window: given ?? input.window)
  }

  @Test("a sample line: labels in any order with escapes, Go's number forms, an optional timestamp; comments and blank lines skipped")
  func textSamples() throws {
    let text = """
      # HELP x_total A counter.
      # TYPE x_total counter

      x_total{b="say \\"hi\\"",a="c:\\\\d\\nnext"} 1.5e+03 1764547200000
      x_bucket{le="+Inf"} +Inf
      up 1
      """
    let samples = try PrometheusTextFormat.parse(text, file: "t.txt")
    #expect(samples.map(\.name) == ["x_total", "x_bucket", "up"])
    #expect(samples[0].labels == ["a": "c:\\d\nnext", "b": "say \"hi\""])
    #expect(samples[0].value == 1_500 && samples[0].line == 4)
    #expect(samples[1].value == .infinity && samples[2].labels.isEmpty)
  }

  @Test("a malformed sample is located at its line and column, every one of them", arguments: [
    ("x{a=\"1\" 2", "t.txt:1:9: x: expected \",\" or \"}\" after label a, found \"2\""),
    ("x{a=1} 2", "t.txt:1:5: x: expected a quoted value of label a, found \"1} 2\""),
    ("x{a=\"1\",a=\"2\"} 3", "t.txt:1:9: x: expected each label once, found label a twice"),
    ("x 12abc", "t.txt:1:3: x: expected a number (as Go writes it: 12, 1.5e-05, +Inf, NaN), found \"12abc\""),
    ("x 1 noon", "t.txt:1:5: x: expected an integer timestamp in milliseconds or the end of the line, found \"noon\""),
    ("9x 1", "t.txt:1:1: expected a metric name, found \"9x 1\""),
  ])
  func malformedLines(line: String, message: String) {
    #expect(throws: ScenarioErrors.self) { try PrometheusTextFormat.parse(line, file: "t.txt") }
    do {
      _ = try PrometheusTextFormat.parse("ok 1\n" + line, file: "t.txt")
    } catch {
      #expect(error.description == message.replacingOccurrences(of: "t.txt:1:", with: "t.txt:2:"))
    }
  }

  @Test("the malformed scrape fixture fails at line 10, column 187, where a bucket's label set is not closed")
  func malformedFixture() throws {
    let path = try Self.fixture("malformed.txt")
    #expect(throws: ScenarioErrors.self) { try PrometheusImport.read(path: path) }
    do {
      _ = try PrometheusImport.read(path: path)
    } catch {
      #expect(error.description == "\(path):10:187: apiserver_request_duration_seconds_bucket: expected \",\" or \"}\" after label le, found \"12000\"")
    }
  }

  /// An hour of metrics-server: pods LIST in two scopes (2,000 + 1,600 requests), nodes LIST
  /// (720) and pods GET (1,440), each scope's counts summed. LIST's median is the 5 ms bound
  /// (2,160 of 4,320 below it); its p99 is the 4,276.8th request, 136.8 of the 144 between
  /// 25 and 50 ms: 25 + 25 × 136.8 / 144 = 48.75 ms. GET's p99: 5 + 20 × 705.6 / 720 = 24.6 ms.
  @Test("two scrapes an hour apart: the hour's histograms per verb and a client per resource at 1/s, 0.2/s, 0.4/s")
  func scrapePair() throws {
    let text = try Self.fragment("metrics-server-now.txt", baseline: "metrics-server-hour-ago.txt", window: .seconds(3_600))
    #expect(text == """
      # aggsim import prometheus metrics-server-now.txt: API group metrics.k8s.io, from apiserver_request_duration_seconds.
      # Rates are the counts over 1h (--window 1h).
      # The histogram is the server's own handling time: for an extension server, its service time
      # (its delegated authentication and authorization calls included). Paste serviceTime under its
      # spec.extensionServers[i], and the clients under spec.clients (or pass each with --set).
      # get (GET): 1440 requests, median 5 ms, p99 24.6 ms
      # list (LIST): 4320 requests, median 5 ms, p99 48.75 ms
      serviceTime:
        get: {empirical: {prometheusBuckets: [{le: 0.005, count: 720}, {le: 0.025, count: 1440}, {le: +Inf, count: 1440}]}}
        list: {empirical: {prometheusBuckets: [{le: 0.005, count: 2160}, {le: 0.025, count: 4140}, {le: 0.05, count: 4284}, {le: 0.1, count: 4320}, {le: +Inf, count: 4320}]}}
      clients:  # the measured rate already passed the callers' token buckets: none here
        - {name: metrics-k8s-io-nodes-list, target: {apiService: v1beta1.metrics.k8s.io, kind: list}, workload: {poisson: 0.2/s}, rateLimit: none}
        - {name: metrics-k8s-io-pods-get, target: {apiService: v1beta1.metrics.k8s.io, kind: get}, workload: {poisson: 0.4/s}, rateLimit: none}
        - {name: metrics-k8s-io-pods-list, target: {apiService: v1beta1.metrics.k8s.io, kind: list}, workload: {poisson: 1/s}, rateLimit: none}

      """)
  }

  @Test("apiserver_request_total gives the rate (its 200s and 500s summed); without it the +Inf bucket does")
  func requestCounter() throws {
    let path = try Self.fixture("metrics-server-now.txt")
    let samples = try PrometheusImport.read(path: path).samples
    let withCounter = try MeasuredRequests(samples, file: path)
    let withoutCounter = try MeasuredRequests(samples.filter { $0.name != "apiserver_request_total" }, file: path)
    // pods LIST, both scopes: 6 × 2,000 + 4 × 1,600 requests (the now scrape holds 5× and 3× the hour before, plus the hour).
    let pods = { (m: MeasuredRequests) in m.series.first { $0.resource == "pods" && $0.verb == "LIST" }?.requests }
    #expect(pods(withoutCounter) == 18_400)
    #expect(pods(withCounter) == 18_400)
    #expect(withCounter.series.map { "\($0.resource) \($0.verb)" } == ["nodes LIST", "pods GET", "pods LIST"])
  }

  @Test("a counter lower than the baseline's is a restart between the scrapes, located at the sample")
  func counterReset() throws {
    var message = ""
    do {
      _ = try Self.fragment("metrics-server-hour-ago.txt", baseline: "metrics-server-now.txt")
    } catch {
      message = "\(error)"
    }
    #expect(message.hasPrefix("metrics-server-hour-ago.txt:6:1: apiserver_request_duration_seconds_bucket{"), "\(message)")
    #expect(message.hasSuffix("expected a count at least the baseline's 6000, found 5000: the server restarted between the scrapes (a counter reset); take both from one process lifetime"))
  }

  /// 1,800 GETs in 30 minutes of a range query (points at 0, 900 and 1,800 s): 1/s; half
  /// under 5 ms, 99% under 25 ms. The 12 WATCHes are listed, not modelled.
  @Test("a range query: the increase from its first to its last point over their 30 minutes; WATCH is listed, not modelled")
  func rangeQuery() throws {
    let text = try Self.fragment("custom-apiserver-range.json")
    #expect(text.contains("# Rates are the counts over 30m (the range query's first and last timestamps).\n"))
    #expect(text.contains("# get (GET): 1800 requests, median 5 ms, p99 25 ms\n# Not modelled: WATCH 12 (WATCH is long-running; aggsim models reads).\n"))
    #expect(text.contains("  default: {empirical: {prometheusBuckets: [{le: 0.005, count: 900}, {le: 0.025, count: 1782}, {le: 0.05, count: 1800}, {le: +Inf, count: 1800}]}}\n"))
    #expect(text.contains("  - {name: custom-example-com-widgets-get, target: {apiService: v1alpha1.custom.example.com, kind: get}, workload: {poisson: 1/s}, rateLimit: none}\n"))
  }

  @Test("an instant query of increase() summed by group, version, resource, verb and le (no __name__): the counts as given, rates with --window")
  func instantQuery() throws {
    let text = try Self.fragment("increase-1h.json", window: .seconds(3_600))
    #expect(text.contains("# list (LIST): 3600 requests, median 5 ms, p99 50 ms\n"))
    #expect(text.contains("workload: {poisson: 1/s}"))
    let noWindow = try Self.fragment("increase-1h.json")
    #expect(noWindow.contains("rates are not written") && !noWindow.contains("clients:"))
  }

  @Test("a query result that failed, or a value that is not a number in a string, names its JSON path", arguments: [
    (#"{"status":"error","errorType":"bad_data","error":"parse error"}"#, "q.json: status: expected \"success\" (the query's error is in \"error\"), found \"error\""),
    (#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#, "q.json: data.resultType: expected \"vector\" or \"matrix\", found \"scalar\""),
    (#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"le":"1"},"value":[1,2]}]}}"#,
     "q.json: data.result[0].value[1]: expected a number in a string, e.g. \"42\", found 2"),
    (#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"5"],[2,"3"]]}]}}"#,
     "q.json: data.result[0].values: expected a counter that does not decrease over the range, found 5 then 3: the server restarted (a counter reset); query a range within one process lifetime"),
  ])
  func badQueryResults(json: String, message: String) {
    #expect(throws: ScenarioErrors.self) { try PrometheusQueryResult.parse(Array(json.utf8), file: "q.json") }
    do {
      _ = try PrometheusQueryResult.parse(Array(json.utf8), file: "q.json")
    } catch {
      #expect(error.description == message)
    }
  }

  @Test("buckets that are not cumulative, or no +Inf bucket, are refused naming the series")
  func badHistograms() throws {
    let decreasing = try PrometheusTextFormat.parse("h_bucket{group=\"g\",verb=\"GET\",le=\"0.1\"} 5\nh_bucket{group=\"g\",verb=\"GET\",le=\"+Inf\"} 4\n", file: "t")
    #expect(throws: ScenarioErrors.self) { try MeasuredRequests(decreasing, file: "t", histogram: "h") }
    let noInf = try PrometheusTextFormat.parse("h_bucket{group=\"g\",verb=\"GET\",le=\"0.1\"} 5\n", file: "t")
    do {
      _ = try MeasuredRequests(noInf, file: "t", histogram: "h")
      Issue.record("accepted a histogram without +Inf")
    } catch {
      #expect(error.description == "t: h_bucket{group=\"g\",version=\"\",resource=\"\",verb=\"GET\"}: expected a bucket le=\"+Inf\" (every Prometheus histogram has one), found none")
    }
  }
}
