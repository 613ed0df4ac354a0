import Foundation
import Testing

/// Issue 14 item 4: `capacity --shard I/N` on N processes at once searches in lockstep through
/// the shared output directory, and shard 0 writes the single machine's capacity.csv.
@Suite("capacity on N machines", .serialized)
struct CapacityShardTests {
  typealias E2E = AggsimBinaryTests

  static let search = ["capacity", "Scenarios/quickstart.yaml", "--set", "spec.run.duration=20s", "--set", "spec.run.warmup=5s",
                       "--replications", "3", "--param", "spec.clients[1].workload.poisson", "--suffix", "/s", "--metric",
                       "latency_p99_s", "--scope", "client/controller-a", "--low", "20", "--high", "2000", "--max", "0.1",
                       "--iterations", "3", "--jobs", "1"]

  /// Starts every shard of the search at once (they wait for each other) and waits for all.
  static func shards(_ count: Int, out: String) throws -> [E2E.Outcome] {
    var running: [(Process, Pipe, Pipe)] = []
    for index in 0..<count {
      let process = Process()
      process.executableURL = E2E.binary
      process.arguments = search + ["--out", out, "--shard", "\(index)/\(count)"]
      process.currentDirectoryURL = E2E.packageRoot
      let out = Pipe(), err = Pipe()
      process.standardOutput = out
      process.standardError = err
      try process.run()
      running.append((process, out, err))
    }
    return running.map { process, out, err in
      let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return E2E.Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
    }
  }

  @Test("2 and 4 shards (4 > 3 replications: one is empty) find the single machine's answer and write its capacity.csv")
  func lockstep() throws {
    let root = try E2E.temporaryDirectory()
    let single = try E2E.aggsim(Self.search + ["--out", "\(root)/single"])
    #expect(single.status == 0, "\(single.stderr)")
    let answer = try #require(single.stdout.split(separator: "\n").first { $0.hasPrefix("highest value that meets the SLO") })
    let expected = try Data(contentsOf: URL(fileURLWithPath: "\(root)/single/quickstart-capacity/capacity.csv"))
    for count in [2, 4] {
      let out = "\(root)/shards-\(count)"
      let outcomes = try Self.shards(count, out: out)
      for (index, outcome) in outcomes.enumerated() {
        #expect(outcome.status == 0, "shard \(index)/\(count): \(outcome.stderr)")
        #expect(outcome.stdout.contains(answer), "shard \(index)/\(count): \(outcome.stdout)")
      }
      #expect(try Data(contentsOf: URL(fileURLWithPath: "\(out)/quickstart-capacity/capacity.csv")) == expected, "\(count) shards")
      #expect(outcomes[1].stdout.contains("shard 1/\(count): the steps are written by shard 0"))
    }
  }
}
