import Testing
import SimCore
@testable import AggregationModel

fileprivate func at(_ seconds: Double) -> SimTime { .zero + .seconds(seconds) }
fileprivate let v122 = KubernetesVersion(major: 1, minor: 22)
fileprivate let v123 = KubernetesVersion(major: 1, minor: 23)

/// One level "tiny" (index 1) of `seats` seats, `queues` queues and hand size 1 (unless given), so
/// that a flow of hash h waits in queue h mod queues; no borrowing.
fileprivate func tiny(seats: Int, queues: Int, handSize: Int = 1, version: KubernetesVersion) throws -> PriorityAndFairness {
  var configuration = PriorityAndFairness.Configuration()
  configuration.serverConcurrencyLimit = seats
  configuration.borrowing = false
  configuration.priorityLevels = [
    .exempt(), .queued("tiny", shares: 1, lendablePercent: 0, queues: queues, handSize: handSize, queueLengthLimit: 50),
  ]
  configuration.flowSchemas = [
    FlowSchema(name: "all", matchingPrecedence: 1000, priorityLevel: "tiny", subjects: [.group("system:authenticated")]),
  ]
  return try PriorityAndFairness(configuration: configuration, version: version)
}

/// A request of the flow whose hash is `flow`.
fileprivate func flow(_ flow: UInt64) -> PriorityAndFairness.Classification {
  PriorityAndFairness.Classification(level: 1, flowSchema: 0, flowHash: flow)
}

@Suite("API Priority and Fairness: fair queuing's work estimate and anti-windup")
struct AdmissionFairQueuingTests {
  @Test("G, the work estimate per seat, is 3 ms from 1.23 and 60 s before (queueset.go:215)")
  func workEstimateByVersion() throws {
    #expect(try PriorityAndFairness(version: v123).configuration.estimatedServiceDuration == .milliseconds(3))
    #expect(try PriorityAndFairness(version: v122).configuration.estimatedServiceDuration == .seconds(60))
    #expect(VersionDefaults.apfWorkEstimate.value(in: .latest) == .milliseconds(3))
  }

  /// 3 seats, queues 0-2. At 0 s flow C's request takes a seat (queue 2) and flow A's two take
  /// the others (queue 0's next dispatch R = 2G); A's third waits in queue 0 (arrival R 0). R
  /// grows at min(4, 3) / 2 active queues = 1.5 per second, so flow B's request, at 1 s, starts
  /// queue 1 at R = 1.5. C's request ends at 2 s: the virtual finishes are 2G + G for queue 0 and
  /// 1.5 + G for queue 1.
  @Test("the flow with long requests still running is not charged for them until they end: with G = 3 ms its next request goes first (0.009 < 1.503); with G = 60 s the other flow's does (exact trace)")
  func longRequestsChargedAtTheEnd() throws {
    for (version, first) in [(v123, UInt32(3)), (v122, UInt32(4))] {
      var apf = try tiny(seats: 3, queues: 3, version: version)
      #expect(apf.admit(0, classification: flow(2), seats: 1, now: .zero, deadline: at(600)) == .execute(level: 1))
      #expect(apf.admit(1, classification: flow(0), seats: 1, now: .zero, deadline: at(600)) == .execute(level: 1))
      #expect(apf.admit(2, classification: flow(0), seats: 1, now: .zero, deadline: at(600)) == .execute(level: 1))
      #expect(apf.admit(3, classification: flow(0), seats: 1, now: .zero, deadline: at(600)) == .queued(level: 1, queueWaitDeadline: at(60)))
      #expect(apf.admit(4, classification: flow(1), seats: 1, now: at(1), deadline: at(601)) == .queued(level: 1, queueWaitDeadline: at(61)))
      #expect(apf.finish(0, now: at(2)) == [first], "\(version)")
    }
  }

