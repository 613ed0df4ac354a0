import AggregationModel
import Foundation
import SimOutput

/// `shard-units.csv`: what a shard keeps of each work unit it ran (issue 14), so that
/// `aggsim merge` computes `summary.csv`, `sweep-summary.csv`, a check's verdicts and a
/// comparison exactly as a single run computes them from its `ReplicationOutcome`s.
///
/// One row per (unit, scope, summary metric), in unit order, then in the replication's scope
/// order (`all` first, then `ReplicationSummary.scopes`), then in catalogue order:
/// `sweep_point, replication, events, scope_kind, scope, scope_index, service_backed,
/// completed_requests, metric, unit, value`. `events` is the unit's events handled;
/// `service_backed` and `completed_requests` (1 or 0) are set on `apiservice` rows only (they
/// decide which APIServices `summary.csv` lists); a scope without metrics has one row with an
/// empty `metric`. `value` is exact: Swift's shortest round-trip decimal, so it parses back to
/// the identical `Double`, with NaN written as the empty field, ±∞ as `inf`/`-inf` and −0 as
/// `-0.0` (unlike the other CSVs, which write `0.0`), so nothing the merge recomputes can differ.
enum ShardUnits {
  static let fileName = "shard-units.csv"
  /// The copy of the scenario file a shard directory holds (the merge reads its expectations
  /// and sweep from it, after checking its fingerprint).
  static let scenarioFileName = "scenario.yaml"
  static let columns = ["sweep_point", "replication", "events", "scope_kind", "scope", "scope_index", "service_backed",
                        "completed_requests", "metric", "unit", "value"]

  /// One unit read back: its place and its outcome.
  struct Unit {
    var point: Int
    var replication: Int
    var outcome: ReplicationOutcome
  }

  /// The file of `runs`: each sweep point's outcomes, whose first replication index is `first`.
  static func file(_ runs: [(point: Int, first: Int, outcomes: [ReplicationOutcome])]) -> OutputFile {
    var table = CSVTable(columns: columns)
    for run in runs {
      for (offset, outcome) in run.outcomes.enumerated() {
        let head: [CSVValue] = [.integer(run.point), .integer(run.first + offset), .integer(Int64(outcome.eventsHandled))]
        for scope in [outcome.summary.all] + outcome.summary.scopes {
          var flags: [CSVValue] = [.empty, .empty]
          if scope.kind == .apiService {
            flags = [.integer(outcome.serviceBacked[scope.index] ? 1 : 0), .integer(outcome.completedRequests[scope.index] ? 1 : 0)]
          }
          let key = head + [.text(scope.kind.rawValue), .text(scope.name), .integer(scope.index)] + flags
          if scope.metrics.isEmpty { table.append(key + [.empty, .empty, .empty]) }
          for (metric, value) in zip(scope.metrics, scope.values) {
            table.append(key + [.text(metric.name), .text(metric.unit.rawValue), exact(value)])
          }
        }
      }
    }
    return OutputFile(name: fileName, text: table.rendered())
  }

  /// `x` as text that parses back to the identical `Double` (see the type).
  static func exact(_ x: Double) -> CSVValue {
    x == 0 && x.sign == .minus ? .text("-0.0") : .number(x)
  }

  /// Reads the units of the file at `path`, in file order.
  /// - Throws: `MergeRefusal` naming the file and line of anything that is not as written.
  static func read(_ path: String) throws -> [Unit] {
    guard let data = FileManager.default.contents(atPath: path) else { throw MergeRefusal("cannot read \(path)") }
    let document: CSVDocument
    do {
      document = try CSVDocument(parsing: String(decoding: data, as: UTF8.self))
    } catch {
      throw MergeRefusal("\(path): \(error)")
    }
    guard document.columns == columns else { throw MergeRefusal("\(path): the columns are not those of \(fileName)") }
    var units: [Unit] = []
    var rows = document.rows[...]
    var line = 2
    func bad(_ what: String) -> MergeRefusal { MergeRefusal("\(path) line \(line): \(what)") }
    while let first = rows.first {
      guard let point = Int(first[0]), let replication = Int(first[1]), let events = UInt64(first[2]) else {
        throw bad("a sweep point, replication or event count that is not an integer")
      }
      var all: ReplicationSummary.Scope?
      var scopes: [ReplicationSummary.Scope] = []
      var serviceBacked: [Int: Bool] = [:], completed: [Int: Bool] = [:]
      while let row = rows.first, row[0] == first[0], row[1] == first[1] {
        guard let kind = ScopeKind(rawValue: row[3]), let index = Int(row[5]) else { throw bad("an unknown scope kind or index") }
        var scope = ReplicationSummary.Scope(kind: kind, name: row[4], index: index, metrics: [], values: [])
        while let row = rows.first, row[0] == first[0], row[1] == first[1], row[3] == kind.rawValue, row[4] == scope.name,
              row[5] == "\(index)" {
          if kind == .apiService { (serviceBacked[index], completed[index]) = (row[6] == "1", row[7] == "1") }
          if !row[8].isEmpty {
            guard let metric = MetricCatalogue.summaryMetric(named: row[8]) else { throw bad("no summary metric \(row[8])") }
            guard let value = row[10].isEmpty ? Double.nan : Double(row[10]) else { throw bad("a value that is not a number") }
            scope.metrics.append(metric)
            scope.values.append(value)
          }
          rows.removeFirst()
          line += 1
        }
        if kind == .all { all = scope } else { scopes.append(scope) }
      }
      guard let all else { throw bad("unit (\(point), \(replication)) has no all scope") }
      let count = serviceBacked.count
      guard serviceBacked.keys.allSatisfy({ (0..<count).contains($0) }) else { throw bad("APIService indices with a gap") }
      let outcome = ReplicationOutcome(
        summary: ReplicationSummary(replication: replication, scopes: scopes, all: all),
        serviceBacked: (0..<count).map { serviceBacked[$0]! }, completedRequests: (0..<count).map { completed[$0]! },
        eventsHandled: events)
      units.append(Unit(point: point, replication: replication, outcome: outcome))
    }
    return units
  }
}

/// Why `aggsim merge` will not merge the directories it was given (nothing is written then).
struct MergeRefusal: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
