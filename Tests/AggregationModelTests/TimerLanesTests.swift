import Testing
import SimCore
@testable import AggregationModel

/// Which constant delays get a FIFO lane of the calendar (`TimerLanes`): lanes only make the
/// calendar faster (the order of events is the same, `EventCalendarLaneTests`), so what is
/// pinned here is that the model's frequent timers find one.
@Suite("Timer lanes")
struct TimerLanesTests {
  @Test("APF's queue-wait limits have lanes: a quarter of the 60 s request timeout (15 s) and of a client's ?timeout= of 32 s (8 s)")
  func queueWaitLimitsHaveLanes() {
    var client = ModelFixtures.client(workload: .open(.poisson(.perSecond(1))))
    client.requestTimeout = .seconds(32)
    let apf = TimerLanes(ModelFixtures.spec(duration: .seconds(1), clients: [client], admission: .kubernetesDefault).resolved())
    #expect(apf.lane(for: .seconds(15)) != nil)
    #expect(apf.lane(for: .seconds(8)) != nil)
    #expect(apf.lane(for: .seconds(7)) == nil)
    // Without APF no request waits in a queue, and no lane is kept for it.
    let unlimited = TimerLanes(ModelFixtures.spec(duration: .seconds(1), clients: [client]).resolved())
    #expect(unlimited.lane(for: .seconds(15)) == nil && unlimited.lane(for: .seconds(8)) == nil)
    #expect(unlimited.lane(for: .seconds(60)) != nil && unlimited.lane(for: .seconds(32)) != nil)
  }
}
