import AggregationModel
import ArgumentParser
import Foundation
import Scenario
import SimCore
import SimOutput
#if canImport(Glibc)
import Glibc
#endif

/// `aggsim job SCENARIO --shards N --image IMAGE` (issue 14): the Kubernetes manifests that run
/// a run, sweep or check as N shards (`JobManifests`), printed as one YAML stream for
/// `kubectl apply -f -`.
///
/// Resources: one CPU a pod (each shard runs `--jobs 1`). Memory is measured, not guessed: the
/// command runs replication 0 of the scenario for up to `probeDuration` of simulated time and
/// reads its peak resident memory P (`getrusage`); a pod requests max(256 MiB, 2·P) rounded up
/// to 64 MiB, and is limited to twice that. A replication streams its records every simulated
/// second and keeps fixed-size histograms, so its memory does not grow with the simulated time
/// (unless the model piles requests up without bound, which `--max-memory` stops); each shard
/// gets `--max-memory` at 7/8 of the limit, so it stops with exit 70 and a culprit before the
/// kubelet kills it. `--memory` skips the measurement.
struct JobCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "job", abstract: "Write the Kubernetes manifests (Indexed Job + merge Job) that run a scenario as N shards.")

  enum Kind: String, ExpressibleByArgument, CaseIterable { case run, sweep, check, capacity }

  @Argument(help: "The scenario file (YAML).") var scenario: String
  @Option(help: "Number of shards (pods of the Indexed Job), 1…10000.") var shards: Int
  @Option(help: "The container image holding aggsim (built from the repository's Containerfile).") var image: String
  @Option(help: "Namespace of every object.") var namespace = "default"
  @Option(name: .customLong("command"), help: "What each shard runs: run, sweep, check or capacity (its options after --).")
  var kind = Kind.run
  @Option(help: "Name prefix of the objects (default: the scenario's name).") var name: String?
  @Option(help: "An existing ReadWriteMany PersistentVolumeClaim for the results (default: one is created).") var pvc: String?
  @Option(help: "Pods running at once (default: all N).") var parallelism: Int?
  @Option(parsing: .unconditional, help: "Memory a pod requests, MiB (default: measured, see the README).") var memory: Int?
  @Option(parsing: .unconditional, help: "Replications (overrides spec.run.replications).") var replications: Int?
  @Option(parsing: .unconditional, help: "Seed of the run (overrides spec.run.seed).") var seed: UInt32?
  @Option(name: .customLong("set"), help: "Override a scenario value: key.path=value (repeatable).") var set: [String] = []
  @Option(name: .customLong("param"), help: "A swept parameter of --command sweep: key.path=v1,v2,… (repeatable).")
  var parameters: [String] = []
  @Option(parsing: .unconditional, help: "Fraction of requests written to requests.csv (0…1).") var traceSampling: Double?
  @Argument(parsing: .postTerminator, help: "After --: more options of the command, e.g. capacity's --param, --low, --high, --metric, --max.")
  var more: [String] = []

  /// Simulated time of the memory measurement.
  static let probeDuration = SimDuration.seconds(120)

  func validate() throws {
    guard (1...Shard.maxCount).contains(shards) else { throw ValidationError("--shards must be in 1…\(Shard.maxCount), found \(shards)") }
    if let parallelism, !(1...shards).contains(parallelism) {
      throw ValidationError("--parallelism must be in 1…\(shards) (--shards), found \(parallelism)")
    }
    if let memory, !(64...(1 << 20)).contains(memory) { throw ValidationError("--memory must be in 64…1048576 MiB, found \(memory)") }
    if let replications, !(1...StreamSeeds.maxReplications).contains(replications) {
      throw ValidationError("--replications must be in 1…\(StreamSeeds.maxReplications), found \(replications)")
    }
    if let traceSampling, !(0...1).contains(traceSampling) { throw ValidationError("--trace-sampling must be in 0…1, found \(traceSampling)") }
    if !parameters.isEmpty && kind != .sweep { throw ValidationError("--param needs --command sweep (capacity's --param goes after --)") }
    if kind == .capacity && more.isEmpty { throw ValidationError("--command capacity needs capacity's options after --, e.g. -- --param P --low L --high H --metric M --max B") }
    if let name { _ = try JobManifests.checkName(name, shards: shards) }
    guard image.range(of: "^[^\\s]+$", options: .regularExpression) != nil else { throw ValidationError("--image must be an image reference, found \"\(image)\"") }
  }

  func run() async throws {
    let loaded = try ScenarioRunner.load(scenario, overrides: set)
    if kind == .sweep { _ = try SweepGrid(fileParameters: loaded.file.sweep, commandLine: parameters) }
    let prefix = try JobManifests.checkName(name ?? JobManifests.dnsLabel(loaded.file.name), shards: shards)
    var requestMiB = memory ?? 0
    if memory == nil { requestMiB = try await Self.measuredRequestMiB(loaded) }
    var arguments = ["--replications", "\(replications ?? loaded.file.run.replications)", "--seed", "\(seed ?? loaded.file.run.seed)"]
    arguments += set.flatMap { ["--set", $0] } + parameters.flatMap { ["--param", $0] }
    if let traceSampling { arguments += ["--trace-sampling", "\(traceSampling)"] }
    arguments += more
    let estimate = RunOptions.estimatedOutputBytes(loaded.model, replications: Self.units(loaded, kind: kind, parameters: parameters,
                                                                                          replications: replications))
    let manifests = JobManifests(
      prefix: prefix, namespace: namespace, image: image, command: kind.rawValue, scenarioName: loaded.file.name,
      scenarioFile: JobManifests.configMapKey(for: scenario), scenarioText: String(decoding: loaded.bytes, as: UTF8.self),
      shards: shards, parallelism: parallelism ?? shards, arguments: arguments, memoryRequestMiB: requestMiB,
      existingClaim: pvc, storageGiB: max(1, Int((2 * estimate + (1 << 30) - 1) >> 30)))
    print(manifests.yaml(), terminator: "")
  }

  /// Work units of the run: replications × sweep points.
  static func units(_ loaded: ScenarioRunner.Loaded, kind: Kind, parameters: [String], replications: Int?) -> Int {
    let points = kind == .sweep ? ((try? SweepGrid(fileParameters: loaded.file.sweep, commandLine: parameters))?.points.count ?? 1) : 1
    return points * (replications ?? loaded.file.run.replications)
  }

  /// max(256 MiB, 2 × the peak resident memory of a probe replication), rounded up to 64 MiB.
  static func measuredRequestMiB(_ loaded: ScenarioRunner.Loaded) async throws -> Int {
    var model = loaded.model
    model.duration = min(model.duration, probeDuration)
    model.warmup = min(model.warmup, SimDuration(nanoseconds: model.duration.nanoseconds / 2))
    _ = try await ScenarioRunner.execute(model, name: "\(loaded.file.name) (memory probe)", replications: 1, seed: loaded.file.run.seed,
                                         jobs: 1)
    var usage = rusage()
    let peakMiB = getrusage(RUSAGE_SELF.rawValue, &usage) == 0 ? Int(usage.ru_maxrss) / 1_024 : 0  // kilobytes on Linux
    FileHandle.standardError.write(Data("aggsim job: a replication of \(loaded.file.name) peaked at \(peakMiB) MiB resident\n".utf8))
    return (max(256, 2 * peakMiB) + 63) / 64 * 64
  }
}
