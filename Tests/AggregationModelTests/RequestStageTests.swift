import Testing
import SimCore
@testable import AggregationModel

/// Where a request's time goes (`RequestStage`), pinned by exact traces with constant times:
/// client links of 1 ms each way, backend links of 2 ms each way (a new connection's TCP and TLS
/// handshakes take a round trip each: 8 ms), filters of 0.3 ms, one worker serving in 10 ms.
/// Every request's stages add up to its latency.
@Suite("Request stages: exact traces")
struct RequestStageTests {
  typealias F = ModelFixtures

  static func spec(clients: [ClientSpec], admission: AdmissionSpec = .unlimited) -> ModelSpec {
    var spec = F.spec(duration: .seconds(10), server: F.metricsServer(workers: 1), clients: clients, admission: admission)
    spec.controlPlane.filterOverhead = .constant(.microseconds(300))
    spec.backendLinks = [BackendLinkSpec(server: "metrics-server", link: NetworkLinkSpec(requestLatency: .constant(.milliseconds(2))))]
    for index in spec.clients.indices { spec.clients[index].link = NetworkLinkSpec(requestLatency: .constant(.milliseconds(1))) }
    return spec
  }

  /// The stages of a traced request, in milliseconds, in `RequestStage` order.
  static func milliseconds(_ entry: RequestTraceEntry) -> [Double] {
    RequestStage.allCases.map { Double(entry.stages[$0].nanoseconds) / 1e6 }
  }

  /// a1 and b1 at t = 1 s share the connection's 8 ms of handshakes; at the pod a1 takes the
  /// worker and b1 waits its 10 ms; a2 waits 1 s for a token (1 QPS, burst 1) and finds the
  /// connection open and the worker free.
  ///   a1: out 1 + 2, filters 0.3, connection 8, service 10, back 2 + 1 = 24.3 ms
  ///   b1: the same and 10 ms in the pod's queue                          = 34.3 ms
  ///   a2: throttle 1,000, out 3, filters 0.3, service 10, back 3          = 1,016.3 ms
  @Test("throttling, network each way, filters, connection set-up, pod queue and service: exact figures that add up to each latency")
  func stagesOfThreeRequests() {
    var a = F.client("a", workload: .open(.trace([F.at(1), F.at(1)])))
    a.rateLimit = RateLimitSpec(qps: .perSecond(1), burst: 1)
    let b = F.client("b", workload: .open(.trace([F.at(1)])))
    let result = F.run(Self.spec(clients: [a, b]))
    let byClient = Dictionary(grouping: result.trace, by: \.client)
    let a1 = byClient[0]![0], a2 = byClient[0]![1], b1 = byClient[1]![0]
    //                                       throttle retry  out  filters apf  conn  podQ  service back
    #expect(Self.milliseconds(a1) == [0, 0, 3, 0.3, 0, 8, 0, 10, 3])
    #expect(Self.milliseconds(b1) == [0, 0, 3, 0.3, 0, 8, 10, 10, 3])
    #expect(Self.milliseconds(a2) == [1_000, 0, 3, 0.3, 0, 0, 0, 10, 3])
    for entry in result.trace { #expect(entry.stages.total == entry.latency) }
    #expect([a1, b1, a2].map(\.latency) == [.microseconds(24_300), .microseconds(34_300), .microseconds(1_016_300)])
  }

  /// Max-in-flight 1: r2 is rejected with 429 Retry-After 1 s at 1.0013 s (after 1 ms out and
  /// 0.3 ms of filters), hears it at 1.0023 s, waits 1 s and is sent again over the open
  /// connection: out 1 + 1 + 2, filters 0.3 + 0.3, backoff 1,000, service 10, back 1 + 2 + 1.
  @Test("a 429's Retry-After is the retry backoff stage; both attempts' network and filters count")
  func retryBackoffStage() {
    var client = F.client("r", workload: .open(.trace([F.at(1), F.at(1)])))
    client.retry = .clientGo
    let result = F.run(Self.spec(clients: [client], admission: .maxInFlight(readOnly: 1, mutating: 1)))
    #expect(result.trace.count == 2)
    let r2 = result.trace.first { $0.attempts == 2 }!
    #expect(Self.milliseconds(r2) == [0, 1_000, 4, 0.6, 0, 0, 0, 10, 4])
    #expect(r2.latency == .microseconds(1_018_600) && r2.stages.total == r2.latency)
  }

  @Test("the scope's stage means add up to its mean latency")
  func stageMeansAddUp() {
    var a = F.client("a", workload: .open(.trace([F.at(1), F.at(1)])))
    a.rateLimit = RateLimitSpec(qps: .perSecond(1), burst: 1)
    let result = F.run(Self.spec(clients: [a, F.client("b", workload: .open(.trace([F.at(1)])))]))
    for metrics in result.clients {
      let sum = RequestStage.allCases.map { metrics.stages.meanSeconds($0) }.reduce(0, +)
      #expect(abs(sum - metrics.latency.mean.seconds) < 1e-9)
    }
  }
}


/// The stage statistics keep zeros as a count beside a histogram of the other times: their
/// percentiles must be those of one histogram holding every time, zeros included.
@Suite("Request stages: statistics")
struct StageStatisticsTests {
  @Test("p50, p90, p99 of a stage equal one histogram's of every time, zeros included, for any share of zeros",
        arguments: [0.0, 0.3, 0.5, 0.9, 0.98, 0.99, 0.995, 1.0])
  func percentilesMatchOneHistogram(zeroShare: Double) {
    var generator = SplitMix64(seed: UInt64(zeroShare * 1_000) + 7)
    var statistics = StageStatistics()
    var reference = LatencyHistogram(significantDigits: 2)
    for count in 1...1_000 {
      var stages = StageDurations()
      let zero = Double(generator.next() % 1_000_000) / 1_000_000 < zeroShare
      stages[.podQueue] = zero ? .zero : .nanoseconds(Int64(1 + generator.next() % 50_000_000))
      statistics.record(stages)
      reference.record(stages[.podQueue])
      if [1, 2, 7, 99, 100, 101, 1_000].contains(count) {
        for p in [50.0, 90, 99] {
          #expect(statistics.percentileSeconds(.podQueue, p) == reference.percentile(p).seconds, "n \(count), p\(p)")
        }
        #expect(abs(statistics.meanSeconds(.podQueue) - reference.mean.seconds) < 1e-9)
      }
    }
  }
}

/// A small seeded generator (SplitMix64) for test data.
private struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
