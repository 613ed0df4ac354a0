import AggregationModel
import SimCore
import SimOutput

/// The files of a run that grow with the simulated time, `timeseries.csv`, `events.csv` and,
/// when the run traces requests, `requests.csv` (DESIGN §5), streamed into the run's staging
/// directory: each replication writes its own part of each file while it runs
/// (`ReplicationRecordWriter`), and `join(ranges:)` puts the parts together in (sweep
/// point, replication) order at the end, so the bytes are the same whatever `--jobs`.
struct RecordFiles: Sendable {
  /// Where the parts and the joined files go.
  let staged: StagedWrite
  /// Whether the run writes `requests.csv`.
  let tracesRequests: Bool
  /// The sweep point whose replications write through this value (0 without a sweep).
  var point = 0

  init(staged: StagedWrite, tracesRequests: Bool) {
    self.staged = staged
    self.tracesRequests = tracesRequests
  }

  /// The same files, for the replications of sweep point `point`.
  func at(point: Int) -> RecordFiles {
    var files = self
    files.point = point
    return files
  }

  /// The files written.
  var schemas: [CSVSchema] {
    [OutputSchema.timeseries, OutputSchema.events] + (tracesRequests ? [OutputSchema.requests] : [])
  }

  /// Names the part of (sweep point, replication).
  static func key(point: Int, replication: Int) -> String { "\(point).\(replication)" }

  /// Opens the parts of replication `replication` of this sweep point, whose clients and
  /// APIServices have these names (a trace entry holds their indices).
  func writer(replication: Int, clientNames: [String], apiServiceNames: [String]) throws(OutputError) -> ReplicationRecordWriter {
    let key = Self.key(point: point, replication: replication)
    return ReplicationRecordWriter(
      point: point, replication: replication, clientNames: clientNames, apiServiceNames: apiServiceNames,
      timeSeries: try staged.openPart(of: OutputSchema.timeseries, key: key),
      events: try staged.openPart(of: OutputSchema.events, key: key),
      requests: tracesRequests ? try staged.openPart(of: OutputSchema.requests, key: key) : nil)
  }

  /// Writes each file from its parts: sweep point 0's replications `ranges[0]` in order, then
  /// point 1's `ranges[1]` … (a shard runs a share of them, `Shard`).
  func join(ranges: [Range<Int>]) throws(OutputError) {
    let keys = ranges.enumerated().flatMap { point, range in
      range.map { Self.key(point: point, replication: $0) }
    }
    for schema in schemas { try staged.joinParts(of: schema, keys: keys) }
  }
}

/// The parts of one replication's record files, written while it runs: each stretch's time
/// series points, events and sampled requests become rows as `OutputSchema` lays them out, in
/// the order they were recorded. Confined to the replication's task.
struct ReplicationRecordWriter {
  let point: Int
  let replication: Int
  let clientNames: [String]
  let apiServiceNames: [String]
  let timeSeries: CSVFileWriter
  let events: CSVFileWriter
  /// nil when the run does not trace requests.
  let requests: CSVFileWriter?
  /// Requests written so far: the next one's number (`request` column).
  var requestNumber = 0

  /// Appends a stretch's records.
  mutating func write(_ records: ReplicationRecords) throws(OutputError) {
    let point = CSVValue.integer(self.point), replication = CSVValue.integer(self.replication)
    for p in records.timeSeries {
      try timeSeries.append([point, replication, .seconds(nanoseconds: p.time.nanoseconds), .text(p.scopeKind), .text(p.scope),
                             .text(p.metric), .number(p.value)])
    }
    for e in records.events {
      try events.append([point, replication, .seconds(nanoseconds: e.time.nanoseconds), .text(e.kind.rawValue), .text(e.subject),
                         .text(e.detail)])
    }
    guard let requests else { return }
    for entry in records.trace {
      let apiService: CSVValue = entry.apiService >= 0 ? .text(apiServiceNames[entry.apiService]) : .empty
      try requests.append([
        point, replication, .integer(requestNumber), .text(clientNames[entry.client]), apiService,
        .text(entry.kind.description), .seconds(nanoseconds: entry.start.nanoseconds),
        .seconds(nanoseconds: entry.end.nanoseconds), .seconds(nanoseconds: entry.latency.nanoseconds),
        .integer(entry.reason.code), .text(entry.reason.name), .integer(entry.attempts),
      ] + RequestStage.allCases.map { .seconds(nanoseconds: entry.stages[$0].nanoseconds) })
      requestNumber += 1
    }
  }

  /// Writes what is pending and closes the parts (not fsynced: they are joined, then removed).
  func close() throws(OutputError) {
    for part in [timeSeries, events] + (requests.map { [$0] } ?? []) { try part.close(sync: false) }
  }
}
