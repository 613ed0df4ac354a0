import Testing
import SimCore
@testable import AggregationModel

fileprivate func at(_ seconds: Int) -> SimTime { .zero + .seconds(seconds) }
fileprivate let v125 = KubernetesVersion(major: 1, minor: 25)
fileprivate let v126 = KubernetesVersion(major: 1, minor: 26)
/// The default levels' indices.
fileprivate let exempt = 0, globalDefault = 6, workloadLow = 5, workloadHigh = 4
fileprivate let alice = RequestSubject.user("alice")
fileprivate let admin = RequestSubject.user("admin", groups: ["system:masters"])

fileprivate func limits(_ apf: PriorityAndFairness) -> [Int] {
  (1..<apf.levelNames.count).map { apf.currentConcurrencyLimit(level: $0) }
}

/// The current limits after one 10 s period in which `level` had a constant demand of `seats`
/// (a background, so high watermark = smoothed demand = `seats`, as `update({level: (d, d)})` in
/// the audit's borrow.py).
fileprivate func limitsAfterDemand(_ seats: Int, level: Int) throws -> [Int] {
  var apf = try PriorityAndFairness(version: v126)
  var dispatched: [UInt32] = []
  apf.setBackgroundSeats(seats, level: level, now: .zero, dispatched: &dispatched)
  apf.adjustConcurrencyLimits(now: at(10), dispatched: &dispatched)
  return limits(apf)
}

@Suite("API Priority and Fairness: borrowing between priority levels (1.26+)")
struct AdmissionBorrowingTests {
  @Test("1.26 starts with the zero-demand allocation of the 602 nominal seats (borrow.py's idle cluster: workload-low 56, not 245); 1.25 keeps the nominal limits")
  func firstAllocation() throws {
    let idle = try PriorityAndFairness(version: v126)
    // system, node-high, leader-election, workload-high, workload-low, global-default, catch-all
    #expect(limits(idle) == [117, 170, 58, 114, 56, 56, 30])
    #expect(idle.concurrencyLimits == [0, 74, 98, 25, 98, 245, 49, 13])
    #expect(idle.maxSeats == [0, 12, 15, 4, 15, 37, 8, 0])   // still from the nominal limits
    let fixed = try PriorityAndFairness(version: v125)
    #expect(limits(fixed) == [74, 98, 25, 98, 245, 49, 13])
    #expect(!fixed.borrows && idle.borrows)
  }

  @Test("one period of constant demand at one level gives borrow.py's allocation", arguments: [
    (globalDefault, 50, [106, 155, 53, 104, 51, 106, 28]),
    (globalDefault, 100, [90, 132, 45, 88, 43, 180, 23]),
    (globalDefault, 200, [69, 101, 35, 68, 33, 277, 18]),
    (globalDefault, 300, [56, 82, 28, 55, 27, 338, 15]),
    (globalDefault, 5000, [50, 73, 25, 49, 24, 368, 13]),
    (workloadLow, 245, [63, 92, 31, 62, 308, 30, 16]),
    (workloadLow, 1000, [50, 73, 25, 49, 368, 24, 13]),
    (workloadHigh, 400, [50, 73, 25, 393, 24, 24, 13]),
  ])
  func allocationMatchesBorrowPy(level: Int, seats: Int, expected: [Int]) throws {
    #expect(try limitsAfterDemand(seats, level: level) == expected)
  }

