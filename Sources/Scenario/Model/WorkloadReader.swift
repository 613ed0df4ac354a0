internal import Foundation
import SimCore
import AggregationModel

extension NodeReader {
  static let workloadKinds = ScenarioSchema.workload.exactlyOne

  /// A client's `workload:`, exactly one of:
  /// ```yaml
  /// poisson: 10/s                     # open: Poisson arrivals (rates: /s, /min, /h)
  /// constant: 10/s                    # open: evenly spaced arrivals
  /// bursts: {size: 20, every: 1m}     # open: `size` requests at once every `every` (the first at `every`);
  ///                                   #   every >= 1ms, size/every <= 1000000/s
  /// timeVarying: [{start: 0s, rate: 5/s}, {start: 1h, rate: 50/s}]   # Poisson, piecewise-constant rate;
  ///                                   #   starts increase from 0s; rate 0 pauses
  /// trace: {file: trace.csv}          # open: one arrival per line, in seconds (1.5) or a duration (1500ms);
  ///                                   #   path relative to the scenario file; blank and # lines skipped
  /// closed: {users: 20, thinkTime: {exponential: {mean: 5s}}}   # closed loop; thinkTime a distribution
  /// kubectl: {invocations: {poisson: 1/min}, discovery: legacy}  # kubectl invocations (`kubectlWorkload`)
  /// hpa: {autoscalers: 40}            # HPAs polling the target every 15 s (`hpaWorkload`)
  /// garbageCollector: {}              # a discovery every 30 s (`garbageCollectorWorkload`)
  /// namespaceDeletion: {deletions: {poisson: 1/min}}   # needs complete discovery (`namespaceDeletionWorkload`)
  /// ```
  func workload() -> Workload? {
    guard let m = mapping(ScenarioSchema.workload),
          let kind = m.exactlyOne(of: Self.workloadKinds, what: "a workload"), let body = m.optional(kind) else { return nil }
    switch kind {
    case "poisson": return body.rate().map { .open(.poisson($0)) }
    case "constant": return body.rate().map { .open(.constant($0)) }
    case "bursts":
      guard let b = body.mapping(ScenarioSchema.bursts) else { return nil }
      let size = b.required("size")?.integer(in: 1...1_000_000)
      let everyNode = b.required("every")
      let every = everyNode?.period()
      guard let size, let every, let everyNode else { return nil }
      guard Double(size) * 1e9 / Double(every.nanoseconds) <= Self.maximumRate else {
        everyNode.report(expected: "a period of at least \(DurationFormat.format(.nanoseconds(Int64(size) * 1_000))) for bursts of \(size) (at most 1000000 requests/s on average)")
        return nil
      }
      return .open(.bursts(size: size, period: every))
    case "timeVarying": return body.rateSegments().map { .open(.timeVarying($0)) }
    case "trace": return body.trace().map { .open(.trace($0)) }
    case "kubectl": return body.kubectlWorkload().map { .kubectl($0) }
    case "hpa": return body.hpaWorkload()
    case "garbageCollector": return body.garbageCollectorWorkload().map { .garbageCollector($0) }
    case "namespaceDeletion": return body.namespaceDeletionWorkload().map { .namespaceDeletion($0) }
    default:
      guard let c = body.mapping(ScenarioSchema.closedLoop) else { return nil }
      let users = c.required("users")?.integer(in: 1...1_000_000)
      let think = c.required("thinkTime")?.distribution()
      guard let users, let think else { return nil }
      return .closed(users: users, thinkTime: think)
    }
  }

  func rateSegments() -> [RateSegment]? {
    guard let elements = sequence() else { return nil }
    guard !elements.isEmpty else { report(expected: "at least one {start, rate}"); return nil }
    var segments: [RateSegment] = []
    var ok = true
    for (i, element) in elements.enumerated() {
      guard let s = element.mapping(ScenarioSchema.rateSegment) else { ok = false; continue }
      let startNode = s.required("start")
      let start = startNode?.duration()
      let rate = s.required("rate").flatMap { n -> Double? in
        if n.scalarKind == .integer("0") || n.scalarText.map({ $0.hasPrefix("0/") && (try? DurationFormat.parseRate("1" + $0.dropFirst())) != nil }) == true {
          return 0
        }
        return n.rate()?.perSecond
      }
      guard let startNode, let start, let rate else { ok = false; continue }
      if i == 0, start != .zero {
        startNode.report(expected: "0s (the first segment starts at the beginning of the run)"); ok = false; continue
      }
      if let last = segments.last, SimTime(since: start) <= last.start {
        startNode.report(expected: "a start after the previous segment's (\(DurationFormat.format(last.start.sinceStart)))")
        ok = false; continue
      }
      segments.append(RateSegment(start: SimTime(since: start), perSecond: rate))
    }
    return ok ? segments : nil
  }

  /// `{file: <path>}`: the arrival instants of a trace file, sorted.
  func trace() -> [SimTime]? {
    guard let m = mapping(ScenarioSchema.trace), let fileNode = m.required("file"), let path = fileNode.name() else { return nil }
    let resolved = path.hasPrefix("/") ? path : Self.directory(of: fileName) + path
    // Only a regular file of at most 16 MiB: a device (/dev/zero, /dev/stdin) or a FIFO could
    // be read forever or block.
    if let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) {
      guard attributes[.type] as? FileAttributeType == .typeRegular else {
        fileNode.report(expected: "a regular file (looked for \(resolved))")
        return nil
      }
      if let size = attributes[.size] as? Int, size > InputGuard.maximumBytes {
        fileNode.report(expected: "a trace file of at most 16 MiB", found: "\(size) bytes in \(resolved)")
        return nil
      }
    }
    guard let data = InputGuard.read(path: resolved), data.count <= InputGuard.maximumBytes,
          let text = String(bytes: data, encoding: .utf8) else {
      fileNode.report(expected: "a readable UTF-8 file (looked for \(resolved))")
      return nil
    }
    var times: [SimTime] = []
    var lineNumber = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let field = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first.map {
        $0.trimmingCharacters(in: .whitespacesAndNewlines)
      } ?? ""
      if field.isEmpty || field.hasPrefix("#") { continue }
      var value: SimDuration?
      if let seconds = Double(field), seconds.isFinite, seconds >= 0, seconds < 9.2e9 {
        value = .seconds(seconds)
      } else if let d = try? DurationFormat.parseDuration(field) {
        value = d
      }
      guard let value else {
        if lineNumber == 1 { continue }   // a header line
        sink.add(ScenarioError(file: resolved, line: lineNumber, column: 1, keyPath: fileNode.keyPath,
                               expected: "a time in seconds or a duration with a unit", found: FoundText.quoted(field)))
        return nil
      }
      times.append(SimTime(since: value))
    }
    guard !times.isEmpty else { fileNode.report(expected: "a trace file with at least one time", found: "none in \(resolved)"); return nil }
    return times.sorted()
  }

  /// The directory part of `path` with its trailing `/`, or "" for a bare file name.
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return String(path[...slash])
  }
}
