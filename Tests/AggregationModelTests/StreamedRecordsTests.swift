import Testing
import SimCore
@testable import AggregationModel

/// A runner that streams records to files runs a replication in stretches
/// (`start`, `advance(to:)`, `takeRecords`, `finish`): it must see exactly what `run()` returns.
@Suite("Records taken while the replication runs")
struct StreamedRecordsTests {
  typealias F = ModelFixtures

  /// Requests through a crash of metrics-server with the availability controller on (events),
  /// a 10 s time bucket (time series), half the requests traced and a 30 s warm-up.
  static func spec() -> ModelSpec {
    let server = F.metricsServer(replicas: 2, serviceTimes: .uniform(.exponential(mean: .milliseconds(8))),
                                 faults: [FaultSpec(kind: .crash, start: .zero + .seconds(50), duration: .seconds(40))])
    var spec = F.spec(duration: .minutes(3), server: server, clients: [F.client(workload: .open(.poisson(.perSecond(20))))],
                      availabilityController: AvailabilityControllerSpec())
    spec.warmup = .seconds(30)
    spec.requestTraceSampling = 0.5
    return spec
  }

  @Test("stretches of 7 s give the same events, trace and time series as one run, in the same order", arguments: [7, 61, 1_000])
  func stretchesGiveTheSameRecords(stretchSeconds: Int) throws {
    let whole = F.run(Self.spec())
    var simulation = try AggregationSimulation(spec: Self.spec(), runSeed: 2026, replication: 0)
    simulation.start()
    var records = ReplicationRecords()
    var largestStretch = 0
    var t = SimTime.zero
    repeat {
      t = t + .seconds(Int64(stretchSeconds))
      simulation.advance(to: t)
      let stretch = simulation.takeRecords()
      largestStretch = max(largestStretch, stretch.timeSeries.count)
      records.events += stretch.events
      records.trace += stretch.trace
      records.timeSeries += stretch.timeSeries
    } while t < simulation.end
    let rest = simulation.finish()
    #expect(rest.events.isEmpty && rest.trace.isEmpty && rest.timeSeries.isEmpty)
    #expect(records.events == whole.events)
    #expect(records.trace == whole.trace)
    #expect(records.timeSeries.count == whole.timeSeries.count)
    #expect(zip(records.timeSeries, whole.timeSeries).allSatisfy { $0 == $1 || ($0.value.isNaN && $1.value.isNaN) })
    #expect(rest.clients[0].completed == whole.clients[0].completed)
    #expect(whole.events.contains { $0.kind == .unavailable } && whole.trace.count > 1_000)
    // Only the points of one stretch were held at once: one bucket (10 s) per 10 s of stretch.
    let pointsPerBucket = whole.timeSeries.count / 18
    #expect(largestStretch <= pointsPerBucket * (stretchSeconds / 10 + 1))
  }

  @Test("a request sampled during the warm-up is drawn but not kept: the trace starts at 30 s")
  func theTraceStartsAfterTheWarmup() {
    let whole = F.run(Self.spec())
    #expect(whole.trace.allSatisfy { $0.end >= F.at(30) })
    #expect(whole.trace.first.map { $0.end < F.at(31) } == true)
  }
}
