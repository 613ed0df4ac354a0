import Testing
@testable import SimCore

@Suite("Parallel replications")
struct ReplicationsTests {
  /// A tiny simulation: the sum of 1,000 exponential variates of the replication's own stream.
  static func replicate(_ index: Int) -> Double {
    let streams = try! StreamRegistry(runSeed: 2026, replication: index, names: ["x"])
    let stream = streams.stream("x")
    return (0..<1_000).reduce(0.0) { sum, _ in sum + stream.exponential(mean: .seconds(1)).seconds }
  }

  @Test("results come back in replication order and are identical at any parallelism", arguments: [1, 2, 3, 8])
  func sameResultsAtAnyParallelism(jobs: Int) async {
    let reference = (0..<8).map(Self.replicate)
    let parallel = await Replications.run(count: 8, jobs: jobs, Self.replicate)
    #expect(parallel == reference)
    #expect(Set(parallel).count == 8, "every replication has its own streams")
  }

  @Test("zero replications give no results")
  func zeroReplications() async {
    #expect(await Replications.run(count: 0, jobs: 2, Self.replicate).isEmpty)
  }
}
