import Foundation
import Testing

/// Issue 14: `aggsim merge` refuses directories that are not all the shards of one run, with
/// exit 65, a message saying why, and nothing written (no result, no staging directory).
@Suite("merge refusals", .serialized)
struct ShardRefusalTests {
  typealias E2E = AggsimBinaryTests

  static let base = ["run", "Scenarios/quickstart.yaml", "--replications", "2", "--set", "spec.run.duration=20s",
                     "--set", "spec.run.warmup=5s", "--jobs", "1"]

  /// Runs shard `index`/`count` of `base` + `extra` into `out`; returns its directory.
  static func shard(_ index: Int, of count: Int, out: String, _ extra: [String] = [], scenario: String? = nil) throws -> String {
    var arguments = base + extra + ["--out", out, "--shard", "\(index)/\(count)"]
    if let scenario { arguments[1] = scenario }
    let run = try E2E.aggsim(arguments)
    #expect(run.status == 0, "\(run.stderr)")
    return "\(out)/quickstart.shard-\(index)-of-\(count)"
  }

  /// Merges `directories` into a fresh directory and expects a refusal saying `message`, with
  /// nothing written there.
  static func expectRefusal(_ directories: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let out = try E2E.temporaryDirectory()
    let merge = try E2E.aggsim(["merge"] + directories + ["--out", out])
    #expect(merge.status == 65, "\(merge.stderr)", sourceLocation: sourceLocation)
    #expect(merge.stderr.contains("merge refused, nothing written"), sourceLocation: sourceLocation)
    #expect(merge.stderr.contains(message), "\(merge.stderr)", sourceLocation: sourceLocation)
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasSuffix(".lock") } == [],
            sourceLocation: sourceLocation)
  }

  /// Rewrites `key`'s value in a shard's metadata.json (as a shard of another build would have it).
  static func edit(_ directory: String, _ key: String, from old: String, to new: String) throws {
    let path = "\(directory)/metadata.json"
    let text = try E2E.read(path)
    #expect(text.contains("\"\(key)\" : \(old)"))
    try text.replacingOccurrences(of: "\"\(key)\" : \(old)", with: "\"\(key)\" : \(new)").write(toFile: path, atomically: true, encoding: .utf8)
  }

  @Test("shards of different runs, missing or duplicated shards and a whole run's results are refused, nothing written")
  func refusals() throws {
    let root = try E2E.temporaryDirectory()
    let a0 = try Self.shard(0, of: 2, out: "\(root)/a"), a1 = try Self.shard(1, of: 2, out: "\(root)/a")
    // A missing and a duplicated index.
    try Self.expectRefusal([a0], "shard 1/2 is missing")
    try Self.expectRefusal([a0, a0, a1], "shard 0/2 is given twice")
    // Another seed, other replications, other overrides, another trace sampling, another split.
    try Self.expectRefusal([a0, try Self.shard(1, of: 2, out: "\(root)/seed", ["--seed", "2"])], "their seeds differ")
    try Self.expectRefusal([a0, try Self.shard(1, of: 2, out: "\(root)/reps", ["--replications", "3"])], "their replications differ")
    try Self.expectRefusal([a0, try Self.shard(1, of: 2, out: "\(root)/set", ["--set", "spec.run.seed=1"])], "their --set overrides differ")
    try Self.expectRefusal([a0, try Self.shard(1, of: 2, out: "\(root)/trace", ["--trace-sampling", "0.1"])], "their --trace-sampling differ")
    try Self.expectRefusal([a0, try Self.shard(1, of: 3, out: "\(root)/three")], "their numbers of shards differ")
    // Another scenario file of the same name (a comment added).
    let copy = "\(root)/quickstart.yaml"
    try (try E2E.read(E2E.packageRoot.appendingPathComponent("Scenarios/quickstart.yaml").path) + "# edited\n")
      .write(toFile: copy, atomically: true, encoding: .utf8)
    try Self.expectRefusal([a0, try Self.shard(1, of: 2, out: "\(root)/edited", scenario: copy)], "their scenario files (scenario_hash) differ")
    // Another aggsim version or commit (a shard of another build).
    let version = try Self.shard(1, of: 2, out: "\(root)/version")
    try Self.edit(version, "aggsim_version", from: "\"0.1.0\"", to: "\"0.0.9\"")
    try Self.expectRefusal([a0, version], "their aggsim versions differ")
    let commit = try Self.shard(1, of: 2, out: "\(root)/commit")
    let commitText = try #require(try E2E.read("\(commit)/metadata.json").split(separator: "\n")
      .first { $0.contains("\"git_commit\"") }.map { String($0.split(separator: ":")[1].dropLast().trimmingCharacters(in: .whitespaces)) })
    try Self.edit(commit, "git_commit", from: commitText, to: "\"0123456789ab\"")
    try Self.expectRefusal([a0, commit], "their aggsim commits differ")
    // A sweep's shards of other parameters; a run's shard with a sweep's.
    let sweep = ["--param", "spec.run.warmup=5s,10s"]
    let s0 = try E2E.aggsim(["sweep"] + Self.base.dropFirst() + sweep + ["--out", "\(root)/s", "--shard", "0/2"])
    let s1 = try E2E.aggsim(["sweep"] + Self.base.dropFirst() + ["--param", "spec.run.warmup=5s,12s", "--out", "\(root)/s", "--shard", "1/2"])
    #expect(s0.status == 0 && s1.status == 0, "\(s0.stderr)\(s1.stderr)")
    try Self.expectRefusal(["\(root)/s/quickstart.shard-0-of-2", "\(root)/s/quickstart.shard-1-of-2"], "their sweep parameters (--param) differ")
    try Self.expectRefusal([a0, "\(root)/s/quickstart.shard-1-of-2"], "their commands (run, sweep, check) differ")
    // A whole run's results, and a directory that is no result at all.
    let whole = try E2E.aggsim(Self.base + ["--out", "\(root)/whole"])
    #expect(whole.status == 0)
    try Self.expectRefusal(["\(root)/whole/quickstart"], "is not a shard directory: its metadata has no shard")
    try Self.expectRefusal([root], "is not a shard directory: it has no metadata.json")
    // A shard whose units were tampered with.
    let units = "\(a1)/shard-units.csv"
    let tampered = try Self.shard(1, of: 2, out: "\(root)/tampered")
    try (try E2E.read(units)).replacingOccurrences(of: "\n0,1,", with: "\n0,0,")
      .write(toFile: "\(tampered)/shard-units.csv", atomically: true, encoding: .utf8)
    try Self.expectRefusal([a0, tampered], "does not hold units 1..<2 in order")
    // The good pair merges.
    let good = try E2E.aggsim(["merge", a0, a1, "--out", "\(root)/merged"])
    #expect(good.status == 0, "\(good.stderr)")
  }
}
