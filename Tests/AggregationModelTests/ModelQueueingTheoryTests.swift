import Testing
import SimCore
import QueueingModels
@testable import AggregationModel

/// The whole request path against queueing theory: with ideal links, no filter overhead and no
/// admission limit, one extension server pod with c workers and exponential service is an
/// M/M/c queue, so the mean proxied latency must be Erlang C's Wq + 1/μ.
@Suite("Request path against queueing theory")
struct ModelQueueingTheoryTests {
  @Test("proxied latency through one pod with 4 workers matches M/M/4 (Erlang C) within the 99% interval")
  func proxiedLatencyMatchesErlangC() async throws {
    // λ = 320/s, mean service 10 ms, c = 4: ρ = 0.8.
    let server = ModelFixtures.metricsServer(workers: 4, serviceTimes: .uniform(.exponential(mean: .milliseconds(10))))
    var spec = ModelFixtures.spec(duration: .seconds(210), server: server,
                                  clients: [ModelFixtures.client(workload: .open(.poisson(.perSecond(320))))])
    spec.warmup = .seconds(10)
    spec.requestTraceSampling = 0
    let model = spec
    let means = await Replications.run(count: 10, jobs: 2) { replication in
      var simulation = try! AggregationSimulation(spec: model, runSeed: 20_261_124, replication: replication)
      return simulation.run().clients[0].latency.mean.seconds
    }
    let expected = QueueingTheory.mmcMeanWait(servers: 4, arrivalRate: 320, serviceRate: 100) + 0.010
    let ci = try #require(ConfidenceInterval.studentT(of: means, level: 0.99))
    #expect(ci.contains(expected), "\(ci.low)…\(ci.high) vs \(expected)")
    #expect(ci.halfWidth < 0.03 * expected, "the interval must be tight enough to mean something")
  }
}