  @Test("a lone hung flow in global-default: 1.25 runs 49 and queues 300 before the first 429; 1.26 runs 56, queues 300, then at 10 s (demand 356: limit 363) dispatches all 300 and runs 7 more at once (exact trace)")
  func hungFlowBeforeAndAfterBorrowing() throws {
    for (version, executing) in [(v125, 49), (v126, 56)] {
      var apf = try PriorityAndFairness(version: version)
      var decisions: [AdmissionDecision] = []
      for id in 0..<UInt32(executing + 301) {
        decisions.append(apf.admit(id, subject: alice, seats: 1, now: .zero, deadline: at(60)))
      }
      #expect(decisions.prefix(executing).allSatisfy { $0 == .execute(level: globalDefault) })
      #expect(decisions.dropFirst(executing).prefix(300).allSatisfy { $0 == .queued(level: globalDefault, queueWaitDeadline: at(15)) })
      #expect(decisions.last == .rejected(level: globalDefault, retryAfter: .seconds(1)), "\(version)")
      var dispatched: [UInt32] = []
      apf.adjustConcurrencyLimits(now: at(10), dispatched: &dispatched)
      if version == v125 {
        #expect(dispatched.isEmpty && apf.currentConcurrencyLimit(level: globalDefault) == 49)
        continue
      }
      #expect(limits(apf) == [51, 74, 26, 50, 24, 363, 13])
      #expect(dispatched.count == 300 && Set(dispatched) == Set(UInt32(56)..<356))
      #expect(apf.queuedRequests(level: globalDefault) == 0 && apf.seatsInUse(level: globalDefault) == 356)
      for id in UInt32(400)..<407 { #expect(apf.admit(id, subject: alice, seats: 1, now: at(10), deadline: at(70)) == .execute(level: globalDefault)) }
      #expect(apf.admit(407, subject: alice, seats: 1, now: at(10), deadline: at(70)) == .queued(level: globalDefault, queueWaitDeadline: at(25)))
    }
  }

  @Test("demand rises at once and decays by 0.977 per period: 60 hung requests give 123 seats at 10, 20 and 30 s; after they end at 25 s, 121 at 40 s (exact trace)")
  func smoothedDemandDecays() throws {
    var apf = try PriorityAndFairness(version: v126)
    for id in UInt32(0)..<60 { _ = apf.admit(id, subject: alice, seats: 1, now: .zero, deadline: at(60)) }
    #expect(apf.seatsInUse(level: globalDefault) == 56 && apf.queuedRequests(level: globalDefault) == 4)
    var dispatched: [UInt32] = []
    apf.adjustConcurrencyLimits(now: at(10), dispatched: &dispatched)
    // Demand 60 for the whole period: mean 60, deviation 0, high watermark 60.
    #expect(limits(apf) == [102, 149, 51, 100, 49, 123, 27])
    #expect(dispatched.sorted() == [56, 57, 58, 59])
    apf.adjustConcurrencyLimits(now: at(20), dispatched: &dispatched)
    #expect(apf.currentConcurrencyLimit(level: globalDefault) == 123)
    for id in UInt32(0)..<60 { apf.finish(id, now: at(25), dispatched: &dispatched) }
    // 60 for 5 s then 0: mean 30 + deviation 30 = 60 (smoothed 60), high watermark 60.
    apf.adjustConcurrencyLimits(now: at(30), dispatched: &dispatched)
    #expect(apf.currentConcurrencyLimit(level: globalDefault) == 123)
    // No demand: lower bound back to minCL 24, target 0.977 × 60 = 58.62.
    apf.adjustConcurrencyLimits(now: at(40), dispatched: &dispatched)
    #expect(limits(apf) == [103, 150, 51, 101, 49, 121, 27])
  }

  @Test("background seats are in use (1.25, 49 seats: 40 of them leave 9) and leaving frees them; they are demand for borrowing")
  func backgroundSeats() throws {
    var apf = try PriorityAndFairness(version: v125)
    var dispatched: [UInt32] = []
    apf.setBackgroundSeats(40, level: globalDefault, now: .zero, dispatched: &dispatched)
    for id in UInt32(0)..<9 { #expect(apf.admit(id, subject: alice, seats: 1, now: .zero, deadline: at(60)) == .execute(level: globalDefault)) }
    #expect(apf.admit(9, subject: alice, seats: 1, now: .zero, deadline: at(60)) == .queued(level: globalDefault, queueWaitDeadline: at(15)))
    apf.setBackgroundSeats(0, level: globalDefault, now: at(1), dispatched: &dispatched)
    #expect(dispatched == [9])
    // 1.26: 40 background seats for a period are a demand of 40.
    #expect(try limitsAfterDemand(40, level: globalDefault) == [110, 160, 55, 108, 53, 88, 29])
  }

  @Test("an exempt level's demand comes off the shared seats: at 400 every level gets its minCL; at 330 with global-default at 49, global-default gets minCL + 56% of 25 = 38")
  func exemptDemandDegenerateBranches() throws {
    for (exemptRequests, expected) in [(400, [50, 73, 25, 49, 24, 24, 13]), (330, [50, 73, 25, 49, 24, 38, 13])] {
      var apf = try PriorityAndFairness(version: v126)
      var dispatched: [UInt32] = []
      for id in 0..<UInt32(exemptRequests) { #expect(apf.admit(id, subject: admin, seats: 1, now: .zero, deadline: at(60)) == .execute(level: exempt)) }
      apf.setBackgroundSeats(49, level: globalDefault, now: .zero, dispatched: &dispatched)
      apf.adjustConcurrencyLimits(now: at(10), dispatched: &dispatched)
      #expect(limits(apf) == expected, "exempt \(exemptRequests)")
    }
  }

  @Test("the seat-demand integrator: time-weighted mean, standard deviation and maximum, restarting at the current value")
  func seatDemandIntegrator() {
    var integrator = SeatDemandIntegrator(at: .zero)
    integrator.set(10, at: .zero)
    integrator.set(30, at: at(5))
    integrator.set(20, at: at(8))
    let first = integrator.reset(at: at(10))
    // 10 × 5 s, 30 × 3 s, 20 × 2 s: mean 18; E[x²] = (500 + 2700 + 800) / 10 = 400; deviation √(400 − 324) = √76.
    #expect(first == .init(duration: 10, average: 18, deviation: 76.0.squareRoot(), maximum: 30))
    let second = integrator.reset(at: at(20))
    #expect(second == .init(duration: 10, average: 20, deviation: 0, maximum: 20))
    var statistics = SeatDemandStatistics()
    statistics.update(first)
    #expect(statistics.highWatermark == 30 && statistics.smoothed == 18 + 76.0.squareRoot())
    statistics.update(second)
    #expect(statistics.smoothed == 0.977 * (18 + 76.0.squareRoot()) + (1 - 0.977) * 20)
  }
}
