import Foundation
import Testing

/// A run that would take too long or too much memory stops with exit 70, names what produces
/// the events or holds the memory, and leaves the previous results in place (issue 13 item 2).
@Suite("aggsim end to end: the run budget")
struct RunBudgetTests {
  /// The percentage the message gives `name` when it is the first culprit named after `prefix`
  /// (`… requests in progress (client/x 97%, …`): 90–100 for the client flooding the run.
  static func share(of name: String, after prefix: String, in text: String) -> Int? {
    guard let start = text.range(of: prefix + name + " ")?.upperBound else { return nil }
    return Int(text[start...].prefix { $0.isNumber })
  }

  @Test("past --max-events the run stops with exit 70 naming the client whose arrivals produce the events; the previous result stays")
  func eventBudget() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let base = ["run", "Scenarios/quickstart.yaml", "--out", out, "--replications", "1", "--set", "spec.run.duration=20s",
                "--set", "spec.run.warmup=0s"]
    let good = try AggsimBinaryTests.aggsim(base)
    #expect(good.status == 0, "\(good.stderr)")
    let before = try AggsimBinaryTests.read("\(out)/quickstart/summary.csv")
    let flood = try AggsimBinaryTests.aggsim(base + ["--set", "spec.clients[1].workload={poisson: 200000/s}", "--max-events", "100000"])
    #expect(flood.status == 70)
    #expect(flood.stderr.contains("aggsim: replication 0 stopped at "), "\(flood.stderr)")
    #expect(Self.share(of: "client/controller-a", after: "more than --max-events 100000 (events from ", in: flood.stderr) ?? 0 >= 90,
            "\(flood.stderr)")
    #expect(try AggsimBinaryTests.read("\(out)/quickstart/summary.csv") == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [".quickstart.lock", "quickstart"])
  }

  @Test("past --max-memory the run stops with exit 70 naming who holds the pending events and the requests in progress")
  func memoryBudget() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    // 200,000 requests/s into two pods of 8 workers, nothing limiting the client: the backlog
    // grows by ~2 × 10⁵ requests a simulated second until the process passes 64 MiB.
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/quickstart.yaml", "--out", out, "--replications", "1",
                                            "--set", "spec.clients[1].workload={poisson: 200000/s}", "--set", "spec.clients[1].rateLimit=none",
                                            "--set", "spec.clients[1].maxOutstanding=1000000", "--max-memory", "64"])
    #expect(run.status == 70)
    #expect(run.stderr.contains("more than --max-memory 64 MiB (held by "), "\(run.stderr)")
    #expect(Self.share(of: "client/controller-a", after: "requests in progress (", in: run.stderr) ?? 0 >= 90, "\(run.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }.isEmpty)
  }

  @Test("the budget's limits are validated: --max-events 0 and --max-memory under 64 MiB are usage errors")
  func budgetOptions() throws {
    for bad in [["--max-events", "0"], ["--max-memory", "10"]] {
      let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/quickstart.yaml"] + bad)
      #expect(run.status == 64, "\(bad): \(run.stderr)")
    }
  }
}

/// Long runs report their progress in logs (issue 11 item 6).
@Suite("aggsim end to end: progress in a log")
struct ProgressLogTests {
  @Test("outside a terminal, a plain progress line every AGGSIM_PROGRESS_SECONDS (30 s by default): replications, share simulated, events/s, time left")
  func plainLines() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/quickstart.yaml", "--out", out, "--replications", "2", "--jobs", "1"],
                                           environment: ["AGGSIM_PROGRESS_SECONDS": "0.2"])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("quickstart: ") }
    #expect(lines.count >= 2, "\(run.stderr)")
    #expect(!run.stderr.contains("\r"))
    let line = try #require(lines.first)
    #expect(line.contains("/2 replications, ") && line.contains("% simulated, ") && line.contains(" M events/s"), "\(line)")
    #expect(try AggsimBinaryTests.aggsim(["run", "Scenarios/quickstart.yaml", "--out", out, "--replications", "1",
                                         "--set", "spec.run.duration=20s", "--set", "spec.run.warmup=5s"]).stderr.isEmpty,
            "a short run prints no progress")
  }
}
