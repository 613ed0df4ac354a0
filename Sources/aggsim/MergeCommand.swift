import ArgumentParser
import Foundation
import Scenario
import SimOutput

/// `aggsim merge DIR… --out DIR` (issue 14): puts the shard directories of one run, sweep or
/// check (`--shard I/N`) together into the results a single machine would have written, in
/// `<out>/<scenario>/`: the same bytes in every CSV. The record files (`timeseries.csv`,
/// `events.csv`, `requests.csv`) are the shards' joined in shard order (a shard holds
/// contiguous units, so this is (sweep point, replication) order); `summary.csv`,
/// `sweep-summary.csv` and a check's verdicts are computed from every unit's outcome
/// (`shard-units.csv`) by the code a single run uses; `sweep.csv` is the shards' (identical) grid.
/// `metadata.json` says it was merged (`extras.merged_from`, the shards in index order) and
/// adds up the shards' events; its `wall_time_s` is the longest shard's, the run's wall time
/// when every shard ran at once.
///
/// Refused, with nothing written (exit 65): directories that are not N distinct shards of one
/// run (`ShardSet`). A check's expectations are evaluated here, as `check` does (exit 1 when
/// one fails).
struct MergeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge", abstract: "Merge the shard directories of a run, sweep or check (--shard I/N) into its results.")

  /// Exit code of shards that cannot be merged (EX_DATAERR, as a bad scenario).
  static let refusedExitCode: Int32 = 65

  @Argument(help: "The shard directories (<out>/<scenario>.shard-I-of-N), all N of one run, in any order.") var shards: [String]
  @Option(help: "Directory the merged results go into (one folder named after the scenario).") var out = "notebooks-out"
  @OptionGroup var judging: CheckJudging

  func run() async throws {
    let set: ShardSet
    do {
      set = try ShardSet(directories: shards)
    } catch let refusal as MergeRefusal {
      throw Self.refuse(refusal)
    }
    if set.command == "compare" { return try await mergeComparison(set) }
    let overrides = Self.list(set.extra("overrides"))
    let scenarioPath = "\(set.members[0].directory)/\(ShardUnits.scenarioFileName)"
    let loaded = try ScenarioRunner.load(scenarioPath, overrides: overrides)
    let directory = try OutputDirectory(root: out, scenario: loaded.file.name)
    let console = CommandOutput(format: judging.format)
    var merged: [[ReplicationOutcome]] = []
    var findings: FindingsTable?
    do {
      let grid = set.command == "sweep"
        ? try SweepGrid(fileParameters: loaded.file.sweep, commandLine: Self.list(set.extra("sweep_parameters"))) : nil
      merged = try set.outcomes(points: grid?.points.count ?? 1)
      let sweepFile = grid == nil ? nil : try set.sweepFile()
      let metadata = try Self.metadata(set, events: merged.joined().eventsHandled)
      try await directory.write(estimatedBytes: Self.bytes(of: set)) { staged in
        for schema in set.recordFiles {
          try staged.joinFiles(of: schema, sources: set.members.map { "\($0.directory)/\(schema.fileName)" })
        }
        guard let grid else {
          let table = FindingsTable(models: [loaded.model], summaries: [merged[0].map(\.summary)])
          findings = table
          return [SummaryTable(outcomes: merged).file(), table.file(), try metadata.outputFile()]
        }
        let models = try grid.points.map { point in
          try ScenarioRunner.load(scenarioPath, overrides: overrides + point.map(\.setting)).model
        }
        let files = try SweepCommand.files(grid: grid, expectations: loaded.file.expectations, models: models, outcomes: merged,
                                           metadata: metadata)
        guard let sweepFile, files.contains(where: { $0.name == "sweep.csv" && $0.bytes == [UInt8](sweepFile) }) else {
          throw MergeRefusal("the shards' sweep.csv is not the grid of their scenario and --param")
        }
        return files
      }
    } catch let refusal as MergeRefusal {
      throw Self.refuse(refusal)
    }
    console.say("merged \(set.members.count) shards of \(set.units) units → \(directory.path)/")
    if let findings { console.say(findings.text()) }
    guard set.command == "check" else { return }
    var verdicts = CheckVerdicts(judging: judging)
    verdicts.add(loaded, summaries: merged[0].map(\.summary))
    try verdicts.finish()
  }

  /// Merges the shards of a `compare`: its files (compare.csv, summary-a.csv, summary-b.csv)
  /// from the paired replications of every shard, its gates judged as `compare` judges them.
  func mergeComparison(_ set: ShardSet) async throws {
    let gateTexts = Self.list(set.extra("gates"))
    let gates = try gateTexts.map(CompareCommand.Gate.init(parsing:))
    let directory = try OutputDirectory(root: out, scenario: set.extra("output_name"))
    let console = CommandOutput(format: judging.format)
    var conclusion: CompareCommand.Conclusion?
    do {
      let merged = try set.outcomes(points: 2)
      let metadata = try Self.metadata(set, events: merged.joined().eventsHandled)
      try await directory.write { _ in
        let made = CompareCommand.conclude(a: merged[0], b: merged[1], gates: gates, console: console)
        conclusion = made
        return made.files + [try metadata.outputFile()]
      }
    } catch let refusal as MergeRefusal {
      throw Self.refuse(refusal)
    }
    console.say("merged \(set.members.count) shards of \(set.units) paired replications → \(directory.path)/compare.csv")
    if let conclusion { try CompareCommand.finish(conclusion, gates: gates.count, console: console) }
  }

  /// Prints the refusal and gives the exit code.
  static func refuse(_ refusal: MergeRefusal) -> ExitCode {
    FileHandle.standardError.write(Data("aggsim: merge refused, nothing written: \(refusal)\n".utf8))
    return ExitCode(refusedExitCode)
  }

  /// The merged run's metadata (see the type).
  static func metadata(_ set: ShardSet, events: Int) throws -> RunMetadata {
    let all = set.members.map(\.metadata)
    var extras = set.first.extras.filter { !ShardSet.ownExtras.contains($0.key) }
    extras["merged"] = "true"
    extras["merged_from"] = jsonList(set.members.map(\.directory))
    extras["shards"] = "\(set.members.count)"
    extras["shard_wall_times_s"] = jsonList(all.map { "\($0.wallTimeSeconds)" })
    return RunMetadata(
      aggsimVersion: set.first.aggsimVersion, gitCommit: set.first.gitCommit, scenario: set.first.scenario,
      scenarioHash: set.first.scenarioHash, seed: set.first.seed, replications: set.first.replications,
      jobs: all.reduce(0) { $0 + $1.jobs }, commandLine: CommandLine.arguments,
      startTime: all.map(\.startTime).min() ?? Date(), wallTimeSeconds: all.map(\.wallTimeSeconds).max() ?? .nan,
      events: events, extras: extras, timeBucketSeconds: set.first.timeBucketSeconds)
  }

  /// What the merged files take: about what the shards' record files take.
  static func bytes(of set: ShardSet) -> UInt64 {
    set.members.reduce(0) { total, member in
      set.recordFiles.reduce(total) { sum, schema in
        let size = (try? FileManager.default.attributesOfItem(atPath: "\(member.directory)/\(schema.fileName)")[.size] as? Int) ?? 0
        return sum + UInt64(size)
      }
    }
  }

  /// A list of strings as a JSON array (how a shard's metadata records its `--set` and
  /// `--param` values), e.g. `["spec.run.duration=40s"]`.
  static func jsonList(_ items: [String]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return (try? String(decoding: encoder.encode(items), as: UTF8.self)) ?? "[]"
  }

  /// The strings of a `jsonList`.
  static func list(_ text: String) -> [String] {
    (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
  }
}
