import Testing
import SimCore
@testable import AggregationModel

/// The per-priority-level metrics, the time series, the event log and response sizes, pinned by
/// exact traces (constant service times, constant or ideal links).
@Suite("Model outputs: priority levels, time series, events, response sizes")
struct ModelOutputsTests {
  typealias F = ModelFixtures

  /// One level `tiny` with one seat, one queue of length 2, and a hung backend: of four requests
  /// at 1 s, one executes until the 60 s deadline (61 s), two wait 15 s then get 429, one gets 429 at once.
  static func tinyLevelSpec(duration: SimDuration, warmup: SimDuration = .zero) -> ModelSpec {
    var configuration = PriorityAndFairness.Configuration()
    configuration.serverConcurrencyLimit = 1
    configuration.priorityLevels = [.exempt(), .queued("tiny", shares: 1, lendablePercent: 0, queues: 1, handSize: 1, queueLengthLimit: 2)]
    configuration.flowSchemas = [FlowSchema(name: "everyone", matchingPrecedence: 100, priorityLevel: "tiny",
                                            subjects: [.group("system:authenticated")])]
    var spec = F.spec(duration: duration, server: F.metricsServer(faults: [FaultSpec(kind: .hang, start: .zero)]),
                      clients: [F.client(workload: .open(.trace(Array(repeating: F.at(1), count: 4))))],
                      admission: .priorityAndFairness(configuration))
    spec.warmup = warmup
    return spec
  }

  @Test("priority-level metrics: one seat held 60 s of 100 s, two requests queued 15 s each, three 429s, one dispatched")
  func priorityLevelMetricsOfAFullLevel() throws {
    let result = F.run(Self.tinyLevelSpec(duration: .seconds(100)))
    #expect(result.priorityLevels.map(\.scope) == ["0/exempt", "0/tiny"])
    let tiny = try #require(result.priorityLevels.last)
    #expect(tiny.concurrencyLimit == 1)
    #expect(abs(tiny.seatUtilisation - 0.6) < 1e-12)
    #expect(abs(tiny.meanQueueLength - 0.3) < 1e-12)  // 2 requests × 15 s / 100 s
    #expect(tiny.rejected == 3)
    #expect(tiny.dispatched == 1)
    #expect(tiny.meanQueueWaitSeconds == 0)
  }

  @Test("time series of the tiny level: 1 seat in use at every bucket end while the hung request holds it (1 s to 61 s), then 0; limit 1 throughout")
  func priorityLevelSeatsOverTime() throws {
    var spec = Self.tinyLevelSpec(duration: .seconds(100))
    spec.timeBucket = .seconds(10)
    let result = F.run(spec)
    func series(_ metric: String) -> [Double] {
      result.timeSeries.filter { $0.scopeKind == "priority_level" && $0.scope == "0/tiny" && $0.metric == metric }.map(\.value)
    }
    #expect(series("seats_in_use") == [1, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    #expect(series("concurrency_limit") == Array(repeating: 1, count: 10))
  }

  @Test("priority-level metrics restart at the end of the warm-up (31 s): seat held 30 s of 69 s, nothing queued or rejected")
  func priorityLevelMetricsResetAtWarmup() throws {
    let result = F.run(Self.tinyLevelSpec(duration: .seconds(100), warmup: .seconds(31)))
    let tiny = try #require(result.priorityLevels.last)
    #expect(abs(tiny.seatUtilisation - 30.0 / 69.0) < 1e-12)
    #expect(tiny.meanQueueLength == 0)
    #expect(tiny.rejected == 0)
    #expect(tiny.dispatched == 0)
  }

  @Test("time series per 10 s bucket: completions and mean latency per client, busy workers and queue per pod, in-flight per instance")
  func timeSeriesBuckets() {
    // Requests at 1 s and 2 s take 10 ms; the pod hangs from 12 s, so the one at 15 s holds a worker to the end.
    let hang = FaultSpec(kind: .hang, start: F.at(12))
    let result = F.run(F.spec(duration: .seconds(20), server: F.metricsServer(faults: [hang]),
                              clients: [F.client(workload: .open(.trace([F.at(1), F.at(2), F.at(15)])))]))
    func value(_ time: Double, _ kind: String, _ scope: String, _ metric: String) -> Double? {
      result.timeSeries.first { $0.time == F.at(time) && $0.scopeKind == kind && $0.scope == scope && $0.metric == metric }?.value
    }
    #expect(Set(result.timeSeries.map(\.time)) == [F.at(10), F.at(20)])
    #expect(result.timeSeries.first?.scopeKind == "client")
    #expect(result.timeSeries.last.map { [$0.scopeKind, $0.scope, $0.metric] } == ["instance", "0", "in_flight"])
    #expect(value(10, "client", "alice", "completions_200") == 2)
    #expect(value(10, "client", "alice", "mean_latency_s").map { abs($0 - 0.01) < 1e-12 } == true)
    #expect(value(10, "apiservice", "v1beta1.metrics.k8s.io", "completions_200") == 2)
    #expect(value(20, "client", "alice", "completions_200") == 0)
    #expect(value(20, "client", "alice", "mean_latency_s")?.isNaN == true)
    #expect(value(10, "pod", "metrics-server/0", "busy_workers").map { abs($0 - 0.002) < 1e-12 } == true)
    #expect(value(20, "pod", "metrics-server/0", "busy_workers") == 0.5)
    #expect(value(20, "pod", "metrics-server/0", "queue_length") == 0)
    #expect(value(10, "instance", "0", "in_flight") == 0)
    #expect(value(20, "instance", "0", "in_flight") == 1)
  }

