import AggregationModel
import ArgumentParser
import Foundation
import Scenario
import SimCore
import SimOutput

/// `aggsim compare A B`: the same workload under two policies or versions. Both run with the
/// same seed, so each replication of A and of B draws the same variates for every component they
/// share (common random numbers); the paired differences B − A per replication then give a much
/// narrower interval than two independent runs would.
struct CompareCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare", abstract: "Compare two scenarios with common random numbers: paired differences B − A with 95% intervals.")

  @Argument(help: "Scenario A (the baseline).") var baseline: String
  @Argument(help: "Scenario B (the change); A again when omitted, with --set-b making the difference.") var candidate: String?
  @Option(name: .customLong("set-a"), help: "Override a value of A only: key.path=value (repeatable).") var setA: [String] = []
  @Option(name: .customLong("set-b"), help: "Override a value of B only: key.path=value (repeatable).") var setB: [String] = []
  @OptionGroup var options: RunOptions

  func validate() throws {
    if candidate == nil && setB.isEmpty && setA.isEmpty {
      throw ValidationError("give scenario B, or --set-a/--set-b to compare scenario A with a variant of itself")
    }
  }

  static let metrics: [SummaryMetric] = [.rate200, .latencyP50, .latencyP99, .latencyMax, .successFraction]
    + [Outcome.tooManyRequests, .unavailable, .discoveryTimeout, .unreachable, .deadlineExceeded, .clientTimeout].map(SummaryMetric.fraction)

  func run() async throws {
    let a = try ScenarioRunner.load(baseline, overrides: options.set + setA)
    let b = try ScenarioRunner.load(candidate ?? baseline, overrides: options.set + setB)
    // B runs with A's replications and seed, so that both draw the same variates.
    let replications = options.replications(of: a), seed = options.seed(of: a)
    let name = a.file.name == b.file.name ? "\(a.file.name)-compare" : "\(a.file.name)-vs-\(b.file.name)"
    let directory = try OutputDirectory(root: options.out, scenario: name)
    // The directory is locked and checked before the simulations, not after them.
    try await directory.write { _ in
      [OutputFile(name: "compare.csv", text: try await compare(a, b, replications: replications, seed: seed).rendered())]
    }
    print("→ \(directory.path)/compare.csv")
  }

  /// Runs both sides with the same replications and seed, prints the comparison, and returns its table.
  func compare(_ a: ScenarioRunner.Loaded, _ b: ScenarioRunner.Loaded, replications: Int, seed: UInt32) async throws -> CSVTable {
    let summariesA = try await ScenarioRunner.execute(a.model, name: a.file.name, replications: replications, seed: seed,
                                                      jobs: options.jobs, budget: options.budget).map(\.summary)
    let summariesB = try await ScenarioRunner.execute(b.model, name: b.file.name, replications: replications, seed: seed,
                                                      jobs: options.jobs, budget: options.budget).map(\.summary)
    let clientsB = Set(summariesB.first?.scopes(of: .client).map(\.name) ?? [])
    let clientsA = Set(summariesA.first?.scopes(of: .client).map(\.name) ?? [])
    if clientsA != clientsB {
      // Clients are paired by name: a client of one side only has no counterpart to compare with.
      let onlyA = clientsA.subtracting(clientsB).sorted(), onlyB = clientsB.subtracting(clientsA).sorted()
      FileHandle.standardError.write(Data(("aggsim compare: warning: A and B do not have the same clients, so only "
        + "\(clientsA.intersection(clientsB).count) are compared (by name); only in A: \(onlyA.isEmpty ? "none" : onlyA.joined(separator: ", ")); "
        + "only in B: \(onlyB.isEmpty ? "none" : onlyB.joined(separator: ", "))\n").utf8))
    }
    var scopes = ["all"]
    for client in summariesA.first?.scopes(of: .client) ?? [] where clientsB.contains(client.name) {
      scopes.append("client/\(client.name)")
    }
    var table = CSVTable(columns: ["scope", "metric", "mean_a", "mean_b", "difference_mean", "ci95_low", "ci95_high", "n"])
    var rows: [[String]] = []
    for scope in scopes {
      for metric in Self.metrics {
        guard let x = MetricLookup.values(summariesA, scope: scope, metric: metric),
              let y = MetricLookup.values(summariesB, scope: scope, metric: metric) else { continue }
        let pairs = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }
        guard !pairs.isEmpty else { continue }
        let meanA = pairs.map(\.0).reduce(0, +) / Double(pairs.count)
        let meanB = pairs.map(\.1).reduce(0, +) / Double(pairs.count)
        let ci = ConfidenceInterval.studentT(of: pairs.map { $0.1 - $0.0 }, level: 0.95)
        table.append([.text(scope), .text(metric.name), .number(meanA), .number(meanB), .number(meanB - meanA),
                      .number(ci?.low), .number(ci?.high), .integer(pairs.count)])
        let verdict = ci.map { $0.low > 0 ? "B higher" : ($0.high < 0 ? "B lower" : "no difference") } ?? "–"
        rows.append([scope, metric.name, CheckCommand.format(meanA), CheckCommand.format(meanB), CheckCommand.format(meanB - meanA),
                     ci.map { "\(CheckCommand.format($0.low)) … \(CheckCommand.format($0.high))" } ?? "–", verdict])
      }
    }
    print(TextTable.render(header: ["scope", "metric", "A", "B", "B − A", "95% CI", "verdict"], rows: rows))
    return table
  }
}
