import ArgumentParser
import Foundation
import QueueingModels
import SimCore

/// `aggsim selfcheck`: runs the engine on the classic queueing models and prints the simulated
/// results next to the analytic ones, so a user can see the engine is right before trusting it.
struct SelfCheck: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "selfcheck",
    abstract: "Check the simulation engine against queueing theory (M/M/1, M/M/c, M/D/1, M/G/1, Erlang B).")

  @Option(parsing: .unconditional, help: "Independent replications per model (2…\(StreamSeeds.maxReplications)).") var replications = 10
  @Option(parsing: .unconditional, help: "Seed of the run (32 bits).") var seed: UInt32 = 20_261_124
  @Option(parsing: .unconditional, help: "Replications run at once.") var jobs = ProcessInfo.processInfo.activeProcessorCount
  @Option(parsing: .unconditional, help: "Confidence level of the intervals.") var level = 0.99

  func validate() throws {
    guard (2...StreamSeeds.maxReplications).contains(replications) else {
      throw ValidationError("--replications must be in 2…\(StreamSeeds.maxReplications), found \(replications)")
    }
    guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, found \(jobs)") }
    guard level > 0 && level < 1 else { throw ValidationError("--level must be in (0, 1), found \(level)") }
  }

  func run() async throws {
    print("Engine self-check: \(replications) replications × \(ReferenceCase.customers) customers"
          + " (\(ReferenceCase.warmup) warm-up), seed \(seed), \(format(level * 100, 0))% Student-t intervals")
    let header = ["model", "metric", "formula", "analytic", "simulated", "CI low", "CI high", "error %", "result"]
    var rows: [[String]] = []
    var failures = 0
    for reference in ReferenceCase.all() {
      let outcome = try await reference.run(replications: replications, seed: seed, jobs: jobs, level: level)
      guard let ci = outcome.interval else { continue }
      let inside = ci.contains(reference.analytic)
      if !inside { failures += 1 }
      rows.append([reference.name, reference.metric.rawValue, reference.formula, format(reference.analytic, 4),
                   format(ci.mean, 4), format(ci.low, 4), format(ci.high, 4),
                   format(100 * (ci.mean - reference.analytic) / reference.analytic, 2),
                   inside ? "inside CI" : "OUTSIDE CI"])
    }
    print(TextTable.render(header: header, rows: rows))
    if failures > 0 {
      print("\(failures) analytic value(s) outside their interval: at \(format(level * 100, 0))% expect about \(format((1 - level) * 100, 0)) in 100 by chance")
      throw ExitCode.failure
    }
  }

  func format(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}