  /// 2 seats, queues 0-1. Flow A's two requests hang from 0 s (queue 0's next dispatch R = 2G =
  /// 0.006); R grows 2 per second while only queue 0 is active. At 10 s (R = 20) A's third and
  /// B's first request queue (queue 1 starts at 20); the bound lifts queue 0 to its oldest
  /// request's arrival R, 20. At 11 s A's first request ends after 11 s: queue 0 gets
  /// 20 + (11 − 0.003) = 30.997 against queue 1's 20 (without the bound, 0.006 + 10.997 = 11.003).
  @Test("anti-windup (1.23+): a queue's next dispatch is not before its oldest waiting request's arrival, so a flow idle in the virtual world does not bank credit (exact trace)")
  func antiWindup() throws {
    var apf = try tiny(seats: 2, queues: 2, version: v123)
    #expect(apf.admit(0, classification: flow(0), seats: 1, now: .zero, deadline: at(600)) == .execute(level: 1))
    #expect(apf.admit(1, classification: flow(0), seats: 1, now: .zero, deadline: at(600)) == .execute(level: 1))
    #expect(apf.admit(2, classification: flow(0), seats: 1, now: at(10), deadline: at(610)) == .queued(level: 1, queueWaitDeadline: at(70)))
    #expect(apf.admit(3, classification: flow(1), seats: 1, now: at(10), deadline: at(610)) == .queued(level: 1, queueWaitDeadline: at(70)))
    #expect(apf.finish(0, now: at(11)) == [3])
    #expect(apf.finish(1, now: at(12)) == [2])
  }

  /// Hand size 2 of 2 queues: the flow of hash 0 is dealt [0, 1]. The first request runs; each
  /// later one goes to the queue of its hand with the fewest waiting seats, scanned from a start
  /// that rotates with every enqueue (0, 1, 0, 1 …): a tie goes to the first queue scanned.
  @Test("the queue within a hand (1.23+): fewest waiting seats, scanned from a start that rotates with every enqueue (queueset.go shuffleShardLocked)")
  func rotatingQueueChoice() throws {
    var apf = try tiny(seats: 1, queues: 2, handSize: 2, version: v123)
    #expect(ShuffleShardingDealer(deckSize: 2, handSize: 2).hand(0) == [0, 1])
    #expect(apf.admit(0, classification: flow(0), seats: 1, now: .zero, deadline: at(60)) == .execute(level: 1))
    for id in UInt32(1)...4 { _ = apf.admit(id, classification: flow(0), seats: 1, now: .zero, deadline: at(60)) }
    // Enqueue 1 (start 1): tie 0-0 → 1; 2 (start 0): 0 < 1 → 0; 3 (start 1): tie 1-1 → 1; 4 (start 0): 1 < 2 → 0.
    #expect((1...4).map { apf.queueIndex(of: UInt32($0)) } == [1, 0, 1, 0])
  }

  /// 1 seat, 8 queues, hand size 3, FlowSchema "all" (by user). The real flow hashes (SHA-256 of
  /// "all", 0, the user: python hashlib) deal alice [3, 5, 6] and bob [0, 3, 6]. Alice, alice, bob,
  /// alice, bob, alice arrive at 0 s; the first runs from its queue at once. 1.23 scans each hand
  /// from card (enqueues mod 3): alice's second from 5 (5, 6, 3: all empty), bob's from 6 (6, 0, 3),
  /// alice's third from 3 (3 empty), bob's second from 3 (1 waiting), 6 (1), 0 (0) → 0, alice's
  /// last from 6 (6, 3, 5: one each) → 6. 1.22 scans in dealing order: 3, 0, 5, 6, 3.
  @Test("queue choice trace with real flow hashes: 1.23 rotates the scan's start (5, 6, 3, 0, 6), 1.22 scans in dealing order (3, 0, 5, 6, 3)")
  func queueChoiceTraceByVersion() throws {
    for (version, expected) in [(v123, [5, 6, 3, 0, 6]), (v122, [3, 0, 5, 6, 3])] {
      var apf = try tiny(seats: 1, queues: 8, handSize: 3, version: version)
      let alice = apf.classify(.user("alice")), bob = apf.classify(.user("bob"))
      #expect(alice.flowHash == 0x4d4d_acc8_5573_a5a3 && bob.flowHash == 0x24a7_2db7_46d8_3b70)
      #expect(ShuffleShardingDealer(deckSize: 8, handSize: 3).hand(alice.flowHash) == [3, 5, 6])
      #expect(ShuffleShardingDealer(deckSize: 8, handSize: 3).hand(bob.flowHash) == [0, 3, 6])
      #expect(apf.admit(0, classification: alice, seats: 1, now: .zero, deadline: at(60)) == .execute(level: 1))
      for (id, flow) in [alice, bob, alice, bob, alice].enumerated() {
        #expect(apf.admit(UInt32(id + 1), classification: flow, seats: 1, now: .zero, deadline: at(60)) == .queued(level: 1, queueWaitDeadline: at(15)))
      }
      #expect((1...5).map { apf.queueIndex(of: UInt32($0)) } == expected, "\(version)")
    }
  }
}
