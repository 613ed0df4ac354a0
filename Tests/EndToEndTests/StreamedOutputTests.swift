import Foundation
import Testing

/// The files that grow with the simulated time (time series, events, requests) are streamed to
/// disk while the replications run: the built binary's memory stays flat as the run gets longer,
/// the parts of a sweep come out in (sweep point, replication) order, and a run that fails part
/// way leaves the previous result.
@Suite("streamed outputs end to end")
struct StreamedOutputTests {
  /// The quickstart with 1 replication of `duration` (1 minute of warm-up), 1 s time-series
  /// buckets and every request traced (`compare` runs a second seed, and traces nothing).
  static func quickstart(_ command: String, duration: String) -> [String] {
    let scenario = AggsimBinaryTests.packageRoot.appendingPathComponent("Scenarios/quickstart.yaml").path
    return [command, scenario, "--replications", "1", "--jobs", "1", "--trace-sampling", "1",
            "--set", "spec.run.timeBucket=1s", "--set", "spec.run.duration=\(duration)"]
      + (command == "compare" ? ["--set-b", "spec.run.seed=2"] : [])
  }

  /// Runs the built aggsim with `arguments` (its output discarded) and returns its exit status
  /// and its peak resident set size in KiB: `ru_maxrss` of that one child, from `wait4`.
  static func peakResidentKiB(_ arguments: [String]) throws -> (status: Int32, kib: Int) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let binary = AggsimBinaryTests.binary.path
    let argv = ([binary] + arguments).map { strdup($0) } + [nil]
    // One malloc arena: memory freed by one thread is reused by the next, so that the peak does
    // not depend on which pool thread ran which replication.
    var variables = ProcessInfo.processInfo.environment
    variables["MALLOC_ARENA_MAX"] = "1"
    let environment = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + environment).forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environment)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
      guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
    return ((status >> 8) & 0xff, usage.ru_maxrss)
  }

  /// The peak heap `run` recorded in `<out>/quickstart/metadata.json`, in bytes.
  static func peakHeapBytes(in out: String) throws -> Int {
    let data = Data(try AggsimBinaryTests.read("\(out)/quickstart/metadata.json").utf8)
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    return try #require(object?["peak_heap_bytes"] as? Int)
  }

  /// `run` is judged by the heap it records in metadata.json (the allocator's bytes in use): the
  /// kernel's resident peak of a process that writes 16 MB of CSV is not only its own memory on
  /// every machine (CI counted 17 MiB more for 12 minutes than for 2, this machine 0). `compare`
  /// writes a few kilobytes and no metadata: its resident peak is judged.
  @Test("peak memory does not grow with the simulated time: 12 minutes take at most 8 MiB more than 2 (25 MiB more for compare and 73 MiB for run when records were held)",
        arguments: ["run", "compare"])
  func memoryIsFlatInRunLength(command: String) throws {
    let shortOut = try AggsimBinaryTests.temporaryDirectory(), longOut = try AggsimBinaryTests.temporaryDirectory()
    let short = try Self.peakResidentKiB(Self.quickstart(command, duration: "2m") + ["--out", shortOut])
    let long = try Self.peakResidentKiB(Self.quickstart(command, duration: "12m") + ["--out", longOut])
    try #require(short.status == 0 && long.status == 0)
    if command == "run" {  // 11 measured minutes of 61 requests per second, every one traced
      let shortHeap = try Self.peakHeapBytes(in: shortOut), longHeap = try Self.peakHeapBytes(in: longOut)
      #expect(shortHeap > 1 << 20, "the heap is measured: \(shortHeap) bytes")
      #expect(longHeap - shortHeap < 8 << 20, "peak heap \(shortHeap) bytes for 2 minutes, \(longHeap) for 12")
      let requests = try AggsimBinaryTests.read("\(longOut)/quickstart/requests.csv").utf8.count { $0 == 0x0A }
      #expect(requests > 38_000)
    } else {
      #expect(long.kib - short.kib < 8 * 1_024, "peak RSS \(short.kib) KiB for 2 minutes, \(long.kib) KiB for 12")
    }
  }

  /// The (sweep point, replication) of each row of a record file, in file order, repeats merged.
  static func partOrder(_ text: String) -> [String] {
    var order: [String] = []
    for row in OutputRows.rows(text) {
      let part = "\(row[0]).\(row[1])"
      if order.last != part { order.append(part) }
    }
    return order
  }

  @Test("a sweep's record files hold each point's replications in order, point after point, with the same bytes at --jobs 1 and 2")
  func sweepPartsInOrder() throws {
    let outs = try (0..<2).map { _ in try AggsimBinaryTests.temporaryDirectory() }
    for (jobs, out) in zip([1, 2], outs) {
      let sweep = try AggsimBinaryTests.aggsim(
        ["sweep", "Scenarios/quickstart.yaml", "--param", "spec.run.warmup=10s,20s", "--replications", "3", "--jobs", "\(jobs)",
         "--set", "spec.run.duration=40s", "--set", "spec.run.warmup=10s", "--trace-sampling", "0.05", "--out", out])
      #expect(sweep.status == 0, "\(sweep.stderr)")
    }
    let parts = ["0.0", "0.1", "0.2", "1.0", "1.1", "1.2"]
    for file in ["timeseries.csv", "requests.csv"] {
      let one = try AggsimBinaryTests.read("\(outs[0])/quickstart/\(file)")
      #expect(Self.partOrder(one) == parts, "\(file)")
      #expect(try AggsimBinaryTests.read("\(outs[1])/quickstart/\(file)") == one, "\(file) differs between --jobs 1 and 2")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: "\(outs[0])/quickstart").sorted()
            == ["events.csv", "findings.csv", "metadata.json", "requests.csv", "summary.csv", "sweep-summary.csv", "sweep.csv",
                "timeseries.csv"])
  }

  @Test("a sweep that fails at its second point, after the first streamed its records, leaves the previous result and no staging directory")
  func failedSweepKeepsOldResult() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let arguments = ["sweep", "Scenarios/quickstart.yaml", "--replications", "2", "--set", "spec.run.duration=40s",
                     "--set", "spec.run.warmup=10s", "--out", out]
    let good = try AggsimBinaryTests.aggsim(arguments + ["--param", "spec.run.warmup=10s"])
    #expect(good.status == 0, "\(good.stderr)")
    let before = try AggsimBinaryTests.read("\(out)/quickstart/timeseries.csv")
    let bad = try AggsimBinaryTests.aggsim(arguments + ["--param", "spec.run.warmup=20s,not-a-duration"])
    #expect(bad.status == 65)
    #expect(bad.stdout.contains("point 0: spec.run.warmup=20s"))  // point 0 ran and streamed its parts
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [".quickstart.lock", "quickstart"])
    #expect(try AggsimBinaryTests.read("\(out)/quickstart/timeseries.csv") == before)
  }
}
