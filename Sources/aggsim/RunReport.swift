import AggregationModel
import Foundation
import SimCore
import SimOutput

/// A Markdown report of one finished run, built from the files it wrote (`summary.csv`, and
/// `metadata.json`, `sweep.csv`, `events.csv`, `findings.csv` when present): its bottleneck
/// findings, then per sweep point, tables of the
/// figures a platform engineer looks at first (each the mean over replications ± the half-width
/// of its 95% interval), then the first replication's events. Pure: the same files give the same
/// text.
struct RunReport {
  let summary: CSVDocument
  let metadata: RunMetadata?
  let sweep: CSVDocument?
  let events: CSVDocument?
  /// `findings.csv` (nil: none written, e.g. by an older aggsim).
  var findings: CSVDocument? = nil

  /// The `all` rows of summary.csv: (sweep point, scope kind, scope, metric) → (mean, half-width, n).
  struct Estimate {
    var mean: Double?
    var halfWidth: Double?
  }

  /// One table of the report: a title, the scope kinds it shows, and its columns (header, metric).
  struct Section {
    var title: String
    var kinds: [ScopeKind]
    var columns: [(header: String, metric: SummaryMetric)]
    /// Only scopes with a non-zero value of one of these metrics (nil: every scope).
    var onlyIfNonZero: [SummaryMetric]? = nil
  }

  static let sections: [Section] = [
    Section(title: "Requests", kinds: [.client, .apiService], columns: [
      ("req/s", .throughput), ("success", .successFraction), ("p50 s", .latencyP50), ("p99 s", .latencyP99),
      ("429", .fraction(.tooManyRequests)), ("503 unavailable", .fraction(.unavailable)),
      ("503 discovery timeout", .fraction(.discoveryTimeout)), ("503 unreachable", .fraction(.unreachable)),
      ("504", .fraction(.deadlineExceeded)), ("client timeout", .fraction(.clientTimeout)),
    ]),
    Section(title: "APIServices: Available condition and OpenAPI downloads", kinds: [.apiService], columns: [
      ("unavailable", .unavailableFraction), ("transitions", .availabilityTransitions), ("time to detect s", .timeToDetect),
      ("status → proxy max s", .statusPropagationMax), ("OpenAPI downloads", .openAPIDownloads), ("failed", .openAPIFailedDownloads),
    ], onlyIfNonZero: [.availabilityTransitions, .openAPIDownloads, .unavailableFraction]),
    Section(title: "Discovery clients", kinds: [.kubectl, .garbageCollector, .namespaceController], columns: [
      ("invocations", .invocations), ("partial", .discoveryPartialFraction), ("p50 s", .discoveryLatencyP50),
      ("p99 s", .discoveryLatencyP99), ("max s", .discoveryLatencyMax),
    ]),
    Section(title: "Namespaces", kinds: [.namespaceController], columns: [
      ("deleted", .namespacesDeleted), ("finalized", .namespacesFinalized), ("Terminating mean s", .terminatingMean),
      ("max s", .terminatingMax), ("still Terminating", .stillTerminating), ("oldest s", .oldestTerminating),
    ]),
    Section(title: "Aggregated discovery (the discovery manager)", kinds: [.discovery], columns: [
      ("Stale fraction", .staleFraction), ("Stale s", .staleSeconds), ("fetches", .fetches), ("failed", .failedFetches),
      ("fallbacks", .fallbacks),
    ]),
    Section(title: "APF priority levels (those that dispatched or rejected)", kinds: [.priorityLevel], columns: [
      ("seats used", .seatUtilisation), ("queue wait mean s", .queueWaitMean), ("rejected", .rejected), ("dispatched", .dispatched),
    ], onlyIfNonZero: [.dispatched, .rejected]),
    Section(title: "Pods", kinds: [.pod], columns: [
      ("utilisation", .podUtilisation), ("queue length mean", .podQueueLengthMean), ("served", .podServed),
    ]),
  ]

  /// The report. `name` titles it when there is no metadata.
  func render(name: String) throws(RunReportError) -> String {
    let index = try Self.estimates(summary)
    var out = "# \(metadata?.scenario ?? name): aggsim report\n\n"
    if let m = metadata {
      out += "\(m.replications) replication\(m.replications == 1 ? "" : "s"), seed \(m.seed), \(m.events) events in \(Self.number(m.wallTimeSeconds)) s; "
        + "aggsim \(m.aggsimVersion)\(m.gitCommit.isEmpty ? "" : " (\(m.gitCommit))"), scenario hash \(m.scenarioHash).\n\n"
    }
    out += "Each figure is the mean over the replications ± the half-width of its 95% confidence interval; "
      + "fractions are of the requests (or time) measured after the warm-up.\n"
    out += findingsSection()
    for point in index.points {
      if index.points.count > 1 {
        out += "\n## Sweep point \(point)\(sweepLabel(point))\n"
      }
      for section in Self.sections {
        out += Self.table(section, point: point, index: index)
      }
    }
    out += eventsSection()
    return out
  }

  /// `## Findings`: one bullet per row of findings.csv (`point N:` first in a sweep), or
  /// `None: nothing limits.`; nothing without findings.csv.
  func findingsSection() -> String {
    guard let findings, let point = findings.column("sweep_point"), let message = findings.column("message") else { return "" }
    guard !findings.rows.isEmpty else { return "\n## Findings\n\nNone: nothing limits.\n" }
    let sweep = findings.rows.contains { $0[point] != "0" }
    return "\n## Findings\n\n" + findings.rows.map { "- " + (sweep ? "point \($0[point]): " : "") + $0[message] + "\n" }.joined()
  }

