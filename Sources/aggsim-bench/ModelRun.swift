import AggregationModel
import Foundation
import SimCore

/// One measured replication of the aggregation model, single-threaded: its events, wall time,
/// heap allocations while it ran, resident memory, and enough of its results to show that the
/// load was served (requests completed, share answered 200, p99 latency over all clients).
struct ModelRun {
  var minutes: Int
  var events: UInt64
  var wallSeconds: Double
  var allocations: Int
  /// From before the simulation was built to the end of its run.
  var memory: MemoryWindow
  var requests: Int
  var okFraction: Double
  var p99: SimDuration

  var eventsPerSecond: Double { Double(events) / wallSeconds }
  var allocationsPerEvent: Double { Double(allocations) / Double(Swift.max(events, 1)) }

  /// Builds replication 0 of `spec` (seed 12345) and runs it with `run()`; only the run is
  /// timed and its allocations counted, the memory window also covers building the simulation.
  static func measure(_ spec: ModelSpec) -> ModelRun {
    let ((result, wall, allocations), memory) = Probe.measuringMemory {
      var simulation = try! AggregationSimulation(spec: spec, runSeed: 12_345, replication: 0)
      return Probe.timedCountingAllocations { simulation.run() }
    }
    let completed = result.clients.reduce(0) { $0 + $1.completed }
    let ok = result.clients.reduce(0) { $0 + $1.count(.ok) }
    var latency = result.clients[0].latency
    for client in result.clients.dropFirst() { latency.merge(client.latency) }
    return ModelRun(minutes: Int(spec.duration.seconds / 60), events: result.eventsHandled, wallSeconds: wall,
                    allocations: allocations, memory: memory, requests: completed,
                    okFraction: Double(ok) / Double(Swift.max(completed, 1)), p99: latency.percentile(99))
  }

  /// One line, `<label>  simulated <m> min  events …  wall <s> s  events/s … M  peak RSS … MB
  /// (+… MB in this run)  allocations/event …  requests …  ok …%  p99 … ms`.
  func line(_ label: String) -> String {
    label.padding(toLength: 14, withPad: " ", startingAt: 0)
      + " simulated \(minutes) min  events \(events)  wall \(wallSeconds.fixed(2)) s"
      + "  events/s \((eventsPerSecond / 1e6).fixed(2)) M"
      + "  peak RSS \(memory.peak.fixed(1)) MB (+\(memory.growth.fixed(1)) MB in this run\(memory.isolated ? "" : ", process peak"))"
      + "  allocations/event \(String(format: "%.7f", allocationsPerEvent))"
      + "  requests \(requests)  ok \((100 * okFraction).fixed(2))%  p99 \((p99.seconds * 1e3).fixed(1)) ms"
  }

  /// Runs `spec(minutes / 10)` then `spec(minutes)` (the short run at least one minute), prints
  /// a line for each and judges that the long run allocated no more than the short one (give or
  /// take a tenth and 64: tables grow to the peak of work in flight, much the same in both).
  static func shortAndLong(minutes: Int, labels: (short: String, long: String), allocationTarget: String,
                           into card: inout Scorecard,
                           _ spec: (SimDuration) -> ModelSpec) -> (short: ModelRun, long: ModelRun) {
    let short = measure(spec(.minutes(Swift.max(minutes / 10, 1))))
    print(short.line(labels.short))
    let long = measure(spec(.minutes(minutes)))
    print(long.line(labels.long))
    card.judgeAllocations(allocationTarget, short: short.allocations, long: long.allocations,
                          longEvents: long.events, slack: short.allocations / 10 + 64)
    return (short, long)
  }
}
