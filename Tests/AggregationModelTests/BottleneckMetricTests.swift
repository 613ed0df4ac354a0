import SimCore
import Testing
@testable import AggregationModel

/// The summary metrics the bottleneck findings rest on: what a client offered and sent past its
/// token bucket, the requests that met the HTTP/2 stream cap, and each pod's share of its
/// server's requests. Exact counts with constant 10 ms service times and ideal links.
@Suite("Bottleneck metrics")
struct BottleneckMetricTests {
  typealias F = ModelFixtures

  @Test("a bucket of 1 QPS, burst 1 sends 4 arrivals at 1 s at 1, 2, 3 and 4 s: in 2.5 s, 4 offered, 2 sent, 2 ended")
  func offeredAndSent() throws {
    var client = F.client(workload: .open(.trace([F.at(1), F.at(1), F.at(1), F.at(1)])))
    client.rateLimit = RateLimitSpec(qps: .perSecond(1), burst: 1)
    let summary = ReplicationSummary(F.run(F.spec(duration: .milliseconds(2_500), clients: [client])))
    let alice = try #require(summary.scope("client/alice"))
    #expect(alice.value(of: .offeredRate) == 4 / 2.5)
    #expect(alice.value(of: .sentRate) == 2 / 2.5)
    #expect(alice.value(of: .requests) == 2)
    #expect(summary.scope("apiservice/v1beta1.metrics.k8s.io")?.value(of: .offeredRate) == 4 / 2.5)
    #expect(summary.all.value(of: .sentRate) == 2 / 2.5)
  }

  @Test("a retry after a 429 is sent again but not offered again")
  func retriesAreSentNotOffered() throws {
    // One level of one seat, queues of length 0: the second of two simultaneous requests gets a
    // 429 with Retry-After and is retried; offered 2, sent 3.
    var spec = F.spec(duration: .seconds(60), clients: [F.client(workload: .open(.trace([F.at(1), F.at(1)])))],
                      admission: .maxInFlight(readOnly: 1, mutating: 1))
    spec.clients[0].retry = .clientGo
    let alice = try #require(ReplicationSummary(F.run(spec)).scope("client/alice"))
    #expect(alice.value(of: .retries) == 1)
    #expect(alice.value(of: .offeredRate) == 2 / SimDuration.seconds(60).seconds)
    #expect(alice.value(of: .sentRate) == 3 / SimDuration.seconds(60).seconds)
  }

  @Test("at a cap of 1 stream per connection, the 2nd and 3rd of 3 simultaneous requests find every connection full")
  func streamCapHits() throws {
    let spec = F.spec(duration: .seconds(10), server: F.metricsServer(maxStreams: 1),
                      clients: [F.client(workload: .open(.trace([F.at(1), F.at(1), F.at(1)])))])
    let summary = ReplicationSummary(F.run(spec))
    #expect(summary.scope("client/alice")?.value(of: .streamCapHits) == 2)
    #expect(summary.scope("apiservice/v1beta1.metrics.k8s.io")?.value(of: .streamCapHits) == 2)
    #expect(summary.scope("client/alice")?.value(of: .requests) == 3)
    let uncapped = F.spec(duration: .seconds(10), clients: [F.client(workload: .open(.trace([F.at(1), F.at(1), F.at(1)])))])
    #expect(ReplicationSummary(F.run(uncapped)).scope("client/alice")?.value(of: .streamCapHits) == 0)
  }

  @Test("under ClusterIP routing one connection carries every request: one pod's share is 1, the other's 0")
  func podRequestShare() throws {
    let spec = F.spec(duration: .seconds(10), server: F.metricsServer(replicas: 2),
                      clients: [F.client(workload: .open(.trace([F.at(1), F.at(2), F.at(3)])))])
    let summary = ReplicationSummary(F.run(spec))
    let shares = summary.scopes(of: .pod).compactMap { $0.value(of: .podRequestShare) }
    #expect(shares.sorted() == [0, 1])
    #expect(summary.all.value(of: .podRequestShare) == 0.5)
    let idle = F.spec(duration: .seconds(10), server: F.metricsServer(replicas: 2), clients: [F.client(workload: .open(.trace([])))])
    #expect(ReplicationSummary(F.run(idle)).scopes(of: .pod).allSatisfy { $0.value(of: .podRequestShare)?.isNaN == true })
  }
}