  /// `: parameter=value, …` of a sweep point, from sweep.csv.
  func sweepLabel(_ point: Int) -> String {
    guard let sweep, let p = sweep.column("sweep_point"), let k = sweep.column("parameter"), let v = sweep.column("value") else { return "" }
    let settings = sweep.rows.filter { Int($0[p]) == point }.map { "\($0[k])=\($0[v])" }
    return settings.isEmpty ? "" : ": " + settings.joined(separator: ", ")
  }

  /// The `all` rows of summary.csv, by sweep point, scope kind, scope and metric.
  struct Index {
    var points: [Int] = []
    var scopes: [String: [String]] = [:]
    var values: [String: Estimate] = [:]

    static func key(_ point: Int, _ kind: String, _ scope: String, _ metric: String) -> String {
      "\(point)\u{1}\(kind)\u{1}\(scope)\u{1}\(metric)"
    }
  }

  static func estimates(_ summary: CSVDocument) throws(RunReportError) -> Index {
    let names = ["sweep_point", "replication", "scope_kind", "scope", "metric", "mean", "ci95_low", "ci95_high"]
    var columns: [Int] = []
    for name in names {
      guard let column = summary.column(name) else { throw RunReportError.missingColumn(file: "summary.csv", column: name) }
      columns.append(column)
    }
    var index = Index()
    for row in summary.rows where row[columns[1]] == "all" {
      guard let point = Int(row[columns[0]]) else { continue }
      let kind = row[columns[2]], scope = row[columns[3]]
      if !index.points.contains(point) { index.points.append(point) }
      let scopesKey = "\(point)\u{1}\(kind)"
      if !(index.scopes[scopesKey]?.contains(scope) ?? false) { index.scopes[scopesKey, default: []].append(scope) }
      let mean = Double(row[columns[5]]), low = Double(row[columns[6]]), high = Double(row[columns[7]])
      let half = (low != nil && high != nil) ? (high! - low!) / 2 : nil
      index.values[Index.key(point, kind, scope, row[columns[4]])] = Estimate(mean: mean, halfWidth: half)
    }
    return index
  }

  static func table(_ section: Section, point: Int, index: Index) -> String {
    var rows: [String] = []
    for kind in section.kinds.map(\.rawValue) {
      for scope in index.scopes["\(point)\u{1}\(kind)"] ?? [] {
        let estimates = section.columns.map { index.values[Index.key(point, kind, scope, $0.metric.name)] }
        guard estimates.contains(where: { $0 != nil }) else { continue }
        if let required = section.onlyIfNonZero {
          let nonZero = required.contains { metric in
            guard let mean = index.values[Index.key(point, kind, scope, metric.name)]?.mean else { return false }
            return mean != 0
          }
          guard nonZero else { continue }
        }
        rows.append("| \(kind)/\(scope) | " + estimates.map(cell).joined(separator: " | ") + " |")
      }
    }
    guard !rows.isEmpty else { return "" }
    let header = "| scope | " + section.columns.map(\.header).joined(separator: " | ") + " |"
    let rule = "|---|" + section.columns.map { _ in "---:|" }.joined()
    return "\n### \(section.title)\n\n" + ([header, rule] + rows).joined(separator: "\n") + "\n"
  }

  static func cell(_ estimate: Estimate?) -> String {
    guard let estimate, let mean = estimate.mean else { return "–" }
    // A half-width below a billionth of the mean is floating-point noise of identical replications.
    guard let half = estimate.halfWidth, half > abs(mean) * 1e-9 else { return number(mean) }
    return "\(number(mean)) ± \(number(half))"
  }

  /// Four significant digits, written out in full below 10^15 (`SignificantFigures`).
  static func number(_ x: Double) -> String { SignificantFigures.text(x, digits: 4) }

  /// The first replication's events of the first sweep point: counts by kind, then the first 30.
  func eventsSection() -> String {
    guard let events, let point = events.column("sweep_point"), let replication = events.column("replication"),
          let time = events.column("time_s"), let kind = events.column("kind"), let subject = events.column("subject"),
          let detail = events.column("detail") else { return "" }
    let first = events.rows.filter { $0[point] == "0" && $0[replication] == "0" }
    guard !first.isEmpty else { return "" }
    var counts: [(String, Int)] = []
    for row in first {
      if let i = counts.firstIndex(where: { $0.0 == row[kind] }) { counts[i].1 += 1 } else { counts.append((row[kind], 1)) }
    }
    var out = "\n### Events (replication 0)\n\n"
    out += counts.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "\n\n"
    out += "| time s | event | subject | detail |\n|---:|---|---|---|\n"
    for row in first.prefix(30) {
      out += "| \(Double(row[time]).map { String(format: "%.3f", $0) } ?? row[time]) | \(row[kind]) | \(row[subject]) | \(row[detail].replacingOccurrences(of: "|", with: "\\|")) |\n"
    }
    if first.count > 30 { out += "\n(\(first.count - 30) more in events.csv)\n" }
    return out
  }
}

/// Why a run directory cannot be reported on.
enum RunReportError: Error, CustomStringConvertible {
  case missingFile(String)
  case unreadable(file: String, problem: String)
  case missingColumn(file: String, column: String)

  var description: String {
    switch self {
    case .missingFile(let path): "no \(path): expected the output directory of a run (aggsim run … --out DIR writes DIR/<scenario>/)"
    case .unreadable(let file, let problem): "\(file): \(problem)"
    case .missingColumn(let file, let column): "\(file): expected a column \"\(column)\" (is this an aggsim summary.csv?)"
    }
  }
}
