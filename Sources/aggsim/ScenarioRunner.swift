import AggregationModel
import ArgumentParser
import Foundation
import Scenario
import SimCore
import SimOutput

/// What `run`, `check` and `sweep` share: load a scenario file (with `--set` overrides), run its
/// replications in parallel, and write its results atomically.
struct ScenarioRunner {
  /// A scenario file read and validated, with the model it describes.
  struct Loaded {
    var path: String
    var file: ScenarioFile<ModelSections>
    var model: ModelSpec
    var bytes: [UInt8]
  }

  /// Exit code of a scenario that is not valid (EX_DATAERR).
  static let badScenarioExitCode: Int32 = 65

  /// Loads `path`; prints every error of the file to standard error and exits with 65 when it
  /// is not a valid scenario.
  static func load(_ path: String, overrides: [String]) throws -> Loaded {
    let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
    let file: ScenarioFile<ModelSections>
    do {
      file = try ScenarioLoader.aggsim.load(path: path, overrides: overrides)
    } catch {
      // `load` throws `ScenarioErrors` only: every problem of the file, one per line.
      FileHandle.standardError.write(Data((error.description + "\n").utf8))
      throw ExitCode(badScenarioExitCode)
    }
    for warning in file.warnings {
      FileHandle.standardError.write(Data("aggsim: warning: \(warning)\n".utf8))
    }
    return Loaded(path: path, file: file, model: file.modelSpec(), bytes: bytes)
  }

  /// Simulated time between two hand-overs of a replication's records to its files: a
  /// replication holds one simulated second of records at a time (the requests sampled in it,
  /// the time-series buckets that close in it, its events), however long it runs.
  static let stretch = SimDuration.seconds(1)

  /// Runs `replications` replications of `model` from `seed`, `jobs` at a time, reporting
  /// progress on standard error when it is a terminal. Each replication runs in stretches and
  /// streams its records to its parts of `records`, or drops them when there is none (a caller
  /// that reads only the summary). Outcomes come back in replication order.
  /// - Throws: the first `OutputError` of a replication writing its records, or the first
  ///   `BudgetOverrun` of a replication that exceeded `budget`.
  /// A shard (`--shard`) runs the replications `first ..< first + replications` only, each
  /// seeded from its own index as in a whole run.
  static func execute(_ model: ModelSpec, name: String, replications: Int, first: Int = 0, seed: UInt32, jobs: Int,
                      records: RecordFiles? = nil, budget: RunBudget = RunBudget()) async throws -> [ReplicationOutcome] {
    let progress = Progress(label: name, replications: replications, duration: model.duration)
    let outcomes = await Replications.run(count: replications, jobs: jobs) { offset in
      let replication = first + offset
      return Result { () throws -> ReplicationOutcome in
        // The replication index is below 1024 (validated), so the streams cannot fail to seed.
        var simulation = try! AggregationSimulation(spec: model, runSeed: seed, replication: replication)
        let outcome = try run(&simulation, replication: replication, records: records, budget: budget, progress: progress)
        progress.replicationDone()
        return outcome
      }
    }
    return try outcomes.map { try $0.get() }
  }

  /// Runs `simulation` (replication `replication`) to its end in stretches of `stretch`, writing
  /// each stretch's records to the replication's parts of `records` (nil: dropping them), and
  /// keeps its outcome.
  static func run(_ simulation: inout AggregationSimulation, replication: Int,
                  records: RecordFiles?, budget: RunBudget, progress: Progress? = nil) throws -> ReplicationOutcome {
    simulation.start()
    var writer = try records?.writer(replication: replication, clientNames: simulation.clientNames,
                                     apiServiceNames: simulation.apiServiceNames)
    var time = SimTime.zero
    repeat {
      time = time + stretch
      let before = simulation.eventsHandled
      try simulation.advance(to: time, within: budget)
      progress?.advanced(by: stretch, events: simulation.eventsHandled - before)
      let taken = simulation.takeRecords()  // taken even when there is no writer: dropped
      ProcessMemory.sampleHeap()  // the stretch's records are held: the replication's high point
      try writer?.write(taken)
    } while time < simulation.end
    let result = simulation.finish()  // its records are the ones not taken: none
    try writer?.write(ReplicationRecords(events: result.events, trace: result.trace, timeSeries: result.timeSeries))
    try writer?.close()
    return ReplicationOutcome(result)
  }

  /// The git commit of the aggsim checkout the binary was built in, or `unknown`.
  static func gitCommit() -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
                         "rev-parse", "--short=12", "HEAD"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return "unknown" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
  }
}

