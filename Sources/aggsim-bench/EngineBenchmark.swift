import Foundation
import QueueingModels
import SimCore

/// The SimCore engine on M/M/1 (λ = 0.9/s, μ = 1/s, ρ = 0.9), side by side with the same model
/// in SimPy in the same run: issue 9 asks for ≥ 25 M events/s, ≥ 150× SimPy and no allocation
/// per event.
///
/// Events are arrivals plus departures, the same count for both tools. The engine runs a tenth
/// of the customers once (for the allocation comparison), then all of them `runs` times; the
/// median rate is reported, with every run's rate (the machine's noise is in the spread).
enum EngineBenchmark {
  static let arrivalRate = 0.9, serviceRate = 1.0, seed: UInt32 = 12_345

  struct Measurement {
    var events: UInt64, wallSeconds: Double, meanWait: Double, allocations: Int

    var eventsPerSecond: Double { Double(events) / wallSeconds }
  }

  /// `runs` (at least one) timed runs of `measure`, fastest first: the median is at `count / 2`.
  static func timedRuns(_ runs: Int, _ measure: () -> Measurement) -> [Measurement] {
    (0..<Swift.max(runs, 1)).map { _ in measure() }.sorted { $0.wallSeconds < $1.wallSeconds }
  }

  /// Measures the engine and judges its speed and allocation targets; returns its median rate.
  static func run(customers: Int, runs: Int, into card: inout Scorecard) -> Double {
    let analytic = QueueingTheory.mm1MeanWait(arrivalRate: arrivalRate, serviceRate: serviceRate)
    print("engine: M/M/1, λ = \(arrivalRate)/s, μ = \(serviceRate)/s (ρ = 0.9), seed \(seed), one core")
    let (measured, memory) = Probe.measuringMemory {
      let small = measure(customers: Swift.max(customers / 10, 1))
      return (small, timedRuns(runs) { measure(customers: customers) })
    }
    let (small, timed) = measured
    let large = timed[timed.count / 2]
    print(row("aggsim", events: large.events, wall: large.wallSeconds, rate: large.eventsPerSecond, peakMB: memory.peak,
              extra: "mean wait \(large.meanWait.fixed(3)) s (analytic \(analytic.fixed(3)) s)"))
    if timed.count > 1 {
      print("        median of \(timed.count) runs; all: "
            + timed.map { ($0.eventsPerSecond / 1e6).fixed(2) }.joined(separator: ", ") + " M events/s")
    }
    card.judgeAllocations("engine M/M/1 0 allocations/event", short: small.allocations, long: large.allocations,
                          longEvents: large.events, slack: 16)
    card.judge("engine M/M/1 ≥ 25 M events/s", met: large.eventsPerSecond >= 25e6,
               figure: "\((large.eventsPerSecond / 1e6).fixed(1)) M, median of \(timed.count)")
    return large.eventsPerSecond
  }

  /// Runs the same model in SimPy and judges the engine's `rate` against it; `bareRate`, the
  /// bare kernel's (`BareKernelBenchmark`), is the most the ratio could be with these dependencies.
  static func compare(rate: Double, bareRate: Double, python: String, script: String, customers: Int,
                      into card: inout Scorecard) {
    guard let simpy = SimPyRun.run(python: python, script: script, customers: customers, seed: seed) else {
      print("SimPy: not run (\(python) \(script) failed; `make bench` installs simpy into Benchmarks/.venv)")
      card.judge("engine M/M/1 ≥ 150x SimPy in the same run", met: nil, figure: "SimPy did not run")
      return
    }
    print(row("SimPy", events: simpy.events, wall: simpy.wallSeconds, rate: simpy.eventsPerSecond, peakMB: simpy.peakMB,
              extra: "mean wait \(simpy.meanWait.fixed(3)) s"))
    let ratio = rate / simpy.eventsPerSecond
    let bareRatio = bareRate / simpy.eventsPerSecond
    print("ratio aggsim / SimPy: \(ratio.fixed(0))x (\((rate / 1e6).fixed(2)) M / \((simpy.eventsPerSecond / 1e6).fixed(3)) M events/s);"
          + " bare kernel / SimPy: \(bareRatio.fixed(0))x (the same draws with no engine)")
    card.judge("engine M/M/1 ≥ 150x SimPy in the same run", met: ratio >= 150,
               figure: "\(ratio.fixed(0))x (bare kernel \(bareRatio.fixed(0))x)")
  }

  /// One run of `customers` customers, timed, with allocations counted while the model runs.
  static func measure(customers: Int) -> Measurement {
    let configuration = StationConfiguration(
      interarrival: .exponential(mean: .seconds(1 / arrivalRate)),
      service: .exponential(mean: .seconds(1 / serviceRate)),
      customers: customers, batchSize: 1_000_000)
    var station = MultiServerQueue(configuration, streams: try! StreamRegistry(runSeed: seed, replication: 0))
    let (result, wall, mallocs) = Probe.timedCountingAllocations { station.run() }
    return Measurement(events: result.events, wallSeconds: wall, meanWait: result.wait.mean, allocations: mallocs)
  }

  static func row(_ tool: String, events: UInt64, wall: Double, rate: Double, peakMB: Double, extra: String) -> String {
    "\(tool.padding(toLength: 7, withPad: " ", startingAt: 0)) events \(events)  wall \(wall.fixed(3)) s  "
      + "events/s \((rate / 1e6).fixed(2)) M  peak RSS \(peakMB.fixed(1)) MB  \(extra)"
  }
}
