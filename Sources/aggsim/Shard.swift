import ArgumentParser
import Foundation

/// `--shard I/N` (issue 14): this machine's share of a run's work units, for spreading a run,
/// a sweep, a check, a compare (a unit is then one replication of both sides) or each step of a
/// capacity search (`CapacityExchange`) over N machines (a Kubernetes Indexed Job's pods,
/// `aggsim job`).
///
/// The work units of a run are its (sweep point, replication) pairs in the order a single
/// machine writes them, point 0's replications first: unit `u = point × R + replication` for R
/// replications a point (a run or a check is one point). Shard I of N runs the contiguous units
/// `⌊I·U/N⌋ ..< ⌊(I+1)·U/N⌋` of the U units, so the shards' sizes differ by at most one and their
/// record files, put one after the other in shard order, are the single run's (`aggsim merge`
/// only concatenates them). Every replication is seeded from the run seed and its own index, as
/// in a single run, so a unit gives the same figures on whichever machine runs it. A shard
/// beyond the units (N > U) has none and writes a valid empty shard directory.
///
/// `env/N` takes I from `JOB_COMPLETION_INDEX`, the variable the Job controller sets in each
/// pod of an Indexed Job (kubernetes/kubernetes: pkg/controller/job/indexed_job_utils.go,
/// `addCompletionIndexEnvVariable`, since 1.22).
struct Shard: Equatable, CustomStringConvertible {
  /// This shard's index, 0-based, below `count`.
  var index: Int
  /// How many shards share the work, 1…`maxCount`.
  var count: Int

  /// The most shards a run may be split into. An Indexed Job may have up to 100 000 completions
  /// and parallelism (kubernetes/kubernetes: pkg/apis/batch/validation/validation.go,
  /// `maxParallelismForIndexedJob`, `completionsSoftLimit` = 100 000, and
  /// `parallelismLimitForHighCompletions` = 10 000 beyond it with `backoffLimitPerIndex`, 1.29+);
  /// aggsim bounds N at 10 000, the number of shard directories a merge reads.
  static let maxCount = 10_000

  /// The environment variable an Indexed Job's pod holds its index in.
  static let indexVariable = "JOB_COMPLETION_INDEX"

  init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// Parses `I/N` or `env/N`, with a usage error saying what is wrong.
  init(parsing text: String, environment: [String: String]) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let count = Int(parts[1]) else {
      throw ValidationError("--shard expects I/N (0 ≤ I < N) or env/N, found \(text)")
    }
    guard (1...Self.maxCount).contains(count) else {
      throw ValidationError("--shard \(text): N must be in 1…\(Self.maxCount), found \(count)")
    }
    let index: Int
    if parts[0] == "env" {
      guard let value = environment[Self.indexVariable] else {
        throw ValidationError("--shard \(text): \(Self.indexVariable) is not set (it is set in the pods of an Indexed Job)")
      }
      guard let parsed = Int(value) else {
        throw ValidationError("--shard \(text): \(Self.indexVariable) must be an integer, found \"\(value)\"")
      }
      index = parsed
    } else {
      guard let parsed = Int(parts[0]) else { throw ValidationError("--shard expects I/N (0 ≤ I < N) or env/N, found \(text)") }
      index = parsed
    }
    guard (0..<count).contains(index) else {
      throw ValidationError("--shard \(text): the index must be in 0…\(count - 1), found \(index)")
    }
    self.init(index: index, count: count)
  }

  var description: String { "\(index)/\(count)" }

  /// The units of `total` this shard runs.
  func units(of total: Int) -> Range<Int> { (index * total / count)..<((index + 1) * total / count) }

  /// The replications of each of `points` sweep points (R a point) this shard runs:
  /// `replications[p]` is a range of point p's replication indices, empty when it runs none.
  func replications(points: Int, each replications: Int) -> [Range<Int>] {
    let mine = units(of: points * replications)
    return (0..<points).map { point in
      let first = point * replications
      let low = max(mine.lowerBound, first), high = min(mine.upperBound, first + replications)
      return low < high ? (low - first)..<(high - first) : 0..<0
    }
  }

  /// The name of the shard's results directory: `<scenario>.shard-<I>-of-<N>`.
  func directoryName(_ scenario: String) -> String { "\(scenario).shard-\(index)-of-\(count)" }
}

/// The `--shard` option of `run`, `sweep`, `check`, `compare` and `capacity`.
struct ShardOption: ParsableArguments {
  @Option(parsing: .unconditional, help: "Run only share I of N of the work units (sweep point × replication), 0 ≤ I < N ≤ 10000; env/N takes I from JOB_COMPLETION_INDEX. The results go to <out>/<scenario>.shard-I-of-N/ for `aggsim merge`.")
  var shard: String?

  /// The parsed shard, or nil without `--shard`.
  func parsed() throws -> Shard? {
    try shard.map { try Shard(parsing: $0, environment: ProcessInfo.processInfo.environment) }
  }

  func validate() throws { _ = try parsed() }
}
