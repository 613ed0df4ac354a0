import Foundation

/// One of issue 9's performance targets and how this run did against it.
struct TargetOutcome {
  enum Result: String {
    case met, missed
    /// Not measured in this run (a part skipped, SimPy or the interposer missing), or measured
    /// on other terms than the target's (a shorter simulated duration).
    case notJudged = "not judged"
  }

  /// The target as the issue states it, e.g. "engine M/M/1 ≥ 25 M events/s".
  var target: String
  /// What this run measured, e.g. "26.1 M".
  var figure: String
  var result: Result
  /// A missed enforced target fails `make bench`: allocations that grow with the number of
  /// events or the simulated time, which no machine excuses. Speed targets are printed only,
  /// since speed depends on the machine and on what else runs on it.
  var enforced: Bool

  /// True when this outcome fails `make bench`.
  var fails: Bool { enforced && result == .missed }
}

/// The targets of one `make bench` run: each printed as it is judged, as
/// `target <target>: met|missed|not judged (<figure>)`, then all of them again in a table.
struct Scorecard {
  private(set) var outcomes: [TargetOutcome] = []

  /// True when an enforced target was missed.
  var failed: Bool { outcomes.contains { $0.fails } }

  /// Judges `target`: `met` true or false, or nil when it cannot be judged in this run.
  mutating func judge(_ target: String, met: Bool?, figure: String, enforced: Bool = false) {
    let result: TargetOutcome.Result = met.map { $0 ? .met : .missed } ?? .notJudged
    let outcome = TargetOutcome(target: target, figure: figure, result: result, enforced: enforced)
    outcomes.append(outcome)
    print("target \(target): \(result.rawValue) (\(figure))" + (outcome.fails ? "  ← FAILS make bench" : ""))
  }

  /// Judges "no allocation per event" from the allocations of a short and a long run of the
  /// same model (`long` ran ten times the events or the simulated time of `short`): met unless
  /// the long run allocated more than `slack` beyond the short one. Enforced. Not judged when
  /// the interposer is not loaded (every count is then zero).
  mutating func judgeAllocations(_ target: String, short: Int, long: Int, longEvents: UInt64, slack: Int) {
    guard Probe.interposerIsLoaded else {
      judge(target, met: nil, figure: "not counted: run through `make bench`, which preloads the malloc interposer",
            enforced: true)
      return
    }
    let perEvent = Double(long) / Double(Swift.max(longEvents, 1))
    judge(target, met: long <= short + slack,
          figure: "short run \(short), long run \(long) → \(String(format: "%.7f", perEvent))/event",
          enforced: true)
  }

  /// Every target in a table, then the verdict: what fails `make bench`, if anything.
  func printSummary(machine: String) {
    print("")
    print("summary: issue 9's performance targets (\(machine))")
    let width = outcomes.map(\.target.count).max() ?? 0
    for outcome in outcomes {
      let kind = outcome.enforced ? "enforced" : "reported"
      print("  " + outcome.target.padding(toLength: width, withPad: " ", startingAt: 0)
            + "  " + outcome.result.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            + "  " + kind + "  " + outcome.figure)
    }
    let met = outcomes.filter { $0.result == .met }.count
    let missed = outcomes.filter { $0.result == .missed }.count
    print("  \(met) met, \(missed) missed, \(outcomes.count - met - missed) not judged")
    let failures = outcomes.filter(\.fails)
    if failures.isEmpty {
      print("make bench: passed (it fails only for allocations that grow with the events or the simulated time;"
            + " a missed speed target is reported, not failed)")
    } else {
      print("make bench: FAILED: " + failures.map(\.target).joined(separator: "; "))
    }
  }
}
