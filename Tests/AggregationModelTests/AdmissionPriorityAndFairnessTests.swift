import Testing
import SimCore
@testable import AggregationModel

/// One exempt level and one level "tiny" (index 1) holding every authenticated user, by user.
fileprivate func tinyPriorityAndFairness(seats: Int, queues: Int, handSize: Int, queueLengthLimit: Int) throws -> PriorityAndFairness {
  var configuration = PriorityAndFairness.Configuration()
  configuration.serverConcurrencyLimit = seats
  configuration.priorityLevels = [
    .exempt(),
    .queued("tiny", shares: 1, lendablePercent: 0, queues: queues, handSize: handSize, queueLengthLimit: queueLengthLimit),
  ]
  configuration.flowSchemas = [
    FlowSchema(name: "all", matchingPrecedence: 1000, priorityLevel: "tiny", subjects: [.group("system:authenticated")]),
  ]
  return try PriorityAndFairness(configuration: configuration)
}

fileprivate func at(_ seconds: Int) -> SimTime { .zero + .seconds(seconds) }
/// A version before borrowing (1.26), whose levels keep their nominal limits.
fileprivate let fixedLimits = KubernetesVersion(major: 1, minor: 25)

@Suite("API Priority and Fairness: seats, queues, queue wait limit and fair dispatch")
struct AdmissionPriorityAndFairnessTests {
  let globalDefault = 6
  let alice = RequestSubject.user("alice")

