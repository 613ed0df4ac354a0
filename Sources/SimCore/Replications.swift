/// Independent replications of one simulation, run in parallel and returned in replication order.
///
/// Each replication is built and run inside its own child task from its index alone (its
/// random streams are seeded from the run seed and that index), so the results do not depend
/// on how many run at once or which finishes first. Only the `Sendable` result crosses threads.
public enum Replications {
  /// Runs `body(0) … body(count - 1)` with at most `jobs` running at once and returns the
  /// results sorted by replication index. `jobs` is clamped to `1…count`.
  public static func run<Result: Sendable>(
    count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> Result
  ) async -> [Result] {
    guard count > 0 else { return [] }
    let parallelism = Swift.max(1, Swift.min(jobs, count))
    return await withTaskGroup(of: (Int, Result).self) { group in
      var next = 0
      for _ in 0..<parallelism {
        let index = next
        group.addTask { (index, body(index)) }
        next += 1
      }
      var results = [Result?](repeating: nil, count: count)
      while let (index, result) = await group.next() {
        results[index] = result
        if next < count {
          let index = next
          group.addTask { (index, body(index)) }
          next += 1
        }
      }
      return results.map { $0! }
    }
  }
}
