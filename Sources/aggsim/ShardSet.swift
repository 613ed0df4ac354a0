import Foundation
import SimOutput

/// The shard directories `aggsim merge` was given, read and checked to be exactly the N shards
/// of one run: each has a `metadata.json` with a `shard` (written by `--shard`), all of them
/// agree on everything that shapes the results (aggsim version and commit, scenario and its
/// fingerprint, seed, replications, time bucket, the command, `--set` overrides, sweep
/// parameters, trace sampling, the number of shards and units), each index 0 … N−1 is given
/// exactly once, and each holds the units its index owns (`Shard.units(of:)`) and the files of
/// its command. Anything else is a `MergeRefusal`, before anything is written.
struct ShardSet {
  /// One shard directory.
  struct Member {
    var directory: String
    var shard: Shard
    var metadata: RunMetadata
  }

  /// The shards in index order.
  let members: [Member]

  /// The extras that differ from shard to shard; every other one must be the same in all.
  static let ownExtras: Set<String> = ["shard", "shard_units"]

  /// The record files every shard has, in the order they are joined.
  var recordFiles: [CSVSchema] {
    guard command != "compare" && command != "capacity" else { return [] }  // they write no record files
    return [OutputSchema.timeseries, OutputSchema.events] + (extra("traces_requests") == "true" ? [OutputSchema.requests] : [])
  }

  var first: RunMetadata { members[0].metadata }
  func extra(_ key: String) -> String { first.extras[key] ?? "" }
  /// run, sweep or check.
  var command: String { extra("command") }
  var units: Int { Int(extra("units")) ?? 0 }

  init(directories: [String]) throws {
    guard !directories.isEmpty else { throw MergeRefusal("no shard directories given") }
    let read = try directories.map(Self.member)
    let reference = read[0]
    for member in read.dropFirst() { try Self.checkSame(reference, member) }
    var byIndex: [Int: Member] = [:]
    for member in read {
      if let earlier = byIndex[member.shard.index] {
        throw MergeRefusal("shard \(member.shard) is given twice: \(earlier.directory) and \(member.directory)")
      }
      byIndex[member.shard.index] = member
    }
    let count = reference.shard.count
    let missing = (0..<count).filter { byIndex[$0] == nil }
    guard missing.isEmpty else {
      throw MergeRefusal("shard" + (missing.count > 1 ? "s " : " ") + missing.map { "\($0)/\(count)" }.joined(separator: ", ")
                         + (missing.count > 1 ? " are" : " is") + " missing (a merge needs all \(count) shards of the run)")
    }
    members = (0..<count).map { byIndex[$0]! }
    for member in members { try checkFiles(member) }
  }

  /// Reads the metadata of the shard directory `directory`.
  static func member(_ directory: String) throws -> Member {
    let path = "\(directory)/\(RunMetadata.fileName)"
    guard let data = FileManager.default.contents(atPath: path) else {
      throw MergeRefusal("\(directory) is not a shard directory: it has no \(RunMetadata.fileName)")
    }
    let metadata: RunMetadata
    do {
      metadata = try JSONDecoder().decode(RunMetadata.self, from: data)
    } catch {
      throw MergeRefusal("\(path) is not aggsim's metadata: \(error)")
    }
    guard let text = metadata.extras["shard"] else {
      throw MergeRefusal("\(directory) is not a shard directory: its metadata has no shard (a whole run's results, not --shard's)")
    }
    guard let shard = try? Shard(parsing: text, environment: [:]) else { throw MergeRefusal("\(path): shard \"\(text)\" is not I/N") }
    return Member(directory: directory, shard: shard, metadata: metadata)
  }

  /// Refuses two shards that are not of the same run.
  static func checkSame(_ a: Member, _ b: Member) throws {
    func differ(_ what: String, _ x: String, _ y: String) -> MergeRefusal {
      MergeRefusal("the shards are not of one run: their \(what) differ: \(a.directory) has \(x), \(b.directory) has \(y)")
    }
    let x = a.metadata, y = b.metadata
    let fields: [(String, String, String)] = [
      ("aggsim versions", x.aggsimVersion, y.aggsimVersion), ("aggsim commits", x.gitCommit, y.gitCommit),
      ("scenarios", x.scenario, y.scenario), ("scenario files (scenario_hash)", x.scenarioHash, y.scenarioHash),
      ("seeds", "\(x.seed)", "\(y.seed)"), ("replications", "\(x.replications)", "\(y.replications)"),
      ("time buckets", "\(x.timeBucketSeconds ?? .nan)", "\(y.timeBucketSeconds ?? .nan)"),
      ("numbers of shards", "\(a.shard.count)", "\(b.shard.count)"),
    ]
    for (what, p, q) in fields where p != q { throw differ(what, p, q) }
    let keys = Set(x.extras.keys).union(y.extras.keys).subtracting(ownExtras).sorted()
    for key in keys where x.extras[key] != y.extras[key] {
      throw differ(label(key), x.extras[key] ?? "nothing", y.extras[key] ?? "nothing")
    }
  }

