public import SimCore
internal import Foundation

/// The scenario fragments `aggsim import prometheus` writes from measured requests: for each
/// API group, one YAML document with the extension server's `serviceTime` per request kind (an
/// empirical distribution of the measured histogram: `prometheusBuckets`, uniform within each
/// bucket) and one open client per group/version/resource/verb with its measured rate.
///
/// Only reads are modelled: GET becomes the `get` kind and LIST the `list` kind; other verbs
/// (WATCH is long-running, writes are not modelled) are listed in a comment with their counts.
/// The core group (`""`) is left out: it is kube-apiserver's own, never aggregated.
public enum ScenarioFragment {
  /// The request kinds a verb maps to.
  static let kinds = ["GET": "get", "LIST": "list"]

  /// The fragments of `measured`, one YAML document per group (in group order), with a header
  /// naming `source`, the histogram and the window (rates are written only with a window).
  public static func render(_ measured: MeasuredRequests, source: String, histogram: String,
                            window: MeasurementWindow?, groups: Set<String> = []) throws(DistributionError) -> String {
    var documents: [String] = []
    let byGroup = Dictionary(grouping: measured.series.filter { !$0.group.isEmpty && (groups.isEmpty || groups.contains($0.group)) },
                             by: \.group)
    for group in byGroup.keys.sorted() {
      documents.append(try document(group: group, series: byGroup[group]!, source: source, histogram: histogram, window: window))
    }
    return documents.joined(separator: "---\n")
  }

  static func document(group: String, series: [MeasuredRequests.Series], source: String, histogram: String,
                       window: MeasurementWindow?) throws(DistributionError) -> String {
    var lines = ["# aggsim import prometheus \(source): API group \(group), from \(histogram)."]
    if let window {
      lines.append("# Rates are the counts over \(DurationFormat.format(window.length)) (\(window.source)).")
    } else {
      lines.append("# No window (the counts are cumulative since the server started): rates are not written;")
      lines.append("# give --window with an increase() query, a range query, or a --baseline scrape.")
    }
    lines += [
      "# The histogram is the server's own handling time: for an extension server, its service time",
      "# (its delegated authentication and authorization calls included). Paste serviceTime under its",
      "# spec.extensionServers[i], and the clients under spec.clients (or pass each with --set).",
    ]
    var serviceTimes: [(kind: String, yaml: String)] = []
    var unmodelled: [String: Double] = [:]
    for verb in ["GET", "LIST"] {
      let matching = series.filter { $0.verb == verb }
      guard !matching.isEmpty, let kind = kinds[verb] else { continue }
      guard let buckets = summedBuckets(matching) else {
        lines.append("# \(verb): the series have different buckets; not summed (import one resource with --group and a narrower query).")
        continue
      }
      let distribution = Distribution.empirical(try EmpiricalDistribution.prometheusBuckets(
        buckets.map { (upperBound: $0.upperBound.isFinite ? SimDuration.nanoseconds(Int64(($0.upperBound * 1e9).rounded())) : nil,
                       cumulativeCount: $0.count) }))
      let total = buckets[buckets.count - 1].count
      let beyond = total - (buckets.dropLast().last?.count ?? 0)
      var note = "# \(kind) (\(verb)): \(number(total)) requests, median \(milliseconds(distribution.quantile(0.5))),"
        + " p99 \(milliseconds(distribution.quantile(0.99)))"
      if beyond > 0, buckets.count > 1 {
        note += "; \(number(beyond)) took longer than the last bucket (\(number(buckets[buckets.count - 2].upperBound)) s) and are placed at it"
      }
      lines.append(note)
      serviceTimes.append((kind, "{empirical: {prometheusBuckets: [" + trimmed(buckets).map { bucket in
        "{le: \(bucket.upperBound.isFinite ? number(bucket.upperBound) : "+Inf"), count: \(number(bucket.count))}"
      }.joined(separator: ", ") + "]}}"))
    }
    for s in series where kinds[s.verb] == nil { unmodelled[s.verb, default: 0] += s.requests }
    if !unmodelled.isEmpty {
      lines.append("# Not modelled: " + unmodelled.sorted { $0.key < $1.key }.map { "\($0.key) \(number($0.value))" }.joined(separator: ", ")
                   + " (WATCH is long-running; aggsim models reads).")
    }
    guard !serviceTimes.isEmpty else { return lines.joined(separator: "\n") + "\n{}\n" }
    lines.append("serviceTime:")
    if serviceTimes.count == 1 {
      lines.append("  default: \(serviceTimes[0].yaml)")
    } else {
      for (kind, yaml) in serviceTimes { lines.append("  \(kind): \(yaml)") }
    }
    guard let window else { return lines.joined(separator: "\n") + "\n" }
    lines.append("clients:  # the measured rate already passed the callers' token buckets: none here")
    for s in series where kinds[s.verb] != nil {
      let rate = s.requests / (Double(window.length.nanoseconds) / 1e9)
      guard rate >= 0.000001 else { continue }
      let name = "\(group)-\(s.resource)-\(kinds[s.verb]!)".map { $0.isLetter || $0.isNumber ? $0 : "-" }
      lines.append("  - {name: \(String(name).lowercased()), target: {apiService: \(s.version).\(group), kind: \(kinds[s.verb]!)},"
                   + " workload: {poisson: \(number(min(rate, 1_000_000)))/s}, rateLimit: none}")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The buckets of several series summed, when they share their bounds; nil otherwise.
  static func summedBuckets(_ series: [MeasuredRequests.Series]) -> [(upperBound: Double, count: Double)]? {
    var sum = series[0].buckets
    for s in series.dropFirst() {
      guard s.buckets.count == sum.count, zip(s.buckets, sum).allSatisfy({ $0.upperBound == $1.upperBound }) else { return nil }
      for i in sum.indices { sum[i].count += s.buckets[i].count }
    }
    return sum
  }

  /// The buckets up to the first that holds every finite-bounded request, and `+Inf`: the
  /// buckets after it add no mass.
  static func trimmed(_ buckets: [(upperBound: Double, count: Double)]) -> [(upperBound: Double, count: Double)] {
    let finite = buckets.dropLast()
    guard let full = finite.firstIndex(where: { $0.count == finite.last!.count }) else { return buckets }
    return Array(buckets[...full]) + [buckets[buckets.count - 1]]
  }

  /// A duration in milliseconds to 4 significant digits, e.g. `48.75 ms`.
  static func milliseconds(_ duration: SimDuration) -> String {
    number(Double(String(format: "%.4g", Double(duration.nanoseconds) / 1e6))!) + " ms"
  }

  /// A number as YAML reads it back: integers without a fraction, others to 6 significant digits.
  static func number(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    var text = String(format: "%.6g", value)
    if text.contains("e") { return text }
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
  }
}
