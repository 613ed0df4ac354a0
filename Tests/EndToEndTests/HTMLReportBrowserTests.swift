import Foundation
import Testing

/// `report.html` of a run, a sweep, a comparison and a capacity search, opened in a real headless
/// browser (Debian's chromium; `make test` installs it): it loads with no console message, every
/// chart is an `<svg class="chart">` with data in the rendered DOM, and a screenshot is written
/// next to the report in the test's temporary output directory.
@Suite("report.html in a headless browser", .serialized)
struct HTMLReportBrowserTests {
  /// The chromium binary, or nil when it is not installed.
  static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// Runs chromium headless on `page` with `arguments`; returns (stdout, stderr).
  static func browse(_ page: String, _ arguments: [String]) throws -> (stdout: String, stderr: String) {
    let outcome = try AggsimBinaryTests.launch(
      URL(fileURLWithPath: try #require(chromium)),
      ["--headless=new", "--disable-gpu", "--no-sandbox", "--window-size=1200,2000",
       "--user-data-dir=\(NSTemporaryDirectory())aggsim-chromium-\(UUID().uuidString)"] + arguments + ["file://\(page)"],
      in: URL(fileURLWithPath: NSTemporaryDirectory()))
    return (outcome.stdout, outcome.stderr)
  }

  /// The `<svg class="chart">` elements of `dom`, each from its opening tag to its `</svg>`.
  static func charts(_ dom: String) -> [Substring] {
    dom.components(separatedBy: "<svg class=\"chart\"").dropFirst().map { chunk in
      chunk.range(of: "</svg>").map { chunk[..<$0.lowerBound] } ?? Substring(chunk)
    }
  }

  /// Whether a chart has data: a data path with at least one segment, a data bar or a data dot.
  static func hasData(_ chart: Substring) -> Bool {
    chart.contains("<rect class=\"data\"") || chart.contains("<circle class=\"data\"")
      || chart.contains("class=\"data\" d=\"M") || chart.contains("class=\"data band\" d=\"M")
  }

  /// Opens `directory/report.html`: no console message or failed load in chromium's log, at least
  /// `charts` charts each with data, the `titles` in the page; a screenshot beside the report.
  static func check(_ directory: String, charts expected: Int, titles: [String]) throws {
    let page = "\(directory)/report.html"
    #expect(FileManager.default.fileExists(atPath: page), "no \(page)")
    let html = try AggsimBinaryTests.read(page)
    #expect(!html.contains("<script"), "report.html has a script")
    #expect(!html.contains("src=\"http") && !html.contains("href=\"http"), "report.html loads something from the network")
    let dom = try browse(page, ["--dump-dom"]).stdout
    let charts = Self.charts(dom)
    #expect(charts.count >= expected, "\(page): \(charts.count) charts, expected \(expected)")
    for (number, chart) in charts.enumerated() {
      #expect(Self.hasData(chart), "\(page): chart \(number) has no data: \(chart.prefix(300))")
    }
    for title in titles { #expect(dom.contains(title), "\(page) lacks \(title)") }
    let log = try browse(page, ["--enable-logging=stderr", "--v=0", "--screenshot=\(directory)/screenshot.png"]).stderr
    let problems = log.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("Failed to load") }
    #expect(problems.isEmpty, "\(page): console messages \(problems)")
    let png = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/screenshot.png"))
    #expect(png.count > 10_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "no screenshot of \(page)")
  }

  static let short = ["--set", "spec.run.duration=40s", "--set", "spec.run.warmup=10s", "--replications", "2"]

  @Test("run --report: summary tables, latency and seat bars, availability with events, throughput, in-flight and pod queues, all with data", .enabled(if: chromium != nil, "chromium is not installed (make test installs it)"))
  func quickstart() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/quickstart.yaml", "--report", "--out", out] + Self.short)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("report → \(out)/quickstart/report.html"))
    try Self.check("\(out)/quickstart", charts: 7, titles: [
      "Requests", "Latency percentiles per client", "APF seats in use", "Availability of each APIService",
      "Throughput per client", "Requests in flight per control-plane instance", "Queue length per pod", "Busy workers per pod",
    ])
  }

  @Test("report of a sweep: the what-if chart of each key metric with its 95% band and the table across points", .enabled(if: chromium != nil, "chromium is not installed (make test installs it)"))
  func sweep() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let sweep = try AggsimBinaryTests.aggsim(["sweep", "Scenarios/quickstart.yaml", "--param", "spec.clients[1].workload.poisson=10/s,40/s",
                                              "--out", out] + Self.short)
    #expect(sweep.status == 0, "\(sweep.stderr)")
    let report = try AggsimBinaryTests.aggsim(["report", "\(out)/quickstart", "--out", "\(out)/report.md"])
    #expect(report.status == 0, "\(report.stderr)")
    let dom = try Self.browse("\(out)/quickstart/report.html", ["--dump-dom"]).stdout
    // The three expect: metrics of the quickstart, each with a band (2 replications give an interval).
    #expect(Self.charts(dom).filter { $0.contains("class=\"data band\" d=\"M") }.count == 3)
    try Self.check("\(out)/quickstart", charts: 10, titles: ["Sweep: what if", "Across sweep points", "client/hpa:latency_p99_s"])
  }

  @Test("report of a compare: a dot-and-whisker chart of the paired differences B − A", .enabled(if: chromium != nil, "chromium is not installed (make test installs it)"))
  func compare() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let compare = try AggsimBinaryTests.aggsim(["compare", "Scenarios/quickstart.yaml", "--set", "spec.extensionServers[1].workers=1",
                                                "--set-a", "spec.controlPlane.proxy.routing=endpoints", "--out", out] + Self.short)
    #expect(compare.status == 0, "\(compare.stderr)")
    let report = try AggsimBinaryTests.aggsim(["report", "\(out)/quickstart-compare"])
    #expect(report.status == 0, "\(report.stderr)")
    #expect(report.stdout == "report → \(out)/quickstart-compare/report.html\n")
    try Self.check("\(out)/quickstart-compare", charts: 1, titles: ["Compare: B − A", "B − A with its 95% interval"])
  }

  @Test("report of a capacity search: the bisection steps against the SLO and the answer", .enabled(if: chromium != nil, "chromium is not installed (make test installs it)"))
  func capacity() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let capacity = try AggsimBinaryTests.aggsim(["capacity", "Scenarios/quickstart.yaml", "--param", "spec.clients[1].workload.poisson",
                                                 "--suffix", "/s", "--low", "10", "--high", "400", "--metric", "latency_p99_s",
                                                 "--scope", "client/controller-a", "--max", "0.5", "--out", out] + Self.short)
    #expect(capacity.status == 0, "\(capacity.stderr)")
    let report = try AggsimBinaryTests.aggsim(["report", "\(out)/quickstart-capacity"])
    #expect(report.status == 0, "\(report.stderr)")
    try Self.check("\(out)/quickstart-capacity", charts: 1, titles: ["Capacity search", "Answer: spec.clients[1].workload.poisson = ", "SLO max 0.5"])
  }
}
