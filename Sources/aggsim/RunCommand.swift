import ArgumentParser
import AggregationModel
import Foundation
import Scenario
import SimCore
import SimOutput

/// `aggsim run`: runs scenario files and writes their CSVs and metadata into
/// `<out>/<scenario name>/`, atomically; with `--report`, then `report.html` beside them.
struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run scenario files and write their results as CSV files.")

  @Argument(help: "Scenario files (YAML).") var scenarios: [String]
  @OptionGroup var options: RunOptions
  @OptionGroup var sharding: ShardOption
  @Flag(help: "Also write report.html (charts, no network) into each scenario's output directory.") var report = false

  func validate() throws {
    if report && sharding.shard != nil {
      throw ValidationError("--report writes the report of a whole run: run `aggsim report` on the directory `aggsim merge` writes")
    }
  }

  func run() async throws {
    let shard = try sharding.parsed()
    for path in scenarios {
      let loaded = try ScenarioRunner.load(path, overrides: options.set)
      let outcome = try await options.runAndWrite(loaded, shard: shard, command: "run")
      print(outcome.line)
      if shard != nil { continue }
      print(RunDigest.render(outcome.summaries))
      print(outcome.findings.text())
      if report {
        let directory = (options.out.hasSuffix("/") ? options.out : options.out + "/") + loaded.file.name
        print("report → \(try ReportCommand.writeHTML(directory: directory))")
      }
    }
  }
}

/// The options every command that runs scenarios takes.
struct RunOptions: ParsableArguments {
  @Option(help: "Directory the results go into (one folder per scenario).") var out = "notebooks-out"
  @Option(parsing: .unconditional, help: "Replications (overrides spec.run.replications; 1…1024).") var replications: Int?
  @Option(parsing: .unconditional, help: "Seed of the run (overrides spec.run.seed; 0…4294967295).") var seed: UInt32?
  @Option(parsing: .unconditional, help: "Replications run at once.") var jobs = ProcessInfo.processInfo.activeProcessorCount
  @Option(name: .customLong("set"), help: "Override a scenario value: key.path=value (repeatable).") var set: [String] = []
  @Option(parsing: .unconditional, help: "Fraction of requests written to requests.csv (0…1).") var traceSampling: Double?
  @Option(parsing: .unconditional, help: "Events one replication may handle before the run stops (exit 70).")
  var maxEvents: UInt64 = RunBudget.defaultMaxEvents
  @Option(parsing: .unconditional, help: "Memory (MiB) the process may reach before the run stops (exit 70); default half the RAM, at most 8192.")
  var maxMemory: UInt64 = RunBudget.defaultMaxMemoryBytes >> 20

  /// The budget of every replication.
  var budget: RunBudget { RunBudget(maxEvents: maxEvents, maxMemoryBytes: maxMemory << 20) }

  func validate() throws {
    if let replications, !(1...StreamSeeds.maxReplications).contains(replications) {
      throw ValidationError("--replications must be in 1…\(StreamSeeds.maxReplications), found \(replications)")
    }
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, found \(jobs)") }
    if let traceSampling, !(0...1).contains(traceSampling) {
      throw ValidationError("--trace-sampling must be in 0…1, found \(traceSampling)")
    }
    guard maxEvents >= 1 else { throw ValidationError("--max-events must be at least 1, found \(maxEvents)") }
    guard (64...(1 << 30)).contains(maxMemory) else { throw ValidationError("--max-memory must be in 64…1073741824 MiB, found \(maxMemory)") }
  }

  /// Replications of a run: the command line's, else the scenario's.
  func replications(of loaded: ScenarioRunner.Loaded) -> Int { replications ?? loaded.file.run.replications }
  /// Seed of a run: the command line's, else the scenario's.
  func seed(of loaded: ScenarioRunner.Loaded) -> UInt32 { seed ?? loaded.file.run.seed }
  /// Whether the run writes requests.csv.
  func tracesRequests(_ loaded: ScenarioRunner.Loaded) -> Bool { (traceSampling ?? loaded.model.requestTraceSampling) > 0 }

  /// Runs the replications of a loaded scenario with these options (replications, seed, jobs,
  /// trace sampling), streaming their records to `records` when given; `label` names it in the
  /// progress line.
  /// With `only`, runs just those replications (a shard's share, `Shard`).
  func execute(_ loaded: ScenarioRunner.Loaded, label: String? = nil, records: RecordFiles? = nil,
               only: Range<Int>? = nil) async throws -> [ReplicationOutcome] {
    var model = loaded.model
    if let traceSampling { model.requestTraceSampling = traceSampling }
    let range = only ?? 0..<replications(of: loaded)
    return try await ScenarioRunner.execute(model, name: label ?? loaded.file.name, replications: range.count, first: range.lowerBound,
                                            seed: seed(of: loaded), jobs: jobs, records: records, budget: budget)
  }