  @Test("a crash logs the fault, the reset connection, the pod leaving the endpoints after 1 s, the repair and its return")
  func crashEventsAreLogged() {
    let crash = FaultSpec(kind: .crash, start: F.at(10), duration: .seconds(20))
    let result = F.run(F.spec(duration: .seconds(40), server: F.metricsServer(faults: [crash]),
                              clients: [F.client(workload: .open(.trace([F.at(5)])))]))
    #expect(result.events.map { [$0.time == F.at(10) ? "10" : $0.time == F.at(11) ? "11" : $0.time == F.at(30) ? "30" : "?",
                                 $0.kind.rawValue, $0.subject, $0.detail] } == [
      ["10", "fault_begins", "metrics-server/0", "crash (scheduled)"],
      ["10", "connection_reset_by_crash", "metrics-server/0", "instance 0"],
      ["11", "pod_readiness_changed", "metrics-server/0", "not_ready"],
      ["30", "fault_ends", "metrics-server/0", "crash (scheduled)"],
      ["30", "pod_readiness_changed", "metrics-server/0", "ready"],
    ])
  }

  @Test("the HTTP/2 health check closing a silent connection is logged at 46.01 s")
  func healthCheckClosureIsLogged() {
    let drop = FaultSpec(kind: .silentConnectionDrop, start: F.at(10))
    let result = F.run(F.spec(duration: .seconds(60), server: F.metricsServer(faults: [drop]),
                              clients: [F.client(workload: .open(.trace([F.at(1), F.at(12)])))]))
    let closures = result.events.filter { $0.kind == .connectionClosedByHealthCheck }
    #expect(closures.map(\.time) == [F.at(46.01)])
    #expect(closures.map(\.subject) == ["metrics-server/0"])
  }

  @Test("response size over a 1 MiB/s link adds exactly size / bandwidth to the latency", arguments: [
    (2 * 1_024, SimDuration.milliseconds(10) + .nanoseconds(1_953_125)),
    (1_024 * 1_024, SimDuration.milliseconds(10) + .seconds(1)),
  ])
  func responseSizeOverBandwidth(bytes: Int, latency: SimDuration) {
    var server = F.metricsServer()
    server.responseBytes.get = bytes
    var spec = F.spec(duration: .seconds(10), server: server, clients: [F.client(workload: .open(.trace([F.at(1)])))])
    spec.backendLinks = [BackendLinkSpec(server: "metrics-server",
                                         link: NetworkLinkSpec(requestLatency: .constant(.zero), bandwidthBytesPerSecond: 1_048_576))]
    let result = F.run(spec)
    #expect(result.trace.map(\.latency) == [latency])
  }

  @Test("the default response sizes are 2 KiB, 64 KiB, 8 KiB, 1 KiB and 1 MiB")
  func defaultResponseSizes() {
    let sizes = ResponseSizes()
    #expect(RequestKind.allCases.map { sizes[$0] } == [2_048, 65_536, 8_192, 1_024, 1_048_576])
  }
}

@Suite("Extension server's own admission")
struct ExtensionServerAdmissionTests {
  typealias F = ModelFixtures

  @Test("a pod's own APF of one seat: one runs, two queue (one dispatched at 11 s, one 429 at its 15 s wait), one 429 at once")
  func podOwnAdmissionQueuesAndRejects() {
    var configuration = PriorityAndFairness.Configuration()
    configuration.serverConcurrencyLimit = 1
    configuration.priorityLevels = [.exempt(), .queued("tiny", shares: 1, lendablePercent: 0, queues: 1, handSize: 1, queueLengthLimit: 2)]
    configuration.flowSchemas = [FlowSchema(name: "everyone", matchingPrecedence: 100, priorityLevel: "tiny",
                                            subjects: [.group("system:authenticated")])]
    var server = F.metricsServer(serviceTimes: .uniform(.constant(.seconds(10))))
    server.ownAdmission = .priorityAndFairness(configuration)
    let result = F.run(F.spec(duration: .seconds(40), server: server,
                              clients: [F.client(workload: .open(.trace(Array(repeating: F.at(1), count: 4))))]))
    #expect(result.trace.map(\.outcome) == [.tooManyRequests, .ok, .tooManyRequests, .ok])
    #expect(result.trace.map(\.reason) == [.backendTooManyRequests, .ok, .backendTooManyRequests, .ok])
    #expect(result.trace.map(\.latency) == [0, 10, 15, 20].map { SimDuration.seconds($0) })
  }
}
