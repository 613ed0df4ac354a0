import Foundation
import Testing

/// Issue 14: a run, a sweep, a check and a compare split with `--shard I/N` over N = 1, 3 and 7
/// machines and put together with `aggsim merge` give the single machine's CSVs byte for byte
/// (7 is more shards than units: some shards are empty).
@Suite("shards and merge", .serialized)
struct ShardMergeTests {
  typealias E2E = AggsimBinaryTests

  /// Runs `arguments` once whole into `<root>/single`, then for each N as N shards into
  /// `<root>/shards-N` merged into `<root>/merged-N`; expects `files` of the result directory
  /// `name` to be identical, and returns the root and what each merge printed.
  static func splitAndMerge(_ arguments: [String], name: String, files: [String],
                            counts: [Int] = [1, 3, 7]) throws -> (root: String, merges: [Int: E2E.Outcome]) {
    let root = try E2E.temporaryDirectory()
    let single = try E2E.aggsim(arguments + ["--out", "\(root)/single"])
    #expect([0, 1].contains(single.status), "\(single.stderr)")
    var merges: [Int: E2E.Outcome] = [:]
    for n in counts {
      for i in 0..<n {
        let shard = try E2E.aggsim(arguments + ["--out", "\(root)/shards-\(n)", "--shard", "\(i)/\(n)"])
        #expect(shard.status == 0, "shard \(i)/\(n): \(shard.stderr)")
      }
      let directories = (0..<n).reversed().map { "\(root)/shards-\(n)/\(name).shard-\($0)-of-\(n)" }  // any order
      let merge = try E2E.aggsim(["merge"] + directories + ["--out", "\(root)/merged-\(n)"])
      #expect(merge.status == single.status, "merge of \(n): \(merge.stderr)")
      merges[n] = merge
      for file in files {
        let whole = try Data(contentsOf: URL(fileURLWithPath: "\(root)/single/\(name)/\(file)"))
        let merged = try Data(contentsOf: URL(fileURLWithPath: "\(root)/merged-\(n)/\(name)/\(file)"))
        #expect(whole == merged, "\(file) of \(n) merged shards differs from the single run's")
      }
    }
    return (root, merges)
  }

  static let short = ["--set", "spec.run.duration=40s", "--set", "spec.run.warmup=10s", "--jobs", "1"]

  @Test("the quickstart's shards merge into the single run's summary.csv, findings.csv, timeseries.csv, events.csv and requests.csv at N = 1, 3, 7")
  func quickstart() throws {
    let (root, _) = try Self.splitAndMerge(
      ["run", "Scenarios/quickstart.yaml", "--replications", "4", "--trace-sampling", "0.05"] + Self.short, name: "quickstart",
      files: ["summary.csv", "findings.csv", "timeseries.csv", "events.csv", "requests.csv"])
    // 7 shards of 4 units: shard 0 has none, and is a valid shard directory all the same.
    let empty = "\(root)/shards-7/quickstart.shard-0-of-7"
    #expect(try FileManager.default.contentsOfDirectory(atPath: empty).sorted()
            == ["events.csv", "metadata.json", "requests.csv", "scenario.yaml", "shard-units.csv", "timeseries.csv"])
    #expect(try E2E.read("\(empty)/shard-units.csv").split(separator: "\n").count == 1)  // the header alone
    let metadata = try E2E.read("\(root)/merged-3/quickstart/metadata.json")
    #expect(metadata.contains("\"merged\" : \"true\""))
    #expect(metadata.contains("quickstart.shard-0-of-3") && metadata.contains("quickstart.shard-2-of-3"))
  }

  @Test("a sweep's shards merge into its summary.csv, findings.csv, record files, sweep.csv and sweep-summary.csv at N = 1, 3, 7")
  func sweep() throws {
    _ = try Self.splitAndMerge(
      ["sweep", "Scenarios/quickstart.yaml", "--param", "spec.clients[1].workload.poisson=10/s,40/s", "--replications", "2",
       "--trace-sampling", "0.02"] + Self.short, name: "quickstart",
      files: ["summary.csv", "findings.csv", "timeseries.csv", "events.csv", "requests.csv", "sweep.csv", "sweep-summary.csv"])
  }

  @Test("a check's shards (a restart: events.csv has rows) merge into its CSVs, and the merge judges the expectations as check does")
  func check() throws {
    let (_, merges) = try Self.splitAndMerge(
      ["check", "Scenarios/apiserver-restart.yaml", "--set", "spec.run.duration=2m20s", "--replications", "3", "--jobs", "1",
       "--trace-sampling", "0.01"], name: "apiserver-restart",
      files: ["summary.csv", "findings.csv", "timeseries.csv", "events.csv", "requests.csv"], counts: [3])
    let merge = try #require(merges[3])
    // Both expectations (no 503 for the custom API) hold, in the merge as in check.
    #expect(merge.status == 0)
    #expect(merge.stdout.contains("all 2 expectations hold"))
  }

  @Test("a compare's shards (both sides of each replication together) merge into compare.csv, summary-a.csv and summary-b.csv")
  func compare() throws {
    _ = try Self.splitAndMerge(
      ["compare", "Scenarios/quickstart.yaml", "--set-b", "spec.controlPlane.filterOverhead.exponential.mean=400us",
       "--replications", "3", "--expect", "all:latency_p99_s:+0.05"] + Self.short, name: "quickstart-compare",
      files: ["compare.csv", "summary-a.csv", "summary-b.csv"])
  }

  @Test("--shard is checked: I < N, 1 ≤ N ≤ 10000, env/N needs an integer JOB_COMPLETION_INDEX")
  func shardUsage() throws {
    let cases: [(String, [String: String], String)] = [
      ("3/3", [:], "the index must be in 0…2, found 3"),
      ("0/0", [:], "N must be in 1…10000, found 0"),
      ("0/10001", [:], "N must be in 1…10000, found 10001"),
      ("-1/3", [:], "the index must be in 0…2, found -1"),
      ("a/3", [:], "--shard expects I/N (0 ≤ I < N) or env/N, found a/3"),
      ("1", [:], "--shard expects I/N (0 ≤ I < N) or env/N, found 1"),
      ("env/3", ["JOB_COMPLETION_INDEX": "x"], "JOB_COMPLETION_INDEX must be an integer, found \"x\""),
      ("env/3", ["JOB_COMPLETION_INDEX": "3"], "the index must be in 0…2, found 3"),
    ]
    for (text, environment, message) in cases {
      let run = try E2E.aggsim(["run", "Scenarios/quickstart.yaml", "--shard", text, "--out", try E2E.temporaryDirectory()],
                               environment: environment)
      #expect(run.status == 64, "--shard \(text)")
      #expect(run.stderr.contains(message), "--shard \(text): \(run.stderr)")
    }
    // Unset (the test process may have it: remove it from the child's environment).
    let process = Process()
    process.executableURL = E2E.binary
    process.arguments = ["run", "Scenarios/quickstart.yaml", "--shard", "env/3"]
    process.currentDirectoryURL = E2E.packageRoot
    process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "JOB_COMPLETION_INDEX" }
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 64)
    #expect(stderr.contains("JOB_COMPLETION_INDEX is not set"))
    let report = try E2E.aggsim(["run", "Scenarios/quickstart.yaml", "--shard", "0/2", "--report"])
    #expect(report.status == 64 && report.stderr.contains("--report writes the report of a whole run"))
  }
}
