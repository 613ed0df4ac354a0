import Testing
import SimCore
@testable import AggregationModel

/// How requests end: the reasons of `requests.csv` that no other trace pins, and the latency of
/// successful requests kept apart from the failures' (exact traces, constant latencies).
@Suite("End reasons and success latency")
struct EndReasonTests {
  typealias F = ModelFixtures

  @Test("a group-version no APIService serves is a local 404 (counted as 503 service unavailable in the summary)")
  func unknownGroupVersionIsNotFound() {
    let client = F.client(target: .resource(apiService: "v1.nothing.example.com", kind: .get), workload: .open(.trace([F.at(1)])))
    let result = F.run(F.spec(duration: .seconds(5), clients: [client]))
    #expect(result.trace.map(\.reason) == [.notFound])
    #expect(result.trace.map(\.reason.code) == [404] && result.trace.map(\.outcome) == [.unavailable])
    #expect(result.trace.map(\.latency) == [.zero])
  }

  @Test("a crash resets the connection of a request in the pod (503 at 10 s); endpoint routing with no ready pod left answers 503 no endpoints")
  func crashResetsThenNoEndpoints() {
    // 9.995 s: 10 ms of service would end at 10.005 s; the crash at 10 s resets it. The kubelet
    // takes the pod out of the endpoints at 11 s: at 12 s endpoint routing finds none.
    let crash = FaultSpec(kind: .crash, start: F.at(10), duration: .seconds(20))
    let result = F.run(F.spec(duration: .seconds(20), server: F.metricsServer(faults: [crash]),
                              clients: [F.client(workload: .open(.trace([F.at(9.995), F.at(12)])))], routing: .endpoints))
    #expect(result.trace.map(\.reason) == [.connectionReset, .noEndpoints])
    #expect(result.trace.map(\.end) == [F.at(10), F.at(12)])
  }

  @Test("the reasons' names, statuses and summary categories are a stable vocabulary")
  func vocabulary() {
    #expect(EndReason.allCases.map(\.name) == [
      "", "429_rejected", "429_queue_wait", "429_backend", "503_unavailable", "503_no_endpoints", "404_not_found",
      "503_discovery_timeout", "503_connection_refused", "503_dial_timeout", "503_tls_handshake_timeout", "503_connection_lost",
      "503_connection_reset", "504_deadline", "500_authorization_failed", "client_timeout", "apiserver_connection_refused",
      "apiserver_connection_reset", "apiserver_dial_timeout",
    ])
    #expect(EndReason.allCases.map(\.code) == [200, 429, 429, 429, 503, 503, 404, 503, 503, 503, 503, 503, 503, 504, 500, 0, 0, 0, 0])
    // Every reason's name starts with its status, except those where no answer came.
    for reason in EndReason.allCases where reason.code != 200 {
      #expect(reason.name.hasPrefix("\(reason.code)_") == (reason.code != 0), "\(reason)")
    }
    #expect(Set(EndReason.allCases.map(\.outcome)) == Set(Outcome.allCases))
  }

  @Test("success latency counts the 200s only: three 10 ms answers and two 1 s client timeouts give a 50th percentile of 10 ms, where the latency's is 1 s")
  func successLatencyLeavesOutFailures() throws {
    // The pod hangs from 3.5 s: requests at 1, 2, 3 s are served in 10 ms, those at 4 and 5 s
    // are given up at the client's 1 s timeout.
    var client = F.client(workload: .open(.trace([1, 2, 3, 4, 5].map(F.at))))
    client.timeout = .seconds(1)
    let hang = FaultSpec(kind: .hang, start: F.at(3.5))
    let result = F.run(F.spec(duration: .seconds(10), server: F.metricsServer(faults: [hang]), clients: [client]))
    #expect(result.trace.map(\.reason) == [.ok, .ok, .ok, .clientTimeout, .clientTimeout])
    let alice = try #require(ReplicationSummary(result).scope("client/alice"))
    // HdrHistogram keeps 3 significant digits: a percentile is within 0.1% of the value.
    func close(_ metric: SummaryMetric, _ value: Double) -> Bool { alice.value(of: metric).map { abs($0 - value) <= value * 1e-3 } == true }
    #expect(close(.successLatencyP50, 0.01) && close(.successLatencyP99, 0.01) && close(.successLatencyMax, 0.01))
    #expect(alice.value(of: .successLatencyMean) == 0.01)
    #expect(close(.latencyP50, 0.01) && close(.latencyP90, 1) && close(.latencyMax, 1))
    #expect(alice.value(of: .latencyMean).map { abs($0 - 0.406) < 1e-12 } == true)
    // The all scope merges the success histograms too.
    #expect(ReplicationSummary(result).all.value(of: .successLatencyMean) == 0.01)
  }

  @Test("success latency is NaN when no request succeeded")
  func successLatencyOfNone() throws {
    let result = F.run(F.spec(duration: .seconds(5), clients: [F.client(workload: .open(.trace([F.at(1)])))], available: false))
    let alice = try #require(ReplicationSummary(result).scope("client/alice"))
    #expect(alice.value(of: .successLatencyP50)?.isNaN == true && alice.value(of: .latencyP50) == 0)
  }
}
