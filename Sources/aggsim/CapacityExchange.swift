import Foundation
import Scenario
import SimOutput

/// `capacity --shard I/N` (issue 14): N machines run one bisection in lockstep, with no
/// coordinator. At each step every shard runs its share of the step's replications (as `run
/// --shard` shares them), publishes them as a shard directory under
/// `<out>/<scenario>-capacity.steps/<search>/step-<k>/`, waits until all N shards of the step
/// are there, and reads them all (`ShardSet`, which refuses shards of another value or
/// configuration). Every shard then holds every replication's outcome, judges the step exactly as
/// a single machine does, and so takes the same next midpoint; shard 0 writes the results, which
/// are a single run's bytes. `<search>` is a fingerprint of the search's configuration, so a
/// directory left by another search is never read; one left by the same search holds the same
/// units (a run is deterministic).
struct CapacityExchange {
  let search: CapacityCommand
  let shard: Shard

  /// How long a shard waits for the others at one step (a day: a pod may wait for a node).
  static let waitLimit = Duration.seconds(86_400)
  /// How often it looks for them.
  static let pollInterval = Duration.milliseconds(200)

  /// The fingerprint of everything that makes the search what it is (not the shard's index).
  var searchKey: String {
    let options = search.options
    let parts: [String] = [search.scenario, search.param, "\(search.low)", "\(search.high)", search.suffix, "\(search.integer)",
                           search.find.rawValue, search.metric, search.scope, "\(search.min ?? .nan)", "\(search.max ?? .nan)",
                           "\(search.iterations)", "\(options.replications.map(String.init) ?? "")", "\(options.seed.map(String.init) ?? "")",
                           "\(options.traceSampling ?? .nan)", "\(shard.count)"] + options.set
    return Fingerprint.hex(Array(parts.joined(separator: "\u{0}").utf8))
  }

  /// Every replication's outcome of the step `step` at `value`, this shard's run here and the
  /// others' read from their directories.
  func outcomes(of loaded: ScenarioRunner.Loaded, value: Double, step: Int) async throws -> [ReplicationOutcome] {
    let options = search.options
    let count = options.replications(of: loaded)
    let range = shard.replications(points: 1, each: count)[0]
    let clock = ContinuousClock.now
    let mine = try await options.execute(loaded, label: "\(search.param)=\(search.text(value)) (shard \(shard))", only: range)
    let root = "\(options.out)/\(loaded.file.name)-capacity.steps/\(searchKey)/step-\(step)"
    var metadata = options.metadata(for: loaded, replications: count, seed: options.seed(of: loaded),
                                    wall: (ContinuousClock.now - clock).seconds, events: mine.eventsHandled)
    metadata.extras = options.shardExtras(loaded, shard: shard, command: "capacity", units: count)
    metadata.extras["traces_requests"] = "false"
    metadata.extras["value"] = search.text(value)
    try OutputDirectory(root: root, scenario: shard.directoryName(loaded.file.name)).write([
      ShardUnits.file([(0, range.lowerBound, mine)]), OutputFile(name: ShardUnits.scenarioFileName, bytes: loaded.bytes),
      try metadata.outputFile(),
    ])
    let directories = (0..<shard.count).map { "\(root)/\(Shard(index: $0, count: shard.count).directoryName(loaded.file.name))" }
    let deadline = ContinuousClock.now + Self.waitLimit
    while !directories.allSatisfy({ FileManager.default.fileExists(atPath: "\($0)/\(RunMetadata.fileName)") }) {
      guard ContinuousClock.now < deadline else {
        throw MergeCommand.refuse(MergeRefusal("step \(step): the other shards did not publish their replications in \(root) within a day"))
      }
      try await Task.sleep(for: Self.pollInterval)
    }
    do {
      return try ShardSet(directories: directories).outcomes(points: 1)[0]
    } catch let refusal as MergeRefusal {
      throw MergeCommand.refuse(refusal)
    }
  }
}
