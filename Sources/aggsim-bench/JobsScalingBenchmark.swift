import AggregationModel
import SimCore

/// Replications of the full model through `Replications.run(count:jobs:)` (what `aggsim run
/// --jobs` uses), with one job and then with two: issue 9 asks for ≥ 1.8× from `--jobs 1` to
/// `--jobs 2`. The speed-up can be no more than the cores free for it, so the line names the
/// cores and the load average (other processes on a 2-core machine take from the second job).
enum JobsScalingBenchmark {
  /// The two runs' wall times, and whether every replication handled the same events in both.
  struct Measured: Sendable {
    var walls: [Double]
    var sameEvents: Bool
  }

  static func measure(replications: Int, minutes: Int) async -> Measured {
    print("")
    print("jobs scaling: \(replications) replications × \(minutes) simulated min of the full model,"
          + " through Replications.run(count:jobs:)")
    let spec = BenchmarkModels.fullModel(duration: .minutes(minutes))
    var walls: [Double] = []
    var events: [[UInt64]] = []
    for jobs in [1, 2] {
      let load = Probe.loadAverage()
      let (counts, wall) = await Probe.timed {
        await Replications.run(count: replications, jobs: jobs) { replication in
          var simulation = try! AggregationSimulation(spec: spec, runSeed: 12_345, replication: replication)
          return simulation.run().eventsHandled
        }
      }
      walls.append(wall)
      events.append(counts)
      let total = counts.reduce(0, +)
      print("jobs \(jobs)  replications \(replications)  events \(total)  wall \(wall.fixed(2)) s"
            + "  events/s \((Double(total) / wall / 1e6).fixed(2)) M"
            + "  (load average \(load.map { $0.fixed(2) } ?? "?") before)")
    }
    return Measured(walls: walls, sameEvents: events[0] == events[1])
  }

  static func judge(_ measured: Measured, into card: inout Scorecard) {
    let speedUp = measured.walls[0] / measured.walls[1]
    let cores = Probe.cores
    print("jobs speed-up \(speedUp.fixed(2))x from --jobs 1 to --jobs 2 on a machine with \(cores) cores"
          + (measured.sameEvents ? "; each replication's events the same with either" : "; EVENTS DIFFER between jobs 1 and 2"))
    card.judge("replications ≥ 1.8x from --jobs 1 to --jobs 2", met: speedUp >= 1.8,
               figure: "\(speedUp.fixed(2))x on \(cores) cores")
  }
}
