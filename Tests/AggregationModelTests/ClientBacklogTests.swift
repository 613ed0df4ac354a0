import Testing
import SimCore
@testable import AggregationModel

/// An open workload's backlog is bounded (issue 13 item 1): a client holds at most
/// `maxOutstanding` requests in progress; an arrival beyond is not sent and counts as
/// `dropped_offered`, as a load generator with finite workers (k6's `dropped_iterations`).
@Suite("Open-workload backlog")
struct ClientBacklogTests {
  /// 10 arrivals/s (at 0.1, 0.2, … 2.0 s) into one worker that takes 1.05 s a request, with room
  /// for 3 requests in progress, over 2.05 s.
  func backlogRun(maxOutstanding: Int) -> ReplicationResult {
    var client = ModelFixtures.client(workload: .open(.constant(.perSecond(10))))
    client.maxOutstanding = maxOutstanding
    let server = ModelFixtures.metricsServer(workers: 1, serviceTimes: .uniform(.constant(.milliseconds(1_050))))
    return ModelFixtures.run(ModelFixtures.spec(duration: .milliseconds(2_050), server: server, clients: [client]))
  }

  @Test("with room for 3, arrivals at 0.1–0.3 s and 1.2 s are sent and the other 16 are dropped (exact trace)")
  func boundedBacklog() {
    let result = backlogRun(maxOutstanding: 3)
    // Sent at 0.1, 0.2, 0.3; 0.4 … 1.1 dropped (8); the first ends at 0.1 + 1.05 = 1.15 s, so
    // the arrival at 1.2 s is sent; 1.3 … 2.0 dropped (8). Only the first ends within 2.05 s.
    #expect(result.clients[0].droppedOffered == 16)
    #expect(result.apiServices[result.apiServiceNames.firstIndex(of: "v1beta1.metrics.k8s.io")!].droppedOffered == 16)
    #expect(result.clients[0].completed == 1)
    #expect(result.trace.map(\.start) == [ModelFixtures.at(0.1)])
    #expect(result.trace.map(\.end) == [ModelFixtures.at(1.15)])
  }

  @Test("with the default room, every arrival is sent and none is dropped")
  func defaultRoom() {
    let result = backlogRun(maxOutstanding: ClientSpec.defaultMaxOutstanding)
    #expect(result.clients[0].droppedOffered == 0)
    // One worker: requests end at 1.15 s only; the other 19 wait in the pod's queue.
    #expect(result.clients[0].completed == 1)
  }
}