  /// How a refusal names an `extras` key.
  static func label(_ key: String) -> String {
    switch key {
    case "command": return "commands (run, sweep, check)"
    case "overrides": return "--set overrides"
    case "sweep_parameters": return "sweep parameters (--param)"
    case "trace_sampling": return "--trace-sampling"
    case "units": return "numbers of work units"
    default: return key
    }
  }

  /// Refuses a shard whose units are not its index's or that lacks a file of its command.
  func checkFiles(_ member: Member) throws {
    let mine = member.shard.units(of: units)
    guard member.metadata.extras["shard_units"] == "\(mine.lowerBound)..<\(mine.upperBound)" else {
      throw MergeRefusal("\(member.directory): shard \(member.shard) of \(units) units must hold units "
                         + "\(mine.lowerBound)..<\(mine.upperBound), its metadata says \(member.metadata.extras["shard_units"] ?? "none")")
    }
    var names = recordFiles.map(\.fileName) + [ShardUnits.fileName, ShardUnits.scenarioFileName]
    if command == "sweep" { names.append("sweep.csv") }
    for name in names where !FileManager.default.fileExists(atPath: "\(member.directory)/\(name)") {
      throw MergeRefusal("\(member.directory) has no \(name)")
    }
    let scenario = FileManager.default.contents(atPath: "\(member.directory)/\(ShardUnits.scenarioFileName)").map { [UInt8]($0) } ?? []
    guard Fingerprint.hex(scenario) == member.metadata.scenarioHash else {
      throw MergeRefusal("\(member.directory)/\(ShardUnits.scenarioFileName) is not the scenario file its metadata names (scenario_hash)")
    }
    for schema in recordFiles {
      let path = "\(member.directory)/\(schema.fileName)"
      let head = FileHandle(forReadingAtPath: path).map { $0.readData(ofLength: 1 << 16) } ?? Data()
      let header = CSVTable(columns: schema.columnNames).rendered()
      guard head.starts(with: Data(header.utf8)) else { throw MergeRefusal("\(path) does not start with the header of \(schema.fileName)") }
    }
  }

  /// Every unit of the run, `outcomes[point][replication]`, read from the shards. A compare's
  /// shard holds its replications of A (point 0), then the same of B (point 1).
  func outcomes(points: Int) throws -> [[ReplicationOutcome]] {
    let each = first.replications, sides = command == "compare" ? 2 : 1
    guard points * each == units * sides else {
      throw MergeRefusal("the shards hold \(units) units, not \(points) points × \(each) replications")
    }
    var outcomes: [[ReplicationOutcome]] = Array(repeating: [], count: points)
    for member in members {
      let read = try ShardUnits.read("\(member.directory)/\(ShardUnits.fileName)")
      let mine = member.shard.units(of: units)
      let expected = (0..<sides).flatMap { side in mine.map { side * units + $0 } }
      guard read.map({ $0.point * each + $0.replication }) == expected else {
        throw MergeRefusal("\(member.directory)/\(ShardUnits.fileName) does not hold units \(mine.lowerBound)..<\(mine.upperBound) in order")
      }
      for unit in read { outcomes[unit.point].append(unit.outcome) }
    }
    return outcomes
  }

  /// The sweep grid's `sweep.csv`, which every shard of a sweep must hold identically.
  func sweepFile() throws -> Data {
    let files = members.map { FileManager.default.contents(atPath: "\($0.directory)/sweep.csv") ?? Data() }
    for (member, file) in zip(members, files) where file != files[0] {
      throw MergeRefusal("\(member.directory)/sweep.csv differs from \(members[0].directory)/sweep.csv")
    }
    return files[0]
  }
}