  /// Runs one loaded scenario, streaming its record files and then writing the others, and
  /// returns a one-line summary with the replications' summary metrics and the findings. With
  /// `shard`, runs its share of the replications only and writes a shard directory (`ShardUnits`)
  /// for `aggsim merge` (no findings: they need every replication); `command` (run, check) is
  /// recorded there.
  func runAndWrite(_ loaded: ScenarioRunner.Loaded, shard: Shard? = nil, command: String = "run") async throws
    -> (line: String, summaries: [ReplicationSummary], findings: FindingsTable) {
    let count = replications(of: loaded)
    let runSeed = seed(of: loaded)
    let started = Date()
    let range = shard?.replications(points: 1, each: count)[0] ?? 0..<count
    let directory = try OutputDirectory(root: out, scenario: shard?.directoryName(loaded.file.name) ?? loaded.file.name)
    var outcomes: [ReplicationOutcome] = []
    var wall = 0.0
    var findings = FindingsTable(models: [], summaries: [])
    try await directory.write(estimatedBytes: estimatedOutputBytes(loaded, replications: range.count)) { staged in
      let records = RecordFiles(staged: staged, tracesRequests: tracesRequests(loaded))
      let clock = ContinuousClock.now
      outcomes = try await execute(loaded, records: records, only: range)
      wall = (ContinuousClock.now - clock).seconds
      try records.join(ranges: [range])
      var metadata = metadata(for: loaded, replications: count, seed: runSeed, wall: wall, events: outcomes.eventsHandled,
                              started: started)
      guard let shard else {
        findings = FindingsTable(models: [loaded.model], summaries: [outcomes.map(\.summary)])
        return [SummaryTable(outcomes: [outcomes]).file(), findings.file(), try metadata.outputFile()]
      }
      metadata.extras = shardExtras(loaded, shard: shard, command: command, units: count)
      return [ShardUnits.file([(0, range.lowerBound, outcomes)]), OutputFile(name: ShardUnits.scenarioFileName, bytes: loaded.bytes),
              try metadata.outputFile()]
    }
    let events = outcomes.eventsHandled
    let rate = wall > 0 ? Double(events) / wall / 1e6 : 0
    let share = shard.map { " (shard \($0): replications \(range.lowerBound)..<\(range.upperBound))" } ?? ""
    let line = "\(loaded.file.name): \(range.count) replication\(range.count == 1 ? "" : "s")\(share), \(events) events in \(String(format: "%.2f", wall)) s "
      + "(\(String(format: "%.2f", rate)) M events/s) → \(directory.path)/"
    return (line, outcomes.map(\.summary), findings)
  }

  /// What a shard records in its metadata's `extras` for `aggsim merge`: the shard, the units
  /// of the whole run, and everything besides the scenario, seed and replications that shapes
  /// its results, which every shard of one run must share (`MergeCommand`).
  func shardExtras(_ loaded: ScenarioRunner.Loaded, shard: Shard, command: String, units: Int,
                   sweepParameters: [String] = []) -> [String: String] {
    let mine = shard.units(of: units)
    return ["command": command, "shard": "\(shard)", "shard_units": "\(mine.lowerBound)..<\(mine.upperBound)",
            "units": "\(units)", "overrides": MergeCommand.jsonList(set), "sweep_parameters": MergeCommand.jsonList(sweepParameters),
            "trace_sampling": traceSampling.map { "\($0)" } ?? "scenario", "traces_requests": "\(tracesRequests(loaded))",
            "output_name": loaded.file.name]
  }

  /// A floor on what the outputs will take, checked against the free space before the run: the
  /// time series (about 64 bytes a point) and 1 MB for the rest (requests.csv is not estimated:
  /// its size depends on the load the run finds).
  func estimatedOutputBytes(_ loaded: ScenarioRunner.Loaded, replications: Int) -> UInt64 {
    Self.estimatedOutputBytes(loaded.model, replications: replications)
  }

  /// `estimatedOutputBytes(_:replications:)` of a model.
  static func estimatedOutputBytes(_ model: ModelSpec, replications: Int) -> UInt64 {
    let buckets = UInt64(max(1, model.duration.nanoseconds / max(1, model.timeBucket.nanoseconds)))
    let points = UInt64(replications) * buckets * UInt64(TimeSeriesMetric.pointsPerBucket(of: model))
    return 1_000_000 + points.multipliedReportingOverflow(by: 64).partialValue
  }

  /// The run's metadata (the only output with wall-clock values in it).
  func metadata(for loaded: ScenarioRunner.Loaded, replications: Int, seed: UInt32, wall: Double, events: Int,
                started: Date = Date()) -> RunMetadata {
    RunMetadata(
      aggsimVersion: AggSimVersion.current, gitCommit: ScenarioRunner.gitCommit(), scenario: loaded.file.name,
      scenarioHash: Fingerprint.hex(loaded.bytes), seed: seed, replications: replications, jobs: jobs,
      commandLine: CommandLine.arguments, startTime: started, wallTimeSeconds: wall, events: events,
      timeBucketSeconds: Double(loaded.model.timeBucket.nanoseconds) / 1e9,
      peakHeapBytes: ProcessMemory.peakHeapBytes, peakResidentBytes: ProcessMemory.peakResidentBytes)
  }
}

extension Duration {
  /// The duration in seconds, as a `Double`.
  var seconds: Double {
    let (s, attoseconds) = components
    return Double(s) + Double(attoseconds) * 1e-18
  }
}
