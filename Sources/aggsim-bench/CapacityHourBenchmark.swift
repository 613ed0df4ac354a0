/// Issue 9's "capacity hour" (`BenchmarkModels.capacityHour`): one simulated hour of
/// 10,000 req/s over 50 APIServices on 25 extension servers, one replication on one core, in
/// under 60 s of wall time, with a peak memory that does not depend on the simulated duration.
///
/// A short run (a tenth of the time) comes first. Against it the long run shows that memory
/// does not grow with the simulated time: its allocations (enforced: more allocations fail
/// `make bench`) and how far its resident set rose above where it started (reported: the
/// resident set also moves with the allocator and the kernel, so it is judged, not enforced).
enum CapacityHourBenchmark {
  /// The simulated duration the wall-time target is stated for.
  static let targetMinutes = 60

  static func run(minutes: Int, into card: inout Scorecard) {
    print("")
    print("capacity hour: 10,000 req/s = 50 clients × 200 req/s over 50 APIServices on 25 extension servers"
          + " × 2 pods × 50 workers, APF defaults, lognormal links and service times (one core, one replication)")
    let (short, long) = ModelRun.shortAndLong(
      minutes: minutes, labels: ("capacity short", "capacity hour"),
      allocationTarget: "capacity hour allocations independent of simulated time", into: &card,
      BenchmarkModels.capacityHour)
    let growthLimit = short.memory.growth * 1.1 + 4
    card.judge("capacity hour peak memory independent of simulated time",
               met: short.memory.isolated ? long.memory.growth <= growthLimit : nil,
               figure: "RSS +\(short.memory.growth.fixed(1)) MB over \(short.minutes) min,"
                 + " +\(long.memory.growth.fixed(1)) MB over \(long.minutes) min (limit +\(growthLimit.fixed(1)))")
    card.judge("capacity hour < 60 s wall", met: minutes == targetMinutes ? long.wallSeconds < 60 : nil,
               figure: "\(long.wallSeconds.fixed(1)) s for \(minutes) simulated min"
                 + (minutes == targetMinutes ? "" : "; the target is for \(targetMinutes)"))
  }
}