  @Test("a level with 49 seats executes 49 requests and queues the 50th; a finish dispatches it")
  func globalDefaultQueuesThe50th() throws {
    var apf = try PriorityAndFairness(version: fixedLimits)
    for id in UInt32(0)..<49 {
      #expect(apf.admit(id, subject: alice, seats: 1, now: .zero, deadline: at(60)) == .execute(level: globalDefault))
    }
    #expect(apf.seatsInUse(level: globalDefault) == 49)
    #expect(apf.admit(49, subject: alice, seats: 1, now: at(1), deadline: at(61))
            == .queued(level: globalDefault, queueWaitDeadline: at(16)))
    #expect(apf.queuedRequests(level: globalDefault) == 1)
    #expect(apf.finish(0, now: at(3)) == [49])
    #expect(apf.queueWait(of: 49) == .seconds(2))
    #expect(apf.seatsInUse(level: globalDefault) == 49)
    #expect(apf.queuedRequests(level: globalDefault) == 0)
    #expect(apf.queueWaitTally(level: globalDefault).count == 50)
    #expect(apf.queueWaitTally(level: globalDefault).max == 2)
    #expect(apf.seatsInUseStatistic(level: globalDefault).mean(upTo: at(4)) == 49)
    #expect(apf.queueLengthStatistic(level: globalDefault).mean(upTo: at(4)) == 0.5)   // 1 waiting during [1 s, 3 s)
    #expect(apf.rejectedCount(level: globalDefault) == 0)
  }

  @Test("APF rejects with 429 once the hand's queue is full, while another flow still queues")
  func rejectsWhenQueueFull() throws {
    var apf = try tinyPriorityAndFairness(seats: 1, queues: 2, handSize: 1, queueLengthLimit: 2)
    let bob = RequestSubject.user("bob")   // SHA-256 flow hashes (odd, even): alice deals queue 1, bob queue 0
    #expect(apf.admit(1, subject: alice, seats: 1, now: .zero, deadline: at(60)) == .execute(level: 1))
    #expect(apf.admit(2, subject: alice, seats: 1, now: .zero, deadline: at(60)) == .queued(level: 1, queueWaitDeadline: at(15)))
    #expect(apf.admit(3, subject: alice, seats: 1, now: .zero, deadline: at(60)) == .queued(level: 1, queueWaitDeadline: at(15)))
    #expect(apf.admit(4, subject: alice, seats: 1, now: .zero, deadline: at(60)) == .rejected(level: 1, retryAfter: .seconds(1)))
    #expect(apf.admit(5, subject: bob, seats: 1, now: .zero, deadline: at(60)) == .queued(level: 1, queueWaitDeadline: at(15)))
    #expect(apf.queueIndex(of: 2) == 1)
    #expect(apf.queueIndex(of: 5) == 0)
    #expect(apf.queuedRequests(level: 1) == 3)
    #expect(apf.rejectedCount(level: 1) == 1)
  }

  @Test("the queue wait limit is a quarter of the remaining deadline, at most 1 min, 15 s without deadline")
  func queueWaitLimit() throws {
    var apf = try PriorityAndFairness(version: fixedLimits)
    for id in UInt32(0)..<49 { _ = apf.admit(id, subject: alice, seats: 1, now: .zero, deadline: at(60)) }
    #expect(apf.admit(49, subject: alice, seats: 1, now: .zero, deadline: at(60)) == .queued(level: globalDefault, queueWaitDeadline: at(15)))
    #expect(apf.admit(50, subject: alice, seats: 1, now: at(5), deadline: at(65)) == .queued(level: globalDefault, queueWaitDeadline: at(20)))
    #expect(apf.admit(51, subject: alice, seats: 1, now: at(5), deadline: .never) == .queued(level: globalDefault, queueWaitDeadline: at(20)))
    #expect(apf.admit(52, subject: alice, seats: 1, now: at(5), deadline: at(605)) == .queued(level: globalDefault, queueWaitDeadline: at(65)))
    #expect(apf.queueWait(now: at(0), deadline: at(32)) == .seconds(8))
  }

  @Test("an expired queue wait rejects a still-queued request once; a dispatched request's timer is stale")
  func queueWaitExpiry() throws {
    var apf = try PriorityAndFairness(version: fixedLimits)
    for id in UInt32(0)..<49 { _ = apf.admit(id, subject: alice, seats: 1, now: .zero, deadline: at(60)) }
    _ = apf.admit(49, subject: alice, seats: 1, now: .zero, deadline: at(60))
    _ = apf.admit(50, subject: alice, seats: 1, now: at(5), deadline: at(65))
    #expect(apf.queueWaitExpired(49, now: at(15)) == true)
    #expect(apf.rejectedCount(level: globalDefault) == 1)
    #expect(apf.queueWaitExpired(49, now: at(15)) == false)
    #expect(apf.queuedRequests(level: globalDefault) == 1)
    #expect(apf.finish(0, now: at(16)) == [50])
    #expect(apf.queueWait(of: 50) == .seconds(11))
    #expect(apf.queueWaitExpired(50, now: at(20)) == false)
    #expect(apf.rejectedCount(level: globalDefault) == 1)
    #expect(apf.finish(50, now: at(21)) == [])
    #expect(apf.queueWaitExpired(50, now: at(21)) == false)
  }

  @Test("a client that gives up while queued leaves the queue without a 429")
  func abandonedWhileQueued() throws {
    var apf = try tinyPriorityAndFairness(seats: 1, queues: 2, handSize: 1, queueLengthLimit: 2)
    _ = apf.admit(1, subject: alice, seats: 1, now: .zero, deadline: at(60))
    _ = apf.admit(2, subject: alice, seats: 1, now: .zero, deadline: at(60))
    _ = apf.admit(3, subject: alice, seats: 1, now: .zero, deadline: at(60))
    #expect(apf.finish(2, now: at(1)) == [])
    #expect(apf.queuedRequests(level: 1) == 1)
    #expect(apf.rejectedCount(level: 1) == 0)
    #expect(apf.finish(1, now: at(2)) == [3])
  }

  @Test("fair queuing: on a 1-seat level a light flow's lone request goes second, not eleventh")
  func lightFlowIsNotStarved() throws {
    var apf = try tinyPriorityAndFairness(seats: 1, queues: 8, handSize: 1, queueLengthLimit: 50)
    let heavy = RequestSubject.user("heavy"), light = RequestSubject.user("light")
    #expect(apf.admit(0, subject: heavy, seats: 1, now: .zero, deadline: at(60)) == .execute(level: 1))
    for id in UInt32(1)..<10 { _ = apf.admit(id, subject: heavy, seats: 1, now: .zero, deadline: at(60)) }
    _ = apf.admit(100, subject: light, seats: 1, now: .zero, deadline: at(60))
    #expect(apf.queueIndex(of: 100) != apf.queueIndex(of: 1))
    var order: [UInt32] = [0]
    var running: UInt32 = 0
    for second in 1...10 {
      let next = apf.finish(running, now: at(second))
      #expect(next.count == 1)
      running = next[0]
      order.append(running)
    }
    #expect(order == [0, 100, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    #expect(apf.queueWait(of: 100) == .seconds(1))
  }

  @Test("fair queuing: a heavy flow dealt 2 queues takes 2 of the first 3 dispatches, then its two queues alternate")
  func handOfTwoSharesTwoQueues() throws {
    var apf = try tinyPriorityAndFairness(seats: 1, queues: 8, handSize: 2, queueLengthLimit: 50)
    let heavy = RequestSubject.user("heavy"), light = RequestSubject.user("light")
    for id in UInt32(0)..<10 { _ = apf.admit(id, subject: heavy, seats: 1, now: .zero, deadline: at(60)) }
    _ = apf.admit(100, subject: light, seats: 1, now: .zero, deadline: at(60))
    var order: [UInt32] = [0]
    var running: UInt32 = 0
    for second in 1...10 {
      running = apf.finish(running, now: at(second))[0]
      order.append(running)
    }
    // 0 ran from the hand's first queue; 1, 3, 5 … wait in its second queue, 2, 4, 6 … in the first
    // (fewest waiting seats, the scan starting at the first card, then the second, in turn). 0's
    // queue is charged its real second when 0 ends, so the second queue goes next; then the light
    // flow (its queue still at R 0), then the heavy queues in turn.
    #expect(order == [0, 1, 100, 2, 3, 4, 5, 6, 7, 8, 9])
  }

  /// 20 seats, 2 queues, hand 1 (alice deals queue 1, bob queue 0); bob holds 19 seats, alice's
  /// 3-seat request W (100) waits and has the smaller virtual finish, bob's 1-seat N (200) waits too.
  func blockedByWideHead() throws -> PriorityAndFairness {
    var apf = try tinyPriorityAndFairness(seats: 20, queues: 2, handSize: 1, queueLengthLimit: 50)
    #expect(apf.maxSeats[1] == 3)
    let bob = RequestSubject.user("bob")
    for id in UInt32(1)...19 { #expect(apf.admit(id, subject: bob, seats: 1, now: .zero, deadline: at(60)) == .execute(level: 1)) }
    #expect(apf.admit(100, subject: alice, seats: 3, now: .zero, deadline: at(60)) == .queued(level: 1, queueWaitDeadline: at(15)))
    // One seat is free, but W is the fair-queuing choice and does not fit, so N waits as well.
    #expect(apf.admit(200, subject: bob, seats: 1, now: .zero, deadline: at(60)) == .queued(level: 1, queueWaitDeadline: at(15)))
    #expect(apf.finish(1, now: at(1)) == [])
    #expect(apf.seatsInUse(level: 1) == 18)
    return apf
  }

  @Test("a wide request chosen by fair queuing blocks its level until enough seats are free")
  func wideHeadBlocksLevel() throws {
    var apf = try blockedByWideHead()
    #expect(apf.finish(2, now: at(2)) == [100])
    #expect(apf.seatsInUse(level: 1) == 20)
    #expect(apf.queuedRequests(level: 1) == 1)
  }

  @Test("when a blocking wide request's queue wait expires, the narrower requests behind it start")
  func expiryOfWideHeadUnblocks() throws {
    var apf = try blockedByWideHead()
    var dispatched: [UInt32] = []
    #expect(apf.queueWaitExpired(100, now: at(15), dispatched: &dispatched) == true)
    #expect(dispatched == [200])
    #expect(apf.queueWait(of: 200) == .seconds(15))
    #expect(apf.rejectedCount(level: 1) == 1)
  }

  @Test("exempt requests always execute and are counted in the exempt level's seats")
  func exemptAlwaysExecutes() throws {
    var apf = try PriorityAndFairness(version: fixedLimits)
    let admin = RequestSubject.user("admin", groups: ["system:masters"])
    for id in UInt32(0)..<1000 {
      #expect(apf.admit(id, subject: admin, seats: 1, now: .zero, deadline: at(60)) == .execute(level: 0))
    }
    #expect(apf.seatsInUse(level: 0) == 1000)
    #expect(apf.finish(7, now: at(1)) == [])
    #expect(apf.seatsInUse(level: 0) == 999)
  }
}
