import Testing
import SimCore
@testable import AggregationModel

fileprivate func at(_ seconds: Int) -> SimTime { .zero + .seconds(seconds) }

@Suite("API Priority and Fairness: reject levels and the dynamic Retry-After")
struct AdmissionRetryAfterTests {
  /// One exempt level and a 1-seat level "catch-all" that rejects instead of queueing.
  func rejectLevel() throws -> PriorityAndFairness {
    var configuration = PriorityAndFairness.Configuration()
    configuration.serverConcurrencyLimit = 1
    configuration.priorityLevels = [.exempt(), PriorityLevelConfiguration(name: "catch-all", shares: 5, limited: .reject)]
    configuration.flowSchemas = [
      FlowSchema(name: "catch-all", matchingPrecedence: 10000, priorityLevel: "catch-all", subjects: [.group("system:authenticated")]),
    ]
    return try PriorityAndFairness(configuration: configuration)
  }

  @Test("a reject level executes while it has seats and rejects at once, without queueing, when full")
  func rejectLevelDoesNotQueue() throws {
    var apf = try rejectLevel()
    let u = RequestSubject.user("u")
    #expect(apf.admit(1, subject: u, seats: 1, now: .zero, deadline: at(60)) == .execute(level: 1))
    #expect(apf.admit(2, subject: u, seats: 1, now: .zero, deadline: at(60)) == .rejected(level: 1, retryAfter: .seconds(1)))
    #expect(apf.queuedRequests(level: 1) == 0)
    #expect(apf.finish(1, now: at(1)) == [])
    #expect(apf.admit(2, subject: u, seats: 1, now: at(1), deadline: at(61)) == .execute(level: 1))
  }

  @Test("Retry-After doubles after a burst of drops and then falls by 1 s at each later drop-second with few drops (exact trace)")
  func retryAfterTrace() throws {
    var apf = try rejectLevel()
    let u = RequestSubject.user("u")
    _ = apf.admit(0, subject: u, seats: 1, now: .zero, deadline: at(600))
    // Drop times in milliseconds, and the Retry-After each 429 carries.
    let drops: [(Int64, Int64)] = [
      (100, 1), (200, 1), (300, 1),        // 3 drops in second 0, r = 1
      (1_000, 2),                          // second 1: 3 >= 3 × 1 → doubles to 2
      (1_500, 2), (1_500, 2), (1_500, 2), (1_500, 2), (1_500, 2),
      (2_000, 2),                          // only 1 s since the change: no re-evaluation
      (3_000, 4),                          // seconds 1-2 hold 7 >= 3 × 2 drops → 4
      (7_000, 3),                          // window of 4 s holds 1 drop < 4 → 3
      (10_000, 2),                         // 1 < 3 → 2
      (12_000, 1),                         // 1 < 2 → 1
      (13_000, 1),                         // never below 1
    ]
    var id: UInt32 = 1
    for (ms, expected) in drops {
      let decision = apf.admit(id, subject: u, seats: 1, now: .zero + .milliseconds(ms), deadline: at(600))
      #expect(decision == .rejected(level: 1, retryAfter: .seconds(expected)), "drop at \(ms) ms")
      id += 1
    }
    #expect(apf.rejectedCount(level: 1) == drops.count)
    #expect(apf.retryAfter(level: 1) == .seconds(1))
  }

  @Test("Retry-After never exceeds 32 s under sustained heavy dropping")
  func retryAfterCap() {
    var tracker = DroppedRequestsTracker()
    var last = SimDuration.zero
    for second in Int64(0)..<200 {
      for k in Int64(0)..<200 { last = tracker.recordDrop(now: .zero + .milliseconds(second * 1000 + k)) }
    }
    #expect(last == .seconds(32))
  }

  @Test("Retry-After decreases at every drop-second with few drops before it, without waiting r s, and an increase waits r s since the last increase only (exact trace)")
  func retryAfterDecreasesWithoutTimeGate() {
    var tracker = DroppedRequestsTracker()
    // (second, Retry-After of a drop then), checked against the audit's retry.py (class Real).
    let drops: [(Int64, Int64)] = [
      (0, 1), (0, 1), (0, 1),
      (1, 2),                               // 3 drops in second 0 >= 3 × 1: doubles, increased at 1
      (1, 2), (1, 2), (1, 2), (1, 2), (1, 2),
      (2, 2),                               // 9 drops in seconds 0-1, but only 1 s since the increase: holds
      (3, 4),                               // seconds 1-2: 7 >= 6, 2 s since the increase: doubles, increased at 3
      (7, 3),                               // seconds 3-6: 1 < 4: down by 1
      (8, 2),                               // seconds 5-7: 1 < 3: down again 1 s later (a time gate would hold 3)
    ] + Array(repeating: (8, 2), count: 10) + [
      (9, 4),                               // seconds 7-8: 12 >= 6, 6 s since the increase at 3 (not 1 s since the decrease at 8)
      (10, 4),                              // seconds 6-9: 13 >= 12 but 1 s since the increase; not < 4: holds
    ]
    for (index, (second, expected)) in drops.enumerated() {
      #expect(tracker.recordDrop(now: at(Int(second))) == .seconds(expected), "drop \(index) at \(second) s")
    }
  }

  @Test("after 40 s of 200 drops/s (Retry-After 32 s), one drop every 2 s brings it back to 1 s at 133 s (the audit's retry.py), not 607 s")
  func retryAfterRecoversAfterOverload() {
    var tracker = DroppedRequestsTracker()
    for second in 1...40 {
      for k in 0..<200 { tracker.recordDrop(now: at(second) + .milliseconds(Int64(k))) }
    }
    #expect(tracker.retryAfter == .seconds(32))
    var backToOne: Int?
    var trace: [Int64] = []
    for second in stride(from: 41, through: 200, by: 2) {
      let r = tracker.recordDrop(now: at(second))
      if second <= 75 { trace.append(r.nanoseconds / 1_000_000_000) }
      if r == .seconds(1) && backToOne == nil { backToOne = second }
    }
    // Held at 32 while the 200/s seconds are in the 32 s window (3 × 32 = 96 drops), then down by 1 per drop.
    #expect(trace == Array(repeating: 32, count: 16) + [31, 30])
    #expect(backToOne == 133)
  }

  @Test("drops between r and 3r in the window hold Retry-After where it is")
  func retryAfterHoldBand() {
    var tracker = DroppedRequestsTracker()
    for _ in 0..<3 { tracker.recordDrop(now: .zero) }
    #expect(tracker.recordDrop(now: at(1)) == .seconds(2))            // 3 drops in second 0 → 2
    for _ in 0..<2 { tracker.recordDrop(now: at(2)) }                // second 1: 1 drop, second 2: 2 drops
    #expect(tracker.recordDrop(now: at(3)) == .seconds(2))            // window seconds 1-2: 1 + 2 = 3, in [2, 6)
  }
}
